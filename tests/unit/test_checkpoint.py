"""The commit order of every agent, without a broker (streams/runtime/checkpoint.py).

A batch leaves in one order: its outputs (alerts handed over in order, then their acknowledgements
awaited together), then the changelog of the state that produced them, then a flush, then the acks that let its offsets be committed. Whatever
fails before the acks leaves the batch to be read again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncio

import orjson
import pytest

from streams.core.changelog import ChangelogBuffer
from streams.runtime.checkpoint import Checkpoint, Record
from streams.runtime.faust_workarounds import FaustWorkarounds, ReRead


# -- fakes ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TP:
    topic: str
    partition: int


@dataclass(frozen=True)
class Msg:
    topic: str
    partition: int
    offset: int
    key: Any = None
    value: Any = None

    @property
    def tp(self) -> TP:
        return TP(self.topic, self.partition)


@dataclass
class Event:
    message: Msg

    @property
    def key(self) -> Any:
        return self.message.key

    @property
    def value(self) -> Any:
        return self.message.value


def ev(topic: str, partition: int, offset: int, key: Any = b"k", value: Any = b"v") -> Event:
    return Event(Msg(topic, partition, offset, key, value))


@dataclass
class FakeProducer:
    """Records every call in one list, shared with the fake acks, so the test reads the order."""

    calls: list[tuple[Any, ...]]
    fail_on: bytes | None = None  # refused when handed over
    fail_ack_on: bytes | None = None  # handed over, then the broker reports a failure
    ack_delay_s: float = 0.0  # the broker's acknowledgement comes this much later (logged as "broker-ack")

    async def send(self, record: Record) -> None:
        if record.key == self.fail_on:
            raise ConnectionError("broker gone")
        self.calls.append(("send", record.topic, record.partition, record.key, record.value))

    async def send_acknowledged(self, record: Record) -> Any:
        if record.key == self.fail_on:
            raise ConnectionError("broker gone")
        self.calls.append(("acknowledged", record.topic, record.partition, record.key, record.value))
        return asyncio.ensure_future(self._broker_ack(record))  # a client's delivery future runs on its own

    async def _broker_ack(self, record: Record) -> None:
        if self.ack_delay_s:
            await asyncio.sleep(self.ack_delay_s)
            self.calls.append(("broker-ack", record.key))
        if record.key == self.fail_ack_on:
            raise ConnectionError("not acknowledged")

    async def flush(self) -> None:
        self.calls.append(("flush",))


def checkpoint(calls: list, **kw: Any) -> Checkpoint:
    producer = kw.pop("producer", None) or FakeProducer(calls)
    return Checkpoint(producer, ack=lambda e: calls.append(("ack", e.message.partition, e.message.offset)), **kw)


def kinds(calls: list) -> list[str]:
    return [c[0] if c[0] != "send" else f"send:{c[1]}" for c in calls]


# -- the order --------------------------------------------------------------------------------------------
async def test_outputs_then_changelog_then_flush_then_acks() -> None:
    calls: list = []
    state = ChangelogBuffer({})
    cp = checkpoint(calls, changelogs={"engine-state-changelog": state}, flush_each_commit=True)
    batch = await cp.begin([ev("posts-scored", 2, 10), ev("posts-scored", 2, 11)])
    state.at(2)["p:2"] = {"c": 1}
    outputs = [Record("alerts", b"a1", b"{}", acknowledged=True), Record("alerts", b"a2", b"{}", acknowledged=True)]
    await cp.commit(batch, outputs)
    assert kinds(calls) == ["acknowledged", "acknowledged", "send:engine-state-changelog", "flush", "ack", "ack"]
    assert [c[3] for c in calls[:2]] == [b"a1", b"a2"]  # in the order the stage gave them


async def test_then_runs_after_every_output_is_handed_over_and_before_the_changelog() -> None:
    calls: list = []
    state = ChangelogBuffer({})
    cp = checkpoint(calls, changelogs={"state-changelog": state})
    batch = await cp.begin([ev("posts", 0, 1)])
    state.at(0)["k"] = 1

    async def marks() -> None:
        calls.append(("then",))

    await cp.commit(batch, [Record("posts-scored", b"JB", b"{}")], then=marks)
    assert kinds(calls) == ["send:posts-scored", "then", "send:state-changelog", "ack"]


async def test_without_flush_each_commit_the_flush_is_left_to_faust_before_its_offset_commit() -> None:
    calls: list = []
    cp = checkpoint(calls)
    await cp.commit(await cp.begin([ev("alerts", 0, 5)]), [Record("x", b"1", b"")])
    assert "flush" not in kinds(calls) and kinds(calls)[-1] == "ack"


async def test_a_sent_callback_runs_once_its_record_is_out() -> None:
    calls: list = []
    cp = checkpoint(calls)
    record = Record("alerts", b"a", b"{}", acknowledged=True, sent=lambda: calls.append(("counted",)))
    await cp.commit(await cp.begin([]), [record, Record("alerts", b"b", b"{}", acknowledged=True),
                                         Record("posts-scored", b"JB", b"{}", sent=lambda: calls.append(("out",)))])
    # The scored post counts once handed over; the alert once every alert of the batch is acknowledged.
    assert kinds(calls) == ["acknowledged", "acknowledged", "send:posts-scored", "out", "counted"]


async def test_alerts_are_all_handed_over_before_their_acknowledgements_are_awaited() -> None:
    """One round trip for a batch's alerts, not one per alert; the changelog still waits for them all."""
    calls: list = []
    state = ChangelogBuffer({})
    cp = checkpoint(calls, producer=FakeProducer(calls, ack_delay_s=0.01), changelogs={"state-changelog": state})
    batch = await cp.begin([ev("posts-scored", 2, 10)])
    state.at(2)["p:2"] = {"c": 1}
    await cp.commit(batch, [Record("alerts", k, b"{}", acknowledged=True) for k in (b"a1", b"a2", b"a3")])
    assert kinds(calls) == ["acknowledged"] * 3 + ["broker-ack"] * 3 + ["send:state-changelog", "ack"]
    assert [c[3] for c in calls[:3]] == [b"a1", b"a2", b"a3"]  # handed over in the stage's order


