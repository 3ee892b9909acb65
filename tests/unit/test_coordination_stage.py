"""The coordinate agent's stage (streams/runtime/coordination_stage.py) through its Checkpoint, without a broker.

A batch of posts-coordination leaves as every agent's does (streams/runtime/checkpoint.py): its alerts, each
acknowledged, then the alerted clusters' state on ``coordination-state`` (partition 0, written through
``ChangelogBuffer.at(0)``), then the acks.
"""

from __future__ import annotations

from types import SimpleNamespace

import orjson

from streams.core.changelog import ChangelogBuffer
from streams.runtime.checkpoint import Checkpoint
from streams.core.codecs import decode_coordination
from streams.core.coordination import CoordinationConfig, coord_posts_of, fingerprints_record
from streams.runtime.coordination_stage import (CoordinationStage, _state_key, read_since, record_event_ms,
                                                record_event_span)
from streams.core.watermarks import WATERMARK_KEY, WATERMARK_KIND
from tests.unit.test_checkpoint import Event, FakeProducer, Msg
from tests.unit.test_coordination import MIN, T0, campaign, post

STATE = "suhu-coordination-state"


def events(posts, offset: int = 0) -> list[Event]:
    return [Event(Msg("posts-coordination", 0, offset + i, b"c", orjson.dumps(p.to_dict())))
            for i, p in enumerate(posts)]


def batched(posts, size: int, offset: int = 0) -> list[Event]:
    """The records the scoring stage writes now: one per batch of ``size`` fingerprints."""
    return [Event(Msg("posts-coordination", 0, offset + i, b"c",
                      orjson.dumps(fingerprints_record(posts[start:start + size]))))
            for i, start in enumerate(range(0, len(posts), size))]


def mark(ms: int, offset: int) -> Event:
    """The scoring stage's watermark record: every source (of 12) at ``ms``."""
    doc = {"kind": WATERMARK_KIND, "sources": {str(p): {"m": ms} for p in range(12)}}
    return Event(Msg("posts-coordination", 0, offset, WATERMARK_KEY, orjson.dumps(doc)))


def background(minutes: int = 31):
    return [post(10**6 + m, T0 + m * MIN, " ".join(f"kata{m}x{j}" for j in range(8)), f"bg{m}")
            for m in range(minutes)]


def stage_and_checkpoint(calls: list) -> tuple[CoordinationStage, Checkpoint]:
    buffer = ChangelogBuffer({})
    acks = lambda event: calls.append(("ack", event.message.offset))  # noqa: E731
    commits = Checkpoint(FakeProducer(calls), ack=acks, changelogs={STATE: buffer})
    stage = CoordinationStage(CoordinationConfig(), state=buffer, topic_name="posts-coordination",
                              alerts_topic="alerts", sources=12)
    stage.recover({}, [])
    return stage, commits


async def test_a_campaign_alert_is_acknowledged_before_its_state_and_both_before_the_acks():
    calls: list = []
    stage, commits = stage_and_checkpoint(calls)
    batch = await commits.begin(events(background() + campaign(30)) + [mark(T0 + 50 * MIN, 100)])
    await commits.commit(batch, stage.alerts(batch.events))
    kinds = [c[0] for c in calls]
    first_ack = kinds.index("ack")
    alerts = [c for c in calls if c[0] == "acknowledged"]
    states = [c for c in calls if c[0] == "send" and c[1] == STATE]
    assert alerts and all(c[1] == "alerts" for c in alerts)
    assert len(states) == 1 and states[0][2] == 0  # one alerted cluster, to the topic's one partition
    assert kinds.index("acknowledged") < calls.index(states[0]) < first_ack
    assert set(kinds[first_ack:]) == {"ack"}
    cid = _state_key(states[0][3])
    assert cid in stage.detector.alerted
    assert decode_coordination(orjson.loads(states[0][4]))["s"] == "firing"


async def test_recovery_mirrors_the_state_without_writing_it_again_and_a_resolution_writes_through_the_view():
    calls: list = []
    stage, commits = stage_and_checkpoint(calls)
    batch = await commits.begin(events(background() + campaign(30)) + [mark(T0 + 50 * MIN, 100)])
    await commits.commit(batch, stage.alerts(batch.events))
    state = {_state_key(c[3]): decode_coordination(orjson.loads(c[4]))
             for c in calls if c[0] == "send" and c[1] == STATE}
    assert state

    calls.clear()
    stage.reset()
    replay = events(background() + campaign(30)) + [mark(T0 + 50 * MIN, 100)]
    recovered = stage.recover(state, [e.value for e in replay])
    assert recovered == [] and stage.state.pending == 0  # already alerted, already on the state topic
    assert set(stage.state) == set(state)
    # The campaign's window closes: its resolution goes out, then its new state.
    batch = await commits.begin([mark(T0 + 180 * MIN, 500)])
    await commits.commit(batch, stage.alerts(batch.events))
    resolved = [c for c in calls if c[0] == "acknowledged"]
    written = [c for c in calls if c[0] == "send" and c[1] == STATE]
    assert resolved and orjson.loads(resolved[0][4])["status"] == "resolved"
    assert written and calls.index(resolved[-1]) < calls.index(written[0])


