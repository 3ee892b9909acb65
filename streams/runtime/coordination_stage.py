"""The worker's shell around the coordination detector (streams/core/coordination.py).

Partitioning. ``posts-scored`` is keyed by region, and a campaign spans regions: a detector per
region partition would see 300 copies over 20 provinces as 20 small groups. So the scoring stage
fingerprints every post (the costly part, spread over every worker) and forwards a compact record
(fingerprint, ids, pseudonym, region, two scores; never the text), one message per scoring batch
(`fingerprints_record`), to ``posts-coordination``, a topic of ONE partition: one detector sees the whole country, in one place, in one order. Its work
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
from collections.abc import Iterable, MutableMapping
from typing import Any, Callable

import orjson

from streams.core import topics as T
from streams.runtime.aggregate_stage import alert_record
from streams.core.changelog import ChangelogBuffer, writer
from streams.runtime.checkpoint import Batch, Checkpoint, Record
from streams.core.codecs import CodecError, decode_coordination, encode_coordination
from streams.core.coordination import (CoordinationConfig, CoordinationDetector, coord_posts,
                                       coord_posts_of, fingerprints_record)
from streams.core.records import Alert, ScoredPost
from streams.core.watermarks import WATERMARK_KIND, apply_report, combine, parse_watermark_record

log = logging.getLogger("suhu.coordination")

__all__ = ["CoordinationStage", "install_coordination_stage", "read_state", "read_since", "record_event_ms",
           "record_event_span"]

FINGERPRINT_KEY = b"c"  # every fingerprint record on posts-coordination (one partition: the key only names the kind)


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
                key = _state_key(rec.key)
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


def _state_key(raw: Any) -> str:
    """A coordination-state key: JSON, as the Checkpoint writes changelog keys (``"cid"``)."""
    text = raw.decode("utf-8") if isinstance(raw, (bytes, bytearray)) else str(raw)
    if text.startswith('"'):
        try:
            return str(orjson.loads(text))
        except orjson.JSONDecodeError:
            pass
    return text


REPLAY_CHUNK = 20_000  # records read per step back when looking for where a replay starts


def record_event_span(raw: Any) -> tuple[int, int] | None:
    """The event times a ``posts-coordination`` record stands for, (earliest, latest): its fingerprints'
    post times, or a watermark record's lowest mark; None for anything else. Read from the payload,
    never from the record's timestamp, which is when it was written (see `CoordinationStage.forward`)."""
    try:
        doc = orjson.loads(raw)
        if doc.get("kind") == WATERMARK_KIND:
            marks = parse_watermark_record(doc)[0]
            return (min(marks.values()),) * 2 if marks else None
        times = [cp.event_ms for cp in coord_posts_of(doc)]
        return (min(times), max(times)) if times else None
    except Exception:  # noqa: BLE001 - an unreadable record has no time; `feed` counts it
        return None


def record_event_ms(raw: Any) -> int | None:
    """The earliest event time a ``posts-coordination`` record stands for (`record_event_span`)."""
    span = record_event_span(raw)
    return None if span is None else span[0]


def _latest_event_ms(raw: Any) -> int | None:
    span = record_event_span(raw)
    return None if span is None else span[1]


def first_event_ms(values: Iterable[Any]) -> int | None:
    """The event time of the first record in ``values`` that has one."""
    for raw in values:
        ms = record_event_ms(raw)
        if ms is not None:
            return ms
    return None


def replay_start(values: list[Any], since_ms: int) -> int:
    """Index of the first record with an event time at or after ``since_ms`` (len when none): what
    ``offsets_for_times`` answered when the records carried their event time as timestamp. A batch of
    fingerprints counts by its latest post, so a batch that straddles ``since_ms`` is replayed whole."""
    for i, raw in enumerate(values):
        ms = _latest_event_ms(raw)
        if ms is not None and ms >= since_ms:
            return i
    return len(values)


