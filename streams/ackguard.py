"""Only offsets an agent has finished may be committed.

Why: faust-streaming 0.15 acknowledges messages its streams *skip*: a message taken from a stream's
queue while flow control is suspended (a rebalance or a graceful stop) or fetched in an earlier
consumer generation is dropped and acked in `Stream.__aiter__` (``value is skipped_value``), and the
same `finally` acks an event whose agent was cancelled half-way (`take_events` acks its whole batch).
Acked offsets are committed, so those posts and alerts were never processed by anyone: after one of
two workers stopped, alerts already on the `alerts` topic never reached the pager (issue 6).

The guard wraps the consumer's `ack`: for the topics our agents read, an ack passes only for a
message the agent marked finished. A refused message stays uncommitted; after a rebalance the consumer
seeks back to the committed offset and fetches it again, after a stop the next owner does. That is
at-least-once; the stages are idempotent (dedup on the post key, `alert_id` at the pager).

Messages Faust skips and never fetches again are found by `HoleDetector` and read around Faust by
`HoleFiller` (see their docstrings).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["AckGuard", "HoleDetector", "HoleFiller", "ReRead"]

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
                consumer._unacked_messages.discard(message)  # noqa: SLF001 - no public way
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
    the hole; a message that later arrives again from Faust is a duplicate, which every stage absorbs.
    """

    def __init__(self) -> None:
        self._next: dict[Any, int] = {}
        self.holes = 0

    def reset(self) -> None:
        """A new assignment: Faust seeks every partition to its committed offset."""
        self._next.clear()

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


class ReRead:
    """A message read around Faust by `HoleFiller`: the parts of a Faust event the agents use."""

    __slots__ = ("message",)

    def __init__(self, message: Any) -> None:
        self.message = message

    @property
    def key(self) -> Any:
        return self.message.key

    @property
    def value(self) -> Any:
        return self.message.value


class HoleFiller:
    """Reads ``[start, stop)`` of one partition with a consumer of its own (no group, no commits)."""

    def __init__(self, open_reader: Callable[[], Any], timeout_s: float = 15.0) -> None:
        self._open_reader = open_reader
        self._reader: Any = None
        self.timeout_s = timeout_s
        # Agents on different topics may find holes at the same moment (a rebalance): one reader, one at a time.
        self._lock = threading.Lock()

    def read(self, topic: str, partition: int, start: int, stop: int) -> list[Any]:
        """Blocking (run it in an executor). Returns Faust `ConsumerMessage`s, in offset order; fewer
        than asked when the log has gaps or the read times out."""
        with self._lock:
            return self._read(topic, partition, start, stop)

    def read_all(self, topic: str, partition: int, timeout_s: float | None = None) -> list[Any]:
        """Blocking: the whole partition as it stands now (its first offset to its end offset), for
        state rebuilt from a topic (the deliver stage's firing alerts, streams/delivery_stage.py)."""
        from kafka import TopicPartition

        with self._lock:
            if self._reader is None:
                self._reader = self._open_reader()
            tp = TopicPartition(topic, partition)
            start = self._reader.beginning_offsets([tp])[tp]
            stop = self._reader.end_offsets([tp])[tp]
            if stop <= start:
                return []
            return self._read(topic, partition, start, stop, timeout_s)

    def _read(self, topic: str, partition: int, start: int, stop: int, timeout_s: float | None = None) -> list[Any]:
        from faust.types.tuples import ConsumerMessage
        from kafka import TopicPartition

        if self._reader is None:
            self._reader = self._open_reader()
        reader = self._reader
        tp = TopicPartition(topic, partition)
        reader.assign([tp])
        reader.seek(tp, start)
        out: list[Any] = []
        timeout_s = self.timeout_s if timeout_s is None else timeout_s
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and reader.position(tp) < stop:
            for record in reader.poll(timeout_ms=500).get(tp, []):
                if start <= record.offset < stop:
                    out.append(ConsumerMessage(
                        record.topic, record.partition, record.offset,
                        record.timestamp / 1000.0 if record.timestamp is not None else None,
                        record.timestamp_type, record.headers, record.key, record.value, None))
        if reader.position(tp) < stop:
            # Part of the range only: the caller retries the whole range rather than skip the rest.
            raise TimeoutError(f"re-read of {topic}/{partition} {start}..{stop - 1} incomplete after {timeout_s} s")
        return out

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
