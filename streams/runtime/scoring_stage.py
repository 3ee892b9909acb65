"""Stage one, `score-posts`: a batch of raw posts -> scored posts, dead letters and hoax matches, and
the sources' watermarks that the scored posts carry forward.

    posts --(score: validate + score in batches)--> posts-scored (partitioned by region; one record per
                      |                              partition per batch, `scored_batch_records`)
                      \\--> posts-dlq (original bytes + reason headers)
                      \\--> hoax-matches (posts spreading a known claim, streams/runtime/claims_stage.py)
                      \\--> posts-coordination (fingerprints, no text; streams/runtime/coordination_stage.py)
                      \\--(every watermark_interval_s, and at once when a window can close)--> watermark
                        records to every posts-scored and hoax-matches partition (and posts-coordination's one)

No table writes (its batches span partitions). The agent in streams/runtime/app.py is
``commit(batch, await stage.score(batch.events), then=marks)``: the sources' marks claim the batch's
posts only once every output is handed to the producer (streams/runtime/checkpoint.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson

from streams.core import topics as T
from streams.runtime.checkpoint import Producer, Record
from streams.runtime.metrics import SuhuMetrics
from streams.core.pipeline import PostProcessor
from streams.core.engine import partition_for
from streams.core.records import SCORED_BATCH_KEY, scored_batch_records
from streams.core.watermarks import WATERMARK_KEY, SourceTracker, closing_step, watermark_record

log = logging.getLogger("suhu.worker")

__all__ = ["SCORING_SLICE", "ScoredBatch", "ScoringStage", "Watermarks"]

CONFIRM_INTERVAL_S = 1.0  # while a source is idle and others deliver: how often the broker confirms its log ends
CONFIRM_TIMEOUT_S = 2.0  # the broker's answer waited for at most this long (else Faust's highwater serves)
SCORING_SLICE = 64  # posts scored between two yields to the event loop (~10 ms of the fast tier)


@dataclass
class ScoredBatch:
    records: list[Record]  # dead letters, the hoax matches, then the scored posts (a record per posts-scored
    # partition, its posts in batch order), then the batch's fingerprints for posts-coordination
    event_ms: dict[int, int]  # index in the batch -> event time of the post scored from it
    now: float


class Watermarks:
    """The sources' marks (streams/core/watermarks.py), published to every partition of the topics read
    by the window stages: after a scored batch, and on a timer for idle sources and quiet partitions."""

    def __init__(self, settings: Any, sources: SourceTracker, producer: Producer, topics: list[str],
                 owned: Callable[[], list[int]], lag: Callable[[], dict[int, int | None]],
                 single: list[str] | None = None, confirm: Callable[[], Awaitable[None]] | None = None) -> None:
        self.settings, self.sources, self.producer, self.topics = settings, sources, producer, topics
        # Topics of ONE partition (posts-coordination): the marks go to partition 0, stamped with the low
        # mark (event time, like the fingerprints there, so a replay can seek by time).
        self.single = single or []
        self._owned, self._lag = owned, lag
        # Asks the broker for the posts partitions' log ends now (`FaustWorkarounds.refresh_log_ends`), so
        # that `lag` sees data that Faust has not fetched yet; see `_confirm_idle`.
        self._confirm = confirm
        self.confirmed_at = float("-inf")
        self.sent_at = 0.0
        self.sent: dict[str, Any] = {}
        self.step_sent: int | None = None  # closing_step of the low mark last published
        self._step_ms, self._grace_ms = settings.window_step_s * 1000, settings.window_grace_s * 1000

    async def claim(self, events: list[Any], scored: ScoredBatch, posts_topic: str) -> None:
        """The batch's posts are handed to the producer: the sources' marks may claim them; at once
        when the marks now close a window, else on the interval."""
        sources = self.sources
        resumed: set[int] = set()
        for i, ev in enumerate(events):
            msg = ev.message
            if msg.topic == posts_topic and sources.observe(msg.partition, msg.offset, scored.event_ms.get(i),
                                                            scored.now):
                resumed.add(msg.partition)
        for p in sorted(resumed):
            log.info("posts/%d delivers again after an idle spell", p)
        changed = await self._confirm_idle(scored.now, bool(resumed)) if sources.any_idle() else False
        if (changed or scored.now - self.sent_at >= self.settings.watermark_interval_s
                or closing_step(sources.low_mark(), self._step_ms, self._grace_ms) != self.step_sent):
            await self.publish()

    async def _confirm_idle(self, now: float, resumed: bool) -> bool:
        """Before marks move the clock past an idle source, check that it still has nothing to read.

        Faust's highwater for a partition moves only with Faust's fetches, and the broker's answer
        (`lag`) only with the sweep every few seconds: when input resumes after a quiet spell (collectors
        sending a backlog at once, a restart during a surge), the first partition Faust hands out would
        otherwise carry the clock ahead while the others still count as idle, and their posts would
        arrive late (tests/unit/test_watermark_publishing.py). So the broker is asked at once when an
        idle source resumes, and at most every `CONFIRM_INTERVAL_S` while data flows and a source is idle;
        sources with unread data become active before the marks go out. True when a source changed state."""
        if self._confirm is not None and (resumed or now - self.confirmed_at >= CONFIRM_INTERVAL_S):
            self.confirmed_at = now
            try:
                await asyncio.wait_for(self._confirm(), CONFIRM_TIMEOUT_S)
            except Exception as exc:  # noqa: BLE001 - Faust's highwater and the last answer still serve
                log.debug("log ends unavailable (%s)", type(exc).__name__)
        return self._check_idle(now)

    def _check_idle(self, now: float) -> bool:
        sources = self.sources
        changed = sources.check_idle(now, self._lag())
        for p in changed:
            src = sources.sources[p]
            log.info("posts/%d is %s", p, "idle: the watermark no longer waits for it" if src.idle else "active again")
        return bool(changed)

    async def tick(self) -> None:
        """Idle sources and quiet partitions still move the clock: marks go out on a timer too."""
        now = time.time()
        self.sources.assign(self._owned(), now)
        self._check_idle(now)
        await self.publish()

    async def publish(self) -> None:
        """One watermark record per partition: the marks of the sources this worker owns, when they
        changed (the window stages keep the last ones in their state, so a quiet input costs nothing)."""
        report = self.sources.report()
        self.sent_at = time.time()
        self.step_sent = closing_step(self.sources.low_mark(), self._step_ms, self._grace_ms)
        if not report or report == self.sent:
            return
        self.sent = report
        body = orjson.dumps(watermark_record(report, int(self.sent_at * 1000)))
        for topic in self.topics:  # posts-scored, then hoax-matches: the claim windows close on the same clock
            for q in range(self.settings.topic_partitions):
                await self.producer.send(Record(topic, WATERMARK_KEY, body, q))
        low = self.sources.low_mark()
        if low is not None:
            for topic in self.single:
                await self.producer.send(Record(topic, WATERMARK_KEY, body, 0))


class ScoringStage:
    def __init__(self, settings: Any, processor: PostProcessor, metrics: SuhuMetrics, *, scored_topic: str,
                 dlq_topic: str, match: Callable[[Any], Record | None],
                 forward: Callable[[list[Any]], list[Record]] | None = None) -> None:
        self.processor, self.metrics = processor, metrics
        self.scored_topic, self.dlq_topic, self.match = scored_topic, dlq_topic, match
        self.forward = forward  # the batch's records for posts-coordination (streams/runtime/coordination_stage.py)
        # The fast tier holds the GIL for its whole batch (~50 ms at 256 posts): in an executor thread it
        # starved the event loop (every socket write waited for the GIL; py-spy: 19% in transport.write).
        # So it runs on the loop, in slices of SCORING_SLICE posts (~10 ms) with a yield between, so
        # heartbeats, fetches and /metrics never wait behind a whole batch. Only the transformer tier,
        # which releases the GIL inside torch, is worth the thread hop.
        self.inline = settings.transformer_dir is None or settings.transformer_mode == "off"
        self.newest_event_ms = 0
        self.topic_partitions = settings.topic_partitions
        self.partitions: dict[str, int] = {}  # region -> its posts-scored partition (Kafka's partitioner)

    async def score(self, events: list[Any]) -> ScoredBatch:
        metrics = self.metrics
        raws = [ev.value if isinstance(ev.value, (bytes, bytearray)) else b"" for ev in events]
        try:
            if self.inline:
                result = await _process_in_slices(self.processor, raws)
            else:
                result = await asyncio.get_running_loop().run_in_executor(None, self.processor.process, raws)
        except Exception as exc:  # noqa: BLE001 - a batch that cannot be scored is dead-lettered, never retried forever
            log.exception("stage one failed on a batch of %d", len(events))
            result = _all_failed(raws, exc)
        metrics.posts_received(len(events), None)
        records: list[Record] = []
        for i, rejection in result.rejected:
            ev = events[i]
            src = f"{ev.message.topic}/{ev.message.partition}/{ev.message.offset}"
            records.append(Record(
                self.dlq_topic, ev.key if isinstance(ev.key, bytes) else None, raws[i],
                headers=[(T.DLQ_REASON_HEADER, rejection.reason.encode()),
                         (T.DLQ_DETAIL_HEADER, rejection.detail.encode("utf-8", "replace")),
                         (T.DLQ_SOURCE_HEADER, src.encode())]))
            metrics.posts_dead_lettered(rejection.reason)
            if rejection.reason == "scoring_failed":
                metrics.scorer_error()
        if result.scored:
            metrics.scoring_batch(len(result.scored), result.scoring_seconds)
        now = time.time()
        event_ms: dict[int, int] = {}
        forwarded: list[Any] = []
        # One record per posts-scored partition, its posts in batch order: a post moves its source's mark
        # on that partition (streams/core/engine.py), so a partition must see each source in order. (A
        # record per region put one region's posts after another's: up to a batch's span late.)
        by_partition: dict[int, list[bytes]] = {}
        partitions = self.partitions
        for i, sp in result.scored:
            # Stamped with its input partition: the post carries its source's watermark progress.
            sp = dataclasses.replace(sp, source=events[i].message.partition)
            forwarded.append(sp)
            region = sp.post.region
            q = partitions.get(region)
            if q is None:
                q = partitions[region] = partition_for(region, self.topic_partitions)
            by_partition.setdefault(q, []).append(sp.to_json())
            hoax = self.match(sp)  # a post spreading a known hoax, to its claim's partition
            if hoax is not None:
                records.append(hoax)
            metrics.post_scored(sp.post.platform, now - sp.post.event_ms / 1000.0)
            event_ms[i] = sp.post.event_ms
            if sp.post.event_ms > self.newest_event_ms:
                self.newest_event_ms = sp.post.event_ms
        for q, encoded in by_partition.items():
            records.extend(Record(self.scored_topic, SCORED_BATCH_KEY, body, q) for body in scored_batch_records(encoded))
        if self.forward is not None:  # fingerprints: one vectorised MinHash for the whole batch
            records.extend(self.forward(forwarded))
        return ScoredBatch(records, event_ms, now)


async def _process_in_slices(processor: PostProcessor, raws: list[bytes]) -> Any:
    """`processor.process(raws)`, one slice at a time, yielding to the loop in between."""
    from streams.core.pipeline import BatchResult

    if len(raws) <= SCORING_SLICE:
        return processor.process(raws)
    merged = BatchResult()
    for start in range(0, len(raws), SCORING_SLICE):
        part = processor.process(raws[start:start + SCORING_SLICE])
        merged.scored.extend((start + i, sp) for i, sp in part.scored)
        merged.rejected.extend((start + i, r) for i, r in part.rejected)
        merged.scoring_seconds += part.scoring_seconds
        await asyncio.sleep(0)
    return merged


def _all_failed(raws: list[bytes], exc: Exception) -> Any:
    from streams.core.contract import Rejection
    from streams.core.pipeline import BatchResult

    return BatchResult(rejected=[(i, Rejection("scoring_failed", type(exc).__name__)) for i in range(len(raws))])
