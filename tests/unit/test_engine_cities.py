"""City-level windows: a post naming a gazetteer city counts for its province and for that city."""

from __future__ import annotations

import dataclasses

import orjson
import pytest

from streams.core.codecs import LEGACY_SIGNALS, ContributionCodec, decode_contribution
from streams.core.changelog import recovered
from streams.core.engine import RegionalEngine, partition_for
from tests.unit.streams_factory import MINUTE, VOTING_9AM, config, engine, interleave, run, scored_post, thresholds, traffic

T0 = VOTING_9AM


def in_city(posts, city):
    """The same posts, as if their region field had said e.g. "Kota Bandung"."""
    return [dataclasses.replace(sp, post=dataclasses.replace(sp.post, city=city)) for sp in posts]


def bandung_incident(with_city=True):
    """A busy, calm West Java; Bandung's own traffic turns hateful for 20 minutes. Bandung is a
    small share of the province, so the province's windows dilute the incident below its levels."""
    province = traffic("ID-JB", T0, 90, 60, authors=600, tag="prov")
    bandung = traffic("ID-JB", T0, 90, 8, authors=120, tag="bdg")
    burst = traffic("ID-JB", T0 + 30 * MINUTE, 20, 10, authors=100, abusive_share=0.9, signals=("hate",), tag="inc")
    local = bandung + burst
    return interleave(province, in_city(local, "Bandung") if with_city else local)


def city_alerts(alerts, city):
    return [a for a in alerts if a.city == city]


# ---------------------------------------------------------------------------------- acceptance
def test_an_incident_concentrated_in_one_city_fires_a_city_alert_the_province_average_hides():
    alerts = run(bandung_incident())
    hate = [a for a in alerts if a.signal == "hate"]
    assert [(a.status, a.severity, a.city) for a in hate] == [
        ("firing", "warning", "Bandung"), ("firing", "critical", "Bandung"), ("resolved", "critical", "Bandung")]
    warning, firing, resolved = hate
    assert warning.dedup_key == firing.dedup_key  # an escalation of the same city incident
    assert firing.region == "ID-JB"  # the province code: routing and grouping stay per province
    assert firing.region_name == "Bandung, Jawa Barat"
    assert firing.dedup_key == resolved.dedup_key == f"suhu:ID-JB/Bandung:hate:{_ms(warning.window_end)}"
    assert T0 + 30 * MINUTE < _ms(warning.window_end) <= _ms(firing.window_end) <= T0 + 40 * MINUTE
    assert firing.summary_id.startswith("[KRITIS] Ujaran kebencian di Bandung, Jawa Barat")
    assert firing.summary_en.startswith("[CRITICAL] Hate speech in Bandung, Jawa Barat")
    assert firing.post_count < 200 and all(pid.startswith("ID-JB-inc-") for pid in firing.example_post_ids)


def test_the_same_posts_without_their_city_fire_nothing():
    """Control: only the city window saw the incident; the province alone stays below its levels."""
    eng = engine()
    assert run(bandung_incident(with_city=False), eng) == []
    assert "cities" not in eng.snapshot()["ID-JB"]


def test_a_city_incident_large_enough_for_the_province_fires_both_with_distinct_dedup_keys():
    province = traffic("ID-JB", T0, 60, 10, authors=200, tag="prov")
    burst = in_city(traffic("ID-JB", T0 + 20 * MINUTE, 20, 40, authors=150, abusive_share=0.9,
                            signals=("hate",), tag="inc"), "Bandung")
    firing = [a for a in run(interleave(province, burst)) if a.signal == "hate" and a.status == "firing"]
    assert sorted((a.city or "-", a.region_name) for a in firing) == [
        ("-", "Jawa Barat"), ("Bandung", "Bandung, Jawa Barat")]
    assert len({a.dedup_key for a in firing}) == 2
    assert {a.region for a in firing} == {"ID-JB"}


def test_posts_without_a_city_feed_only_the_province():
    eng = engine()
    run(traffic("ID-JB", T0, 30, 20, authors=200), eng)
    snap = eng.snapshot()
    assert set(snap) == {"ID-JB"} and "cities" not in snap["ID-JB"]
    assert all(decode_contribution(c).city is None for c in eng.contributions.values())