def read_since(open_reader: Callable[[], Any], topic: str, since_ms: int, stop: int,
               timeout_s: float = 120.0, chunk: int = REPLAY_CHUNK) -> list[bytes]:
    """Blocking: the values of partition 0 of ``topic`` from the first record whose event time is at or
    after ``since_ms`` up to offset ``stop``.

    The records' timestamps are their write times (so retention counts from when they were written),
    and a stream in catch-up or replay is written far from its event time, so the start is found from
    the payloads: step back from ``stop`` a chunk at a time until a whole chunk lies before ``since_ms``
    (the topic is in event-time order up to the scoring stage's reorder, far below a chunk)."""
    import time

    from kafka import TopicPartition

    reader = open_reader()
    try:
        tp = TopicPartition(topic, 0)
        reader.assign([tp])
        begin = reader.beginning_offsets([tp])[tp]
        deadline = time.monotonic() + timeout_s
        chunks: list[list[bytes]] = []  # newest first
        hi = stop
        found = False  # a whole chunk older than since_ms was read: the replay's start is in hand
        while hi > begin and time.monotonic() < deadline:
            lo = max(begin, hi - chunk)
            part = _read_range(reader, tp, lo, hi, deadline)
            chunks.append(part)
            hi = lo
            times = [ms for ms in map(_latest_event_ms, part) if ms is not None]
            if times and max(times) < since_ms:
                found = True
                break
        if not found and time.monotonic() >= deadline:
            # Never silent: the detector starts with the newest part of its window only (the loop leaves
            # hi above begin only when the deadline passed; at begin, the last chunk may be partial).
            log.warning("coordination: the re-read of %s ran past its %.0f s deadline at offset %d (of %d..%d): "
                        "the detector starts with part of its window", topic, timeout_s, hi, begin, stop)
        values = [v for part in reversed(chunks) for v in part]
        return values[replay_start(values, since_ms):]
    finally:
        reader.close()


def _read_range(reader: Any, tp: Any, lo: int, hi: int, deadline: float) -> list[bytes]:
    """The values at offsets [lo, hi) of ``tp`` (fewer if the deadline passes or retention removed some)."""
    import time

    out: list[bytes] = []
    reader.seek(tp, lo)
    while reader.position(tp) < hi and time.monotonic() < deadline:
        for rec in reader.poll(timeout_ms=500).get(tp, []):
            if lo <= rec.offset < hi:
                out.append(rec.value)
    return out


