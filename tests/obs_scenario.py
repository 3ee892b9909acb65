"""A live observability run: Kafka, a worker, Alertmanager and Prometheus, with a synthetic incident.

Shared by the issue-5 acceptance test (tests/integration/test_observability_e2e.py) and the
dashboard renderer (docs/render_dashboard.py), so the picture in the docs comes from exactly the
run the test checks. Everything listens on loopback; every process started here is stopped here.

The stream is produced paced by event-time minute (a few hundred posts per chunk), so Prometheus
scrapes the region's windows before, during and after the incident instead of one jump. A small
catalogue of debunked claims is loaded first and a few posts a minute spread one of them in three
other provinces, so the "circulating hoaxes" row has something to show.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

from streams.runtime.catalogue_topic import publish_claims
from streams.core.claims import read_catalogue
from streams.tooling.generator import generate_posts, parse_incident
from streams.tooling.kafka_runtime import ensure_topics
from streams.core.settings import Settings
from tests.integration.conftest import REPO_ROOT, WorkerProcess, free_ports, make_settings, produce, settings_env
from tests.integration.faults_support import wait_healthy
from tests.obs_servers import recording_alertmanager_config, running_alertmanager, running_prometheus

RULES_DIR = REPO_ROOT / "deploy" / "prometheus" / "rules"
CLAIMS_FILE = REPO_ROOT / "tests" / "data" / "hoaxes" / "dev_claims.jsonl"  # hand-written dev claims
SPREAD_TEXTS = (  # three edits of dev claim d02, as tests/unit/test_hoaxes.py spreads it
    "Server Sirekap ternyata di Singapura dan dikendalikan asing buat ngatur hasil pemilu 2024!",
    "pantes aja, server sirekap kpu berada di singapura dikendalikan pihak asing",
    "Jadi server Sirekap ada di Singapura? dikendalikan asing untuk mengatur hasil pemilu. Ngeri",
)
START = "2024-02-14T08:00:00+07:00"  # voting day, Pemilu 2024: the strict thresholds are in force


@dataclass(frozen=True)
class Scenario:
    """What is generated and how fast it is sent; defaults sized for a loaded 2-core machine."""

    region: str = "ID-JB"
    signal: str = "incivility"
    minutes: int = 12  # event-time minutes of stream
    incident_start_min: int = 5
    incident_minutes: int = 4
    intensity: float = 2.0  # heated posts per minute as a multiple of the region's normal volume
    rate: float = 4.0  # background posts per second of event time, all of Indonesia
    seed: int = 5
    seconds_per_minute: float = 1.5  # wall seconds between event-time minutes when producing
    window_size_s: int = 60
    window_step_s: int = 20
    window_grace_s: int = 10
    hoax_regions: tuple[str, ...] = ("ID-JI", "ID-JT", "ID-BT")  # one post a minute each spreads claim d02

    @property
    def incident_spec(self) -> str:
        return (f"{self.region}:{self.signal}:{self.incident_start_min}:{self.incident_minutes}:"
                f"{self.intensity:g}")


@dataclass
class LiveRun:
    scenario: Scenario
    settings: Settings
    worker: WorkerProcess
    prometheus: str  # base URL
    alertmanager: str  # base URL
    scrape_started: float  # unix seconds: Prometheus sees the worker up
    incident_sent: float = math.nan  # unix seconds: the first incident minute was produced
    stream_sent: float = math.nan  # unix seconds: the whole stream was produced
    posts_sent: int = 0
    notifications: list[dict[str, Any]] = field(default_factory=list)  # Alertmanager webhook bodies


# --- Prometheus HTTP API ------------------------------------------------------------------------


def _get(url: str) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(url, timeout=20) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as exc:  # 400/422: bad PromQL, with Prometheus's message
        return json.load(exc)


def prom_query(base: str, expr: str, at: float | None = None) -> dict[str, Any]:
    params = {"query": expr}
    if at is not None:
        params["time"] = f"{at:.3f}"
    return _get(f"{base}/api/v1/query?{urllib.parse.urlencode(params)}")


def prom_range(base: str, expr: str, start: float, end: float, step_s: float = 1.0) -> dict[str, Any]:
    params = {"query": expr, "start": f"{start:.3f}", "end": f"{end:.3f}", "step": f"{step_s:g}"}
    return _get(f"{base}/api/v1/query_range?{urllib.parse.urlencode(params)}")


def scalar(base: str, expr: str) -> float | None:
    """The single value of an instant query (None when empty or failed)."""
    res = prom_query(base, expr)
    if res.get("status") != "success" or not res["data"]["result"]:
        return None
    return float(res["data"]["result"][0]["value"][1])


def samples(base: str, expr: str, start: float, end: float, step_s: float = 1.0) -> list[tuple[float, float]]:
    """(unix time, value) of a range query that must return exactly one series."""
    res = prom_range(base, expr, start, end, step_s)
    assert res.get("status") == "success", (expr, res.get("error"))
    result = res["data"]["result"]
    assert len(result) == 1, (expr, [r["metric"] for r in result])
    return [(float(t), float(v)) for t, v in result[0]["values"]]


def wait_until(what: str, predicate: Any, timeout_s: float, every_s: float = 1.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what}")
        time.sleep(every_s)


# --- the pieces ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def webhook_recorder() -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """Alertmanager's receiver: records every notification body it is sent."""
    received: list[dict[str, Any]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.append(json.loads(body or b"{}"))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], received
    finally:
        server.shutdown()
        server.server_close()


