"""AckGuard: only messages an agent finished may have their offsets committed (streams/runtime/faust_workarounds.py)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import pytest

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


# --- TailWatch: skipped offsets that no later message reveals ----------------------------------------

from streams.runtime.faust_workarounds import FaustWorkarounds, TailWatch  # noqa: E402
from streams.runtime.checkpoint import Checkpoint  # noqa: E402


def test_a_tail_faust_handed_out_is_reread_once_the_idle_agent_waited_the_grace() -> None:
    # Faust handed out 5..7 (read offset 7), the agent expects 5 and the log ends at 8.
    watch = TailWatch(grace_s=10)
    assert watch.check(TP, expected=5, handed=7, highwater=8, now=0.0, busy=False) is None  # suspect from now
    assert watch.check(TP, expected=5, handed=7, highwater=8, now=9.0, busy=False) is None
    assert watch.check(TP, expected=5, handed=7, highwater=8, now=10.0, busy=False) == (5, 8)


def test_a_partition_at_its_end_is_no_tail() -> None:
    watch = TailWatch(grace_s=0)
    # Everything seen: the agent expects the log's end.
    assert watch.check(TP, expected=8, handed=7, highwater=8, now=0.0, busy=False) is None
    assert watch.check(TP, expected=8, handed=7, highwater=8, now=99.0, busy=False) is None


def test_lag_faust_does_not_hand_out_is_read_around_it_in_chunks_once_the_idle_agent_waited_the_grace() -> None:
    # A stalled fetch (CI, 3 Dec 2026): the log holds 8..49, Faust's read offset stays at 7 for good.
    watch = TailWatch(grace_s=10, chunk=20)
    assert watch.check(TP, expected=8, handed=7, highwater=50, now=0.0, busy=False) is None  # Faust may be fetching
    assert watch.check(TP, expected=8, handed=7, highwater=50, now=9.0, busy=False) is None
    assert watch.check(TP, expected=8, handed=7, highwater=50, now=10.0, busy=False) == (8, 28)
    # The chunk ran (so the agent counts as busy) and Faust still hands out nothing: the next chunk at once.
    assert watch.check(TP, expected=28, handed=7, highwater=50, now=12.0, busy=True) == (28, 48)
    assert watch.check(TP, expected=48, handed=7, highwater=50, now=14.0, busy=True) == (48, 50)
    assert watch.check(TP, expected=50, handed=7, highwater=50, now=16.0, busy=False) is None  # caught up


def test_the_chase_stops_as_soon_as_faust_hands_out_again() -> None:
    watch = TailWatch(grace_s=10, chunk=20)
    watch.check(TP, expected=8, handed=7, highwater=50, now=0.0, busy=False)
    assert watch.check(TP, expected=8, handed=7, highwater=50, now=10.0, busy=False) == (8, 28)
    # Faust woke up (its read offset moved): its messages are its to deliver; a stall needs a new grace.
    assert watch.check(TP, expected=28, handed=9, highwater=50, now=12.0, busy=True) is None
    assert watch.check(TP, expected=28, handed=27, highwater=50, now=14.0, busy=False) is None
    assert watch.check(TP, expected=28, handed=27, highwater=50, now=23.0, busy=False) is None
    assert watch.check(TP, expected=28, handed=27, highwater=50, now=24.0, busy=False) == (28, 48)  # 10 s after 14


def test_progress_or_a_busy_agent_restarts_the_grace() -> None:
    watch = TailWatch(grace_s=10)
    watch.check(TP, expected=5, handed=7, highwater=8, now=0.0, busy=False)
    assert watch.check(TP, expected=6, handed=7, highwater=8, now=10.0, busy=False) is None  # 5 arrived
    assert watch.check(TP, expected=6, handed=7, highwater=8, now=19.0, busy=True) is None  # its queue may hold 6, 7
    assert watch.check(TP, expected=6, handed=7, highwater=8, now=28.0, busy=False) is None
    assert watch.check(TP, expected=6, handed=7, highwater=8, now=29.0, busy=False) == (6, 8)
    # Re-read and still not seen (the batch failed): tried again a grace period later, not at every tick.
    assert watch.check(TP, expected=6, handed=7, highwater=8, now=30.0, busy=False) is None
    assert watch.check(TP, expected=6, handed=7, highwater=8, now=39.0, busy=False) == (6, 8)


class TailConsumer(FakeConsumer):
    """Faust's consumer as `sweep_tails` sees it: alerts/0 holds 0..19 (no 13); Faust handed out 0..3 and
    nothing reached the agent; nothing is committed."""

    def __init__(self) -> None:
        super().__init__()
        from faust.types import TP as FaustTP

        self.tp = FaustTP("alerts", 0)  # what Faust's assignment and its messages' `tp` are
        self._committed_offset: dict[Any, int] = {}
        self._read_offset: dict[Any, int | None] = {self.tp: 3}
        self.flow_active = True

    def assignment(self) -> set[Any]:
        return {self.tp}

    def highwater(self, tp: Any) -> int:
        return 20


class TailReader(FakeReader):
    def beginning_offsets(self, tps):  # type: ignore[no-untyped-def]
        return {tp: 0 for tp in tps}


@dataclass
class TailApp:
    consumer: TailConsumer = field(default_factory=TailConsumer)
    rebalancing: bool = False
    in_recovery: bool = False


def swept_agent(grace_s: float = 10.0):  # type: ignore[no-untyped-def]
    app = TailApp()
    workarounds = FaustWorkarounds(app, ["alerts"], PartitionReader(TailReader), tail_grace_s=grace_s)
    seen: list[int] = []

    class NoProducer:
        async def send(self, record: Any) -> None: ...
        async def send_acknowledged(self, record: Any) -> Any: return asyncio.sleep(0)
        async def flush(self) -> None: ...

    checkpoint = workarounds.register(Checkpoint(NoProducer(), workarounds.complete, workarounds.ack))

    async def body(batch: Any) -> None:
        from faust.streams import current_event

        # A Faust table write (the deliver stage's `delivered` mark) needs a current event of the partition.
        assert current_event() is not None and current_event().message.partition == batch.events[0].message.partition
        seen.extend(e.message.offset for e in batch.events)
        await checkpoint.commit(batch)

    checkpoint.serves("alerts", body)
    return app, workarounds, checkpoint, seen


def test_the_start_offset_is_the_groups_committed_offset_else_the_logs_first() -> None:
    class Group:
        def __init__(self, committed):  # type: ignore[no-untyped-def]
            self._committed = committed

        def committed(self, tp):  # type: ignore[no-untyped-def]
            return self._committed

    assert PartitionReader(TailReader, open_group_reader=lambda: Group(42)).start_offset("alerts", 0) == 42
    assert PartitionReader(TailReader, open_group_reader=lambda: Group(None)).start_offset("alerts", 0) == 0
    assert PartitionReader(TailReader).start_offset("alerts", 0) == 0


async def test_the_sweep_runs_the_skipped_tail_through_the_agents_body_and_acks_it() -> None:
    app, workarounds, checkpoint, seen = swept_agent()
    checkpoint.ready()
    assert await workarounds.sweep_tails(now=0.0) == 0
    assert await workarounds.sweep_tails(now=10.0) == 4
    assert seen == [0, 1, 2, 3]  # from the partition's first offset (nothing committed) to Faust's read offset
    assert [m.offset for m in app.consumer.acked] == [0, 1, 2, 3]  # so their offsets can be committed
    assert await workarounds.sweep_tails(now=30.0) == 0  # seen now: no tail left


async def test_no_sweep_before_the_agent_started_or_while_faust_rebalances_or_recovers() -> None:
    app, workarounds, checkpoint, seen = swept_agent(grace_s=0)
    for t in (0.0, 1.0):  # the agent is not iterating yet (e.g. scoring waits for the hoax catalogue)
        assert await workarounds.sweep_tails(now=t) == 0
    checkpoint.ready()
    for flag in ("rebalancing", "in_recovery"):
        setattr(app, flag, True)
        for t in (2.0, 3.0):
            assert await workarounds.sweep_tails(now=t) == 0
        setattr(app, flag, False)
    assert seen == []
    await workarounds.sweep_tails(now=4.0)
    assert await workarounds.sweep_tails(now=5.0) == 4


async def test_a_batch_and_a_sweep_of_one_agent_never_interleave() -> None:
    import asyncio

    order: list[str] = []

    class NoProducer:
        async def send(self, record: Any) -> None: ...
        async def send_acknowledged(self, record: Any) -> Any: return asyncio.sleep(0)
        async def flush(self) -> None: ...

    checkpoint = Checkpoint(NoProducer())

    async def body(batch: Any) -> None:
        order.append(f"start {batch.events[0]}")
        assert checkpoint.idle_since is None  # a running batch is not idleness
        await asyncio.sleep(0.01)
        order.append(f"end {batch.events[0]}")

    checkpoint.serves("alerts", body)
    await asyncio.gather(checkpoint.run(["a"]), checkpoint.run(["b"]))
    assert order == ["start a", "end a", "start b", "end b"]
    assert checkpoint.idle_since is not None


async def test_an_agent_that_ran_a_batch_since_the_last_sweep_is_not_stalled() -> None:
    # Its queue was not empty: the partition's messages may still be waiting in it behind others.
    app, workarounds, checkpoint, seen = swept_agent(grace_s=10)
    checkpoint.ready()
    await workarounds.sweep_tails(now=0.0)
    for t in (10.0, 20.0):
        checkpoint.runs += 1  # a batch of another partition ran in between
        assert await workarounds.sweep_tails(now=t) == 0
    assert await workarounds.sweep_tails(now=25.0) == 0  # idle from 20 on: the grace starts again
    assert await workarounds.sweep_tails(now=30.0) == 4
    assert seen == [0, 1, 2, 3]


class StalledConsumer(TailConsumer):
    """Faust's consumer after the restart of the SIGKILL fault: the group committed 4 on alerts/0, Faust
    sought there (read offset 3) and fetched nothing since, the partition still marked buffer-full."""

    def __init__(self) -> None:
        super().__init__()
        self._committed_offset = {self.tp: 4}
        self._read_offset = {self.tp: 3}
        self._buffered_partitions = {self.tp}
        self._active_partitions: set[Any] = set()
        self._paused_partitions: set[Any] = set()

    def on_buffer_drop(self, tp: Any) -> None:  # Faust's own: fetch the partition again
        self._buffered_partitions.discard(tp)
        self._active_partitions.add(tp)


async def test_a_stalled_fetch_is_read_around_faust_and_faust_told_to_fetch_the_partition_again() -> None:
    app, workarounds, checkpoint, seen = swept_agent(grace_s=10)
    app.consumer = StalledConsumer()
    checkpoint.ready()
    assert await workarounds.sweep_tails(now=0.0) == 0
    assert await workarounds.sweep_tails(now=10.0) == 15  # 4..19 but 13 (no record at that offset)
    assert seen == [o for o in range(4, 20) if o != 13]
    assert app.consumer.tp in app.consumer._active_partitions and not app.consumer._buffered_partitions
    assert await workarounds.sweep_tails(now=12.0) == 0  # at the log's end: nothing left


async def test_offsets_faust_hands_out_after_they_were_read_around_it_are_acked_and_not_processed_twice() -> None:
    from types import SimpleNamespace

    app, workarounds, checkpoint, seen = swept_agent(grace_s=10)
    app.consumer = StalledConsumer()
    checkpoint.ready()
    await workarounds.sweep_tails(now=0.0)
    assert await workarounds.sweep_tails(now=10.0) == 15  # 4..19 read around Faust
    # Told to fetch the partition again, Faust hands out what the agent has already processed.
    again = [SimpleNamespace(message=m) for m in PartitionReader(TailReader).read("alerts", 0, 4, 7)]
    await checkpoint.run(again)
    assert seen == [o for o in range(4, 20) if o != 13]  # not run through the stage a second time
    assert all(workarounds.guard.allows(ev.message) for ev in again)  # Faust's ack of them commits them
    assert workarounds.filler.seen_before == 3


def test_a_stalled_fetch_waits_the_grace_with_an_idle_agent_and_a_longer_one_with_a_busy_agent() -> None:
    # Faust may only be slow while the agent works: reading ahead of it costs the same messages twice.
    watch = TailWatch(grace_s=10, chunk=20, busy_grace_s=60)
    for t in (0.0, 10.0, 20.0):
        assert watch.check(TP, expected=8, handed=7, highwater=50, now=t, busy=True) is None
    assert watch.check(TP, expected=8, handed=7, highwater=50, now=21.0, busy=False) is None  # idle from 20
    assert watch.check(TP, expected=8, handed=7, highwater=50, now=30.0, busy=False) == (8, 28)


def test_live_input_elsewhere_does_not_keep_a_stalled_fetch_waiting_for_good() -> None:
    # The agent never idles (live input on the other partitions); nothing moves on this one for 60 s.
    watch = TailWatch(grace_s=10, chunk=20, busy_grace_s=60)
    for t in range(0, 60, 2):
        assert watch.check(TP, expected=8, handed=7, highwater=50, now=float(t), busy=True) is None
    assert watch.check(TP, expected=8, handed=7, highwater=50, now=60.0, busy=True) == (8, 28)
    assert watch.check(TP, expected=28, handed=7, highwater=50, now=62.0, busy=True) == (28, 48)


def test_a_skipped_tail_is_never_read_while_the_agent_is_busy() -> None:
    # Handed out but not seen: with the agent busy it may still be in its queue, however long that takes.
    watch = TailWatch(grace_s=10, busy_grace_s=60)
    for t in range(0, 600, 2):
        assert watch.check(TP, expected=5, handed=7, highwater=8, now=float(t), busy=True) is None


def test_a_chase_that_caught_up_reads_the_next_messages_at_once_until_faust_hands_out_again() -> None:
    watch = TailWatch(grace_s=10, chunk=20, busy_grace_s=60)
    watch.check(TP, expected=8, handed=7, highwater=30, now=0.0, busy=False)
    assert watch.check(TP, expected=8, handed=7, highwater=30, now=10.0, busy=False) == (8, 28)
    assert watch.check(TP, expected=28, handed=7, highwater=30, now=12.0, busy=True) == (28, 30)
    assert watch.check(TP, expected=30, handed=7, highwater=30, now=14.0, busy=True) is None  # caught up
    # Live input arrives on the stalled partition: read at the next check, no new grace.
    assert watch.check(TP, expected=30, handed=7, highwater=34, now=16.0, busy=True) == (30, 34)
    # Faust hands out again: its messages are its to deliver.
    assert watch.check(TP, expected=34, handed=35, highwater=40, now=18.0, busy=True) is None
    assert watch.check(TP, expected=36, handed=35, highwater=40, now=20.0, busy=True) is None


def test_the_busy_grace_is_never_shorter_than_the_idle_one() -> None:
    with pytest.raises(ValueError):
        TailWatch(grace_s=10, busy_grace_s=5)


def test_faust_handing_out_more_restarts_a_stalled_fetchs_grace() -> None:
    watch = TailWatch(grace_s=10, chunk=20)
    watch.check(TP, expected=8, handed=7, highwater=50, now=0.0, busy=False)
    # The agent saw up to 11 and Faust handed out up to 11: progress, however slow.
    assert watch.check(TP, expected=12, handed=11, highwater=50, now=9.0, busy=False) is None
    assert watch.check(TP, expected=12, handed=11, highwater=50, now=18.0, busy=False) is None
    assert watch.check(TP, expected=12, handed=11, highwater=50, now=19.0, busy=False) == (12, 32)


class BrokerEndReader(TailReader):
    """The broker's view: alerts/0 ends at 20 whatever Faust last fetched."""

    def end_offsets(self, tps):  # type: ignore[no-untyped-def]
        return {tp: 20 for tp in tps}


