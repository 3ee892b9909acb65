"""`suhu backtest`: the live engine offline, over JSONL of scored or raw posts."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest

from streams.tooling.backtest import run_backtest
from streams.core.engine import partition_for
from streams.core.settings import load_settings
from tests.unit.streams_factory import MINUTE, VOTING_9AM, engine, interleave, traffic

REPO = Path(__file__).resolve().parents[2]
T0 = VOTING_9AM


@pytest.fixture()
def settings():
    return load_settings(env={})


def stream(incident_minutes=20, tail_minutes=60):
    calm = traffic("ID-JB", T0, 30 + incident_minutes + tail_minutes, 20, authors=200)
    burst = traffic("ID-JB", T0 + 30 * MINUTE, incident_minutes, 60, authors=150, abusive_share=0.9, tag="inc")
    other = traffic("ID-SN", T0, 30 + incident_minutes + tail_minutes, 10, authors=100)
    return interleave(calm, burst, other)


def jsonl(posts):
    return [p.to_json() + b"\n" for p in posts]


def test_backtest_on_scored_posts_gives_the_engines_alerts_routed_like_kafka(settings):
    posts = stream()
    alerts = run_backtest(jsonl(posts), settings)
    eng = engine()
    expected = []
    for p in posts:
        expected += eng.process(p, partition_for(p.post.region, settings.topic_partitions))
    assert [a.to_dict() for a in alerts] == [a.to_dict() for a in expected]
    assert {(a.signal, a.status) for a in alerts} >= {("hate", "firing"), ("hate", "resolved")}


def test_open_windows_are_not_flushed_at_the_end_unless_asked(settings):
    posts = stream(incident_minutes=20, tail_minutes=0)[:-200]  # the input stops mid-incident
    plain = run_backtest(jsonl(posts), settings)
    flushed = run_backtest(jsonl(posts), settings, flush=True)
    assert [a.status for a in plain if a.signal == "hate"] == ["firing"]
    assert [a.status for a in flushed if a.signal == "hate"] == ["firing", "resolved"]
    assert [a.alert_id for a in flushed[: len(plain)]] == [a.alert_id for a in plain]


def test_bad_lines_are_counted_by_reason_never_silently_dropped(settings):
    posts = jsonl(stream()[:50])
    lines = posts + [b"not json\n", b'{"scores": {"hate": 0.5}}\n', b"\n", b'{"id": "x"}\n']
    stats: Counter[str] = Counter()
    run_backtest(lines, settings, stats=stats)
    assert stats["lines"] == 53
    assert stats["scored_input"] == 51 and stats["raw_input"] == 2
    assert stats["rejected:invalid_scored_post"] == 1
    assert stats["rejected:not_json"] == 1 and stats["rejected:missing_field"] == 1
    assert stats["processed"] == 50


ABUSE = ["dasar kafir bodoh, usir saja mereka dari sini", "anjing kau pendukung curang, goblok semua",
         "bangsat, bakar saja kantor mereka", "kafir tolol tidak tahu diri, pergi kau"]
CIVIL = ["selamat pagi, jangan lupa datang ke TPS ya", "antrean di TPS cukup tertib hari ini",
         "semoga pemilu berjalan damai dan lancar", "terima kasih petugas KPPS atas kerja kerasnya"]


def raw_posts():
    out = []
    for m in range(60):
        for k in range(20):
            i = m * 20 + k
            bad = 25 <= m < 45 and k % 4 != 0
            text = (ABUSE if bad else CIVIL)[i % 4]
            ts = datetime.fromtimestamp((T0 + m * MINUTE + k * 2500) / 1000, tz=timezone.utc)
            out.append(orjson.dumps({"id": f"r{i}", "text": f"{text} #{i}", "created_at": ts.isoformat(),
                                     "platform": "x", "region": "Jawa Barat", "author_id": f"u{i % 150}"}) + b"\n")
    return out


def test_raw_posts_are_validated_and_scored_like_the_worker_and_an_obvious_incident_pages(settings):
    from models.scorer import load_scorer
    from streams.core.pipeline import PostProcessor

    scorer = load_scorer()
    lines = raw_posts()
    from_raw = run_backtest(lines, settings, scorer=scorer)
    scored = [sp.to_json() for _, sp in PostProcessor.from_settings(settings, scorer).process(lines).scored]
    assert len(scored) == len(lines)
    from_scored = run_backtest(scored, settings, scorer=scorer)
    assert [a.to_dict() for a in from_raw] == [a.to_dict() for a in from_scored]
    fired = {(a.region, a.signal) for a in from_raw if a.status == "firing"}
    assert ("ID-JB", "incivility") in fired or ("ID-JB", "hate") in fired


def test_suhu_backtest_prints_the_alert_timeline_as_jsonl_and_a_summary_on_stderr(tmp_path):
    path = tmp_path / "scored.jsonl"
    path.write_bytes(b"".join(jsonl(stream())))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUHU_")}
    out = subprocess.run([sys.executable, "-m", "streams.cli", "backtest", str(path)], cwd=REPO, env=env,
                         capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr.decode()
    rows = [orjson.loads(line) for line in out.stdout.splitlines()]
    assert rows and all(set(r) >= {"alert_id", "dedup_key", "status", "summary_id", "summary_en"} for r in rows)
    assert rows == [a.to_dict() for a in run_backtest(jsonl(stream()), load_settings(env={}))]
    assert b"backtest:" in out.stderr and b"processed=" in out.stderr