# -- failures ---------------------------------------------------------------------------------------------
async def test_a_failure_while_publishing_acks_nothing_and_keeps_the_changelog_pending() -> None:
    calls: list = []
    state = ChangelogBuffer({})
    cp = checkpoint(calls, producer=FakeProducer(calls, fail_on=b"a2"), changelogs={"state-changelog": state})
    batch = await cp.begin([ev("posts-scored", 1, 7), ev("posts-scored", 1, 8)])
    state.at(1)["p:1"] = {"c": 3}
    with pytest.raises(ConnectionError):
        await cp.commit(batch, [Record("alerts", b"a1", b"{}", acknowledged=True),
                                Record("alerts", b"a2", b"{}", acknowledged=True)])
    assert kinds(calls) == ["acknowledged"]  # a1 only: no state, no ack
    assert state.pending == 1


async def test_an_alert_the_broker_does_not_acknowledge_acks_nothing_and_keeps_the_changelog_pending() -> None:
    calls: list = []
    state = ChangelogBuffer({})
    cp = checkpoint(calls, producer=FakeProducer(calls, fail_ack_on=b"a1"), changelogs={"state-changelog": state})
    batch = await cp.begin([ev("posts-scored", 1, 7)])
    state.at(1)["p:1"] = {"c": 3}
    with pytest.raises(ConnectionError):
        await cp.commit(batch, [Record("alerts", b"a1", b"{}", acknowledged=True),
                                Record("alerts", b"a2", b"{}", acknowledged=True)])
    assert kinds(calls) == ["acknowledged", "acknowledged"]  # both handed over; no state, no ack
    assert state.pending == 1


async def test_a_failure_while_sending_the_changelog_acks_nothing() -> None:
    calls: list = []
    state = ChangelogBuffer({})
    cp = checkpoint(calls, producer=FakeProducer(calls, fail_on=orjson.dumps("k")), changelogs={"c": state})
    batch = await cp.begin([ev("posts-scored", 0, 1)])
    state.at(0)["k"] = 1
    with pytest.raises(ConnectionError):
        await cp.commit(batch, [Record("alerts", b"a", b"{}", acknowledged=True)])
    assert "ack" not in kinds(calls)