class StaleHighwaterConsumer(StalledConsumer):
    """Faust stopped fetching alerts/0 after offset 3: its highwater stopped there too."""

    def highwater(self, tp: Any) -> int:
        return 4


async def test_the_log_end_comes_from_the_broker_where_faust_stopped_fetching() -> None:
    app, workarounds, checkpoint, seen = swept_agent(grace_s=10)
    app.consumer = StaleHighwaterConsumer()
    workarounds.filler.reader = PartitionReader(BrokerEndReader)
    checkpoint.ready()
    assert await workarounds.sweep_tails(now=0.0) == 0
    assert workarounds.log_end(app.consumer.tp) == 20  # not Faust's 4: the partition is not read to its end
    assert await workarounds.sweep_tails(now=10.0) == 15
    assert seen == [o for o in range(4, 20) if o != 13]


async def test_without_the_brokers_answer_fausts_highwater_serves() -> None:
    app, workarounds, checkpoint, seen = swept_agent(grace_s=10)
    app.consumer = StaleHighwaterConsumer()  # TailReader has no end_offsets: the broker cannot be asked
    checkpoint.ready()
    await workarounds.sweep_tails(now=0.0)
    assert workarounds.log_end(app.consumer.tp) == 4
    assert await workarounds.sweep_tails(now=10.0) == 0  # Faust's view: read to the end, nothing to do


