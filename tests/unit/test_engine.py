"""RegionalEngine specifications: synthetic streams in, alerts out."""

from __future__ import annotations

import orjson
import pytest

from streams.core.changelog import recovered
from streams.core.engine import RegionalEngine, partition_for
from tests.unit.streams_factory import (
    CAMPAIGN_9AM,
    MINUTE,
    VOTING_9AM,
    config,
    engine,
    interleave,
    run,
    scored_post,
    thresholds,
    traffic,
)

T0 = VOTING_9AM


def by_region(alerts, region):
    return [a for a in alerts if a.region == region]


def incident_stream():
    """West Java calm for 30 minutes, then a 20-minute hate incident, then calm again."""
    calm = traffic("ID-JB", T0, 90, 20, authors=200)
    burst = traffic("ID-JB", T0 + 30 * MINUTE, 20, 60, authors=150, abusive_share=0.9, tag="inc")
    return interleave(calm, burst)


# ---------------------------------------------------------------------------------- acceptance
def test_incident_in_one_province_fires_critical_within_two_windows_and_resolves_after_it_ends():
    alerts = run(incident_stream())
    hate = [a for a in alerts if a.signal == "hate"]
    assert [(a.status, a.severity) for a in hate] == [("firing", "critical"), ("resolved", "critical")]
    firing, resolved = hate
    assert firing.region == resolved.region == "ID-JB"
    assert firing.region_name == "Jawa Barat"
    assert firing.dedup_key == resolved.dedup_key
    start, end = T0 + 30 * MINUTE, T0 + 50 * MINUTE
    fired_at = _ms(firing.window_end)
    assert start < fired_at <= start + 2 * 5 * MINUTE
    assert _ms(resolved.window_end) > end
    assert firing.phase == "voting"
    assert firing.value >= firing.threshold
    assert 0 < len(firing.example_post_ids) <= 3
    assert all(pid.startswith("ID-JB-inc-") for pid in firing.example_post_ids)
    assert firing.summary_id.startswith("[KRITIS] Ujaran kebencian di Jawa Barat")
    assert "WIB" in firing.summary_id and "pemungutan suara" in firing.summary_id
    assert firing.summary_en.startswith("[CRITICAL] Hate speech in Jawa Barat")


def test_a_large_volume_spike_of_civil_posts_fires_no_incivility_or_hate_alert():
    calm = traffic("ID-JT", T0, 60, 20, authors=200)
    spike = traffic("ID-JT", T0 + 20 * MINUTE, 20, 400, authors=3000, tag="spike")
    eng = engine()
    alerts = run(interleave(calm, spike), eng)
    assert alerts == []
    assert eng.stats["processed"] == 60 * 20 + 20 * 400  # everything was counted, nothing dropped
    assert eng.stats["windows_closed"] > 40


def test_three_abusive_posts_in_a_near_silent_region_fire_nothing():
    quiet = [scored_post("ID-PB", T0 + m * 7 * MINUTE, f"q{m}", author=f"a{m}") for m in range(12)]
    bad = [scored_post("ID-PB", T0 + 20 * MINUTE + i * 1000, f"bad{i}", author=f"b{i}", abusive=("hate",))
           for i in range(3)]
    eng = engine()
    assert run(interleave(quiet, bad), eng) == []
    assert eng.stats["processed"] == 15 and eng.stats["windows_closed"] > 0


def test_the_same_abuse_from_enough_accounts_in_that_region_does_fire():
    """Control for the near-silent case: the min posts/authors rule, not the data, kept it quiet."""
    bad = [scored_post("ID-PB", T0 + 20 * MINUTE + i * 4000, f"bad{i}", author=f"b{i}", abusive=("hate",))
           for i in range(120)]
    tail = [scored_post("ID-PB", T0 + 40 * MINUTE, "tail", author="t")]
    alerts = run(bad + tail)
    assert any(a.signal == "hate" and a.status == "firing" for a in alerts)


def flood(region, authors):
    calm = traffic(region, T0, 40, 10, authors=100)
    rng_posts = [
        scored_post(region, T0 + 20 * MINUTE + i * 1500, f"fl{i}", author=authors(i), abusive=("hate", "incivility"))
        for i in range(200)
    ]
    return interleave(calm, rng_posts)


def test_one_account_flooding_a_region_fires_nothing():
    assert run(flood("ID-BA", lambda i: "the-one-account")) == []


def test_the_same_flood_from_many_accounts_fires():
    alerts = run(flood("ID-BA", lambda i: f"acct-{i}"))
    assert any(a.signal == "hate" and a.status == "firing" and a.severity == "critical" for a in alerts)