def test_a_city_outside_the_gazetteer_or_its_province_counts_for_the_province_only():
    eng = engine()
    posts = traffic("ID-JB", T0, 10, 10, authors=50)
    posts = in_city(posts[:50], "Atlantis") + in_city(posts[50:], "Surabaya")  # Surabaya is in Jawa Timur
    run(posts, eng)
    snap = eng.snapshot()["ID-JB"]
    assert "cities" not in snap and snap["post_count"] > 0
    assert eng.stats["city_not_judged"] == 100 and eng.stats["processed"] == 100


def test_each_post_is_stored_once_and_counts_in_both_its_province_and_city_windows():
    eng = engine()
    posts = interleave(traffic("ID-JB", T0, 10, 10, authors=80, tag="p"),
                       in_city(traffic("ID-JB", T0, 10, 5, authors=40, tag="c"), "Bandung"))
    run(posts, eng)
    assert len(eng.contributions) <= len(posts)  # one record per post (some already evicted)
    assert {decode_contribution(c).city for c in eng.contributions.values()} == {None, "Bandung"}
    snap = eng.snapshot()["ID-JB"]
    city = snap["cities"]["Bandung"]
    end = snap["window_end_ms"]
    assert city["window_end_ms"] == end and city["region_name"] == "Bandung, Jawa Barat"
    in_window = [p for p in posts if end - 5 * MINUTE <= p.post.event_ms < end]
    assert snap["post_count"] == len(in_window)
    assert city["post_count"] == sum(1 for p in in_window if p.post.city == "Bandung")


def test_city_windows_use_their_own_evidence_knobs():
    th = thresholds({"cities": {"min_posts": 500, "min_authors": 400}})
    assert th.rule("ID-JB", "hate", "voting", city=True).min_posts == 500
    assert th.rule("ID-JB", "hate", "voting").min_posts == 30  # the province keeps its own
    assert run(bandung_incident(), engine(config(th))) == []


def test_city_windows_can_be_switched_off_per_province():
    th = thresholds({"regions": {"ID-JB": {"cities": {"enabled": False}}}})
    eng = engine(config(th))
    assert run(bandung_incident(), eng) == []
    assert "cities" not in eng.snapshot()["ID-JB"]
    assert all(decode_contribution(c).city is None for c in eng.contributions.values())


def test_a_quiet_citys_windows_are_not_computed_but_still_end_a_pending_streak():
    from streams.core.alerting import new_state

    pending = {**new_state(), "s": "pending", "sev": "critical", "n": 1}
    state = {"m:ID-JB/Bandung:hate": pending}
    eng = RegionalEngine(config(), {}, state)
    quiet = interleave(traffic("ID-JB", T0, 15, 20, authors=200, tag="p"),
                       in_city(traffic("ID-JB", T0, 15, 1, authors=10, tag="c"), "Bandung"))  # 5 posts a window
    run(quiet, eng)
    assert eng.stats["city_windows_thin"] > 0
    assert "cities" not in eng.snapshot()["ID-JB"]  # only judged windows are reported
    assert state["m:ID-JB/Bandung:hate"]["s"] == "ok" and state["m:ID-JB/Bandung:hate"]["n"] == 0


# ------------------------------------------------------------- duplicates, late posts, restarts
def test_a_duplicate_city_post_is_counted_once_at_both_levels():
    stream = bandung_incident()
    once_engine = engine()
    once = run(stream, once_engine)
    eng = engine()
    twice = []
    for p in stream:
        twice += eng.process(p, 1)
        twice += eng.process(p, 1)
    assert [a.to_dict() for a in twice] == [a.to_dict() for a in once]
    assert eng.stats["duplicates"] == len(stream)
    assert eng.snapshot() == once_engine.snapshot()


