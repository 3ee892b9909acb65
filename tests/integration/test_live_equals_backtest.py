"""The live pipeline and `suhu backtest` are the same core: same input, same alerts."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
import yaml

from streams.core import topics as T
from streams.tooling.backtest import run_backtest
from streams.tooling.generator import generate_posts, parse_incident
from streams.core.records import Alert
from tests.integration.conftest import REPO_ROOT, consume, free_ports, produce
from tests.integration.faults_support import sample, scrape, wait_healthy

pytestmark = pytest.mark.integration


def small_window_thresholds(tmp_path: Path) -> Path:
    """The shipped thresholds with knobs sized for a short test stream."""
    shipped = REPO_ROOT / "streams" / "defaults" / "thresholds.yaml"
    doc = yaml.safe_load(shipped.read_text())
    doc["defaults"].update(min_posts=10, min_authors=8, consecutive_windows=2, consecutive_clear=2)
    doc["regions"] = {}
    doc["cities"] = {"enabled": True, "min_posts": 15, "min_authors": 10}  # so a city incident fires too
    path = tmp_path / "thresholds.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def canonical(alerts: list[Alert]) -> list[dict[str, object]]:
    """Deduplicated by alert_id (a restart may republish, by design) and in timeline order."""
    unique = {a.alert_id: a.to_dict() for a in alerts}
    return sorted(unique.values(), key=lambda d: (d["emitted_at"], d["region"], d["signal"], d["status"]))


def test_alerts_topic_equals_backtest_on_the_same_input(kafka_settings_factory, worker_process, tmp_path):  # type: ignore[no-untyped-def]
    (port,) = free_ports(1)
    settings = kafka_settings_factory(
        web_port=port,
        window_size_s=120,
        window_step_s=60,
        window_grace_s=300,  # covers the event-time disorder of a fast replay across input partitions
        thresholds_file=small_window_thresholds(tmp_path),
    )
    posts = list(generate_posts(minutes=40, rate=5.0, seed=11,
                                incidents=[parse_incident("ID-JB:incivility:10:10")]))
    lines = [orjson.dumps(p) for p in posts]
    input_file = tmp_path / "day.jsonl"
    input_file.write_bytes(b"\n".join(lines) + b"\n")

    expected = canonical(run_backtest(lines, settings))
    assert any(a["region"] == "ID-JB" and a["status"] == "firing" for a in expected), \
        "the incident must fire in backtest, or the comparison proves little"
    assert any(a["region"] == "ID-JB" and a["status"] == "resolved" for a in expected)
    assert any(a["city"] and a["status"] == "firing" for a in expected), "a city-level alert, live and offline"

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
    assert live == expected

    # ... and the CLI prints the same timeline.
    cli = subprocess.run(
        [sys.executable, "-m", "streams.cli", "backtest", str(input_file)],
        env={"PATH": "/usr/bin:/bin", "SUHU_WINDOW_SIZE_S": "120", "SUHU_WINDOW_STEP_S": "60",
             "SUHU_WINDOW_GRACE_S": "300", "SUHU_THRESHOLDS_FILE": str(settings.thresholds_file),
             "SUHU_TOPIC_PARTITIONS": str(settings.topic_partitions)},
        capture_output=True, cwd=REPO_ROOT, timeout=300, check=True,
    )
    from_cli = canonical([Alert.from_json(line) for line in cli.stdout.splitlines() if line.strip()])
    assert from_cli == expected