class CoordinationStage:
    """Holds the one detector of this worker (when it owns ``posts-coordination``).

    ``state``: where the alerted clusters are written for ``coordination-state`` (cluster id -> its
    encoded state, `encode_coordination`): the `ChangelogBuffer` the agent's `Checkpoint` sends after
    the batch's alerts are acknowledged (written through ``state.at(0)``: the topic has one partition),
    or a plain dict (bench, tests). ``topic_name``/``alerts_topic``: where fingerprints and alerts go.
    """

    def __init__(self, config: CoordinationConfig, *, phase_at: Any = None, sources: int | None = None,
                 state: MutableMapping[str, Any] | None = None, topic_name: str = T.POSTS_COORDINATION,
                 alerts_topic: str = T.ALERTS, on_alert: Callable[[Alert], None] = lambda alert: None) -> None:
        self.config = config
        self.phase_at = phase_at
        self.expected = None if sources is None else [str(i) for i in range(sources)]
        self.detector: CoordinationDetector | None = None
        # The input's clock as the window engines keep it (marks, idle sources, when each was last
        # reported): watermark records are taken in by the same rule (`apply_report`).
        self.clock: dict[str, Any] = {"w": {}, "i": [], "e": {}}
        self.state: MutableMapping[str, Any] = {} if state is None else state
        self._state_at = writer(self.state)
        self.topic_name, self.alerts_topic, self.on_alert = topic_name, alerts_topic, on_alert

    def forward_records(self, sps: list[ScoredPost]) -> list[bytes]:
        """The records for a scored batch: ONE record of all its fingerprints (one vectorised MinHash), so
        the coordinate agent takes one message per scoring batch, not one per post; none for no posts."""
        return [orjson.dumps(fingerprints_record(coord_posts(sps, self.config)))] if sps else []

    def forward(self, sps: list[ScoredPost]) -> list[Record]:
        """The scoring stage's records for ``posts-coordination``: the batch's fingerprints to its one
        partition. The timestamp is the producer's clock, not the event time: the topic's retention counts
        from it, and a replay of last week's posts must not be deleted at the broker's next retention check
        while it is being processed. The event time is in the payload (``t``; `read_since` seeks by it)."""
        return [Record(self.topic_name, FINGERPRINT_KEY, body, 0) for body in self.forward_records(sps)] if sps else []

    def reset(self) -> None:
        self.detector = None
        self.clock = {"w": {}, "i": [], "e": {}}

    def recover(self, state: dict[str, Any], replay: list[bytes]) -> list[Alert]:
        """A fresh detector with the alerted clusters, fed the re-read input; returns the alerts that
        input decides anew (already alerted clusters are not alerted again)."""
        det = self.detector = CoordinationDetector(self.config, dict(state), phase_at=self.phase_at,
                                                   external_clock=True)
        out: list[Alert] = []
        for raw in replay:
            out.extend(self.feed(raw))
        # What was read back is already in the state topic; what the replay changed (an alert decided
        # anew, a resolution, a severity raised) is not: it stays queued, and the next batch writes it
        # (`alerts`), after the alerts it goes with.
        det.changed.clear()
        det.changed.update(cid for cid in set(state) | set(det.alerted) if det.alerted.get(cid) != state.get(cid))
        # The store mirrors the state topic as read, without queuing it for the changelog (a deletion
        # needs its key in the store); writes not committed before the reset are dropped.
        store = self.state.backing if isinstance(self.state, ChangelogBuffer) else self.state
        if isinstance(self.state, ChangelogBuffer):
            self.state.drain()
        store.clear()
        store.update((cid, encode_coordination(value)) for cid, value in state.items())
        out = [a for a in out if a.alert_id not in _emitted_ids(state, a)]
        return out

    def alerts(self, events: list[Any], recovered: Iterable[Alert] = ()) -> list[Record]:
        """One batch of ``posts-coordination`` (after `recover` when the detector is new): the alert
        records (acknowledged before the state), and the changed alerted clusters written to ``state`` for the
        checkpoint to send after them."""
        found = list(recovered)
        for ev in events:
            if isinstance(ev.value, (bytes, bytearray)):
                found.extend(self.feed(ev.value))
        det = self.detector
        if det is not None:
            view = self._state_at(0)  # coordination-state has one partition, like its input
            for cid, value in det.drain_changed():
                if value is None:
                    view.pop(cid, None)
                else:
                    view[cid] = encode_coordination(value)
        return [alert_record(self.alerts_topic, a, _sent(self.on_alert, a)) for a in found]

    def feed(self, raw: bytes) -> list[Alert]:
        """One record of ``posts-coordination``: a batch's fingerprints (or one post's, the older format),
        or a watermark record (the scoring stage's marks per input partition, as on posts-scored)."""
        det = self.detector
        assert det is not None
        try:
            doc = orjson.loads(raw)
            if doc.get("kind") == WATERMARK_KIND:
                apply_report(self.clock, *parse_watermark_record(doc))
                wm = combine(self.clock["w"], self.clock["i"], self.expected)
                return [] if wm is None else det.advance_watermark(wm)
            cps = coord_posts_of(doc)
        except Exception:  # noqa: BLE001 - only our own stage writes here; never stall on one record
            log.error("unreadable record on posts-coordination")
            det.stats["unreadable"] += 1
            return []
        out: list[Alert] = []
        for cp in cps:
            out.extend(det.feed(cp))
        return out


