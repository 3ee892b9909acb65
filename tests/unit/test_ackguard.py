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


# --- OffsetSequencer: each partition in offset order, or read again ----------------------------------

from streams.ackguard import DONE_BEFORE, HOLD, PROCESS, OffsetSequencer  # noqa: E402

TP = ("alerts", 0)


def feed(seq: OffsetSequencer, offsets: list[int], committed: int | None = None) -> list[tuple[int, str, int | None]]:
    return [(o, *seq.admit(TP, o, committed)) for o in offsets]


def test_consecutive_offsets_are_processed() -> None:
    seq = OffsetSequencer()
    assert feed(seq, [0, 1, 2]) == [(0, PROCESS, None), (1, PROCESS, None), (2, PROCESS, None)]


def test_the_first_message_after_an_assignment_starts_at_the_committed_offset() -> None:
    seq = OffsetSequencer()
    assert feed(seq, [5, 6], committed=5) == [(5, PROCESS, None), (6, PROCESS, None)]
    seq.reset()
    assert feed(seq, [7], committed=9) == [(7, DONE_BEFORE, None)]  # below the committed offset: done before


def test_a_hole_is_read_again_and_the_messages_queued_before_the_seek_are_held() -> None:
    # What the two-worker fault showed: 0..2 reach the agent, 3..5 never do, 6.. arrive.
    seq = OffsetSequencer()
    assert feed(seq, [0, 1, 2]) == [(0, PROCESS, None), (1, PROCESS, None), (2, PROCESS, None)]
    assert seq.admit(TP, 6, None) == (HOLD, 3)  # seek back to 3
    assert seq.admit(TP, 7, None) == (HOLD, None)  # still queued from before the seek
    # the re-read: 3.. in order, then 6 and 7 again, processed this time
    assert feed(seq, [3, 4, 5, 6, 7, 8]) == [(o, PROCESS, None) for o in [3, 4, 5, 6, 7, 8]]
    assert seq.holes == 1


def test_a_reread_that_starts_above_the_hole_means_the_offsets_hold_no_records() -> None:
    seq = OffsetSequencer()
    feed(seq, [10, 11], committed=10)
    assert seq.admit(TP, 14, None) == (HOLD, 12)
    assert feed(seq, [14, 15]) == [(14, PROCESS, None), (15, PROCESS, None)]  # 12, 13: e.g. transaction markers


def test_already_processed_offsets_are_acked_without_processing() -> None:
    seq = OffsetSequencer()
    feed(seq, [0, 1, 2, 3])
    assert feed(seq, [2, 3]) == [(2, DONE_BEFORE, None), (3, DONE_BEFORE, None)]
    assert seq.admit(TP, 4, None) == (PROCESS, None)


def test_partitions_are_independent() -> None:
    seq = OffsetSequencer()
    assert seq.admit(("posts", 0), 0, None) == (PROCESS, None)
    assert seq.admit(("posts", 1), 40, 40) == (PROCESS, None)
    assert seq.admit(("posts", 0), 1, None) == (PROCESS, None)
