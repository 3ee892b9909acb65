"""Real broker: posts without a region field, located only by the author's profile or by place
names in their text, raise the right province's alert, and the alert says where its evidence came from."""

from __future__ import annotations

import time

import orjson
import pytest

from streams.core import topics as T
from streams.tooling.backtest import run_backtest
from streams.tooling.generator import generate_posts, parse_incident
from streams.core.records import Alert
from tests.integration.conftest import consume, free_ports, produce
from tests.integration.faults_support import sample, scrape, wait_healthy
from tests.integration.test_live_equals_backtest import canonical as _canonical
from tests.integration.test_live_equals_backtest import small_window_thresholds

pytestmark = pytest.mark.integration

PROFILES = ("Makassar", "Kota Daeng", "Gowa, Sulsel", "Maros")
PLACES = ("di Makassar", "warga Kab. Gowa", "di Kota Parepare", "KPU Sulsel")


def canonical(alerts: list[Alert]) -> list[dict[str, object]]:
    """Deduplicated and in timeline order; a province and its city firing together order by dedup key."""
    return sorted(_canonical(alerts), key=lambda d: (d["emitted_at"], d["dedup_key"], d["status"], d["alert_id"]))


def relocate(posts: list[dict]) -> list[dict]:
    """Sulawesi Selatan's posts lose their region field: every other one keeps a profile location,
    the rest name the place in the text. Other provinces keep their field."""
    out = []
    for i, p in enumerate(posts):
        truth = p.pop("synthetic")
        if truth["region"] == "ID-SN":
            p.pop("region", None)
            if i % 2:
                p["author_location"] = PROFILES[i % len(PROFILES)]
            else:
                p["text"] = f"{p['text']} ({PLACES[i % len(PLACES)]})"
        out.append(p)
    return out


def test_posts_located_by_profile_and_text_raise_their_provinces_alert(kafka_settings_factory, worker_process,
                                                                       tmp_path):  # type: ignore[no-untyped-def]
    (port,) = free_ports(1)
    settings = kafka_settings_factory(web_port=port, window_size_s=120, window_step_s=60, window_grace_s=300,
                                      thresholds_file=small_window_thresholds(tmp_path))
    posts = relocate(list(generate_posts(minutes=30, rate=5.0, seed=5, truth=True,
                                         incidents=[parse_incident("ID-SN:incivility:8:10:6")])))
    assert not any("region" in p for p in posts if p.get("author_location")), "no field to fall back on"
    lines = [orjson.dumps(p) for p in posts]

    expected = canonical(run_backtest(lines, settings))
    firing = [a for a in expected if a["region"] == "ID-SN" and a["status"] == "firing" and not a["city"]]
    assert firing, "the incident must fire offline first"
    shares = firing[0]["region_sources"]
    assert shares["profile"] > 0.2 and shares["text"] > 0.2 and shares["field"] == 0.0
    assert "asal wilayah" in firing[0]["summary_id"] and "region from" in firing[0]["summary_en"]

    worker = worker_process(settings)
    wait_healthy(port, worker)
    produce(settings, T.POSTS, lines, keys=[f"{p.get('platform')}:{p['id']}" for p in posts])
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert worker.alive(), worker.log_text()[-3000:]
        if sample(scrape(port), "suhu_posts_scored_total") >= len(lines):
            break
        time.sleep(1)
    records = consume(settings, T.ALERTS, min_messages=len(expected), timeout_s=120, max_idle_s=8)
    live = canonical([Alert.from_json(r.value) for r in records])
    only_live = [(a["emitted_at"], a["dedup_key"], a["status"], a["post_count"]) for a in live if a not in expected]
    only_backtest = [(a["emitted_at"], a["dedup_key"], a["status"], a["post_count"]) for a in expected
                     if a not in live]
    assert live == expected, (only_live, only_backtest)
    scored = consume(settings, T.POSTS_SCORED, min_messages=len(lines), timeout_s=120, max_idle_s=8)
    sources = {orjson.loads(r.value).get("region_source") for r in scored if r.key == b"ID-SN"}
    assert {"profile", "text"} <= sources
    log = worker.log_text()
    assert "Kota Daeng" not in log and "Gowa, Sulsel" not in log  # profile strings are never logged
    body = scrape(port)
    assert sample(body, "suhu_region_source_share", region="ID-SN", source="profile") > 0