def _emitted_ids(state: dict[str, Any], alert: Alert) -> set[str]:
    """Alerts the state already records as sent (their transition equals the stored one)."""
    cid = (alert.coordination or {}).get("cluster_id")
    st = state.get(cid) if cid else None
    if st is None:
        return set()
    if st.get("s") == alert.status and st.get("sev") == alert.severity:
        return {alert.alert_id}
    return set()


def _sent(on_alert: Callable[[Alert], None], alert: Alert) -> Callable[[], None]:
    def sent() -> None:
        on_alert(alert)
        log.info("coordination alert %s %s %s (%d accounts)", alert.dedup_key, alert.status, alert.severity,
                 alert.author_count)
    return sent


def _counted(metrics: Any, on_alert: Callable[[Alert], None], alert: Alert) -> None:
    metrics.alert(alert.severity, alert.status)
    on_alert(alert)


async def run_blocking(fn: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


def install_coordination_stage(app: Any, settings: Any, *, alerts_topic: str, phase_at: Any,
                               checkpoint: Callable[..., tuple[Checkpoint, list[ChangelogBuffer]]],
                               open_reader: Callable[[], Any], metrics: Any,
                               on_alert: Callable[[Alert], None]) -> CoordinationStage:
    """The `coordinate` agent over ``posts-coordination``. Injected by streams/runtime/app.py: ``checkpoint``
    (`stage_checkpoint`: the agent's Checkpoint, with a ChangelogBuffer per compacted topic it names),
    ``open_reader`` (a kafka-python consumer for the recovery reads), ``metrics``
    (`streams.runtime.metrics.CoordinationMetrics`) and ``on_alert`` (called once each alert is acknowledged)."""
    raw = dict(value_type=bytes, value_serializer="raw", key_type=bytes, key_serializer="raw")
    topic = app.topic(settings.topic(T.POSTS_COORDINATION), partitions=1, **raw)
    name, state_name = topic.get_topic_name(), settings.topic(T.COORDINATION_STATE)
    commits, (state,) = checkpoint(compacted=[state_name])
    stage = CoordinationStage(CoordinationConfig.from_settings(settings), phase_at=phase_at,
                              sources=settings.topic_partitions, state=state, topic_name=name,
                              alerts_topic=alerts_topic, on_alert=lambda a: _counted(metrics, on_alert, a))

    @app.on_partitions_assigned.connect
    async def _coordination_assigned(app: Any, assigned: Any, **kwargs: Any) -> None:
        stage.reset()  # rebuilt from its state topic and the last windows of input

    @app.timer(interval=2.0)
    async def export_coordination_gauges() -> None:
        metrics.export(stage.detector)

    async def coordinate_batch(batch: Batch) -> None:
        """One detector over every region: begin -> alerts (acknowledged) -> the alerted clusters' state."""
        cfg = stage.config
        recovered: list[Alert] = []
        if stage.detector is None and batch.events:
            first = batch.events[0].message
            first_ms = first_event_ms(ev.value for ev in batch.events)
            since = None if first_ms is None else first_ms - 2 * cfg.window_ms - cfg.reorder_ms
            alerted = await run_blocking(read_state, open_reader, state_name)
            replay = [] if since is None else \
                await run_blocking(read_since, open_reader, name, since, first.offset)
            recovered = stage.recover(alerted, replay)
            log.info("coordination: %d alerted clusters, %d records re-read from %d to offset %d (%s)",
                     len(alerted), len(replay), since, first.offset, stage.detector.snapshot())
        await commits.commit(batch, stage.alerts(batch.events, recovered))

    commits.serves(name, coordinate_batch)

    @app.agent(topic, name="coordinate")
    async def coordinate(stream: Any) -> None:
        commits.ready()
        async for taken in stream.take_events(settings.batch_size, within=settings.batch_deadline_ms / 1000.0):
            await commits.run(taken)

    return stage
