"""The work-arounds for faust-streaming 0.15 in one module: delete it when Faust is fixed.

Everything here either corrects an upstream behaviour or reaches into a private Faust attribute; the
rest of the runtime uses it only through `streams/runtime/checkpoint.py` (the `Checkpoint` takes `complete`
and `ack` from `FaustWorkarounds`) and the three small accessors at the bottom.

Upstream behaviour (faust-streaming 0.15.3, ``faust/streams.py`` ``Stream._py_aiter``):

* **Skipped messages are acked.** A message taken from a stream's queue while flow control is
  suspended (a rebalance or a graceful stop) or fetched in an earlier consumer generation becomes
  ``skipped_value`` and is *acked* in the iterator's ``finally`` (``do_ack or value is skipped_value``;
  the generation check came with https://github.com/faust-streaming/faust/pull/223 for
  https://github.com/faust-streaming/faust/issues/221). The same ``finally`` acks an event whose agent
  was cancelled half-way (``take_events`` acks its whole batch). Acked offsets are committed, so those
  posts and alerts were processed by nobody: after one of two workers stopped, alerts already on the
  `alerts` topic never reached the pager (issue 6). The same loss reported upstream:
  https://github.com/faust-streaming/faust/issues/315 (the event an agent failed on is skipped after
  a restart) and https://github.com/robinhood/faust/issues/604 (manual acks do not hold across an
  exception or a rebalance).
* **Fetched offsets are skipped and not fetched again.** Right after its seek to the committed offset
  on a rebalance Faust can drop messages it fetched (flow control not yet resumed) and carry on after
  them: https://github.com/faust-streaming/faust/issues/216 (an agent keeps going from a skipped
  offset and never seeks back).
* **Partitions are sometimes not fetched at all.** After a restart mid-stream Faust's consumer sought
  three `posts` partitions to their committed offsets and never fetched them again (CI, 3 Dec 2026:
  the SIGKILL fault's restarted worker waited 300 s with their lag untouched and its agent idle).
  Reported upstream without a cause: https://github.com/faust-streaming/faust/issues/629 ("Aiokafka
  has not sent fetch request for TP ... since start"); Faust's flow control takes a partition out of
  its fetch set while its stream buffer is full (``Consumer.on_buffer_full``) and relies on a queue
  callback to put it back.

* **Every fetched message costs several turns of the event loop.** ``Consumer._drain_messages``
  (faust/transport/consumer.py) hands each message to the conductor with
  ``await self.wait_first(callback(message), self.suspend_flow.wait())``: mode's ``Service.wait_first``
  wraps the callback and three events in tasks and waits on them with ``asyncio.wait``, so a message
  reaches its stream only after two or more loop iterations, each of which may also run a slice of a
  busy agent. Under load the drain crawled while the agents sat idle: at a steady 1,000 posts/s the
  worker fetched ~3,000 posts at a time every ~3 s and a post waited ~2 s before the scoring agent saw
  it (bench/NOTES.md, 4 Dec 2026). Upstream reports: https://github.com/robinhood/faust/issues/563
  (consumption far below a bare aiokafka consumer) and https://github.com/faust-streaming/faust/issues/229
  (the same call under load).

The work-arounds:

* `AckGuard` wraps the consumer's `ack`: for the topics our agents read, an ack passes only for a
  message the agent marked finished. A refused message stays uncommitted; after a rebalance the
  consumer seeks back to the committed offset and fetches it again, after a stop the next owner does.
  That is at-least-once; the stages are idempotent (dedup on the post key, `alert_id` at the pager).
* `HoleDetector` + `HoleFiller` find offsets Faust skipped before a message and read them around Faust
  (`streams/runtime/partition_reader.py`), in front of that message; `ReRead` carries such a message, which
  the guard acks itself (Faust never saw it).
* `prompt_delivery` gives the consumer a ``wait_first`` that first runs the callback to its first
  suspension: a message whose stream queue has room (nearly always) is delivered at once, without a
  task; one that has to wait goes to mode's ``wait_first`` from where it stopped, with the upstream
  semantics (a flow suspension or a stop still interrupts it).
* `TailWatch` finds the skipped offsets no later message reveals: the last ones of a partition that then
  goes quiet (a burst of alerts fetched during a rebalance, on a topic that may carry nothing more for
  hours). Faust has handed them out (its read offset is past them) yet the agent, idle, never saw them;
  after a grace period they are read around Faust and run through the agent's own `Checkpoint.run`.
  Without it the survivor of the two-worker fault left alerts on the `alerts` topic unpaged for the rest
  of the test (CI, 3 Dec 2026: 14 alerts on three partitions, from offset 0). The same watch finds a
  *stalled fetch* (the log, by the broker's end, holds what the agent expects and Faust hands none of it
  out while the agent sits idle for the grace period, or for a longer one while it is busy): it reads
  the partition around Faust in chunks, and its new messages as they come, until Faust hands out
  messages again, and gives a partition Faust still holds as buffer-full back to Faust's
  fetch set (`resume_buffered_partition`).

Private attributes Faust gives no public access to: ``consumer._committed_offset``
(`committed_offsets`), ``consumer._read_offset`` (`read_offsets`), ``faust.streams._current_event``
(`current_event`), ``consumer._unacked_messages`` (inside `AckGuard`), ``producer.buffer.max_messages``
(`raise_producer_buffer`), ``table.data.data`` (`memory_store`), and for the log of a stalled fetch
``consumer._active_partitions``, ``_buffered_partitions`` and ``_paused_partitions`` (`fetch_state`,
`resume_buffered_partition`).

Why one long module: every line here exists because of one library's behaviour, and the project keeps
such work-arounds in one place that cites the upstream behaviour; split, the parts would have to be
deleted together anyway.

Deleting this module, once Faust acks only what an agent finished and never skips a fetched offset:
the `Checkpoint` gets ``complete`` = the events as they are and ``ack`` = nothing (Faust acks an event
when the agent moves on); the accessors at the bottom stay needed until Faust has public getters.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from streams.runtime.partition_reader import PartitionReader

__all__ = ["AckGuard", "FaustWorkarounds", "HoleDetector", "HoleFiller", "ReRead", "TailWatch", "committed_offsets",
           "memory_store", "prompt_delivery", "raise_producer_buffer", "read_offsets"]

log = logging.getLogger("suhu.worker")


class AckGuard:
    def __init__(self, topics: Iterable[str]) -> None:
        self.topics = frozenset(topics)
        self._finished: set[tuple[str, int, int]] = set()
        self._ack: Callable[[Any], bool] | None = None
        self.refused = 0

    def finished(self, message: Any) -> None:
        """The agent is done with ``message`` (its outputs are sent): its ack may commit it."""
        self._finished.add((message.topic, message.partition, message.offset))

    def allows(self, message: Any) -> bool:
        if message.topic not in self.topics:
            return True
        key = (message.topic, message.partition, message.offset)
        if key in self._finished:
            self._finished.discard(key)
            return True
        self.refused += 1
        return False

    def done(self, event: Any) -> None:
        """The agent finished ``event``: a Faust event is acked by Faust when the agent moves on; a
        message read around Faust (`ReRead`) has nobody else to ack it, so it is acked here."""
        if isinstance(event, ReRead):
            if self._ack is not None:
                self._ack(event.message)
        else:
            self.finished(event.message)

    def install(self, consumer: Any) -> None:
        """Wrap ``consumer.ack`` (called by `Message.ack` once a message's last stream lets go)."""
        ack: Callable[[Any], bool] = consumer.ack
        self._ack = ack

        def guarded_ack(message: Any) -> bool:
            if not self.allows(message):
                # Untracked too, or Faust's `wait_empty` (revoke, stop) would wait for it forever.
                consumer._unacked_messages.discard(message)  # noqa: SLF001 - no public way (see the top)
                log.debug("not acking %s/%s@%s: skipped or interrupted, will be read again",
                          message.topic, message.partition, message.offset)
                return False
            return ack(message)

        consumer.ack = guarded_ack


class HoleDetector:
    """Finds offsets that were fetched but skipped on their way to an agent, per partition.

    Why: on a rebalance faust-streaming can skip messages it fetched right after its seek to the committed
    offset (flow control not yet resumed, `Stream.__aiter__`), and it does not fetch them again. With
    `AckGuard` they are not committed, but they would not be processed either until the next rebalance or
    restart: alerts already on the topic waited at the survivor of the two-worker fault. A seek from here
    was tried and was worse: Faust's drainer, still handing out an earlier fetch, dropped the re-read by
    its read-offset check, and holding a partition until a re-read stalls it on a real gap. So the agent
    reads the missing range around Faust (`HoleFiller`) and processes it before the message that revealed
    the hole; a message that later arrives again from Faust is below the expected offset: `HoleFiller`
    acks it and leaves it out (processed once).
    """

    def __init__(self) -> None:
        self._next: dict[Any, int] = {}
        self.holes = 0

    def reset(self) -> None:
        """A new assignment: Faust seeks every partition to its committed offset."""
        self._next.clear()

    def expected(self, tp: Any, committed: int | None) -> int | None:
        """The offset the agent should see next on ``tp`` (None: nothing seen and nothing committed)."""
        return self._next.get(tp, committed)

    def rewind(self, tp: Any, offset: int) -> None:
        """Expect ``offset`` next again (a fill failed: the next message reveals the hole again)."""
        self._next[tp] = offset

    def observe(self, tp: Any, offset: int, committed: int | None) -> int | None:
        """Record ``offset`` of ``tp``; returns the first skipped offset when there is a hole before it."""
        expected = self._next.get(tp, committed)
        if offset + 1 > self._next.get(tp, -1):
            self._next[tp] = offset + 1
        if expected is not None and offset > expected:
            self.holes += 1
            return expected
        return None


class TailWatch:
    """Offsets waiting on a partition that never reach its (idle) agent, with no later message to reveal
    them as a hole (pure; the clock is passed in). See the module docstring. Two cases:

    * a **skipped tail**: Faust handed them out (its read offset is at or past the offset the agent
      expects next) but the agent never saw them; re-read up to Faust's read offset;
    * a **stalled fetch**: the log holds them (its end, as the broker reports it, above the expected
      offset) but Faust has not handed them out, and does not: after a restart mid-stream Faust's
      consumer stopped fetching three of four `posts` partitions for good, so the watermark waited on
      their lag and the last windows never closed (CI, 3 Dec 2026, the SIGKILL fault). Read around
      Faust in chunks of ``chunk`` messages, the next at once while Faust's read offset stays where it was.

    A partition is suspect while the log holds the offset the agent expects; it is re-read once that has
    held for ``grace_s`` with nothing moving (the expected offset, and for a stalled fetch Faust's read
    offset) and the agent idle all along: a busy agent's queue may still hold a tail, and a busy Faust
    may just be slow. A stalled fetch is also read while the agent is busy, once nothing has moved for
    ``busy_grace_s`` (default 60 s): live input on the other partitions keeps the agent busy for good,
    and the stalled partition would hold the watermark, and every window with it, until that input
    paused. The longer grace is because reading *ahead* of a Faust that is only slow (an overloaded host)
    makes Faust deliver those offsets too, after all: `HoleFiller` acks them and leaves them out (a
    version that read ahead after 10 s with the agent busy, before that, counted 14,585 of 22,722 posts
    late in an overloaded `make test`, most likely posts seen twice whose contributions were evicted), but
    the overloaded worker fetches those messages twice.

    Once a stalled fetch was read around Faust, the partition is *chased*: its next messages are read at
    the next check (no new grace) for as long as Faust's read offset stays where it was, also after the
    chase caught up with the log's end, so live input on a stalled partition waits seconds, not a grace.
    """

    def __init__(self, grace_s: float = 10.0, chunk: int = 2000, busy_grace_s: float = 60.0) -> None:
        if chunk < 1:
            raise ValueError("chunk must be >= 1")
        if busy_grace_s < grace_s:
            raise ValueError("busy_grace_s must be >= grace_s")
        self.grace_s, self.chunk, self.busy_grace_s = grace_s, chunk, busy_grace_s
        # tp -> (what must move, since when it has not, since when the agent has been idle)
        self._since: dict[Any, tuple[tuple[int, int | None], float, float]] = {}
        self._chasing: dict[Any, int | None] = {}  # tp -> Faust's read offset when a stalled fetch was read around it

    def reset(self) -> None:
        self._since.clear()
        self._chasing.clear()

    def check(self, tp: Any, expected: int | None, handed: int | None, highwater: int | None, now: float,
              busy: bool) -> tuple[int, int] | None:
        """``[start, stop)`` to re-read on ``tp`` now, or None. ``handed``: Faust's read offset (the last
        offset it handed to the stream, or the committed offset it sought to); ``highwater``: the log's end."""
        chased = tp in self._chasing and self._chasing[tp] == handed
        if expected is None or highwater is None or highwater <= expected:
            self._since.pop(tp, None)
            if not (chased and expected is not None):  # a chase that caught up goes on with the next messages
                self._chasing.pop(tp, None)
            return None
        stalled = not_handed_out(expected, handed)
        if stalled and chased:
            # The last chunk was read around Faust and Faust still hands out nothing: the next one now.
            self._since[tp] = ((expected, handed), now, now)
            return expected, min(highwater, expected + self.chunk)
        self._chasing.pop(tp, None)
        moving = (expected, handed if stalled else None)
        mark = self._since.get(tp)
        if mark is None or mark[0] != moving:
            self._since[tp] = (moving, now, now)
            return None
        _, since, idle_since = mark
        if busy:
            self._since[tp] = (moving, since, now)  # idle, if at all, from now
            if not stalled or now - since < self.busy_grace_s:
                return None
        elif now - idle_since < self.grace_s:
            return None
        self._since[tp] = (moving, now, now)  # at most one re-read per grace, should it change nothing
        if stalled:
            self._chasing[tp] = handed
            return expected, min(highwater, expected + self.chunk)
        assert handed is not None
        return expected, min(handed + 1, highwater)


def not_handed_out(offset: int, handed: int | None) -> bool:
    """Faust has not handed ``offset`` out (its read offset is below it): a stalled fetch, not a skipped tail."""
    return handed is None or handed < offset


class ReRead:
    """A message read around Faust by `HoleFiller`: the parts of a Faust event the agents use."""

    __slots__ = ("message", "__weakref__")  # Faust's current event is a weak reference

    def __init__(self, message: Any) -> None:
        self.message = message

    @property
    def key(self) -> Any:
        return self.message.key

    @property
    def value(self) -> Any:
        return self.message.value


class HoleFiller:
    """Puts the offsets Faust skipped before an event in front of it: each partition of a batch reaches
    the agent complete and in offset order (see `HoleDetector`)."""

    def __init__(self, consumer: Callable[[], Any], reader: PartitionReader,
                 on_hole: Callable[[str], None] = lambda topic: None,
                 on_seen_before: Callable[[Any], None] = lambda event: None) -> None:
        self._consumer = consumer  # the consumer exists only once the app runs: looked up per batch
        self.reader = reader
        self.detector = HoleDetector()
        self.on_hole = on_hole
        # An event Faust hands out below the offset the agent expects next was processed already in this
        # assignment: read around Faust (a stalled fetch, `TailWatch`) before Faust fetched it after all.
        # It is left out of the batch and given here (to be acked), not run through the stage again: a
        # stage absorbs a duplicate post only while it still holds its contribution, and an older one
        # would count as late (CI on stop 29's build: 10,712 of 22,722 posts "late" in the all-at-once test;
        # a fresh clone's log then showed Faust handing out again, from their 17th offset, three
        # posts-scored partitions read around it).
        self.on_seen_before = on_seen_before
        self.seen_before = 0

    async def __call__(self, events: list[Any]) -> list[Any]:
        committed = committed_offsets(self._consumer())
        out: list[Any] = []
        seen_before: dict[Any, list[int]] = {}
        for ev in events:
            msg = ev.message
            expected = self.detector.expected(msg.tp, committed.get(msg.tp))
            if expected is None:
                await self.expect_start(msg.tp, msg.topic, msg.partition, upto=msg.offset)
            elif msg.offset < expected and not isinstance(ev, ReRead):
                seen_before.setdefault(msg.tp, []).append(msg.offset)
                self.on_seen_before(ev)
                continue
            first_missing = self.detector.observe(msg.tp, msg.offset, committed.get(msg.tp))
            if first_missing is not None:
                try:
                    missed = await asyncio.get_running_loop().run_in_executor(
                        None, self.reader.read, msg.topic, msg.partition, first_missing, msg.offset)
                except Exception as exc:  # noqa: BLE001 - never crash an agent over a re-read
                    log.error("%s/%s: re-reading offsets %d..%d failed (%s); the next message retries",
                              msg.topic, msg.partition, first_missing, msg.offset - 1, type(exc).__name__)
                    self.detector.rewind(msg.tp, first_missing)
                    missed = []
                log.warning("%s/%s: offsets %d..%d were fetched but skipped before reaching the agent; read "
                            "again around Faust: %d messages", msg.topic, msg.partition, first_missing,
                            msg.offset - 1, len(missed))
                self.on_hole(msg.topic)
                out.extend(ReRead(m) for m in missed)
            out.append(ev)
        for tp, offsets in seen_before.items():
            self.seen_before += len(offsets)
            log.info("%s/%s: Faust handed out offsets %d..%d again after they were read around it; not processed "
                     "twice (%d messages)", tp.topic, tp.partition, min(offsets), max(offsets), len(offsets))
        return out

    async def expect_start(self, tp: Any, topic: str, partition: int, upto: int | None = None) -> int | None:
        """Faust knows no committed offset for ``tp`` and the agent has seen nothing of it since the
        assignment: ask the broker where the group reads it from (its committed offset, else the log's
        first offset), once, and expect that offset next (at most ``upto``, the offset of a message in hand:
        one below the group's committed offset is a re-delivery, nothing is missing before it).

        Without this a partition's first messages could be skipped unseen: Faust commits from the first
        offset it acks (the survivor of the two-worker fault lost alerts 0..5). Faust's map is also empty
        for a moment after every eager rebalance, so "nothing committed" must not be assumed from it: that
        would re-read whole partitions. If the broker does not answer, holes are looked for from ``upto``
        (never a broker asked per message); without ``upto``, None (the caller asks again later)."""
        try:
            start = await asyncio.get_running_loop().run_in_executor(None, self.reader.start_offset, topic, partition)
        except Exception as exc:  # noqa: BLE001 - never an agent stalled over it
            log.warning("%s/%s: the group's start offset is unknown (%s)", topic, partition, type(exc).__name__)
            if upto is None:
                return None
            start = upto
        if upto is not None:
            start = min(start, upto)
        self.detector.rewind(tp, start)
        return start


class FaustWorkarounds:
    """What a `streams.runtime.checkpoint.Checkpoint` needs from this module: ``complete`` (hole filling) and
    ``ack`` (the guard's mark), installed on one app's consumer for the topics the agents read; and the
    re-read of skipped tails (`sweep_tails`, on a timer) through the checkpoints `register`ed here."""

    def __init__(self, app: Any, topics: Iterable[str], reader: PartitionReader,
                 on_hole: Callable[[str], None] = lambda topic: None, tail_grace_s: float = 10.0) -> None:
        self.app = app
        self.guard = AckGuard(topics)
        self.guard.install(app.consumer)
        prompt_delivery(app.consumer)
        self.filler = HoleFiller(lambda: app.consumer, reader, on_hole, on_seen_before=self.guard.done)
        self.tails = TailWatch(tail_grace_s)
        self.on_hole = on_hole
        self._checkpoints: list[Any] = []
        self._runs_seen: dict[str, int] = {}
        # The log's end per owned partition as the broker last reported it (`log_end`), asked at most every
        # `end_refresh_s` per topic by the sweep: Faust's highwater stops where Faust stopped fetching.
        self.end_refresh_s = 5.0
        self._log_end: dict[Any, int] = {}
        self._log_end_at: dict[str, float] = {}

    def register(self, checkpoint: Any) -> Any:
        """A checkpoint whose agent's skipped tails `sweep_tails` re-reads (once it `serves` a topic)."""
        self._checkpoints.append(checkpoint)
        return checkpoint

    async def sweep_tails(self, now: float | None = None) -> int:
        """Re-read the skipped tails of the owned partitions (`TailWatch`) and run each through its agent's
        checkpoint. Nothing while Faust rebalances or recovers tables: a stage must not run ahead of its
        state. Returns the number of messages re-read."""
        app = self.app
        consumer = app.consumer
        if getattr(app, "rebalancing", False) or getattr(app, "in_recovery", False) \
                or not getattr(consumer, "flow_active", True):
            self.tails.reset()
            return 0
        # Only agents that started iterating (`Checkpoint.ready`): scoring waits for the hoax catalogue first,
        # and nothing may run through an agent's body before the agent itself could.
        by_topic = {c.topic: c for c in self._checkpoints
                    if c.topic is not None and c.body is not None and (c.idle_since is not None or c.runs)}
        # Busy: running a batch, not started, or ran one since the last sweep (its queue was not empty,
        # so a partition waiting in it is not stalled). Only an agent idle from one sweep to the next counts.
        busy = {c.topic: c.idle_since is None or c.runs != self._runs_seen.get(c.topic) for c in by_topic.values()}
        self._runs_seen = {c.topic: c.runs for c in by_topic.values()}
        now = time.monotonic() if now is None else now
        committed, handed = committed_offsets(consumer), read_offsets(consumer)
        try:
            assignment = sorted(consumer.assignment())
        except Exception:  # noqa: BLE001 - the consumer is not started yet (or is restarting): next time
            return 0
        await self._refresh_log_ends([tp for tp in assignment if tp.topic in by_topic], now)
        reread = 0
        for tp in assignment:
            checkpoint = by_topic.get(tp.topic)
            if checkpoint is None:
                continue
            expected = self.filler.detector.expected(tp, committed.get(tp))
            if expected is None and handed.get(tp) is not None:
                expected = await self.filler.expect_start(tp, tp.topic, tp.partition)
            faust_read = handed.get(tp)
            span = self.tails.check(tp, expected, faust_read, self.log_end(tp), now, busy=busy[tp.topic])
            if span is None:
                continue
            start, stop = span
            stalled = not_handed_out(start, faust_read)
            if stalled:
                resume_buffered_partition(consumer, tp)
            try:
                missed = await asyncio.get_running_loop().run_in_executor(
                    None, self.filler.reader.read, tp.topic, tp.partition, start, stop)
            except Exception as exc:  # noqa: BLE001 - the next sweep tries again
                log.error("%s/%s: re-reading the skipped tail %d..%d failed (%s); retrying", tp.topic, tp.partition,
                          start, stop - 1, type(exc).__name__)
                continue
            if stalled:
                log.warning("%s/%s: offsets %d..%d wait on the broker but Faust hands out nothing (its read offset %s, "
                            "%s); read around Faust: %d messages", tp.topic, tp.partition, start, stop - 1, faust_read,
                            fetch_state(consumer, tp), len(missed))
            else:
                log.warning("%s/%s: offsets %d..%d were fetched but never reached the agent, and nothing after them "
                            "did; read again around Faust: %d messages", tp.topic, tp.partition, start, stop - 1,
                            len(missed))
            self.on_hole(tp.topic)
            if missed:
                events = [ReRead(m) for m in missed]
                with current_event(events[0]):
                    await checkpoint.run(events)
                reread += len(missed)
        return reread

    def log_end(self, tp: Any) -> int | None:
        """The end of ``tp``'s log as far as anyone here knows: Faust's highwater, or the broker's last
        answer when that is further (a partition Faust stopped fetching); None when neither is known."""
        try:
            faust_end = self.app.consumer.highwater(tp)
        except Exception:  # noqa: BLE001 - the consumer is not started yet (or is restarting)
            faust_end = None
        broker_end = self._log_end.get(tp)
        if faust_end is None:
            return broker_end
        return faust_end if broker_end is None else max(faust_end, broker_end)

    async def refresh_log_ends(self, topic: str) -> None:
        """Ask the broker now for the log's end of the owned partitions of ``topic`` (`log_end`): the
        scoring stage confirms that an idle source has nothing unread before the clock leaves it behind
        (streams/runtime/scoring_stage.py, `Watermarks`)."""
        try:
            owned = [tp for tp in self.app.consumer.assignment() if tp.topic == topic]
        except Exception:  # noqa: BLE001 - the consumer is not started yet (or is restarting)
            return
        self._log_end_at.pop(topic, None)
        await self._refresh_log_ends(owned, time.monotonic())

    async def _refresh_log_ends(self, tps: list[Any], now: float) -> None:
        by_topic: dict[str, list[Any]] = {}
        for tp in tps:
            if now - self._log_end_at.get(tp.topic, float("-inf")) >= self.end_refresh_s:
                by_topic.setdefault(tp.topic, []).append(tp)
        for topic, owned in by_topic.items():
            self._log_end_at[topic] = now
            try:
                ends = await asyncio.get_running_loop().run_in_executor(
                    None, self.filler.reader.end_offsets, topic, [tp.partition for tp in owned])
            except Exception as exc:  # noqa: BLE001 - Faust's highwater still serves; the next sweep asks again
                log.debug("%s: end offsets unavailable (%s)", topic, type(exc).__name__)
                continue
            for tp in owned:
                if tp.partition in ends:
                    self._log_end[tp] = ends[tp.partition]

    async def complete(self, events: list[Any]) -> list[Any]:
        return await self.filler(events)

    def ack(self, event: Any) -> None:
        self.guard.done(event)

    def assigned(self) -> None:
        """A new assignment: Faust seeks every partition to its committed offset."""
        self.filler.detector.reset()
        self.tails.reset()
        self._log_end.clear()
        self._log_end_at.clear()


# -- delivery of fetched messages ---------------------------------------------------------------------
class _Continue:
    """An awaitable that drives ``coro`` on from its first suspension, where `prompt_delivery` left it
    (``yielded``: what it yielded there, normally a future it waits on)."""

    __slots__ = ("_coro", "_yielded")

    def __init__(self, coro: Any, yielded: Any) -> None:
        self._coro, self._yielded = coro, yielded

    def __await__(self) -> Any:
        coro, value = self._coro, self._yielded
        while True:
            try:
                sent = yield value
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:  # noqa: BLE001 - passed on to the coroutine (a cancellation)
                try:
                    value = coro.throw(exc)
                except StopIteration as stop:
                    return stop.value
            else:
                try:
                    value = coro.send(sent)
                except StopIteration as stop:
                    return stop.value


def prompt_delivery(consumer: Any) -> None:
    """Give ``consumer`` a ``wait_first`` that runs its first coroutine to its first suspension at once.

    The drain loop calls ``wait_first(callback(message), suspend_flow.wait())`` once per message (see the
    module docstring). When the callback completes without suspending (its stream queue had room), the
    message is delivered with no task and no loop iteration, and the other coroutines are closed unrun.
    Otherwise mode's own ``wait_first`` takes over with the callback resumed where it stopped, so a flow
    suspension, a stop or a crash still interrupts a delivery that waits. Other callers get the same
    results: mode would run the first coroutine's first step in a task on the next iteration anyway."""
    from mode.services import WaitResults

    upstream = getattr(consumer, "wait_first", None)
    if upstream is None:  # not a mode Service (a test's fake consumer): nothing to speed up
        return

    async def wait_first(*coros: Any, timeout: Any = None) -> Any:
        first = coros[0] if coros else None
        if timeout is None and asyncio.iscoroutine(first):
            try:
                yielded = first.send(None)
            except StopIteration as stop:
                _close(coros[1:])
                return WaitResults([first], [stop.value], False)
            except BaseException:
                _close(coros[1:])
                raise
            coros = (_Continue(first, yielded), *coros[1:])
        return await upstream(*coros, timeout=timeout)

    consumer.wait_first = wait_first


def _close(coros: Iterable[Any]) -> None:
    for coro in coros:
        if asyncio.iscoroutine(coro):
            coro.close()


# -- private Faust attributes -------------------------------------------------------------------------
@contextlib.contextmanager
def current_event(event: Any) -> Iterator[None]:
    """Make ``event`` Faust's current event (``faust.streams._current_event``, a private context variable)
    while a batch read around Faust runs outside the agent's stream: a Faust table write (the `delivered`
    mark) takes its changelog partition from the current event, and outside a stream it raises."""
    from faust.streams import _current_event

    token = _current_event.set(weakref.ref(event))
    try:
        yield
    finally:
        _current_event.reset(token)


def committed_offsets(consumer: Any) -> Mapping[Any, int]:
    """``TopicPartition -> committed offset`` as the consumer last committed or was assigned it."""
    return consumer._committed_offset  # type: ignore[no-any-return]  # noqa: SLF001 - no public getter


def read_offsets(consumer: Any) -> Mapping[Any, int | None]:
    """``TopicPartition -> the last offset Faust handed to its streams`` (or the committed offset it sought
    to on an assignment): set in ``Consumer._drain_messages`` even for a message the stream then skipped."""
    return consumer._read_offset  # type: ignore[no-any-return]  # noqa: SLF001 - no public getter


def fetch_state(consumer: Any, tp: Any) -> str:
    """Why Faust may not be fetching ``tp``, for the log: its flow-control sets (``_active_partitions``,
    ``_buffered_partitions``, ``_paused_partitions``) and ``flow_active``."""
    def has(name: str) -> str:
        members = getattr(consumer, name, None)
        return "?" if members is None else ("yes" if tp in members else "no")

    return (f"active {has('_active_partitions')}, buffered {has('_buffered_partitions')}, "
            f"paused {has('_paused_partitions')}, flow {'on' if getattr(consumer, 'flow_active', True) else 'off'}")


def resume_buffered_partition(consumer: Any, tp: Any) -> None:
    """Faust stops fetching a partition whose stream buffer filled (``Consumer.on_buffer_full`` moves it from
    ``_active_partitions`` to ``_buffered_partitions``) until the queue's pressure-drop callback calls
    ``on_buffer_drop``. Called on a stalled fetch: none of the partition's messages waits in the queue (the
    agent has seen all Faust handed out) and nothing moved for the grace period, so a partition still marked
    buffered lost that callback or waits far too long for it: Faust's own ``on_buffer_drop`` lets it fetch
    again (should the queue still be full, Faust's conductor waits for room as it always does)."""
    buffered = getattr(consumer, "_buffered_partitions", None)
    if buffered is not None and tp in buffered:
        log.warning("%s/%s: Faust still held it as buffer-full with none of it queued; fetching it again",
                    tp.topic, tp.partition)
        consumer.on_buffer_drop(tp)


def raise_producer_buffer(app: Any, max_messages: int) -> None:
    """Faust's own table writes (now only `delivered`; the engine's tables go through ChangelogBuffers)
    queue in its producer buffer, whose default of 100 stalled streams on every flush under load."""
    app.producer.buffer.max_messages = max_messages


def memory_store(table: Any) -> Any:
    """The dict behind a table with the in-memory store (the worker's only store, see `faust_app`)."""
    store = table.data
    backing = getattr(store, "data", None)
    if not isinstance(backing, dict):
        raise TypeError(f"table {table.name} needs the memory:// store, got {type(store).__name__}")
    return backing
