"""Watermarks across input partitions: the pure rule, the engine's closing on it, backtest = live."""

from __future__ import annotations

import dataclasses
import random
import zlib

import orjson
import pytest

from streams.tooling.backtest import run_backtest
from streams.core.engine import partition_for
from streams.core.settings import load_settings
from streams.core.watermarks import (
    apply_report,
    closing_step,
    SourceTracker,
    combine,
    lateness,
    parse_watermark_record,
    watermark_record,
)
from tests.unit.streams_factory import MINUTE, VOTING_9AM, config, engine, interleave, scored_post, traffic

T0 = VOTING_9AM


# ------------------------------------------------------------------------------------------ pure rule
def test_the_watermark_is_the_minimum_mark_over_the_expected_sources():
    assert combine({"0": 100, "1": 50, "2": 70}, set(), ["0", "1", "2"]) == 50
    assert combine({"0": 100, "1": 50}, set(), None) == 50  # None: whatever reported


def test_a_source_that_never_reported_holds_the_watermark_until_it_is_idle():
    assert combine({"0": 100}, set(), ["0", "1"]) is None
    assert combine({"0": 100}, {"1"}, ["0", "1"]) == 100


def test_idle_sources_are_left_out_and_all_idle_gives_the_largest_mark():
    assert combine({"0": 100, "1": 50}, {"1"}, ["0", "1"]) == 100
    assert combine({"0": 100, "1": 50}, {"0", "1"}, ["0", "1"]) == 100
    assert combine({}, {"0", "1"}, ["0", "1"]) is None


def test_the_closing_step_grows_exactly_when_the_clock_passes_a_window_end_plus_grace():
    step, grace = 60_000, 60_000
    assert closing_step(None, step, grace) is None
    # windows end on multiples of the step; the one ending at 10 min closes at 11 min
    assert closing_step(11 * MINUTE - 1, step, grace) == 9
    assert closing_step(11 * MINUTE, step, grace) == 10
    assert closing_step(11 * MINUTE + 59_999, step, grace) == 10


def test_lateness_classes():
    step, size = MINUTE, 5 * MINUTE
    closed = T0 + 10 * MINUTE
    assert lateness(T0, None, step, size, 0) == "on_time"
    assert lateness(closed, closed, step, size, 0) == "on_time"  # its first window is still open
    assert lateness(closed - 1, closed, step, size, 0) == "late"  # missed the window ending at `closed`
    assert lateness(closed - 5 * MINUTE - 1, closed, step, size, 0) == "dropped"  # every window closed
    assert lateness(closed - 5 * MINUTE - 1, closed, step, size, 5 * MINUTE) == "late"  # within lateness
    assert lateness(closed - 10 * MINUTE - 1, closed, step, size, 5 * MINUTE) == "dropped"


def test_the_tracker_marks_a_silent_caught_up_source_idle_after_the_timeout_only():
    tr = SourceTracker(idle_timeout_s=30)
    tr.assign([0, 1], now=0)
    tr.observe(0, 10, T0, now=1)
    assert tr.check_idle(20, {0: 0, 1: 0}) == []
    assert tr.check_idle(30.5, {0: 0, 1: 0}) == [1]  # 1 never delivered anything, caught up: idle
    assert tr.report() == {"0": {"m": T0, "idle": False}, "1": {"m": None, "idle": True}}
    assert tr.check_idle(40, {0: 5, 1: 0}) == []  # 0 is silent but has unread messages: never idle
    assert tr.check_idle(40, {0: 0, 1: 0}) == [0]
    tr.observe(1, 0, T0 + 5, now=41)  # data again: active at once
    assert tr.report()["1"] == {"m": T0 + 5, "idle": False}
    assert tr.low_mark() == T0 + 5  # 0 is idle: left out
    tr.assign([1], now=42)  # 0 revoked: no longer reported
    assert list(tr.report()) == ["1"]


def test_rejected_messages_count_as_activity_but_not_as_event_time():
    tr = SourceTracker(idle_timeout_s=30)
    tr.observe(3, 7, None, now=10)
    assert tr.report() == {"3": {"m": None, "idle": False}}


