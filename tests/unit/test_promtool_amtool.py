"""The shipped Prometheus and Alertmanager configuration passes the upstream tools' own checks.

Needs the Debian binaries (`apt-get install prometheus prometheus-alertmanager`), not Kafka.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
PROM = DEPLOY / "prometheus"
AM = DEPLOY / "alertmanager"

needs_promtool = pytest.mark.skipif(
    shutil.which("promtool") is None, reason="promtool not installed (apt-get install prometheus)"
)
needs_amtool = pytest.mark.skipif(
    shutil.which("amtool") is None, reason="amtool not installed (apt-get install prometheus-alertmanager)"
)


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=60)


def ok(proc: subprocess.CompletedProcess[str]) -> bool:
    return proc.returncode == 0


@needs_promtool
def test_prometheus_config_and_its_rule_files_are_valid():
    proc = run("promtool", "check", "config", PROM / "prometheus.yml")
    assert ok(proc), proc.stdout + proc.stderr


@needs_promtool
@pytest.mark.parametrize("rules", sorted((PROM / "rules").glob("*.yml")), ids=lambda p: p.name)
def test_rule_file_is_valid(rules: Path):
    proc = run("promtool", "check", "rules", rules)
    assert ok(proc), proc.stdout + proc.stderr


@needs_promtool
@pytest.mark.parametrize("tests", sorted((PROM / "tests").glob("*.yml")), ids=lambda p: p.name)
def test_rule_unit_tests_pass(tests: Path):
    proc = run("promtool", "test", "rules", tests)
    assert ok(proc), proc.stdout + proc.stderr


@needs_promtool
def test_every_pipeline_alert_has_a_promtool_test():
    import yaml

    alerts = {r["alert"] for g in yaml.safe_load((PROM / "rules" / "pipeline_alerts.yml").read_text())["groups"]
              for r in g["rules"] if "alert" in r}
    tested = set()
    for f in (PROM / "tests").glob("*.yml"):
        for t in yaml.safe_load(f.read_text()).get("tests", []):
            tested |= {a["alertname"] for a in t.get("alert_rule_test", []) if a.get("exp_alerts")}
    untested = alerts - tested - {"SuhuKafkaConsumerLagHigh"}
    assert not untested, f"alerts without a firing test: {sorted(untested)}"


@needs_amtool
def test_alertmanager_config_is_valid():
    proc = run("amtool", "check-config", AM / "alertmanager.yml")
    assert ok(proc), proc.stdout + proc.stderr


def route_cases() -> list[tuple[str, list[str]]]:
    cases = []
    for line in (AM / "tests" / "routes.txt").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        expected, labels = line.split("|", 1)
        cases.append((expected.strip(), shlex.split(labels)))
    return cases


@needs_amtool
@pytest.mark.parametrize("expected,labels", route_cases(), ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_alert_is_routed_to_the_expected_receivers(expected: str, labels: list[str]):
    proc = run("amtool", "config", "routes", "test", f"--config.file={AM / 'alertmanager.yml'}",
               f"--verify.receivers={expected}", *labels)
    assert ok(proc), f"{labels} went to {proc.stdout.strip()}, expected {expected}"


@needs_amtool
def test_routes_check_fails_on_a_wrong_expectation():
    """Guards the harness itself: a mismatch must be reported, or the cases above prove nothing."""
    proc = run("amtool", "config", "routes", "test", f"--config.file={AM / 'alertmanager.yml'}",
               "--verify.receivers=deadmans-switch", "source=suhu", "severity=critical", "region=ID-JK")
    assert not ok(proc)