def alertmanager_config(hook_port: int) -> str:
    return recording_alertmanager_config(hook_port)


def prometheus_config(worker_port: int, alertmanager_url: str) -> tuple[str, list[tuple[str, str]]]:
    """A temporary config: the shipped rule files, a 1 s scrape of the worker as job suhu-worker."""
    rules = sorted(RULES_DIR.glob("*.yml"))
    am = urllib.parse.urlsplit(alertmanager_url).netloc
    config = f"""
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [{", ".join("rules/" + p.name for p in rules)}]
alerting:
  alertmanagers:
    - static_configs: [{{targets: ["{am}"]}}]
scrape_configs:
  - job_name: suhu-worker
    scrape_interval: 1s
    static_configs: [{{targets: ["127.0.0.1:{worker_port}"]}}]
"""
    return config, [(f"rules/{p.name}", p.read_text(encoding="utf-8")) for p in rules]


def start_worker(settings: Settings, log_path: Path) -> WorkerProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUHU_")}
    env.update(settings_env(settings))
    env["PYTHONUNBUFFERED"] = "1"
    handle = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streams.cli", "worker"], cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL,
        stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
    )
    return WorkerProcess(proc, log_path, settings, handle)


def _event_minute(post: dict[str, Any], start_s: float) -> int:
    return int((dt.datetime.fromisoformat(post["created_at"]).timestamp() - start_s) // 60)


def produce_paced(run: LiveRun) -> None:
    """Send the stream one event-time minute at a time; note when the incident began to be sent."""
    sc = run.scenario
    posts = list(generate_posts(start=START, minutes=sc.minutes, rate=sc.rate, seed=sc.seed,
                                incidents=[parse_incident(sc.incident_spec)]))
    start_s = dt.datetime.fromisoformat(START).timestamp()
    chunks: dict[int, list[dict[str, Any]]] = {}
    current = 0
    for p in posts:  # arrival order; a post whose created_at lags stays with its arrival minute
        current = max(current, _event_minute(p, start_s))
        chunks.setdefault(current, []).append(p)
    for minute in range(sc.minutes):
        for k, region in enumerate(sc.hoax_regions):
            at = dt.datetime.fromtimestamp(start_s + minute * 60 + 20 + k, tz=dt.timezone.utc)
            chunks.setdefault(minute, []).append({
                "id": f"hoax-{minute}-{k}", "text": SPREAD_TEXTS[(minute + k) % len(SPREAD_TEXTS)],
                "created_at": at.isoformat(), "region": region, "platform": "x",
                "author_id": f"x:hoax{minute}{k}", "lang": "id"})
    for minute in sorted(chunks):
        began = time.monotonic()
        if minute >= sc.incident_start_min and math.isnan(run.incident_sent):
            run.incident_sent = time.time()
        chunk = chunks[minute]
        produce(run.settings, "posts", chunk, keys=[f"{p['platform']}:{p['id']}" for p in chunk])
        run.posts_sent += len(chunk)
        time.sleep(max(0.0, sc.seconds_per_minute - (time.monotonic() - began)))
    run.stream_sent = time.time()


@contextlib.contextmanager
def live_pipeline(bootstrap: str, workdir: Path, scenario: Scenario = Scenario()) -> Iterator[LiveRun]:
    """Start the chain, wait until Prometheus scrapes a healthy worker, produce the stream; yield the run."""
    workdir.mkdir(parents=True, exist_ok=True)
    (web_port,) = free_ports(1)
    with webhook_recorder() as (hook_port, notifications), \
            running_alertmanager(workdir / "alertmanager", alertmanager_config(hook_port)) as am_url:
        settings = make_settings(
            bootstrap, workdir / "worker", web_port=web_port, batch_deadline_ms=100,
            window_size_s=scenario.window_size_s, window_step_s=scenario.window_step_s,
            window_grace_s=scenario.window_grace_s, alertmanager_url=am_url, alertmanager_resend_s=4.0,
        )
        ensure_topics(settings)
        publish_claims(settings, read_catalogue(CLAIMS_FILE)[0])
        worker = start_worker(settings, workdir / "worker.log")
        try:
            wait_healthy(web_port, worker)
            config, rule_files = prometheus_config(web_port, am_url)
            with running_prometheus(workdir / "prometheus", config, *rule_files) as prom_url:
                wait_until("Prometheus to scrape the worker",
                           lambda: scalar(prom_url, 'up{job="suhu-worker"}') == 1, timeout_s=60, every_s=0.5)
                run = LiveRun(scenario, settings, worker, prom_url, am_url, time.time(),
                              notifications=notifications)
                produce_paced(run)
                yield run
        finally:
            worker.stop()