async def test_what_the_replay_changes_is_written_to_the_state_topic_by_the_next_batch():
    # A crash after a campaign's alert went out but before its state did: the state topic has nothing,
    # the replay decides the alert anew; its state must reach the topic (else it is forgotten there).
    calls: list = []
    stage, commits = stage_and_checkpoint(calls)
    stage.reset()
    replay = events(background() + campaign(30)) + [mark(T0 + 50 * MIN, 100)]
    recovered = stage.recover({}, [e.value for e in replay])
    assert [a.status for a in recovered] == ["firing"]
    assert stage.state.pending == 0 and dict(stage.state) == {}  # the store mirrors the topic as read
    batch = await commits.begin([mark(T0 + 51 * MIN, 101)])
    await commits.commit(batch, stage.alerts(batch.events, recovered))
    written = [c for c in calls if c[0] == "send" and c[1] == STATE]
    acked = [c for c in calls if c[0] == "acknowledged"]
    assert len(written) == 1 and _state_key(written[0][3]) in stage.detector.alerted
    assert acked and calls.index(acked[-1]) < calls.index(written[0])


def test_a_batch_of_fingerprints_in_one_record_finds_what_one_record_per_post_finds():
    """One message per scoring batch instead of one per post (issue 12): the detector sees the same posts
    in the same order, so the same alerts, ids included; and records of the older one-post format still read."""
    posts = background() + campaign(30)
    outputs = []
    for records in (events(posts), batched(posts, 16), batched(posts, 256)):
        stage, _ = stage_and_checkpoint([])
        out = stage.alerts(records + [mark(T0 + 50 * MIN, 100)])
        outputs.append([(r.key, r.value) for r in out])
        assert stage.detector.stats["unreadable"] == 0
    assert outputs[0] and outputs[0] == outputs[1] == outputs[2]


def test_a_fingerprints_record_of_a_newer_format_is_refused_and_counted_not_guessed():
    stage, _ = stage_and_checkpoint([])
    doc = fingerprints_record(campaign(3)) | {"fmt": 2}
    assert stage.alerts([Event(Msg("posts-coordination", 0, 0, b"c", orjson.dumps(doc)))]) == []
    assert stage.detector.stats["unreadable"] == 1


def test_the_forwarded_fingerprints_are_one_record_per_batch_in_batch_order():
    stage = CoordinationStage(CoordinationConfig(), topic_name="posts-coordination")
    posts = campaign(5)
    stage.forward_records = lambda sps: [orjson.dumps(fingerprints_record(posts))] if sps else []
    (record,) = stage.forward([object()] * 5)
    assert [cp.post_id for cp in coord_posts_of(orjson.loads(record.value))] == [cp.post_id for cp in posts]


def test_a_replay_takes_a_batch_that_straddles_its_start_whole():
    posts = [post(m, T0 + m * MIN, f"kata{m} lain{m}") for m in range(60)]
    records = [orjson.dumps(fingerprints_record(posts[i:i + 10])) for i in range(0, 60, 10)]
    assert record_event_span(records[0]) == (T0, T0 + 9 * MIN)
    replay = read_since(lambda: PartitionLog(records), "posts-coordination", T0 + 25 * MIN, stop=6, chunk=2)
    assert replay == records[2:]  # minutes 20-29 hold minute 25


def test_the_forwarded_fingerprints_go_to_the_one_partition_stamped_when_written_not_with_event_time():
    """A record stamped with a February-2024 event time is past any retention the moment it is written:
    the broker deletes it at its next retention check, under a replay that still needs it."""
    stage = CoordinationStage(CoordinationConfig(), topic_name="posts-coordination")
    sp = SimpleNamespace(post=SimpleNamespace(event_ms=T0))
    stage.forward_records = lambda sps: [b"fp"] * len(sps)  # the fingerprinting is test_coordination's
    records = stage.forward([sp, sp])
    assert [(r.topic, r.partition, r.key, r.value, r.timestamp) for r in records] == [
        ("posts-coordination", 0, b"c", b"fp", None)] * 2
    assert stage.forward([]) == []


