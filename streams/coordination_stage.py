"""The worker's shell around the coordination detector (streams/coordination.py).

Partitioning. ``posts-scored`` is keyed by region, and a campaign spans regions: a detector per
region partition would see 300 copies over 20 provinces as 20 small groups. So the scoring stage
fingerprints every post (the costly part, spread over every worker) and forwards a compact record
(fingerprint, ids, pseudonym, region, two scores; never the text) to ``posts-coordination``, a
topic of ONE partition: one detector sees the whole country, in one place, in one order. Its work
per post is a few dict lookups (~15 us), far below the ~200 us a post costs to score, so one
partition is no bottleneck at the rates suhu is sized for (2,000 posts/s is ~3 % of a core); the
alternative, re-keying by LSH band to many partitions, sends each post once per band and needs a
merge of the clusters a campaign would be split into. On a rebalance the partition moves with its
state rebuilt as below.

Recovery. The durable part is small: which clusters were alerted (status, severity, member keys),
in the compacted ``coordination-state`` topic, written after the alerts it explains are on the
``alerts`` topic (a crash in between re-emits the same ``alert_id``, which delivery deduplicates).
Everything else is recomputed: on assignment, the detector re-reads ``posts-coordination`` from
two windows plus the reorder delay before the first record it is given, with the alerted clusters
loaded, and carries on. A recomputed cluster that holds a member of an alerted one takes its id.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable

import orjson

from streams.codecs import CodecError, decode_coordination
from streams.coordination import CoordinationConfig, CoordinationDetector, CoordPost, coord_post, coord_posts
from streams.records import Alert, ScoredPost
from streams.watermarks import WATERMARK_KIND, combine, parse_watermark_record

log = logging.getLogger("suhu.coordination")

__all__ = ["CoordinationStage", "read_state", "read_since"]


def read_state(open_reader: Callable[[], Any], topic: str, timeout_s: float = 60.0) -> dict[str, Any]:
    """Blocking: the compacted state topic as a dict (last value per key; None deletes)."""
    from kafka import TopicPartition

    reader = open_reader()
    try:
        tp = TopicPartition(topic, 0)
        reader.assign([tp])
        start = reader.beginning_offsets([tp])[tp]
        stop = reader.end_offsets([tp])[tp]
        out: dict[str, Any] = {}
        if stop <= start:
            return out
        reader.seek(tp, start)
        import time

        deadline = time.monotonic() + timeout_s
        while reader.position(tp) < stop and time.monotonic() < deadline:
            for rec in reader.poll(timeout_ms=500).get(tp, []):
                if rec.offset >= stop:
                    break
                key = rec.key.decode() if isinstance(rec.key, bytes) else str(rec.key)
                if rec.value is None:
                    out.pop(key, None)
                    continue
                try:
                    out[key] = decode_coordination(orjson.loads(rec.value))
                except (CodecError, orjson.JSONDecodeError) as exc:  # refused, not guessed (RELIABILITY)
                    log.error("coordination-state: unreadable record for %s skipped: %s", key, exc)
        return out
    finally:
        reader.close()


def read_since(open_reader: Callable[[], Any], topic: str, since_ms: int, stop: int,
               timeout_s: float = 120.0) -> list[bytes]:
    """Blocking: the values of partition 0 of ``topic`` from the first record at or after ``since_ms``
    (broker timestamps: the forwarder stamps records with their event time) up to offset ``stop``."""
    import time

    from kafka import TopicPartition

    reader = open_reader()
    try:
        tp = TopicPartition(topic, 0)
        reader.assign([tp])
        found = reader.offsets_for_times({tp: max(0, since_ms)}).get(tp)
        start = found.offset if found is not None else reader.end_offsets([tp])[tp]
        start = max(start, reader.beginning_offsets([tp])[tp])
        out: list[bytes] = []
        if start >= stop:
            return out
        reader.seek(tp, start)
        deadline = time.monotonic() + timeout_s
        while reader.position(tp) < stop and time.monotonic() < deadline:
            for rec in reader.poll(timeout_ms=500).get(tp, []):
                if rec.offset < stop:
                    out.append(rec.value)
        return out
    finally:
        reader.close()


class CoordinationStage:
    """Holds the one detector of this worker (when it owns ``posts-coordination``)."""

    def __init__(self, config: CoordinationConfig, *, phase_at: Any = None, sources: int | None = None) -> None:
        self.config = config
        self.phase_at = phase_at
        self.expected = None if sources is None else [str(i) for i in range(sources)]
        self.detector: CoordinationDetector | None = None
        self.marks: dict[str, int] = {}
        self.idle: set[str] = set()

    def forward_record(self, sp: ScoredPost) -> bytes:
        """The compact record for ``posts-coordination`` (no text)."""
        return orjson.dumps(coord_post(sp, self.config).to_dict())

    def forward_records(self, sps: list[ScoredPost]) -> list[bytes]:
        """`forward_record` for a scored batch (one vectorised MinHash for all of it)."""
        return [orjson.dumps(cp.to_dict()) for cp in coord_posts(sps, self.config)]

    def reset(self) -> None:
        self.detector = None
        self.marks.clear()
        self.idle.clear()

    def recover(self, state: dict[str, Any], replay: list[bytes]) -> list[Alert]:
        """A fresh detector with the alerted clusters, fed the re-read input; returns the alerts that
        input decides anew (already alerted clusters are not alerted again)."""
        det = self.detector = CoordinationDetector(self.config, dict(state), phase_at=self.phase_at,
                                                   external_clock=True)
        out: list[Alert] = []
        for raw in replay:
            out.extend(self.feed(raw))
        det.changed.clear()  # what was read back is already in the state topic
        out = [a for a in out if a.alert_id not in _emitted_ids(state, a)]
        return out

    def feed(self, raw: bytes) -> list[Alert]:
        """One record of ``posts-coordination``: a post's fingerprint, or a watermark record (the
        scoring stage's marks per input partition, as on posts-scored)."""
        det = self.detector
        assert det is not None
        try:
            doc = orjson.loads(raw)
            if doc.get("kind") == WATERMARK_KIND:
                marks, idle, owned = parse_watermark_record(doc)
                self.idle -= owned
                self.idle |= idle
                self.marks.update(marks)
                wm = combine(self.marks, self.idle, self.expected)
                return [] if wm is None else det.advance_watermark(wm)
            cp = CoordPost.from_dict(doc)
        except Exception:  # noqa: BLE001 - only our own stage writes here; never stall on one record
            log.error("unreadable record on posts-coordination")
            det.stats["unreadable"] += 1
            return []
        return det.feed(cp)


