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