class PartitionLog:
    """kafka-python's consumer over one partition's records (values only; no timestamps at all, so a
    replay that sought by timestamp would fail here). ``begin``: what retention has already removed."""

    def __init__(self, values: list[bytes], begin: int = 0) -> None:
        self.values, self.begin, self.pos, self.read = values, begin, 0, 0

    def assign(self, tps):  # type: ignore[no-untyped-def]
        self.tp = tps[0]

    def beginning_offsets(self, tps):  # type: ignore[no-untyped-def]
        return {tp: self.begin for tp in tps}

    def seek(self, tp, offset: int) -> None:  # type: ignore[no-untyped-def]
        self.pos = max(offset, self.begin)

    def position(self, tp) -> int:  # type: ignore[no-untyped-def]
        return self.pos

    def poll(self, timeout_ms: int = 0):  # type: ignore[no-untyped-def]
        got = [SimpleNamespace(offset=o, value=self.values[o]) for o in range(self.pos, min(self.pos + 7, len(self.values)))]
        self.pos += len(got)
        self.read += len(got)
        return {self.tp: got}

    def close(self) -> None:
        pass


def fingerprints(minutes: int, start: int = T0) -> list[bytes]:
    """One fingerprint a minute from ``start``, with a watermark record after every tenth."""
    out = []
    for m in range(minutes):
        out.append(orjson.dumps(post(m, start + m * MIN, f"kata{m} lain{m}").to_dict()))
        if m % 10 == 9:
            out.append(mark(start + m * MIN, 0).message.value)
    return out


def test_a_replay_starts_at_the_first_record_within_its_event_time_span_whatever_the_write_times():
    log = PartitionLog(fingerprints(120))
    since = T0 + 80 * MIN
    replay = read_since(lambda: log, "posts-coordination", since, stop=len(log.values), chunk=10)
    assert [record_event_ms(v) for v in replay][:2] == [since, since + MIN]
    assert replay == log.values[log.values.index(replay[0]):]  # everything after the start, watermarks too
    assert all(record_event_ms(v) >= since for v in replay)


def test_a_replay_steps_back_only_until_a_whole_chunk_is_older_than_it_needs():
    log = PartitionLog(fingerprints(600))
    read_since(lambda: log, "posts-coordination", T0 + 570 * MIN, stop=len(log.values), chunk=20)
    assert log.read <= 33 + 2 * 20  # the 33 records it needs, the chunk it starts in, one chunk before


def test_a_replay_stops_at_the_stop_offset_and_at_what_retention_left():
    log = PartitionLog(fingerprints(100), begin=50)
    replay = read_since(lambda: log, "posts-coordination", T0, stop=80, chunk=7)
    assert replay == log.values[50:80]
    assert read_since(lambda: log, "posts-coordination", T0, stop=50) == []


def test_the_event_time_of_a_record_comes_from_its_payload():
    assert record_event_ms(orjson.dumps(post(1, T0, "kata").to_dict())) == T0
    assert record_event_ms(mark(T0 + MIN, 5).message.value) == T0 + MIN
    assert record_event_ms(b"not json") is None and record_event_ms(b'{"kind": "x"}') is None


def test_state_keys_read_both_as_the_checkpoint_writes_them_and_raw():
    assert _state_key(orjson.dumps("c:abc")) == "c:abc"
    assert _state_key(b"c:abc") == "c:abc"


def test_a_replay_cut_short_by_its_deadline_says_so_in_the_log(caplog):
    log = PartitionLog(fingerprints(100))
    with caplog.at_level("WARNING", logger="suhu.coordination"):
        assert read_since(lambda: log, "posts-coordination", T0, stop=len(log.values), timeout_s=0.0) == []
    assert "ran past its 0 s deadline" in caplog.text


def test_a_complete_replay_logs_no_warning(caplog):
    log = PartitionLog(fingerprints(100))
    with caplog.at_level("WARNING", logger="suhu.coordination"):
        read_since(lambda: log, "posts-coordination", T0 + 50 * MIN, stop=len(log.values), chunk=10)
        read_since(lambda: log, "posts-coordination", T0, stop=len(log.values), chunk=10)  # back to the log's start
    assert "deadline" not in caplog.text


def test_a_watermark_record_seen_again_does_not_mark_its_sources_idle_again():
    """The detector's clock follows the same rule as the window engines (streams/core/watermarks.py
    `apply_report`): a replayed "idle" would release every fingerprint up to the fastest source."""
    stage = CoordinationStage(CoordinationConfig(), topic_name="posts-coordination", alerts_topic="alerts",
                              sources=2)
    stage.recover({}, [])

    def record(sources: dict, emitted_ms: int) -> bytes:
        return orjson.dumps({"kind": WATERMARK_KIND, "sources": sources, "emitted_ms": emitted_ms})

    before_input = record({"0": {"m": None, "idle": True}, "1": {"m": None, "idle": True}}, 1_000)
    stage.feed(before_input)
    stage.feed(record({"0": {"m": T0 + 50 * MIN, "idle": False}, "1": {"m": T0, "idle": False}}, 2_000))
    stage.feed(before_input)
    assert stage.clock["i"] == [] and stage.clock["w"] == {"0": T0 + 50 * MIN, "1": T0}
    stage.feed(record({"1": {"m": T0, "idle": True}}, 3_000))  # a newer "idle" is taken
    assert stage.clock["i"] == ["1"]
