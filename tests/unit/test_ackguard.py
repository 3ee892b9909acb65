"""AckGuard: only messages an agent finished may have their offsets committed (streams/ackguard.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from streams.ackguard import AckGuard


@dataclass(frozen=True)
class Msg:
    topic: str
    partition: int
    offset: int


@dataclass
class FakeConsumer:
    """Records what reaches the real `ack`, and tracks unacked messages as Faust's consumer does."""

    acked: list[Msg] = field(default_factory=list)
    _unacked_messages: set[Any] = field(default_factory=set)

    def ack(self, message: Msg) -> bool:
        self._unacked_messages.discard(message)
        self.acked.append(message)
        return True


def guarded() -> tuple[AckGuard, FakeConsumer]:
    consumer = FakeConsumer()
    guard = AckGuard(["posts", "alerts"])
    guard.install(consumer)
    return guard, consumer


def test_a_finished_message_is_acked_once() -> None:
    guard, consumer = guarded()
    m = Msg("posts", 0, 7)
    guard.finished(m)
    assert consumer.ack(m) is True
    assert consumer.acked == [m]
    assert consumer.ack(m) is False  # the mark is used up: a second ack of that offset would be a skip


def test_a_skipped_or_interrupted_message_is_not_acked_and_not_waited_for() -> None:
    guard, consumer = guarded()
    m = Msg("alerts", 2, 40)  # e.g. dropped by Faust during a rebalance, or its batch was cancelled
    consumer._unacked_messages.add(m)
    assert consumer.ack(m) is False
    assert consumer.acked == []
    assert m not in consumer._unacked_messages  # a stop or revoke must not wait for it
    assert guard.refused == 1


def test_topics_the_agents_do_not_read_pass_through() -> None:
    _, consumer = guarded()
    m = Msg("suhu-__assignor-__leader", 0, 1)
    assert consumer.ack(m) is True and consumer.acked == [m]