def _emitted_ids(state: dict[str, Any], alert: Alert) -> set[str]:
    """Alerts the state already records as sent (their transition equals the stored one)."""
    cid = (alert.coordination or {}).get("cluster_id")
    st = state.get(cid) if cid else None
    if st is None:
        return set()
    if st.get("s") == alert.status and st.get("sev") == alert.severity:
        return {alert.alert_id}
    return set()


async def run_blocking(fn: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


# --- metrics: bounded labels only (a kind of post, a severity, a status); never a cluster id, ----------
# author, hashtag or text.
COORDINATION_POST_KINDS = ("fingerprinted", "short", "reposts", "duplicates", "too_late")


class CoordinationMetrics:
    """The coordination detector's numbers, exported from its snapshot and counters."""

    def __init__(self, registry: Any) -> None:
        from prometheus_client import Counter, Gauge

        r = registry
        self._posts = Counter("suhu_coordination_posts", "Posts seen by the coordination detector, by kind "
                              "(fingerprinted, short: too few content words, reposts, duplicates, too_late).",
                              ["kind"], registry=r)
        for k in COORDINATION_POST_KINDS:
            self._posts.labels(kind=k)
        self._alerts = Counter("suhu_coordination_alerts", "Coordination alert transitions.",
                               ["severity", "status"], registry=r)
        for sev in ("warning", "critical"):
            for st in ("firing", "resolved"):
                self._alerts.labels(severity=sev, status=st)
        self._clusters = Gauge("suhu_coordination_clusters", "Clusters of near-identical posts in the window.",
                               registry=r)
        self._window = Gauge("suhu_coordination_window_posts", "Fingerprinted posts in the detector's window.",
                             registry=r)
        self._largest = Gauge("suhu_coordination_largest_cluster_authors",
                              "Distinct authors of the largest cluster in the window.", registry=r)
        self._firing = Gauge("suhu_coordination_firing", "Coordinated campaigns currently firing.", registry=r)
        self._index = Gauge("suhu_coordination_index_entries", "LSH band keys held (the detector's state size).",
                            registry=r)
        self._exported: dict[str, int] = {}

    def alert(self, severity: str, status: str) -> None:
        self._alerts.labels(severity=severity, status=status).inc()

    def export(self, detector: CoordinationDetector | None) -> None:
        if detector is None:
            return
        snap = detector.snapshot()
        self._clusters.set(snap["clusters"])
        self._window.set(snap["window_posts"])
        self._largest.set(snap["largest_authors"])
        self._firing.set(snap["firing"])
        self._index.set(snap["index"])
        for k in COORDINATION_POST_KINDS:
            now = detector.stats.get(k, 0)
            delta = now - self._exported.get(k, 0)
            if delta > 0:
                self._posts.labels(kind=k).inc(delta)
            self._exported[k] = now
