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
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["AckGuard"]

log = logging.getLogger("suhu.worker")


class AckGuard:
    def __init__(self, topics: Iterable[str]) -> None:
        self.topics = frozenset(topics)
        self._finished: set[tuple[str, int, int]] = set()
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

    def install(self, consumer: Any) -> None:
        """Wrap ``consumer.ack`` (called by `Message.ack` once a message's last stream lets go)."""
        ack: Callable[[Any], bool] = consumer.ack

        def guarded_ack(message: Any) -> bool:
            if not self.allows(message):
                # Untracked too, or Faust's `wait_empty` (revoke, stop) would wait for it forever.
                consumer._unacked_messages.discard(message)  # noqa: SLF001 - no public way
                log.debug("not acking %s/%s@%s: skipped or interrupted, will be read again",
                          message.topic, message.partition, message.offset)
                return False
            return ack(message)

        consumer.ack = guarded_ack


PROCESS, DONE_BEFORE, HOLD = "process", "done-before", "hold"


class OffsetSequencer:
    """Each partition's messages reach the agent once and in offset order, or the partition is re-read.

    Why: faust-streaming can also lose a fetched message without acking it: flow control drops queued
    messages on a rebalance and relies on a seek to the committed offset to fetch them again, and a
    message fetched between `resume_partitions` and that seek slips past it. The survivor of a two-worker
    rebalance then went on from a later offset and an alert already on the topic never reached the pager
    (seen in the two-worker fault test: alerts 0/3..0/5 never reached any agent, 0/6 did).

    So the agent asks, per message: PROCESS (the next offset), DONE_BEFORE (processed already in this
    generation: ack it, do nothing), or HOLD (a hole before it: not processed, not acked). On a hole the
    agent seeks back to the first missing offset (`seek_to`); messages still queued from before the seek
    are held until the re-read arrives, which starts at or below the offset that revealed the hole. If
    the re-read starts above the hole, those offsets hold no records (a transaction marker, retention)
    and the partition goes on from there.
    """

    def __init__(self) -> None:
        self._next: dict[Any, int] = {}
        self._seeking: dict[Any, tuple[int, int]] = {}  # tp -> (first missing offset, offset that revealed it)
        self.holes = 0

    def reset(self) -> None:
        """A new assignment: Faust seeks every partition to its committed offset."""
        self._next.clear()
        self._seeking.clear()

    def admit(self, tp: Any, offset: int, committed: int | None) -> tuple[str, int | None]:
        """The verdict for ``offset`` of ``tp``, and an offset to seek ``tp`` to (or None)."""
        seeking = self._seeking.get(tp)
        if seeking is not None:
            missing, revealed = seeking
            if offset > revealed:
                return HOLD, None  # queued before the seek
            del self._seeking[tp]  # the re-read has begun
            if offset < missing:
                return DONE_BEFORE, None
            self._next[tp] = offset + 1
            return PROCESS, None
        expected = self._next.get(tp, committed)
        if expected is None or offset == expected:
            self._next[tp] = offset + 1
            return PROCESS, None
        if offset < expected:
            return DONE_BEFORE, None
        self.holes += 1
        self._seeking[tp] = (expected, offset)
        return HOLD, expected