def test_watermark_records_round_trip_and_malformed_ones_are_refused():
    rec = watermark_record({"0": {"m": 5, "idle": False}, "1": {"m": None, "idle": True}}, 123)
    marks, idle, owned, emitted_ms = parse_watermark_record(orjson.loads(orjson.dumps(rec)))
    assert marks == {"0": 5} and idle == {"1"} and owned == {"0", "1"} and emitted_ms == 123
    assert parse_watermark_record({"kind": "watermark", "sources": {}})[3] is None  # written without it
    for bad in ({"kind": "post"}, {"kind": "watermark"}, {"kind": "watermark", "sources": {"x": {}}},
                {"kind": "watermark", "sources": {"0": {"m": "5"}}}, {"kind": "watermark", "sources": {"0": 3}},
                {"kind": "watermark", "sources": {}, "emitted_ms": "123"},
                {"kind": "watermark", "sources": {}, "emitted_ms": True}):
        with pytest.raises(ValueError):
            parse_watermark_record(bad)


def test_a_replayed_record_never_undoes_a_newer_one():
    clock = {"w": {}, "i": [], "e": {}}
    assert apply_report(clock, {}, {"0", "1"}, {"0", "1"}, 1_000)  # before the input began: all idle
    assert apply_report(clock, {"0": 900, "1": 500}, set(), {"0", "1"}, 2_000)  # input: both active
    assert not apply_report(clock, {}, {"0", "1"}, {"0", "1"}, 1_000)  # seen again: stale, ignored
    assert clock["i"] == [] and clock["w"] == {"0": 900, "1": 500}
    assert not apply_report(clock, {"0": 100}, set(), {"0"}, 1_500)  # an old mark never moves one back
    assert clock["w"]["0"] == 900
    assert apply_report(clock, {}, {"1"}, {"1"}, 2_000)  # as new as the last one: applied (one emitter's tick)
    assert clock["i"] == ["1"] and clock["e"] == {"0": 2_000, "1": 2_000}
    # Records that carry no emission time (written before it was read) are taken as they come.
    assert apply_report(clock, {}, set(), {"1"}, None) and clock["i"] == []


# ------------------------------------------------------------------------------------------ the engine
def two_source_engine(**kw):
    return engine(dataclasses.replace(config(), sources=2, **kw))


def test_windows_close_on_the_slowest_source_not_on_the_newest_post():
    eng = two_source_engine()
    part = 0
    early = traffic("ID-JB", T0, 10, 10, authors=50, tag="s1")
    late = traffic("ID-JB", T0 + 30 * MINUTE, 10, 10, authors=50, tag="s0")
    for p in late:
        eng.process(p, part, "0")  # source 0 is 30 minutes ahead
    assert eng.stats["windows_closed"] == 0 and eng.watermark(part) is None  # source 1 not heard from yet
    for p in early:
        eng.process(p, part, "1")  # 30 minutes older than the newest post: not late
    assert eng.stats["late"] == 0
    assert eng.stats["processed"] == len(early) + len(late)
    assert eng.watermark(part) == max(p.post.event_ms for p in early)
    assert eng.stats["windows_closed"] > 0


def test_a_watermark_record_closes_windows_on_a_partition_without_new_posts_and_idle_sources_stop_holding_it():
    eng = two_source_engine()
    for p in traffic("ID-JB", T0, 10, 10, authors=50):
        eng.process(p, 0, "0")
    eng.advance(0, {"1": T0 + 20 * MINUTE}, (), ["1"])
    closed = eng.stats["windows_closed"]
    assert eng.watermark(0) < T0 + 10 * MINUTE  # source 0 is behind: the clock waits
    eng.advance(0, {"0": T0 + 20 * MINUTE}, (), ["0"])  # no posts, only the mark
    assert eng.watermark(0) == T0 + 20 * MINUTE and eng.stats["windows_closed"] > closed
    eng.advance(0, {"1": T0 + 40 * MINUTE}, {"0"}, ["0"])  # 0 idle: 1 alone moves the clock
    assert eng.watermark(0) == T0 + 40 * MINUTE
    eng.advance(0, {"0": T0 + 21 * MINUTE}, (), ["0"])  # active again: the clock never goes back
    assert eng.watermark(0) == T0 + 40 * MINUTE


