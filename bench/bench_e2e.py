"""End-to-end benchmarks through a real Kafka broker, all contenders in the same run.

One broker (started here on free ports), one set of generated posts in one `posts` topic, read in
turn by: the bare ceiling (bench/ceiling.py), suhu's worker (`suhu worker`, 1 and then 2
processes), and the Quix Streams peer (bench/peer_quix.py). Each runs as its own process; the
rate is measured from the consumer group's committed offsets (the same way for all), from the
first committed progress to the moment every post is committed on `posts` *and* on the last
stage's input (for suhu: `posts-scored`, i.e. the post is in the region windows). Then an alert
latency run at a steady rate, through a real Alertmanager to a recording webhook.

Writes a JSON result file; bench/report.py turns it into the tables of docs/BENCHMARKS.md.

Why one long module: every contender runs in the same harness (broker, topics, measurement by
committed offsets, latency run), so their numbers are comparable.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from streams.core.contract import parse_rfc3339  # noqa: E402
from streams.core.engine import partition_for  # noqa: E402
from streams.tooling.generator import generate_posts, parse_incident  # noqa: E402
from streams.tooling.kafka_runtime import ensure_topics, kafka_version, start_local_kafka  # noqa: E402
from streams.core.regions import normalize_region  # noqa: E402
from streams.core.settings import load_settings  # noqa: E402

PY = str(REPO / ".venv" / "bin" / "python")
SUHU = str(REPO / ".venv" / "bin" / "suhu")


def free_ports(n: int) -> list[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def machine() -> dict[str, Any]:
    from importlib.metadata import version

    model = ""
    for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    versions = {}
    for pkg in ("suhu", "faust-streaming", "aiokafka", "kafka-python", "quixstreams", "confluent-kafka",
                "orjson", "numpy", "scikit-learn", "torch", "transformers", "py-spy"):
        try:
            versions[pkg] = version(pkg)
        except Exception:  # noqa: BLE001
            versions[pkg] = "absent"
    versions["python"] = platform.python_version()
    versions["kafka"] = kafka_version()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                            text=True).stdout.strip()
    return {"cpu": model, "cores": os.cpu_count(), "ram_gib": round(mem_kb / 2**20, 1), "versions": versions,
            "commit": commit, "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


# --------------------------------------------------------------------------------- measuring


class Offsets:
    """Committed offsets of a group and end offsets of topics, via kafka-python."""

    def __init__(self, bootstrap: str) -> None:
        from kafka import KafkaAdminClient, KafkaConsumer

        self.admin = KafkaAdminClient(bootstrap_servers=bootstrap)
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap)

    def committed(self, group: str) -> dict[str, int]:
        out: dict[str, int] = {}
        try:
            offs = self.admin.list_group_offsets({group: None}).get(group, {})
        except Exception as exc:  # noqa: BLE001 - the group may not exist yet
            if "GroupCoordinator" not in type(exc).__name__ and "Coordinator" not in str(exc):
                print(f"offsets of {group}: {type(exc).__name__}: {exc}", flush=True)
            return out
        for tp, meta in offs.items():
            if meta.offset >= 0:
                out[tp.topic] = out.get(tp.topic, 0) + meta.offset
        return out

    def end(self, topic: str) -> int:
        from kafka import TopicPartition

        parts = self.consumer.partitions_for_topic(topic) or set()
        if not parts:
            self.consumer.topics()  # refreshes the metadata: the topic may be newer than our cache
            parts = self.consumer.partitions_for_topic(topic) or set()
        if not parts:
            return 0
        ends = self.consumer.end_offsets([TopicPartition(topic, p) for p in parts])
        return sum(ends.values())

    def topics(self) -> set[str]:
        return set(self.consumer.topics())

    def close(self) -> None:
        self.admin.close()
        self.consumer.close()


@dataclass
class Run:
    name: str
    n: int
    seconds: float = 0.0
    rate: float = 0.0
    cpu_s: float = 0.0  # user + system of the contender's processes over the measured interval
    broker_cpu_s: float = 0.0
    peak_rss_mib: float = 0.0  # per process, the largest
    load: list[float] = field(default_factory=list)
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _cpu(procs: list[psutil.Process]) -> float:
    total = 0.0
    for p in procs:
        try:
            for q in [p, *p.children(recursive=True)]:
                t = q.cpu_times()
                total += t.user + t.system
        except psutil.Error:
            pass
    return total


def _rss(p: psutil.Process) -> int:
    try:
        return p.memory_info().rss + sum(c.memory_info().rss for c in p.children(recursive=True))
    except psutil.Error:
        return 0


def measure(name: str, procs: list[subprocess.Popen[bytes]], offsets: Offsets, group: str, source: str, n: int,
            downstream: Any, broker: psutil.Process, timeout_s: float) -> Run:
    """Poll the group's progress until all n posts went through every stage."""
    ps = [psutil.Process(p.pid) for p in procs]
    run = Run(name, n)
    t_first = c_first = None
    cpu0 = bcpu0 = 0.0
    peaks = [0] * len(ps)
    deadline = time.monotonic() + timeout_s
    last_progress, t_last = -1, time.monotonic()
    while True:
        now = time.monotonic()
        if now > deadline:
            run.note = (f"completion on every stage not seen within {timeout_s:.0f} s: rate of the committed "
                        f"part, up to its last committed progress")
            break
        for p in procs:
            if p.poll() is not None:
                raise RuntimeError(f"{name}: process {p.pid} exited with {p.returncode}")
        peaks = [max(a, _rss(q)) for a, q in zip(peaks, ps)]
        done_c = offsets.committed(group)
        c = done_c.get(source, 0)
        progress = sum(done_c.values())
        if progress > last_progress:  # committed offsets moved somewhere: the contender is working
            last_progress, t_last = progress, now
        c_last = c
        if t_first is None and c > 0:
            t_first, c_first = now, c
            cpu0, bcpu0 = _cpu(ps), _cpu([broker])
        if c >= n:
            topics = downstream() if callable(downstream) else downstream
            if all(done_c.get(t, -1) == offsets.end(t) and offsets.end(t) > 0 for t in topics):
                break
        time.sleep(0.25)
    t_end = time.monotonic()
    if t_first is not None and c_first is not None:
        run.seconds = round(t_end - t_first, 2)
        if run.note:
            run.rate = round((c_last - c_first) / max(1e-9, t_last - t_first), 1)
        else:
            run.rate = round((n - c_first) / max(1e-9, t_end - t_first), 1)
        run.cpu_s = round(_cpu(ps) - cpu0, 1)
        run.broker_cpu_s = round(_cpu([broker]) - bcpu0, 1)
    run.peak_rss_mib = round(max(peaks) / 2**20, 1)
    run.load = loadavg()
    return run


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGINT first (py-spy writes its profile, Faust shuts down cleanly), then whatever is left."""
    import signal

    children = []
    for p in procs:
        try:
            children += psutil.Process(p.pid).children(recursive=True)
        except psutil.Error:
            pass
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    for c in children:
        try:
            c.terminate()
            c.wait(timeout=10)
        except psutil.Error:
            pass


# --------------------------------------------------------------------------------- inputs


def create_topics(bootstrap: str, names: list[str], partitions: int) -> None:
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(n, partitions, 1) for n in names])
    finally:
        admin.close()


def produce_all(bootstrap: str, topic: str, values: list[bytes]) -> float:
    """Produce as fast as the client allows; returns posts/s."""
    import asyncio

    from aiokafka import AIOKafkaProducer

    async def go() -> float:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=10, max_batch_size=512 * 1024,
                                    max_request_size=8 * 1024 * 1024)
        await producer.start()
        try:
            t0 = time.monotonic()
            futs = [await producer.send(topic, value=v) for v in values]
            await producer.flush()
            for f in futs:
                await f
            return len(values) / (time.monotonic() - t0)
        finally:
            await producer.stop()

    return asyncio.run(go())


def worker_env(bootstrap: str, prefix: str, app_id: str, data_dir: Path, web_port: int,
               extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUHU_")}
    env.update(SUHU_KAFKA_BOOTSTRAP=bootstrap, SUHU_TOPIC_PREFIX=prefix, SUHU_APP_ID=app_id,
               SUHU_DATA_DIR=str(data_dir), SUHU_WEB_PORT=str(web_port))
    env.update(extra or {})
    if os.environ.get("BENCH_WORKER_COORDINATION"):  # "false": time the worker without the coordination detector
        env["SUHU_COORDINATION_ENABLED"] = os.environ["BENCH_WORKER_COORDINATION"]
    if os.environ.get("BENCH_WORKER_PYTHONPATH"):  # time another checkout's worker (A/B of a change)
        env["PYTHONPATH"] = os.environ["BENCH_WORKER_PYTHONPATH"]
    return env


def worker_command(profile: Path | None = None) -> list[str]:
    """`suhu worker`, under py-spy (raw stacks of the thread holding the GIL, to ``profile``) when given."""
    cmd = [SUHU, "worker", "--loglevel", "warning"]
    if profile is None:
        return cmd
    return [str(REPO / ".venv" / "bin" / "py-spy"), "record", "--format", "raw", "--rate", "200", "--gil",
            "--nonblocking", "-o", str(profile), "--", *cmd]


# --------------------------------------------------------------------------------- throughput


def run_throughput(bootstrap: str, tmp: Path, n: int, broker: psutil.Process, workers: list[int],
                   log: Path, timeout_s: float, peer: bool, profile: Path | None = None,
                   ceiling: bool = True) -> tuple[dict[str, Any], list[Run]]:
    prefix = f"b{uuid.uuid4().hex[:6]}-"
    settings = load_settings(env={}, kafka_bootstrap=bootstrap, topic_prefix=prefix, data_dir=tmp)
    ensure_topics(settings)
    source = settings.topic("posts")
    create_topics(bootstrap, [prefix + "ceiling-out", prefix + "quix-out"], settings.topic_partitions)
    values = [orjson.dumps(p) for p in generate_posts(count=n, rate=max(20.0, n / 3600), seed=7)]
    produce_rate = produce_all(bootstrap, source, values)
    print(f"produced {n} posts at {produce_rate:.0f}/s into {source}", flush=True)
    offsets = Offsets(bootstrap)
    runs: list[Run] = []
    try:
        # the ceiling
        group = f"ceiling-{uuid.uuid4().hex[:6]}"
        with log.open("ab") as out:
            procs = [subprocess.Popen([PY, str(REPO / "bench" / "ceiling.py"), "--bootstrap", bootstrap,
                                       "--source", source, "--sink", prefix + "ceiling-out", "--group", group],
                                      stdout=out, stderr=subprocess.STDOUT)] if ceiling else []
        try:
            if procs:
                runs.append(measure("bare ceiling (aiokafka + orjson)", procs, offsets, group, source, n, [], broker,
                                    timeout_s))
                print(runs[-1].as_dict(), flush=True)
        finally:
            stop(procs)

        # suhu, 1 and 2 worker processes (each a fresh app id: its own group and tables)
        for k in workers:
            app_id = f"suhu-bench-{uuid.uuid4().hex[:6]}"
            procs = []
            with log.open("ab") as out:
                for i in range(k):
                    env = worker_env(bootstrap, prefix, app_id, tmp / f"w{k}-{i}", free_ports(1)[0])
                    # py-spy samples the worker; the rate of a profiled run is not reported as a result
                    cmd = worker_command(profile if k == 1 else None)
                    procs.append(subprocess.Popen(cmd, env=env, cwd=REPO,
                                                  stdout=out, stderr=subprocess.STDOUT))
            try:
                runs.append(measure(f"suhu worker x{k}", procs, offsets, app_id, source, n,
                                    [settings.topic("posts-scored")], broker, timeout_s))
            finally:
                stop(procs)
            print(runs[-1].as_dict(), flush=True)

        # the Quix Streams peer
        if peer:
            group = f"quix-{uuid.uuid4().hex[:6]}"

            def repartition() -> list[str]:
                return [t for t in offsets.topics() if "repartition" in t and group in t]

            with log.open("ab") as out:
                procs = [subprocess.Popen([PY, str(REPO / "bench" / "peer_quix.py"), "--bootstrap", bootstrap,
                                           "--source", source, "--sink", prefix + "quix-out", "--group", group,
                                           "--state-dir", str(tmp / "quix")], cwd=REPO,
                                          stdout=out, stderr=subprocess.STDOUT)]
            try:
                runs.append(measure("Quix Streams peer", procs, offsets, group, source, n, repartition, broker,
                                    timeout_s))
            finally:
                stop(procs)
            print(runs[-1].as_dict(), flush=True)
    finally:
        offsets.close()
    return {"n": n, "produce_rate": round(produce_rate, 1)}, runs


# --------------------------------------------------------------------------------- alert latency



class Recorder(BaseHTTPRequestHandler):
    received: dict[tuple[str, str], float] = {}

    def do_POST(self) -> None:  # noqa: N802
        t = time.time()
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        for a in body.get("alerts", []):
            key = (a["labels"].get("dedup_key", ""), a.get("status", ""))
            Recorder.received.setdefault(key, t)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def pct(xs: list[float], q: float) -> float | None:
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(round(q * (len(xs) - 1)))))]


def run_latency(bootstrap: str, tmp: Path, rate: float, minutes: int, log: Path,
                profile: Path | None = None) -> dict[str, Any]:
    from kafka import KafkaConsumer, KafkaProducer

    prefix = f"l{uuid.uuid4().hex[:6]}-"
    settings = load_settings(env={}, kafka_bootstrap=bootstrap, topic_prefix=prefix, data_dir=tmp)
    ensure_topics(settings)
    regions = ["ID-JK", "ID-JB", "ID-JT", "ID-JI", "ID-SU", "ID-BT", "ID-SN", "ID-KT", "ID-MU", "ID-BB", "ID-SA",
               "ID-BA", "ID-RI", "ID-SS"]
    signals = ["incivility", "hate", "provocation", "fraud_claim"]
    incidents = [parse_incident(f"{r}:{signals[i % 4]}:{8 + 3 * i}:4:3") for i, r in enumerate(regions)]
    posts = list(generate_posts(minutes=minutes, rate=20.0, seed=21, incidents=incidents))
    lines = [orjson.dumps(p) for p in posts]
    parts = settings.topic_partitions
    meta = []  # (partition of posts-scored, event_ms)
    for p in posts:
        meta.append((partition_for(normalize_region(p.get("region")).code, parts), parse_rfc3339(p["created_at"])))
    grace_ms = settings.window_grace_s * 1000

    hook_port, am_port = free_ports(2)
    Recorder.received = {}
    server = ThreadingHTTPServer(("127.0.0.1", hook_port), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    from tests.obs_servers import recording_alertmanager_config, running_alertmanager

    on_topic: dict[str, tuple[float, dict[str, Any]]] = {}
    stop_flag = threading.Event()

    def consume_alerts() -> None:
        c = KafkaConsumer(settings.topic("alerts"), bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                          fetch_max_wait_ms=5, group_id=None)
        while not stop_flag.is_set():
            for recs in c.poll(timeout_ms=50).values():
                t = time.time()
                for r in recs:
                    a = orjson.loads(r.value)
                    on_topic.setdefault(a["alert_id"], (t, a))
        c.close()

    sent_at: list[float] = [0.0] * len(lines)
    with running_alertmanager(tmp / "am", recording_alertmanager_config(hook_port, group_wait="0s"), port=am_port) as am_url:
        env = worker_env(bootstrap, prefix, f"suhu-lat-{uuid.uuid4().hex[:6]}", tmp / "lat",
                         free_ports(1)[0], {"SUHU_ALERTMANAGER_URL": am_url})
        with log.open("ab") as out:
            # py-spy samples the worker when profiled; a profiled run's latencies are not results
            worker = subprocess.Popen(worker_command(profile), env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
        t_cons = threading.Thread(target=consume_alerts, daemon=True)
        t_cons.start()
        try:
            time.sleep(8)  # worker start-up (scorer, group join) before the clock starts
            producer = KafkaProducer(bootstrap_servers=bootstrap, linger_ms=1)
            topic = settings.topic("posts")
            t0 = time.monotonic()
            tick = 0.01
            per_tick = rate * tick
            i = 0
            k = 0
            while i < len(lines):
                k += 1
                target = int(k * per_tick)
                now_wall = time.time()
                while i < min(target, len(lines)):
                    producer.send(topic, value=lines[i])
                    sent_at[i] = now_wall
                    i += 1
                delay = t0 + k * tick - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            producer.flush()
            produce_s = time.monotonic() - t0
            time.sleep(10)
            if worker.poll() is not None:
                raise RuntimeError(f"latency worker exited with {worker.returncode}")
        finally:
            stop([worker])
            stop_flag.set()
            t_cons.join(timeout=5)
            server.shutdown()

    # Two clocks for "the window is complete". Input: the first post sent, on any partition, with event
    # time >= window end + grace: from then on the input has passed the window, the earliest an alert
    # can be known whatever the engine's rule (what the operations room waits through). Own partition:
    # the first such post whose region lands on the alert's posts-scored partition (the rule before
    # source watermarks; kept to compare with older runs).
    to_topic, to_hook, input_topic, input_hook = [], [], [], []
    for alert_id, (t, a) in on_topic.items():
        end = parse_rfc3339(a["window_end"])
        part = partition_for(a["region"], parts)
        first = next((j for j, (pp, ev) in enumerate(meta) if pp == part and ev is not None and ev >= end + grace_ms),
                     None)
        first_any = next((j for j, (_, ev) in enumerate(meta) if ev is not None and ev >= end + grace_ms), None)
        hook_t = Recorder.received.get((a["dedup_key"], a["status"]))
        if first_any is not None:
            input_topic.append(t - sent_at[first_any])
            if hook_t is not None:
                input_hook.append(hook_t - sent_at[first_any])
        if first is None:
            continue
        to_topic.append(t - sent_at[first])
        if hook_t is not None:
            to_hook.append(hook_t - sent_at[first])
    return {
        "rate": rate, "posts": len(lines), "produce_s": round(produce_s, 1), "incidents": len(incidents),
        "alerts": len(on_topic), "webhook_notifications": len(to_hook),
        "topic_p50_s": pct(to_topic, 0.5), "topic_p99_s": pct(to_topic, 0.99), "topic_max_s": max(to_topic, default=None),
        "hook_p50_s": pct(to_hook, 0.5), "hook_p99_s": pct(to_hook, 0.99), "hook_max_s": max(to_hook, default=None),
        "input_topic_p50_s": pct(input_topic, 0.5), "input_topic_p99_s": pct(input_topic, 0.99),
        "input_hook_p50_s": pct(input_hook, 0.5), "input_hook_p99_s": pct(input_hook, 0.99),
        "load": loadavg(),
    }


# --------------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000, help="posts in the throughput runs")
    ap.add_argument("--workers", default="1,2", help="worker process counts to run")
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--no-latency", action="store_true")
    ap.add_argument("--no-ceiling", action="store_true")
    ap.add_argument("--latency-rate", type=float, default=1000.0, help="steady posts/s for the latency run")
    ap.add_argument("--latency-minutes", type=int, default=60, help="event-time minutes (20 posts/s of event time)")
    ap.add_argument("--timeout", type=float, default=900.0, help="per contender")
    ap.add_argument("--out", type=Path, default=REPO / "var" / "bench" / "e2e.json")
    ap.add_argument("--profile", type=Path, default=None,
                    help="py-spy raw stacks of the 1-worker run go here (profiling run: ceiling and peer skipped)")
    ap.add_argument("--latency-profile", type=Path, default=None,
                    help="py-spy raw stacks of the latency run's worker go here (its latencies are then no result)")
    a = ap.parse_args()

    a.out.parent.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"machine": machine(), "command": " ".join(sys.argv), "load_start": loadavg()}
    with tempfile.TemporaryDirectory(prefix="suhu-bench-") as d:
        tmp = Path(d)
        port, ctl = free_ports(2)
        ks = load_settings(env={}, data_dir=tmp, kafka_local_port=port, kafka_local_controller_port=ctl)
        kafka = start_local_kafka(ks, data_dir=tmp / "kafka", die_with_parent=True)
        log = a.out.with_suffix(".log")
        log.write_bytes(b"")
        try:
            broker = psutil.Process(kafka.pid)
            info, runs = run_throughput(kafka.bootstrap, tmp, a.n, broker,
                                        [int(x) for x in a.workers.split(",") if x], log, a.timeout,
                                        not a.no_peer and a.profile is None, a.profile,
                                        a.profile is None and not a.no_ceiling)
            result["throughput"] = info | {"runs": [r.as_dict() for r in runs]}
            a.out.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
            if not a.no_latency:
                result["latency"] = run_latency(kafka.bootstrap, tmp, a.latency_rate, a.latency_minutes, log,
                                                a.latency_profile)
                print(result["latency"], flush=True)
        finally:
            kafka.stop()
    result["load_end"] = loadavg()
    a.out.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