def test_a_late_city_post_is_counted_within_grace_at_both_levels_and_beyond_grace_at_neither():
    eng, part = engine(), 3
    w_end = T0 + 10 * MINUTE
    posts = in_city(traffic("ID-JB", T0, 10, 5, authors=40), "Bandung")
    for p in posts:
        eng.process(p, part)
    eng.process(scored_post("ID-JB", w_end + 30_000, "now", author="n"), part)  # stream time = end + 30 s
    eng.process(in_city([scored_post("ID-JB", w_end - 10_000, "late-ok", author="l")], "Bandung")[0], part)
    eng.process(scored_post("ID-JB", w_end + 60_000, "closer", author="c"), part)  # closes [end-5m, end)
    snap = eng.snapshot()["ID-JB"]
    expected = sum(1 for p in posts if w_end - 5 * MINUTE <= p.post.event_ms < w_end) + 1
    assert snap["window_end_ms"] == snap["cities"]["Bandung"]["window_end_ms"] == w_end
    assert snap["post_count"] == snap["cities"]["Bandung"]["post_count"] == expected
    eng.process(in_city([scored_post("ID-JB", w_end - 5 * MINUTE - 1, "too-late", author="x")], "Bandung")[0], part)
    assert eng.stats["late"] == 1 and "x:too-late" not in eng.contributions


def multi_city_stream():
    return interleave(
        bandung_incident(),
        in_city(traffic("ID-JB", T0, 90, 6, authors=60, tag="bks"), "Bekasi"),
        traffic("ID-SN", T0, 90, 10, authors=120),
        in_city(traffic("ID-SN", T0 + 40 * MINUTE, 15, 30, authors=100, abusive_share=0.8,
                        signals=("provocation", "tension"), tag="mks"), "Makassar"),
    )


def _partition(region):
    return partition_for(region, 4)


@pytest.mark.parametrize("split", [0.3, 0.55])
def test_city_alerts_survive_a_restart_from_the_changelogs_identically(split):
    stream = multi_city_stream()
    uninterrupted = run(stream, partition_of=_partition)
    assert {a.city for a in uninterrupted} >= {"Bandung", "Makassar"}
    half = int(len(stream) * split)
    contributions, state = {}, {}
    got = run(stream[:half], engine(contributions=contributions, state=state), partition_of=_partition)
    second = RegionalEngine(config(), recovered(contributions), recovered(state))
    got += run(stream[half - 300: half] + stream[half:], second, partition_of=_partition)
    assert [a.to_dict() for a in got] == [a.to_dict() for a in uninterrupted]


def test_a_chunked_replay_with_a_restart_after_every_chunk_gives_the_same_city_alerts():
    stream = multi_city_stream()
    uninterrupted = run(stream, partition_of=_partition)
    contributions, state, got = {}, {}, []
    chunk = len(stream) // 7 + 1
    for i in range(0, len(stream), chunk):
        eng = RegionalEngine(config(), contributions, state)
        got += run(stream[i: i + chunk], eng, partition_of=_partition)
        contributions, state = recovered(contributions), recovered(state)
    assert [a.to_dict() for a in got] == [a.to_dict() for a in uninterrupted]


def test_replay_pending_republishes_city_incidents_too():
    contributions, state = {}, {}
    alerts = run(bandung_incident(), engine(contributions=contributions, state=state))
    restarted = RegionalEngine(config(), recovered(contributions), recovered(state))
    pending = restarted.replay_pending()
    assert [a.to_dict() for a in pending] == [alerts[-1].to_dict()]
    assert pending[0].city == "Bandung"


def test_contributions_recorded_before_city_windows_still_rebuild():
    eng = engine()
    run(traffic("ID-JB", T0, 10, 10, authors=80), eng, partition_of=lambda r: 0)
    legacy = ContributionCodec(LEGACY_SIGNALS)  # the five signals records had before they named them
    old = {k: list(legacy.decode(v))[:7] for k, v in eng.contributions.items()}  # the seven-field layout
    again = RegionalEngine(config(), old, dict(eng.state))
    tail = [scored_post("ID-JB", T0 + 11 * MINUTE, "tail", author="t")]
    assert run(tail, again, partition_of=lambda r: 0) == run(tail, eng, partition_of=lambda r: 0)
    # A record from before a signal existed reads as 0 for it: compare the signals it carried.
    def carried(snap):  # type: ignore[no-untyped-def]
        return {r: {**v, "signals": {k: x for k, x in v["signals"].items() if k in LEGACY_SIGNALS}}
                for r, v in snap.items()}
    assert carried(again.snapshot()) == carried(eng.snapshot())