def test_a_watermark_record_seen_again_does_not_let_the_clock_jump_past_a_slow_source():
    """The make-test failure of 3 Dec 2026 in miniature: the sources were idle for a moment before the
    input began; that record, seen again once the input ran (a replay, or offsets read around Faust
    and then handed out by Faust too), must not mark them idle again: the clock would jump to the
    fastest source and the slow source's posts would all be late."""
    contributions, state = {}, {}
    eng = engine(dataclasses.replace(config(), sources=2), contributions, state)
    before_input = parse_watermark_record(watermark_record({"0": {"m": None, "idle": True},
                                                            "1": {"m": None, "idle": True}}, 1_000))
    eng.advance(0, *before_input)
    eng.advance(0, *parse_watermark_record(watermark_record({"0": {"m": None, "idle": False},
                                                             "1": {"m": None, "idle": False}}, 1_500)))
    fast = traffic("ID-JB", T0 + 30 * MINUTE, 10, 10, authors=50, tag="s0")
    slow = traffic("ID-JB", T0, 30, 10, authors=50, tag="s1")
    for p in fast:
        eng.process(p, 0, "0")
    for p in slow[:10]:
        eng.process(p, 0, "1")
    eng.advance(0, *parse_watermark_record(watermark_record(
        {"0": {"m": fast[-1].post.event_ms, "idle": False}, "1": {"m": slow[9].post.event_ms, "idle": False}}, 2_000)))
    clock = eng.watermark(0)
    assert clock <= slow[9].post.event_ms
    eng.advance(0, *before_input)  # seen again
    assert eng.watermark(0) == clock
    restarted = engine(dataclasses.replace(config(), sources=2), contributions, state)
    restarted.advance(0, *before_input)  # and again after a restart (the reporting times are stored)
    assert restarted.watermark(0) == clock
    for p in slow[10:]:
        restarted.process(p, 0, "1")
    assert eng.stats["late"] == restarted.stats["late"] == 0


def test_late_posts_within_the_allowed_lateness_count_in_open_windows_and_are_tallied():
    eng = two_source_engine(allowed_lateness_ms=5 * MINUTE)
    region = "ID-JI"
    for p in traffic(region, T0, 10, 5, authors=40):
        eng.process(p, 0, "0")
    eng.advance(0, {"0": T0 + 11 * MINUTE, "1": T0 + 11 * MINUTE})  # closes windows up to T0 + 10 min
    late = scored_post(region, T0 + 8 * MINUTE, "late-1", author="l")  # missed the windows ending 9, 10
    eng.process(late, 0, "1")
    assert eng.stats["late"] == 1 and eng.stats["late_dropped"] == 0
    assert "x:late-1" in eng.contributions  # still in the windows ending 11, 12, 13
    snap = eng.snapshot()[region]
    assert snap["window_end_ms"] == T0 + 10 * MINUTE and snap["late"] == 1
    eng.process(scored_post(region, T0 - 5 * MINUTE, "way-late", author="w"), 0, "1")
    assert eng.stats["late"] == 2 and eng.stats["late_dropped"] == 1
    assert "x:way-late" not in eng.contributions


def test_watermark_state_survives_a_restart():
    contributions, state = {}, {}
    eng = engine(dataclasses.replace(config(), sources=2), contributions, state)
    for p in traffic("ID-JB", T0, 10, 10, authors=50):
        eng.process(p, 0, "0")
    eng.advance(0, {"1": T0 + 5 * MINUTE}, (), ["1"])
    before = eng.watermark(0)
    again = engine(dataclasses.replace(config(), sources=2), contributions, state)
    assert again.watermark(0) == before
    assert state["p:0"]["w"] == {"0": max(p.post.event_ms for p in traffic("ID-JB", T0, 10, 10, authors=50)),
                                 "1": T0 + 5 * MINUTE}


# ------------------------------------------------------------------------------------ live = backtest
def day():
    calm = traffic("ID-JB", T0, 120, 20, authors=200)
    burst = traffic("ID-JB", T0 + 40 * MINUTE, 20, 60, authors=150, abusive_share=0.9, tag="inc")
    other = traffic("ID-SN", T0, 120, 10, authors=100)
    bad = traffic("ID-SN", T0 + 70 * MINUTE, 15, 40, authors=120, abusive_share=0.9, tag="inc2")
    return interleave(calm, burst, other, bad)


def canonical(alerts):
    return sorted((a.to_dict() for a in {a.alert_id: a for a in alerts}.values()),
                  key=lambda d: (d["emitted_at"], d["region"], d["signal"], d["status"]))


def simulate_live(posts, sources, out_parts, order, wm_every=50):
    """The worker's two stages without Kafka: posts spread over ``sources`` input partitions, each
    read in its own order, but the partitions' reading interleaved per ``order``; watermark records
    to every output partition every ``wm_every`` posts, and once all sources are idle at the end."""
    eng = engine(dataclasses.replace(config(), sources=sources))
    by_source = [[] for _ in range(sources)]
    for p in posts:
        by_source[zlib.crc32(p.post.id.encode()) % sources].append(p)
    tracker = SourceTracker(idle_timeout_s=1)
    tracker.assign(range(sources), now=0)
    alerts = []
    cursors = [0] * sources
    n = 0
    for s in order(by_source):
        p = by_source[s][cursors[s]]
        cursors[s] += 1
        q = partition_for(p.post.region, out_parts)
        alerts += eng.process(p, q, str(s))
        tracker.observe(s, cursors[s], p.post.event_ms, now=0)
        n += 1
        if n % wm_every == 0:
            rec = parse_watermark_record(orjson.loads(orjson.dumps(watermark_record(tracker.report(), 0))))
            for q in range(out_parts):
                alerts += eng.advance(q, *rec)
    tracker.check_idle(10, {})
    rec = parse_watermark_record(watermark_record(tracker.report(), 0))
    for q in range(out_parts):
        alerts += eng.advance(q, *rec)
    return alerts, eng


