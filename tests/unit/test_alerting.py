"""The per-(region, signal) state machine, window by window, without any stream."""

from __future__ import annotations

import json
from datetime import timezone

import pytest

from streams.core.alerting import Observation, alert_id, dedup_key, make_alert, new_state, step
from streams.core.regions import tz_for
from streams.core.thresholds import BaselineRule, Level, Rule

MIN = 60_000
T = 1_707_876_000_000  # 14 Feb 2024 09:00 WIB


def rule(**kw) -> Rule:
    base = dict(metric="capped_share", min_posts=30, min_authors=15, consecutive_windows=2, consecutive_clear=2,
                reminder_windows=0, baseline=BaselineRule(half_life_minutes=60, warmup_windows=3, min_rise=0.1,
                                                          ratio=1.5, clear_rise=0.05),
                warning=Level(0.25, 0.18), critical=Level(0.5, 0.38))
    base.update(kw)
    return Rule(**base)


def obs(i: int, value: float, posts: int = 100, authors: int = 80, region="ID-JB", signal="hate") -> Observation:
    end = T + i * MIN
    return Observation(region, signal, end - 5 * MIN, end, "voting", value, posts, authors, ("p1", "p2"))


def feed(values, r=None, state=None, **kw):
    r = r or rule()
    s = state or new_state()
    out = []
    for i, v in enumerate(values):
        s, tr = step(s, obs(i, v, **kw), r)
        json.dumps(s)  # the state must stay JSON-able (it lives in a changelog table)
        out.append(tr)
    return s, out


def test_one_breaching_window_is_only_pending_and_two_fire():
    s, trs = feed([0.6])
    assert trs == [None] and s["s"] == "pending"
    s, trs = feed([0.6, 0.6])
    assert trs[1].status == "firing" and trs[1].severity == "critical"
    assert trs[1].dedup_key == dedup_key("ID-JB", "hate", T + MIN)


def test_a_firing_alert_is_not_repeated_while_it_stays_firing():
    _, trs = feed([0.6] * 30)
    assert [t.status for t in trs if t] == ["firing"]


def test_a_reminder_repeats_the_firing_alert_every_n_windows_when_configured():
    _, trs = feed([0.6] * 12, rule(reminder_windows=5))
    fired = [(i, t) for i, t in enumerate(trs) if t]
    assert [i for i, _ in fired] == [1, 6, 11]
    assert len({t.dedup_key for _, t in fired}) == 1


def test_hysteresis_keeps_firing_between_clear_and_fire_and_resolves_after_consecutive_calm_windows():
    _, trs = feed([0.6, 0.6, 0.45, 0.40, 0.30, 0.30])
    assert [(i, t.status) for i, t in enumerate(trs) if t] == [(1, "firing"), (5, "resolved")]


def test_one_calm_window_between_breaches_does_not_resolve():
    _, trs = feed([0.6, 0.6, 0.1, 0.6, 0.1, 0.1])
    assert [t.status for t in trs if t] == ["firing", "resolved"]


def test_windows_under_min_posts_or_min_authors_count_as_calm():
    s, trs = feed([0.6, 0.6])
    s, trs2 = feed([0.9, 0.9], state=s, posts=5)
    assert trs2[1].status == "resolved"
    _, trs3 = feed([0.9, 0.9], authors=3)
    assert trs3 == [None, None]


def test_a_warning_needs_an_established_baseline_and_a_rise_above_it():
    r = rule()
    # No history: 0.3 is above the warning level but the region's own normal is unknown.
    _, cold = feed([0.3, 0.3], r)
    assert cold == [None, None]
    # Quiet history, then a shift: warning.
    _, shift = feed([0.05] * 5 + [0.3, 0.3], r)
    assert shift[-1].status == "firing" and shift[-1].severity == "warning"
    assert 0.05 <= shift[-1].baseline < 0.06  # the pending window nudged it: it learns from every window
    # Heated history at the same level: no warning.
    _, heated = feed([0.3] * 7, r)
    assert all(t is None for t in heated)


def test_escalation_is_a_new_transition_with_the_same_dedup_key():
    _, trs = feed([0.05] * 5 + [0.3, 0.3, 0.6, 0.6, 0.1, 0.1])
    fired = [t for t in trs if t]
    assert [(t.status, t.severity) for t in fired] == [("firing", "warning"), ("firing", "critical"),
                                                       ("resolved", "critical")]
    assert len({t.dedup_key for t in fired}) == 1


def test_a_new_incident_after_resolution_gets_a_new_dedup_key():
    _, trs = feed([0.6, 0.6, 0.1, 0.1, 0.6, 0.6])
    fired = [t for t in trs if t and t.status == "firing"]
    assert len(fired) == 2 and fired[0].dedup_key != fired[1].dedup_key


def test_step_does_not_mutate_the_state_it_is_given():
    s = new_state()
    before = dict(s)
    step(s, obs(0, 0.9), rule())
    assert s == before


def test_the_alert_is_deterministic_and_carries_both_languages():
    s, trs = feed([0.6, 0.6])
    o = obs(1, 0.6)
    a = make_alert(trs[1], o, "Jawa Barat", tz_for("ID-JB"))
    b = make_alert(trs[1], o, "Jawa Barat", tz_for("ID-JB"))
    assert a == b
    assert a.alert_id == alert_id(a.dedup_key, "firing", "critical", o.window_end_ms)
    assert a.emitted_at == a.window_end == "2024-02-14T02:01:00Z"
    assert a.summary_id == (
        "[KRITIS] Ujaran kebencian di Jawa Barat: 60% unggahan melewati ambang (ambang 50%, baseline 60%), "
        "100 unggahan dari 80 akun, 14 Feb 2024 08:56-09:01 WIB, fase: pemungutan suara"
    )
    assert a.summary_en.startswith("[CRITICAL] Hate speech in Jawa Barat: 60% of posts over the threshold")
    assert a.example_post_ids == ("p1", "p2")


def test_a_city_incident_has_its_own_dedup_key_and_names_the_city():
    _, trs = feed([0.6, 0.6])
    city_obs = Observation("ID-JB", "hate", T - 4 * MIN, T + MIN, "voting", 0.6, 100, 80, ("p1",), "Bandung")
    s, tr = step(step(None, city_obs, rule())[0], city_obs, rule())
    assert tr.dedup_key == dedup_key("ID-JB", "hate", T + MIN, "Bandung") == f"suhu:ID-JB/Bandung:hate:{T + MIN}"
    assert tr.dedup_key != trs[1].dedup_key  # the province's incident in the same windows
    a = make_alert(tr, city_obs, "Bandung, Jawa Barat", tz_for("ID-JB"))
    assert (a.region, a.city, a.region_name) == ("ID-JB", "Bandung", "Bandung, Jawa Barat")
    assert a.summary_id.startswith("[KRITIS] Ujaran kebencian di Bandung, Jawa Barat:")
    assert make_alert(trs[1], obs(1, 0.6), "Jawa Barat").city is None


def test_summaries_use_the_regions_local_time_zone():
    _, trs = feed([0.6, 0.6], region="ID-PA")
    a = make_alert(trs[1], obs(1, 0.6, region="ID-PA"), "Papua", tz_for("ID-PA"))
    assert "10:56-11:01 WIT" in a.summary_id
    utc = make_alert(trs[1], obs(1, 0.6, region="ID-PA"), "Papua", timezone.utc)
    assert "UTC+0" in utc.summary_en
