"""AckGuard: only messages an agent finished may have their offsets committed (streams/runtime/faust_workarounds.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from streams.runtime.faust_workarounds import AckGuard


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


# --- HoleDetector: fetched offsets that skipped the agent are found ----------------------------------

from streams.runtime.faust_workarounds import HoleDetector  # noqa: E402

TP = ("alerts", 0)


def test_consecutive_offsets_are_no_hole() -> None:
    holes = HoleDetector()
    assert [holes.observe(TP, o, None) for o in (0, 1, 2)] == [None, None, None]


def test_a_jump_past_the_next_offset_is_a_hole_starting_at_the_first_missing_offset() -> None:
    # What the two-worker fault showed: 0..2 reached the agent, 3..5 never did, 6 did.
    holes = HoleDetector()
    assert [holes.observe(TP, o, None) for o in (0, 1, 2, 6, 7)] == [None, None, None, 3, None]
    assert holes.holes == 1


def test_after_an_assignment_the_committed_offset_is_the_next_expected() -> None:
    holes = HoleDetector()
    holes.observe(TP, 0, None)
    holes.reset()
    assert holes.observe(TP, 9, 5) == 5
    holes.reset()
    assert holes.observe(TP, 5, 5) is None


def test_a_reread_of_earlier_offsets_is_no_hole() -> None:
    holes = HoleDetector()
    for o in (0, 1, 2, 3):
        holes.observe(TP, o, None)
    assert holes.observe(TP, 1, None) is None and holes.observe(TP, 4, None) is None


# --- PartitionReader: the skipped range, read around Faust ----------------------------------------------------

from streams.runtime.faust_workarounds import ReRead  # noqa: E402
from streams.runtime.partition_reader import PartitionReader  # noqa: E402


@dataclass
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None = None
    value: bytes | None = None
    timestamp: int | None = 1_700_000_000_000
    timestamp_type: int = 0
    headers: list = field(default_factory=list)


class FakeReader:
    """A partition log with offsets 0..19 (13 missing: a transaction marker), polled a few at a time."""

    def __init__(self) -> None:
        self.log = [Record("alerts", 0, o, value=f"v{o}".encode()) for o in range(20) if o != 13]
        self.pos = 0

    def assign(self, tps):  # type: ignore[no-untyped-def]
        self.tp = tps[0]

    def seek(self, tp, offset):  # type: ignore[no-untyped-def]
        self.pos = offset

    def position(self, tp):  # type: ignore[no-untyped-def]
        return self.pos

    def poll(self, timeout_ms=0):  # type: ignore[no-untyped-def]
        batch = [r for r in self.log if r.offset >= self.pos][:3]
        if batch:
            self.pos = batch[-1].offset + 1
        return {self.tp: batch}


def test_the_filler_reads_exactly_the_missing_range_in_order() -> None:
    filler = PartitionReader(FakeReader)
    got = filler.read("alerts", 0, 3, 9)
    assert [m.offset for m in got] == [3, 4, 5, 6, 7, 8]
    assert got[0].value == b"v3" and got[0].tp == ("alerts", 0)


def test_offsets_without_records_are_simply_absent() -> None:
    assert [m.offset for m in PartitionReader(FakeReader).read("alerts", 0, 11, 16)] == [11, 12, 14, 15]


def test_a_reread_message_is_acked_by_the_guard_itself() -> None:
    guard, consumer = guarded()
    [message] = PartitionReader(FakeReader).read("alerts", 0, 4, 5)
    guard.done(ReRead(message))
    assert [m.offset for m in consumer.acked] == [4]  # nobody else would: Faust never delivered it


def test_a_failed_fill_is_retried_by_the_next_message() -> None:
    holes = HoleDetector()
    for o in (0, 1, 2):
        holes.observe(TP, o, None)
    assert holes.observe(TP, 6, None) == 3
    holes.rewind(TP, 3)  # the re-read raised
    assert holes.observe(TP, 7, None) == 3


def test_a_reread_that_cannot_finish_in_time_raises_rather_than_return_part_of_the_range() -> None:
    class Stuck(FakeReader):
        def poll(self, timeout_ms=0):  # type: ignore[no-untyped-def]
            return {self.tp: []}

    import pytest

    with pytest.raises(TimeoutError):
        PartitionReader(Stuck, timeout_s=0.05).read("alerts", 0, 3, 9)