# -- the changelog: each record with its own partition ----------------------------------------------------
async def test_changelog_records_go_to_the_partition_of_the_event_that_wrote_them() -> None:
    calls: list = []
    contributions, state = ChangelogBuffer({}), ChangelogBuffer({"gone": [1]})
    cp = checkpoint(calls, changelogs={"contributions-changelog": contributions, "state-changelog": state})
    batch = await cp.begin([ev("posts-scored", 3, 1), ev("posts-scored", 5, 1)])
    contributions.at(3)["post-a"] = ["JB", 1]
    state.at(3)["p:3"] = {"c": 1}
    state.at(5)["p:5"] = {"c": 2}
    state.at(5).pop("gone")
    await cp.commit(batch)
    sent = [(c[1], c[2], c[3], c[4]) for c in calls if c[0] == "send"]
    assert sent == [
        ("contributions-changelog", 3, b'"post-a"', b'["JB",1]'),
        ("state-changelog", 3, b'"p:3"', b'{"c":1}'),
        ("state-changelog", 5, b'"p:5"', b'{"c":2}'),
        ("state-changelog", 5, b'"gone"', None),  # a tombstone
    ]
    assert contributions.pending == state.pending == 0


# -- complete batches: the work-arounds inside begin() and the acks ----------------------------------------
@dataclass
class FakeConsumer:
    """Faust's consumer as the guard sees it: committed offsets, unacked messages, the real ack."""

    committed: dict[TP, int] = field(default_factory=dict)
    acked: list[tuple[int, int]] = field(default_factory=list)
    _unacked_messages: set = field(default_factory=set)

    @property
    def _committed_offset(self) -> dict[TP, int]:
        return self.committed

    def ack(self, message: Any) -> bool:
        self.acked.append((message.partition, message.offset))
        return True


@dataclass
class FakeApp:
    consumer: FakeConsumer


class FakeReader:
    """The partition as the broker holds it: reads [start, stop) around Faust."""

    def __init__(self) -> None:
        self.reads: list[tuple[str, int, int, int]] = []
        self.group_committed: dict[int, int] = {}  # what the broker holds for the group (none: log start 0)

    def read(self, topic: str, partition: int, start: int, stop: int) -> list[Msg]:
        self.reads.append((topic, partition, start, stop))
        return [Msg(topic, partition, o, b"k", b"re-read") for o in range(start, stop)]

    def start_offset(self, topic: str, partition: int) -> int:
        return self.group_committed.get(partition, 0)


def workarounds(committed: dict[TP, int]) -> tuple[FaustWorkarounds, FakeConsumer, FakeReader]:
    consumer, reader = FakeConsumer(committed), FakeReader()
    return FaustWorkarounds(FakeApp(consumer), ["alerts"], reader), consumer, reader  # type: ignore[arg-type]


async def test_offsets_faust_skipped_are_read_again_and_come_before_the_event_that_revealed_them() -> None:
    w, _, reader = workarounds({TP("alerts", 0): 3})
    cp = Checkpoint(FakeProducer([]), w.complete, w.ack)
    batch = await cp.begin([ev("alerts", 0, 6), ev("alerts", 0, 7)])
    assert [(e.message.offset, type(e).__name__) for e in batch] == [
        (3, "ReRead"), (4, "ReRead"), (5, "ReRead"), (6, "Event"), (7, "Event")]
    assert reader.reads == [("alerts", 0, 3, 6)]


async def test_a_partition_with_nothing_committed_reaches_the_agent_from_the_logs_first_offset() -> None:
    # The survivor of the two-worker fault (CI, 3 Dec 2026): alerts/1 had no committed offset, Faust skipped
    # offsets 0..8 on the rebalance and the agent's first message was 9; it committed 10 and 0..8 never paged.
    w, _, reader = workarounds({})
    cp = Checkpoint(FakeProducer([]), w.complete, w.ack)
    batch = await cp.begin([ev("alerts", 1, 9)])
    assert [e.message.offset for e in batch] == list(range(10))
    assert reader.reads == [("alerts", 1, 0, 9)]


async def test_right_after_a_rebalance_fausts_empty_map_is_not_taken_for_nothing_committed() -> None:
    # Faust's committed map is empty until its seek; the broker holds the group's offset: 900.
    w, _, reader = workarounds({})
    reader.group_committed[0] = 900
    cp = Checkpoint(FakeProducer([]), w.complete, w.ack)
    assert [e.message.offset for e in await cp.begin([ev("alerts", 0, 900), ev("alerts", 0, 901)])] == [900, 901]
    assert reader.reads == []  # not the partition from offset 0 again