def test_late_posts_within_grace_are_counted_and_beyond_grace_are_not():
    region, part = "ID-JI", 3
    eng = engine()
    w_end = T0 + 10 * MINUTE
    posts = traffic(region, T0, 10, 5, authors=40)
    for p in posts:
        eng.process(p, part)
    eng.process(scored_post(region, w_end + 30_000, "now", author="n"), part)  # stream time = end + 30 s
    eng.process(scored_post(region, w_end - 10_000, "late-ok", author="l"), part)  # within grace
    eng.process(scored_post(region, w_end + 60_000, "closer", author="c"), part)  # closes [end-5m, end)
    snap = eng.snapshot()[region]
    assert snap["window_end_ms"] == w_end
    expected = sum(1 for p in posts if w_end - 5 * MINUTE <= p.post.event_ms < w_end) + 1
    assert snap["post_count"] == expected
    assert eng.stats["late"] == 0
    eng.process(scored_post(region, w_end - 5 * MINUTE - 1, "too-late", author="x"), part)
    assert eng.stats["late"] == 1
    assert "x:too-late" not in eng.contributions


def test_a_duplicate_post_is_counted_once():
    stream = incident_stream()
    once = run(stream)
    eng = engine()
    twice = []
    for p in stream:  # at-least-once delivery: every post arrives twice
        twice += eng.process(p, 1)
        twice += eng.process(p, 1)
    assert [a.alert_id for a in twice] == [a.alert_id for a in once]
    assert [a.to_dict() for a in twice] == [a.to_dict() for a in once]
    assert eng.stats["duplicates"] == len(stream)


def test_a_chronically_heated_region_does_not_page_all_day_but_a_sudden_shift_in_a_quiet_one_does():
    start = CAMPAIGN_9AM
    heated = traffic("ID-SU", start, 360, 30, authors=500, abusive_share=0.35, signals=("hate",), tag="hot")
    quiet = traffic("ID-SS", start, 120, 30, authors=500, abusive_share=0.02, signals=("hate",), tag="calm")
    shift = traffic("ID-SS", start + 120 * MINUTE, 240, 30, authors=500, abusive_share=0.35, signals=("hate",),
                    tag="shift")
    alerts = run(interleave(heated, quiet, shift), partition_of=lambda r: 0)
    assert by_region(alerts, "ID-SU") == []
    shifted = [a for a in by_region(alerts, "ID-SS") if a.status == "firing"]
    assert shifted and shifted[0].signal == "hate" and shifted[0].severity == "warning"
    assert start + 120 * MINUTE < _ms(shifted[0].window_end) <= start + 130 * MINUTE
    assert shifted[0].baseline is not None and shifted[0].baseline < 0.1


def test_the_same_windows_page_during_voting_but_not_during_campaign():
    def heated_from(t):
        return traffic("ID-JB", t, 30, 20, authors=300, abusive_share=0.45, signals=("hate",), tag="ph",
                       exact=True)

    during_voting = run(heated_from(VOTING_9AM))
    during_campaign = run(heated_from(CAMPAIGN_9AM))
    assert any(a.severity == "critical" and a.phase == "voting" for a in during_voting)
    assert during_campaign == []


def test_escalation_from_warning_to_critical_keeps_the_incident_dedup_key():
    calm = traffic("ID-JB", T0, 80, 20, authors=200)
    ramp = traffic("ID-JB", T0 + 30 * MINUTE, 10, 8, authors=150, abusive_share=0.9, tag="r1")
    peak = traffic("ID-JB", T0 + 40 * MINUTE, 10, 60, authors=150, abusive_share=0.9, tag="r2")
    hate = [a for a in run(interleave(calm, ramp, peak)) if a.signal == "hate"]
    assert [(a.status, a.severity) for a in hate] == [
        ("firing", "warning"), ("firing", "critical"), ("resolved", "critical")]
    assert len({a.dedup_key for a in hate}) == 1
    assert len({a.alert_id for a in hate}) == 3


def test_unknown_regions_and_invalid_scores_are_counted_not_judged():
    eng = engine()
    eng.process(scored_post("unknown", T0, "u1", author="a"), 0)
    bad = scored_post("ID-JB", T0, "nan", author="a")
    object.__setattr__(bad, "scores", {**bad.scores, "hate": float("nan")})
    eng.process(bad, 0)
    assert eng.stats["unknown_region"] == 1 and eng.stats["invalid"] == 1
    assert eng.contributions == {}


# ------------------------------------------------------------------------- restarts and replay
def multi_region_stream():
    return interleave(
        incident_stream(),
        traffic("ID-JT", T0, 90, 15, authors=150),
        traffic("ID-SN", T0, 90, 10, authors=120),
        traffic("ID-SN", T0 + 40 * MINUTE, 15, 50, authors=100, abusive_share=0.8,
                signals=("provocation", "tension"), tag="sn"),
    )


def _partition(region):
    return partition_for(region, 4)