async def test_no_stalled_fetch_is_read_before_the_agent_started() -> None:
    # Scoring waits for the hoax catalogue before it iterates: its body must not run before that.
    app, workarounds, checkpoint, seen = swept_agent(grace_s=0)
    app.consumer = StalledConsumer()
    for t in (0.0, 10.0, 20.0):
        assert await workarounds.sweep_tails(now=t) == 0
    assert seen == []
    checkpoint.ready()
    await workarounds.sweep_tails(now=21.0)
    assert await workarounds.sweep_tails(now=22.0) == 15


# -- prompt delivery: a fetched message reaches its stream without turns of the event loop ----------------
def _service() -> Any:
    """Stands in for Faust's consumer: a mode Service, whose ``wait_first`` the drain loop calls."""
    from mode import Service

    return Service()


async def test_a_message_whose_queue_has_room_is_delivered_at_once_without_a_task() -> None:
    from streams.runtime.faust_workarounds import prompt_delivery

    consumer = _service()
    prompt_delivery(consumer)
    queue: asyncio.Queue[str] = asyncio.Queue(maxsize=10)
    suspend_flow = asyncio.Event()
    turns: list[str] = []
    asyncio.get_running_loop().call_soon(turns.append, "the loop turned")

    async def callback(message: str) -> None:
        await queue.put(message)

    for message in ("m1", "m2", "m3"):
        result = await consumer.wait_first(callback(message), suspend_flow.wait())
        assert not result.stopped
    assert [queue.get_nowait() for _ in range(3)] == ["m1", "m2", "m3"]
    assert turns == []  # all three delivered before the loop ran anything else