async def test_a_message_below_the_groups_committed_offset_asks_the_broker_once_and_finds_no_hole() -> None:
    w, _, reader = workarounds({})
    reader.group_committed[0] = 900
    asked = []
    start_offset = reader.start_offset
    reader.start_offset = lambda t, p: asked.append(p) or start_offset(t, p)  # type: ignore[method-assign]
    cp = Checkpoint(FakeProducer([]), w.complete, w.ack)
    for offset in (800, 801, 802):  # delivered again, below what the group committed
        assert [e.message.offset for e in await cp.begin([ev("alerts", 0, offset)])] == [offset]
    assert asked == [0] and reader.reads == []


async def test_each_partition_stays_complete_and_in_order_when_a_batch_spans_two() -> None:
    w, _, _ = workarounds({TP("alerts", 0): 10, TP("alerts", 1): 20})
    cp = Checkpoint(FakeProducer([]), w.complete, w.ack)
    batch = await cp.begin([ev("alerts", 0, 10), ev("alerts", 1, 22), ev("alerts", 0, 11), ev("alerts", 1, 23)])
    assert {p: [e.message.offset for e in es] for p, es in batch.partitions().items()} == {
        0: [10, 11], 1: [20, 21, 22, 23]}


async def test_only_finished_events_may_be_acked_and_re_read_ones_are_acked_by_the_checkpoint() -> None:
    w, consumer, _ = workarounds({TP("alerts", 0): 4})
    calls: list = []
    cp = Checkpoint(FakeProducer(calls), w.complete, w.ack)
    batch = await cp.begin([ev("alerts", 0, 5)])
    faust_event = batch.events[-1]
    # Before the commit, Faust's own ack (a skipped or interrupted message) is refused.
    assert consumer.ack is not FakeConsumer.ack and consumer.ack(faust_event.message) is False
    await cp.commit(batch)
    assert consumer.acked == [(0, 4)]  # the re-read one: nobody else will ack it
    assert consumer.ack(faust_event.message) is True  # Faust's ack of the finished event now passes
    assert consumer.acked == [(0, 4), (0, 5)]
    assert isinstance(batch.events[0], ReRead)


# -- a stage on the checkpoint: the aggregate stage's alerts before the state that produced them ----------
async def test_the_aggregate_stage_publishes_its_alerts_before_the_state_that_produced_them() -> None:
    from streams.runtime.aggregate_stage import AggregateStage
    from tests.unit import streams_factory as f

    class Metrics:
        def __getattr__(self, name: str) -> Any:
            return lambda *a, **k: None

    posts = f.interleave(
        f.traffic("ID-JB", f.VOTING_9AM, 40, 30, authors=60, tag="bg"),
        f.traffic("ID-JB", f.VOTING_9AM + 15 * f.MINUTE, 10, 30, authors=60, abusive_share=0.9, tag="incident"),
    )
    contributions, state = ChangelogBuffer({}), ChangelogBuffer({})
    stage = AggregateStage(f.engine(contributions=contributions, state=state), Metrics(), "alerts")  # type: ignore[arg-type]
    calls: list = []
    cp = checkpoint(calls, changelogs={"contributions-changelog": contributions, "engine-state-changelog": state})
    fired = False
    for start in range(0, len(posts), 50):
        events = [ev("posts-scored", 4, start + i, sp.post.region.encode(), sp.to_json())
                  for i, sp in enumerate(posts[start:start + 50])]
        calls.clear()
        batch = await cp.begin(events)
        await cp.commit(batch, stage.alerts(batch.events))
        order = kinds(calls)
        alerts = [i for i, k in enumerate(order) if k == "acknowledged"]
        changelog = [i for i, k in enumerate(order) if k.startswith("send:")]
        acks = [i for i, k in enumerate(order) if k == "ack"]
        assert changelog and len(acks) == len(events)
        assert max(alerts, default=-1) < min(changelog) and max(changelog) < min(acks)
        assert {c[2] for c in calls if c[0] == "send"} == {4}  # every state record on its post's partition
        fired = fired or bool(alerts)
    assert fired