@pytest.mark.parametrize("split", [0.2, 0.5, 0.71])
def test_restart_from_the_changelogs_gives_the_same_alerts_as_an_uninterrupted_run(split):
    stream = multi_region_stream()
    uninterrupted = run(stream, partition_of=_partition)
    assert len(uninterrupted) >= 4

    half = int(len(stream) * split)
    contributions, state = {}, {}
    first = engine(contributions=contributions, state=state)
    got = run(stream[:half], first, partition_of=_partition)
    # What comes back from a JSON changelog: plain lists and dicts, no tuples, no shared objects.
    contributions = recovered(contributions)
    state = recovered(state)
    second = RegionalEngine(config(), contributions, state)
    second.rebuild()
    redelivered = stream[half - 300: half]  # at-least-once: the uncommitted tail comes again
    got += run(redelivered + stream[half:], second, partition_of=_partition)
    assert [a.alert_id for a in got] == [a.alert_id for a in uninterrupted]
    assert [a.to_dict() for a in got] == [a.to_dict() for a in uninterrupted]


def test_replay_pending_republishes_the_last_alert_of_each_incident_after_a_restart():
    stream = incident_stream()
    state: dict = {}
    contributions: dict = {}
    alerts = run(stream, engine(contributions=contributions, state=state))
    restarted = RegionalEngine(config(), recovered(contributions),
                               recovered(state))
    pending = restarted.replay_pending()
    last_by_key = {a.dedup_key: a for a in alerts}
    assert {a.alert_id for a in pending} == {a.alert_id for a in last_by_key.values()}
    assert all(a == last_by_key[a.dedup_key] for a in pending)


def test_the_same_stream_gives_identical_alerts_however_partitions_interleave():
    stream = multi_region_stream()
    baseline = run(stream, partition_of=_partition)
    # Another interleaving of the partitions (each keeps its own order): one partition at a time.
    by_partition = sorted(stream, key=lambda p: _partition(p.post.region))  # stable sort
    regrouped = run(by_partition, partition_of=_partition)
    assert sorted(a.alert_id for a in regrouped) == sorted(a.alert_id for a in baseline)
    for region in {a.region for a in baseline}:
        assert [a.to_dict() for a in by_region(regrouped, region)] == [a.to_dict() for a in by_region(baseline, region)]


def test_contributions_are_evicted_once_no_open_window_needs_them():
    eng = engine()
    run(traffic("ID-JB", T0, 120, 20, authors=200), eng)
    # Only the panes of open windows remain: at most size/step + grace/step + 1 minutes of posts.
    assert 0 < len(eng.contributions) <= 20 * 7


def test_snapshot_reports_the_latest_closed_window_with_thresholds_and_baseline():
    eng = engine(config(thresholds()))
    run(incident_stream(), eng)
    snap = eng.snapshot()["ID-JB"]
    hate = snap["signals"]["hate"]
    assert snap["phase"] == "voting" and snap["post_count"] > 0
    assert hate["metric"] == "capped_share" and hate["critical_fire"] == 0.40
    assert hate["baseline"] is not None
    from prometheus_client import CollectorRegistry

    from streams.runtime.metrics import SuhuMetrics

    registry = CollectorRegistry()
    SuhuMetrics(registry).window_values(eng.snapshot())  # the gauges read this layout as is
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for m in registry.collect() for s in m.samples if s.labels.get("region") == "ID-JB"}
    assert snap["post_count"] in samples.values()


def _ms(iso):
    from datetime import datetime

    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


@pytest.mark.parametrize("region", ["ID-JK", "ID-PA", "ID-BA"])
def test_partition_for_matches_kafkas_default_partitioner(region):
    from kafka.partitioner.default import DefaultPartitioner

    class Cluster:
        def topics(self):
            return {"t"}

        def partitions_for_topic(self, topic):
            return set(range(8))

        def available_partitions_for_topic(self, topic):
            return set(range(8))

    key = region.encode()
    assert partition_for(region, 8) == DefaultPartitioner().partition("t", region, key, None, None, Cluster())


def test_contributions_left_over_from_a_lost_eviction_are_ignored_on_rebuild_and_deleted_later():
    stream = traffic("ID-JB", T0, 30, 20, authors=200)
    contributions, state = {}, {}
    first = engine(contributions=contributions, state=state)
    run(stream, first, partition_of=lambda r: 2)
    contributions["x:ghost"] = ["ID-JB", T0, "ghost", [0] * 5, 0, "ghost", 2]  # a contribution whose windows all closed long ago
    second = RegionalEngine(config(), contributions, state)
    assert "x:ghost" in contributions  # rebuild writes nothing (no event is current in a worker)
    run(traffic("ID-JB", T0 + 30 * MINUTE, 1, 5, authors=5, tag="next"), second, partition_of=lambda r: 2)
    assert "x:ghost" not in contributions