async def test_upstream_wait_first_makes_a_turn_of_the_loop_per_message() -> None:
    """What `prompt_delivery` removes (mode's wait_first, as the drain loop calls it)."""
    consumer = _service()
    queue: asyncio.Queue[str] = asyncio.Queue(maxsize=10)
    turns: list[str] = []
    asyncio.get_running_loop().call_soon(turns.append, "the loop turned")

    async def callback(message: str) -> None:
        await queue.put(message)

    await consumer.wait_first(callback("m1"), asyncio.Event().wait())
    assert turns == ["the loop turned"]


async def test_a_message_that_must_wait_for_room_is_delivered_once_the_queue_drains() -> None:
    from streams.runtime.faust_workarounds import prompt_delivery

    consumer = _service()
    prompt_delivery(consumer)
    queue: asyncio.Queue[str] = asyncio.Queue(maxsize=1)
    queue.put_nowait("m1")

    async def callback(message: str) -> str:
        await queue.put(message)
        return f"delivered {message}"

    async def agent() -> None:
        await asyncio.sleep(0.01)
        assert queue.get_nowait() == "m1"

    drained = asyncio.ensure_future(agent())
    result = await consumer.wait_first(callback("m2"), asyncio.Event().wait())
    await drained
    assert result.results == ["delivered m2"] and queue.get_nowait() == "m2"


async def test_a_flow_suspension_still_interrupts_a_delivery_that_waits() -> None:
    from streams.runtime.faust_workarounds import prompt_delivery

    consumer = _service()
    prompt_delivery(consumer)
    queue: asyncio.Queue[str] = asyncio.Queue(maxsize=1)
    queue.put_nowait("m1")
    suspend_flow = asyncio.Event()
    asyncio.get_running_loop().call_later(0.01, suspend_flow.set)

    async def callback(message: str) -> None:
        await queue.put(message)

    result = await consumer.wait_first(callback("m2"), suspend_flow.wait())
    assert len(result.done) == 1
    assert queue.qsize() == 1 and queue.get_nowait() == "m1"  # m2 never went in: the rebalance won


async def test_a_callback_that_fails_at_once_raises_as_upstream() -> None:
    from streams.runtime.faust_workarounds import prompt_delivery

    consumer = _service()
    prompt_delivery(consumer)

    async def callback(message: str) -> None:
        raise KeyError(message)

    with pytest.raises(KeyError):
        await consumer.wait_first(callback("m1"), asyncio.Event().wait())
