"""`suhu demo`: the whole system on one machine, on embedded defaults.

Starts Kafka (unless one is configured), a worker process, and a synthetic voting-day stream
with incidents replayed faster than real time; shows live per-region figures and alerts; on
Ctrl-C (or when the stream has been processed) stops everything it started and deletes the
demo's topics, leaving nothing running.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import click
import orjson

from streams.tooling.cli_context import get_settings
from streams.core.settings import Settings, replace, to_env

DEFAULT_INCIDENTS = (
    "ID-JB:incivility:20:20",  # Jawa Barat: a wave of insults 20 minutes in
    "ID-JK:fraud_claim:30:20",  # DKI Jakarta: "KPU curang" claims
    "ID-SU:provocation:40:15",  # Sumatera Utara: calls to besiege the KPU office
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class DemoState:
    produced: int = 0
    total: int = 0
    producer_done: bool = False
    alerts: deque = field(default_factory=lambda: deque(maxlen=8))  # type: ignore[type-arg]
    alert_count: int = 0
    stop: threading.Event = field(default_factory=threading.Event)


def scrape(port: int) -> dict[str, list[tuple[dict[str, str], float]]]:
    from prometheus_client.parser import text_string_to_metric_families

    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read().decode()
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            out.setdefault(sample.name, []).append((dict(sample.labels), float(sample.value)))
    return out


def total(samples: dict[str, list[tuple[dict[str, str], float]]], name: str) -> float:
    return sum(v for _, v in samples.get(name, []))


def render(state: DemoState, samples: dict[str, list[tuple[dict[str, str], float]]]):  # type: ignore[no-untyped-def]
    from rich.console import Group
    from rich.table import Table

    from streams.core.regions import region_name

    tension = {lbl["region"]: v for lbl, v in samples.get("suhu_region_tension", [])}
    posts = {lbl["region"]: v for lbl, v in samples.get("suhu_region_posts", [])}
    authors = {lbl["region"]: v for lbl, v in samples.get("suhu_region_authors", [])}
    alerting: dict[str, list[str]] = {}
    for lbl, v in samples.get("suhu_region_alert_state", []):
        if v > 0:
            alerting.setdefault(lbl["region"], []).append(f"{lbl['signal']}:{'KRITIS' if v >= 2 else 'waspada'}")
    phase = next((lbl["phase"] for lbl, v in samples.get("suhu_election_phase", []) if v == 1), "?")

    head = Table.grid(padding=(0, 2))
    head.add_row(
        f"[b]produced[/b] {state.produced}/{state.total}",
        f"[b]scored[/b] {int(total(samples, 'suhu_posts_scored_total'))}",
        f"[b]dead-lettered[/b] {int(total(samples, 'suhu_posts_dead_lettered_total'))}",
        f"[b]duplicates[/b] {int(total(samples, 'suhu_posts_deduplicated_total'))}",
        f"[b]phase[/b] {phase}",
        f"[b]alerts[/b] {state.alert_count}",
    )
    table = Table(title="Suhu per provinsi / tension by province (current 5-min window)", expand=True)
    for col in ("region", "province", "tension", "posts", "authors", "active alerts"):
        table.add_column(col)
    top = sorted(posts, key=lambda r: (-(tension.get(r) or 0.0), -posts.get(r, 0)))[:12]
    for r in top:
        t = tension.get(r, 0.0)
        colour = "red" if alerting.get(r) else ("yellow" if t >= 0.3 else "green")
        table.add_row(r, region_name(r) if r != "unknown" else "(unknown)", f"[{colour}]{t:.2f}[/{colour}]",
                      str(int(posts.get(r, 0))), str(int(authors.get(r, 0))), ", ".join(alerting.get(r, [])))
    alerts = Table(title="Peringatan terakhir / latest alerts", expand=True, show_lines=False)
    alerts.add_column("status")
    alerts.add_column("summary")
    for a in list(state.alerts):
        style = "red" if a["status"] == "firing" else "green"
        alerts.add_row(f"[{style}]{a['status']}[/{style}]", a["summary_id"])
    return Group(head, table, alerts)


def _produce(settings: Settings, lines: list[bytes], speed: float, state: DemoState) -> None:
    from streams.tooling.producer import produce_lines

    def counted():  # type: ignore[no-untyped-def]
        for line in lines:
            if state.stop.is_set():
                return
            state.produced += 1
            yield line

    try:
        produce_lines(settings, counted(), speed=speed, progress=False)
    finally:
        state.producer_done = True


def _watch_alerts(settings: Settings, state: DemoState) -> None:
    from kafka import KafkaConsumer

    from streams.core.topics import ALERTS

    consumer = KafkaConsumer(settings.topic(ALERTS), bootstrap_servers=settings.bootstrap(),
                             auto_offset_reset="earliest", enable_auto_commit=False, consumer_timeout_ms=500,
                             **settings.kafka_python_security())
    seen: set[str] = set()
    try:
        while not state.stop.is_set():
            for record in consumer:
                alert = orjson.loads(record.value)
                if alert["alert_id"] in seen:
                    continue
                seen.add(alert["alert_id"])
                state.alert_count += 1
                state.alerts.append(alert)
                if state.stop.is_set():
                    break
    finally:
        consumer.close()


def _wait_healthy(port: int, proc: subprocess.Popen, timeout_s: float, log_path: Path) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise click.ClickException(f"the worker exited with {proc.returncode}; see {log_path}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return
        except OSError:
            time.sleep(0.5)
    raise click.ClickException(f"the worker did not become healthy within {timeout_s:.0f}s; see {log_path}")


def _stop_process(proc: subprocess.Popen, timeout_s: float = 20.0) -> None:  # type: ignore[type-arg]
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def _delete_demo_topics(settings: Settings) -> None:
    from kafka.admin import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap(), **settings.kafka_python_security())
    try:
        mine = [t for t in admin.list_topics() if t.startswith(settings.topic_prefix) or t.startswith(settings.app_id)]
        if mine:
            admin.delete_topics(mine)
    finally:
        admin.close()


@click.command("demo")
@click.option("--minutes", default=75, show_default=True, help="Minutes of event time to generate.")
@click.option("--rate", default=12.0, show_default=True, help="Posts per second of event time, nationwide.")
@click.option("--speed", default=40.0, show_default=True, help="Replay speed: event time runs this much faster.")
@click.option("--incident", "incidents", multiple=True, default=DEFAULT_INCIDENTS, show_default=True,
              help="REGION:SIGNAL:START_MIN:DURATION_MIN (repeatable).")
@click.option("--forever", is_flag=True, help="Keep running after the stream ends, until Ctrl-C.")
@click.option("--seed", default=7, show_default=True)
@click.pass_context
def demo_command(ctx: click.Context, minutes: int, rate: float, speed: float, incidents: tuple[str, ...],
                 forever: bool, seed: int) -> None:
    """Local demo: Kafka, a worker and a synthetic voting-day stream with incidents."""
    from rich.console import Console
    from rich.live import Live

    from streams.tooling.generator import generate_posts, parse_incident
    from streams.tooling.kafka_runtime import ensure_topics, local_kafka_status, start_local_kafka, stop_local_kafka

    console = Console(stderr=False)
    base = get_settings(ctx)
    run = time.strftime("%Y%m%d%H%M%S")
    settings = replace(base, topic_prefix=f"demo-{run}-", app_id=f"suhu-demo-{run}", web_port=free_port(),
                       data_dir=base.data_dir)
    started_kafka = False
    worker: subprocess.Popen | None = None  # type: ignore[type-arg]
    state = DemoState()
    threads: list[threading.Thread] = []
    try:
        if settings.kafka_bootstrap:
            console.print(f"using Kafka at {settings.kafka_bootstrap}")
        elif not local_kafka_status(settings).running:
            console.print("starting local Kafka (first run resolves its jars from Maven Central)...")
            start_local_kafka(settings)
            started_kafka = True
        console.print(f"Kafka: {settings.bootstrap()}; creating topics with prefix {settings.topic_prefix}")
        ensure_topics(settings)

        log_path = settings.data_dir / f"{settings.app_id}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **to_env(settings)}
        console.print(f"starting worker (log: {log_path}, metrics: http://127.0.0.1:{settings.web_port}/metrics)")
        with open(log_path, "ab") as log_file:
            worker = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"], env=env,
                                      stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_healthy(settings.web_port, worker, 180, log_path)

        posts = list(generate_posts(minutes=minutes, rate=rate, seed=seed,
                                    incidents=[parse_incident(s) for s in incidents]))
        lines = [orjson.dumps(p) for p in posts]
        state.total = len(lines)
        console.print(f"replaying {len(lines)} synthetic posts ({minutes} min of voting day at {speed:g}x) "
                      f"with incidents: {', '.join(incidents)}")
        threads = [threading.Thread(target=_produce, args=(settings, lines, speed, state), daemon=True),
                   threading.Thread(target=_watch_alerts, args=(settings, state), daemon=True)]
        for t in threads:
            t.start()

        done_since: float | None = None
        last_print = 0.0
        samples: dict = {}
        live = Live(console=console, refresh_per_second=2, transient=False) if console.is_terminal else None
        if live:
            live.start()
        try:
            while True:
                time.sleep(1.0)
                if worker.poll() is not None:
                    raise click.ClickException(f"the worker exited with {worker.returncode}; see {log_path}")
                try:
                    samples = scrape(settings.web_port)
                except OSError:
                    continue
                view = render(state, samples)
                if live:
                    live.update(view)
                elif time.monotonic() - last_print > 5:
                    console.print(view)
                    last_print = time.monotonic()
                scored = total(samples, "suhu_posts_scored_total")
                if state.producer_done and scored >= state.produced and done_since is None:
                    done_since = time.monotonic()
                if done_since and not forever and time.monotonic() - done_since > 10:
                    break
        finally:
            if live:
                live.stop()
        console.print(render(state, samples))
        console.print(f"demo finished: {state.produced} posts produced, {state.alert_count} alert transitions")
    except KeyboardInterrupt:
        console.print("interrupted: stopping everything the demo started")
    finally:
        state.stop.set()
        for t in threads:
            t.join(timeout=5)
        if worker is not None:
            _stop_process(worker)
        try:
            _delete_demo_topics(settings)
        except Exception as exc:  # noqa: BLE001 - cleanup is best effort; say what was left
            console.print(f"could not delete demo topics: {exc}")
        if started_kafka:
            stop_local_kafka(settings)
            console.print("local Kafka stopped")