def test_city_panes_are_evicted_with_their_province():
    eng = engine()
    run(in_city(traffic("ID-JB", T0, 120, 20, authors=200), "Bandung"), eng)
    assert 0 < len(eng.contributions) <= 20 * 7
    assert "ID-JB/Bandung" in eng._panes and len(eng._panes["ID-JB/Bandung"]) <= 7


# ----------------------------------------------------------------------------------- metrics
def test_the_gauges_export_provinces_only_however_many_cities_have_windows():
    from prometheus_client import CollectorRegistry

    from streams.runtime.metrics import SuhuMetrics

    eng = engine()
    run(multi_city_stream(), eng)
    snap = eng.snapshot()
    assert set(snap) == {"ID-JB", "ID-SN"} and set(snap["ID-JB"]["cities"]) == {"Bandung", "Bekasi"}
    registry = CollectorRegistry()
    SuhuMetrics(registry).window_values(snap)
    labels = {v for m in registry.collect() for s in m.samples for k, v in s.labels.items() if k == "region"}
    assert labels and all("/" not in v and v.startswith("ID-") or v == "unknown" for v in labels)
    assert not any(c in str(s.labels) for m in registry.collect() for s in m.samples
                   for c in ("Bandung", "Bekasi", "Makassar"))


# ------------------------------------------------------------------------- record and delivery
def test_a_city_alert_round_trips_as_json_and_old_records_without_a_city_still_load():
    from streams.core.records import Alert

    alert = run(bandung_incident())[0]
    assert Alert.from_json(alert.to_json()) == alert
    old = {k: v for k, v in alert.to_dict().items() if k != "city"}
    assert Alert.from_dict(old).city is None


def test_pagers_get_the_city_only_for_city_alerts():
    from streams.outputs.delivery import alertmanager_payload, pagerduty_event

    city_alert = run(bandung_incident())[0]
    province_alert = next(a for a in run(multi_city_stream()) if a.city is None)
    [am] = alertmanager_payload(city_alert)
    assert am["labels"]["city"] == am["annotations"]["city"] == "Bandung"
    assert am["labels"]["region"] == "ID-JB" and am["labels"]["dedup_key"].startswith("suhu:ID-JB/Bandung:")
    assert pagerduty_event(city_alert, "k" * 32)["payload"]["custom_details"]["city"] == "Bandung"
    [am] = alertmanager_payload(province_alert)
    assert "city" not in am["labels"] and "city" not in am["annotations"]
    assert "city" not in pagerduty_event(province_alert, "k" * 32)["payload"]["custom_details"]


def _ms(iso):
    from datetime import datetime

    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def test_a_contribution_is_held_as_the_json_its_changelog_record_carries_and_no_bigger():
    """A contribution is kept for as long as its windows are open (ten minutes of posts), so it is held
    as one bytes object, the changelog's own JSON, instead of a list of decoded fields; and at its own
    length (orjson hands back a 4 KiB buffer with a short length, 30 times the record)."""
    import tracemalloc

    posts = in_city(traffic("ID-JB", T0, 2, 5, authors=10), "Bandung")
    contributions: dict = {}
    eng = engine(contributions=contributions)
    for sp in posts:
        eng.process(sp, 1)
    held = list(contributions.values())
    assert len(held) == len(posts) and all(type(v) is bytes for v in held)
    decoded = [eng._codec.decode(v) for v in held]
    assert decoded == [eng._codec.decode(orjson.loads(v)) for v in held]  # what recovery reads back
    assert all(c.city == "Bandung" and c.region == "ID-JB" for c in decoded)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        again = [eng._codec.encode_json(c) for c in decoded]
        per_record = (tracemalloc.get_traced_memory()[0] - before) / len(again)
    finally:
        tracemalloc.stop()
    assert again == held
    assert per_record < 2 * max(len(v) for v in held) + 64
