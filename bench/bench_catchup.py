"""Catch-up after a worker outage during a surge (issue 16), through a real Kafka broker.

One worker reads the first minutes of a generated surge live, is killed (SIGKILL) and stays down
while ``--outage-minutes`` of the surge at ``--rate`` posts per second of event time pile up on
`posts` (produced at once: the backlog the outage leaves). Then a new worker starts and we measure:

* catch-up rate: posts committed on `posts` per second, from restart until every post went
  through scoring and into the windows (committed on `posts-scored` too);
* peak RSS of the worker, and the event-time spread between its input partitions (the largest
  minus the smallest watermark lag), sampled every half second: what the windows held open
  in memory depend on;
* posts counted late, and every alert on the `alerts` topic against `suhu backtest` over the whole
  stream (the uninterrupted run; live = backtest is tested elsewhere), field for field.

    .venv/bin/python bench/bench_catchup.py --rate 2000 --outage-minutes 30     # the issue's case
    .venv/bin/python bench/bench_catchup.py --rate 200 --outage-minutes 10      # a quick one

Writes JSON (``--out``); bench/report.py renders it in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from pathlib import Path
from typing import Any, Iterable, Iterator

import orjson
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.bench_e2e import SUHU, Offsets, _cpu, _rss, free_ports, loadavg, machine, worker_env  # noqa: E402
from streams.core import topics as T  # noqa: E402
from streams.tooling.backtest import run_backtest  # noqa: E402
from streams.core.contract import parse_rfc3339  # noqa: E402
from streams.tooling.generator import generate_posts, parse_incident  # noqa: E402
from streams.tooling.kafka_runtime import ensure_topics, start_local_kafka  # noqa: E402
from streams.core.records import Alert  # noqa: E402
from streams.core.settings import load_settings  # noqa: E402

INCIDENTS = ["ID-JB:hate:{a}:{d}:3", "ID-JT:provocation:{b}:{d}:3", "ID-JI:incivility:{c}:{d}:3"]


def produce(bootstrap: str, topic: str, values: Iterable[bytes], partitions: int) -> float:
    """All at once, each post to the partition of its bytes' CRC (as producers keyed by post id spread
    them); returns posts/s."""
    import asyncio

    from aiokafka import AIOKafkaProducer

    async def go() -> float:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20, max_batch_size=1024 * 1024,
                                    max_request_size=8 * 1024 * 1024, acks="all",
                                    request_timeout_ms=300_000)
        await producer.start()
        try:
            t0 = time.monotonic()
            futs = []
            n = 0
            for v in values:
                n += 1
                futs.append(await producer.send(topic, value=v, partition=zlib.crc32(v) % partitions))
                if len(futs) >= 10_000:  # a bounded window: a loaded broker times out otherwise
                    await producer.flush()
                    for f in futs:
                        await f
                    futs = []
            await producer.flush()
            for f in futs:
                await f
            return n / (time.monotonic() - t0)
        finally:
            await producer.stop()

    return asyncio.run(go())


def scrape(port: int) -> str:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
            return r.read().decode()
    except Exception:  # noqa: BLE001 - not up yet
        return ""


def samples(text: str, name: str) -> list[float]:
    out = []
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            try:
                out.append(float(line.rsplit(" ", 1)[1]))
            except ValueError:
                pass
    return out


def wait_committed(offsets: Offsets, group: str, topics: list[str], proc: subprocess.Popen[bytes], timeout_s: float,
                   port: int, sample: dict[str, Any] | None = None) -> float:
    """Until the group committed every message of ``topics``; returns the seconds it took."""
    p = psutil.Process(proc.pid)
    t0 = time.monotonic()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"worker exited with {proc.returncode}")
        if time.monotonic() - t0 > timeout_s:
            raise TimeoutError(f"not caught up within {timeout_s:.0f} s")
        if sample is not None:
            sample["peak_rss_mib"] = max(sample.get("peak_rss_mib", 0.0), _rss(p) / 2**20)
            lags = samples(scrape(port), "suhu_source_watermark_lag_seconds")
            if len(lags) > 1:
                sample["max_spread_s"] = max(sample.get("max_spread_s", 0.0), max(lags) - min(lags))
        done = offsets.committed(group)
        if all(done.get(t, -1) >= offsets.end(t) > 0 for t in topics):
            return time.monotonic() - t0
        time.sleep(0.5)


def canonical(alerts: list[Alert]) -> list[dict[str, Any]]:
    unique = {a.alert_id: a.to_dict() for a in alerts}
    return sorted(unique.values(), key=lambda d: (d["emitted_at"], d["region"], d["signal"], d["status"]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=2000.0, help="posts per second of event time in the surge")
    ap.add_argument("--lead-minutes", type=float, default=5.0, help="read live before the outage")
    ap.add_argument("--outage-minutes", type=float, default=30.0)
    ap.add_argument("--tail-minutes", type=float, default=3.0, help="after the backlog, so its last windows close")
    ap.add_argument("--timeout", type=float, default=7200.0)
    ap.add_argument("--no-compare", action="store_true", help="skip the backtest comparison")
    ap.add_argument("--out", type=Path, default=REPO / "var" / "bench" / "catchup.json")
    ap.add_argument("--stop-signal", default="SIGKILL", help="how the first worker stops (SIGINT: cleanly)")
    ap.add_argument("--dump", type=Path, default=None, help="write the live and backtest alerts here (JSON)")
    a = ap.parse_args()

    minutes = a.lead_minutes + a.outage_minutes + a.tail_minutes
    d = max(2, int(minutes // 6))
    incidents = [s.format(a=int(minutes * 0.25), b=int(minutes * 0.5), c=int(minutes * 0.75), d=d) for s in INCIDENTS]

    def stream() -> Iterator[tuple[bytes, bool]]:
        """The posts (deterministic: generated again for each pass, never all held in memory), each
        with whether it belongs to the lead read before the outage."""
        cut_ms = None
        for p in generate_posts(minutes=minutes, rate=a.rate, seed=31, incidents=[parse_incident(x) for x in incidents]):
            ms = parse_rfc3339(p["created_at"]) or 0
            if cut_ms is None:
                cut_ms = ms + int(a.lead_minutes * 60_000)
            yield orjson.dumps(p), ms < cut_ms

    n_lead = n_all = 0
    for _, is_lead in stream():
        n_all += 1
        n_lead += is_lead
    print(f"{n_all} posts ({minutes:.0f} min at {a.rate:.0f}/s): lead {n_lead}, backlog {n_all - n_lead}", flush=True)

    a.out.parent.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"machine": machine(), "command": " ".join(sys.argv), "rate": a.rate,
                              "lead_minutes": a.lead_minutes, "outage_minutes": a.outage_minutes,
                              "posts": n_all, "backlog_posts": n_all - n_lead, "incidents": incidents,
                              "load_start": loadavg()}
    with tempfile.TemporaryDirectory(prefix="suhu-catchup-") as tmpd:
        tmp = Path(tmpd)
        port, ctl = free_ports(2)
        ks = load_settings(env={}, data_dir=tmp, kafka_local_port=port, kafka_local_controller_port=ctl)
        kafka = start_local_kafka(ks, data_dir=tmp / "kafka", die_with_parent=True)
        log = a.out.with_suffix(".log")
        log.write_bytes(b"")
        offsets = Offsets(kafka.bootstrap)
        try:
            prefix = f"c{uuid.uuid4().hex[:6]}-"
            settings = load_settings(env={}, kafka_bootstrap=kafka.bootstrap, topic_prefix=prefix, data_dir=tmp)
            ensure_topics(settings)
            app_id = f"suhu-catchup-{uuid.uuid4().hex[:6]}"
            web = free_ports(1)[0]
            env = worker_env(kafka.bootstrap, prefix, app_id, tmp / "w", web)
            posts, scored = settings.topic(T.POSTS), settings.topic(T.POSTS_SCORED)
            parts = settings.topic_partitions

            if n_lead:
                produce(kafka.bootstrap, posts, (x for x, is_lead in stream() if is_lead), parts)
                with log.open("ab") as out:
                    first = subprocess.Popen([SUHU, "worker", "--loglevel", "warning"], env=env, cwd=REPO,
                                             stdout=out, stderr=subprocess.STDOUT)
                wait_committed(offsets, app_id, [posts, scored], first, a.timeout, web)
                time.sleep(3)
                if a.stop_signal != "none":
                    first.send_signal(getattr(signal, a.stop_signal))
                    first.wait()
            print(f"lead read; worker stopped ({a.stop_signal}); producing the backlog", flush=True)
            result["produce_rate"] = round(produce(kafka.bootstrap, posts, (x for x, is_lead in stream() if not is_lead),
                                                   parts), 1)

            if n_lead and a.stop_signal == "none":
                second = first  # no outage: the same worker reads the backlog (a control run)
            else:
                with log.open("ab") as out:
                    second = subprocess.Popen([SUHU, "worker", "--loglevel", "warning"], env=env, cwd=REPO,
                                              stdout=out, stderr=subprocess.STDOUT)
            sample: dict[str, Any] = {}
            try:
                before = offsets.committed(app_id).get(posts, 0)
                t_restart = time.monotonic()
                cpu0 = _cpu([psutil.Process(second.pid)])
                took = wait_committed(offsets, app_id, [posts, scored], second, a.timeout, web, sample)
                caught_up = offsets.committed(app_id).get(posts, 0) - before
                cpu_s = _cpu([psutil.Process(second.pid)]) - cpu0
                text = scrape(web)
                result["catchup"] = {
                    "seconds": round(took, 1), "posts": caught_up, "rate": round(caught_up / max(took, 1e-9), 1),
                    # the worker's CPU over the catch-up: ~1.0 means it never waited (one event loop, one core)
                    "cpu_s": round(cpu_s, 1), "cpu_per_wall_s": round(cpu_s / max(took, 1e-9), 2),
                    "peak_rss_mib": round(sample.get("peak_rss_mib", 0.0), 1),
                    "max_partition_spread_s": round(sample.get("max_spread_s", 0.0), 1),
                    "late": sum(samples(text, "suhu_posts_late_total")),
                    "restart_to_caught_up_s": round(time.monotonic() - t_restart, 1),
                }
                print(result["catchup"], flush=True)
                time.sleep(5)
            finally:
                second.send_signal(signal.SIGINT)
                try:
                    second.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    second.kill()

            from kafka import KafkaConsumer

            c = KafkaConsumer(settings.topic(T.ALERTS), bootstrap_servers=kafka.bootstrap, auto_offset_reset="earliest",
                              group_id=None, consumer_timeout_ms=5000)
            live = canonical([Alert.from_json(r.value) for r in c])
            c.close()
        finally:
            offsets.close()
            kafka.stop()

    result["alerts_live"] = len(live)
    if not a.no_compare:
        t_bt = time.monotonic()
        expected = canonical(run_backtest((x for x, _ in stream()), settings))
        result["backtest_s"] = round(time.monotonic() - t_bt, 1)
        result["alerts_backtest"] = len(expected)
        result["alerts_equal"] = sorted(live, key=lambda x: x["alert_id"]) == sorted(expected, key=lambda x: x["alert_id"])
        result["alerts_only_live"] = sum(1 for x in live if x not in expected)
        result["alerts_only_backtest"] = sum(1 for x in expected if x not in live)
        by_id = {x["alert_id"]: x for x in expected}
        diffs: dict[str, int] = {}
        for x in live:
            y = by_id.get(x["alert_id"])
            if y is None:
                diffs["alert_id only live"] = diffs.get("alert_id only live", 0) + 1
            elif x != y:
                for k in sorted(set(x) | set(y)):
                    if x.get(k) != y.get(k):
                        diffs[k] = diffs.get(k, 0) + 1
        result["fields_that_differ"] = diffs
        if a.dump:
            a.dump.write_bytes(orjson.dumps({"live": live, "backtest": expected}))
    result["load_end"] = loadavg()
    a.out.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    print(orjson.dumps({k: v for k, v in result.items() if k != "machine"}).decode())
    print(f"wrote {a.out}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
