"""A debate night / quick-count evening must not page anyone: the alert-level acceptance test for the scorer.

On debate nights and quick-count evenings, civil posts that name candidates, pairs, parties and
ballot numbers surge. A scorer that reads those names as hate or abuse turns the surge into
province and city alerts that are pure noise. This test replays such an evening through exactly
what `suhu backtest` runs (contract, the packaged default scorer and thresholds, the engine) and
expects no alert transition at all; its twin adds a genuine hate wave in another province and
expects that one to page, so the first cannot pass by a pipeline that has gone quiet.

The stream is synthetic (streams/tooling/generator.py): it checks the pipeline's behaviour on this pattern,
not a model's quality on real posts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from streams.tooling.backtest import run_backtest
from streams.tooling.generator import DEBATE_NIGHT, generate_posts, parse_debate_night, parse_incident, write_jsonl
from streams.core.settings import load_settings

# Voting day, from 14:30 WIB: the quick counts come in (voting-phase thresholds, the strictest).
START = "2024-02-14T14:30:00+07:00"
MINUTES = 120
RATE = 3.0  # background posts per second nationwide: enough for province and city windows to be judged
SEED = 7
# Jakarta, West, Central and East Java: 60 minutes at the default 5x their normal volume, from minute 40
# (after every province's baseline has warmed up).
SURGE = "ID-JK,ID-JB,ID-JT,ID-JI:40:60"
SURGE_REGIONS = ("ID-JK", "ID-JB", "ID-JT", "ID-JI")
# A real SARA hate wave elsewhere (North Sumatra), inside the evening.
INCIDENT = "ID-SU:hate:50:20"

_T0 = dt.datetime.fromisoformat(START)


def _replay(tmp_path, incidents=()):
    """Generate the evening, write it as `suhu generate` would, replay it as `suhu backtest` does."""
    posts = list(generate_posts(start=START, minutes=MINUTES, rate=RATE, seed=SEED, truth=True,
                                debate_nights=[parse_debate_night(SURGE)],
                                incidents=[parse_incident(s) for s in incidents]))
    truth = Counter()
    for post in posts:
        syn = post.pop("synthetic")  # `suhu generate` without --truth: the pipeline sees plain posts
        truth[syn.get("pattern") or syn["signal"] or "background"] += 1
    path = tmp_path / "evening.jsonl"
    with open(path, "wb") as f:
        write_jsonl(posts, f)
    settings = load_settings(env={})  # packaged defaults: fast model, thresholds, calendar pemilu-2024
    assert settings.model_dir is None and settings.thresholds_file is None and settings.transformer_mode == "off"
    stats: Counter[str] = Counter()
    with open(path, "rb") as f:
        alerts = run_backtest(f, settings, stats=stats)
    return alerts, stats, truth


def _describe(alerts) -> str:
    by = Counter((a.region + (f"/{a.city}" if a.city else ""), a.signal, a.severity)
                 for a in alerts if a.status == "firing")
    lines = [f"  {series} {signal} {severity}: {n} firing" for (series, signal, severity), n in sorted(by.items())]
    return "\n".join(lines)


def _minutes_in(ts: str) -> float:
    return (dt.datetime.fromisoformat(ts.replace("Z", "+00:00")) - _T0).total_seconds() / 60


def test_a_quick_count_evening_surge_in_four_provinces_pages_no_one(tmp_path):
    alerts, stats, truth = _replay(tmp_path)
    # The surge is really there and really judged: ~4x extra civil, candidate-naming posts in the four provinces.
    assert truth[DEBATE_NIGHT] > truth["background"] * 0.6, truth
    assert set(truth) == {"background", DEBATE_NIGHT}
    assert stats["processed"] + stats["unknown_region"] == truth["background"] + truth[DEBATE_NIGHT], stats
    assert stats["windows_closed"] > 0 and not any(k.startswith("rejected:") for k in stats), stats
    firing = [a for a in alerts if a.status == "firing"]
    incidents = {a.dedup_key for a in firing}
    series = {(a.region, a.city) for a in firing}
    provinces = sorted({a.region for a in firing if a.city is None})
    assert not alerts, (
        f"{len(alerts)} alert transitions on a civil quick-count evening: {len(firing)} firing, {len(incidents)} "
        f"incidents, {len(series)} series ({len(series & {(r, None) for r in SURGE_REGIONS})} of them provinces: "
        f"{', '.join(provinces) or '-'}; {len([s for s in series if s[0] not in SURGE_REGIONS])} outside the surge):"
        f"\n{_describe(alerts)}")


def test_the_same_evening_with_a_real_hate_wave_elsewhere_still_pages_that_province(tmp_path):
    alerts, _, truth = _replay(tmp_path, incidents=[INCIDENT])
    assert truth["hate"] > 0 and truth[DEBATE_NIGHT] > 0, truth
    wave = [a for a in alerts if a.status == "firing" and a.region == "ID-SU" and a.signal == "hate" and a.city is None]
    assert wave, f"the hate wave in Sumatera Utara did not page; alerts:\n{_describe(alerts)}"
    first = wave[0]
    # It pages while the wave lasts (minutes 50-70), not before it starts.
    assert 50 <= _minutes_in(first.window_end) <= 72, first.to_dict()
    assert first.phase == "voting"