def one_after_another(by_source):
    for s, posts in enumerate(by_source):
        yield from [s] * len(posts)


def shuffled(by_source):
    rng = random.Random(7)
    order = [s for s, posts in enumerate(by_source) for _ in posts]
    rng.shuffle(order)
    yield from order


def stalled_then_released(by_source):
    """Source 0 delivers nothing until every other source is done."""
    for s in range(1, len(by_source)):
        yield from [s] * len(by_source[s])
    yield from [0] * len(by_source[0])


@pytest.mark.parametrize("order", [one_after_another, shuffled, stalled_then_released])
def test_live_equals_backtest_whatever_the_arrival_order(order):
    posts = day()
    settings = load_settings(env={}, topic_partitions=4)
    expected = canonical(run_backtest([p.to_json() for p in posts], settings, config=config()))
    assert {(a["region"], a["status"]) for a in expected} >= {("ID-JB", "firing"), ("ID-SN", "firing"),
                                                               ("ID-JB", "resolved")}
    alerts, eng = simulate_live(posts, sources=4, out_parts=4, order=order)
    assert eng.stats["late"] == 0
    assert canonical(alerts) == expected


def test_backtest_gives_the_same_alerts_for_any_file_order():
    posts = day()
    settings = load_settings(env={})
    rng = random.Random(3)
    shuffled_posts = list(posts)
    rng.shuffle(shuffled_posts)
    assert canonical(run_backtest([p.to_json() for p in shuffled_posts], settings, config=config())) == \
        canonical(run_backtest([p.to_json() for p in posts], settings, config=config()))


def test_late_posts_that_would_have_fired_the_latest_closed_window_fire_late_and_once():
    th = thresholds_with(consecutive_windows=1)
    eng = engine(dataclasses.replace(config(th), sources=2, allowed_lateness_ms=5 * MINUTE))
    for p in traffic("ID-JB", T0, 10, 20, authors=200):
        eng.process(p, 0, "0")
    assert eng.advance(0, {"0": T0 + 11 * MINUTE, "1": T0 + 11 * MINUTE}) == []  # closes up to T0 + 10 min
    late = traffic("ID-JB", T0 + 9 * MINUTE, 1, 150, authors=150, abusive_share=1.0, signals=("hate",), tag="late")
    alerts = []
    for p in late:
        alerts += eng.process(p, 0, "1")
    hate = [a for a in alerts if a.signal == "hate"]
    assert [(a.status, a.late) for a in hate] == [("firing", True)]
    assert hate[0].window_end == "2024-02-14T02:10:00Z" and hate[0].to_dict()["late"] is True
    assert eng.stats["late"] == len(late)
    assert eng.process(scored_post("ID-JB", T0 + 9 * MINUTE + 5, "one-more", author="z", abusive=("hate",)),
                       0, "1") == []  # the window's transition stands; no second page


def test_alerts_without_late_posts_carry_no_late_field():
    alerts, _ = simulate_live(day(), sources=4, out_parts=4, order=shuffled)
    assert alerts and all("late" not in a.to_dict() and not a.late for a in alerts)


def thresholds_with(**knobs):
    from tests.unit.streams_factory import thresholds

    return thresholds({"defaults": knobs})


def test_the_old_rule_max_event_time_per_partition_drops_the_same_backlog_as_late():
    """Contrast: closing on the largest event time seen per posts-scored partition (no sources),
    with the input partitions read one after another, as a backlog often is."""
    posts = day()
    eng = engine()  # no sources: every record is one source, the pre-watermark stream time
    by_source = [[p for p in posts if zlib.crc32(p.post.id.encode()) % 4 == s] for s in range(4)]
    alerts = []
    for s in range(4):
        for p in by_source[s]:
            alerts += eng.process(p, partition_for(p.post.region, 4))
    settings = load_settings(env={}, topic_partitions=4)
    assert eng.stats["late"] > len(posts) // 2
    assert canonical(alerts) != canonical(run_backtest([p.to_json() for p in posts], settings, config=config()))
