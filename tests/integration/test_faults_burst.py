"""Fault: a burst of ten times the normal rate (issue 6).

Specification: during the burst the consumer lag grows, afterwards it drains to zero, nothing
is lost, and the worker's memory stays bounded (peak RSS measured with psutil, reported).
"""

from __future__ import annotations

import threading
import time

import orjson
import psutil
import pytest

from streams.core import topics as T
from streams.tooling.generator import generate_posts
from tests.integration.conftest import MAX_TEST_MESSAGE_BYTES, consume, free_ports
from tests.integration.faults_support import FAST_WINDOWS, LagProbe, thresholds_file, wait_healthy, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.faults]

NORMAL_RATE = 40.0  # posts/s
BURST_FACTOR = 10
PHASES = (("normal", NORMAL_RATE, 15.0), ("burst", NORMAL_RATE * BURST_FACTOR, 20.0), ("after", NORMAL_RATE, 15.0))
RSS_GROWTH_BOUND_MB = 400.0  # a burst may not grow the worker by more than this


def paced_producer(settings, posts: list[bytes], keys: list[bytes], phase_log: list[tuple[str, float]],
                   done: threading.Event) -> None:  # type: ignore[no-untyped-def]
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=settings.bootstrap(), max_request_size=MAX_TEST_MESSAGE_BYTES,
                             linger_ms=20, acks=1, **settings.kafka_python_security())
    name = settings.topic(T.POSTS)
    i = 0
    try:
        for phase, rate, seconds in PHASES:
            phase_log.append((phase, time.monotonic()))
            start = time.monotonic()
            n = int(rate * seconds)
            for k in range(n):
                due = start + k / rate
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                producer.send(name, value=posts[i], key=keys[i])
                i += 1
        producer.flush(timeout=60)
        phase_log.append(("end", time.monotonic()))
    finally:
        producer.close(timeout=5)
        done.set()


def test_a_tenfold_burst_grows_the_lag_which_then_drains_and_memory_stays_bounded(
        kafka_settings_factory, worker_process, tmp_path, record_property):  # type: ignore[no-untyped-def]
    (web_port,) = free_ports(1)
    settings = kafka_settings_factory(web_port=web_port, batch_deadline_ms=100,
                                      thresholds_file=thresholds_file(tmp_path), **FAST_WINDOWS)
    total = int(sum(rate * seconds for _, rate, seconds in PHASES))
    posts, keys = [], []
    for p in generate_posts(count=total, rate=NORMAL_RATE, seed=21, unknown_share=0.0, truth=True):
        posts.append(orjson.dumps(p))
        keys.append(p["synthetic"]["region"].encode())
    assert len(posts) == total

    worker = worker_process(settings)
    wait_healthy(web_port, worker)
    proc = psutil.Process(worker.pid)
    probe = LagProbe(settings, T.POSTS)
    rss_idle = proc.memory_info().rss
    phase_log: list[tuple[str, float]] = []
    done = threading.Event()
    thread = threading.Thread(target=paced_producer, args=(settings, posts, keys, phase_log, done), daemon=True)
    samples: list[tuple[float, int, int]] = []  # (t, lag, rss)
    thread.start()
    try:
        deadline = time.monotonic() + 400
        drained_at = None
        while time.monotonic() < deadline:
            samples.append((time.monotonic(), probe(), proc.memory_info().rss))
            assert worker.alive(), worker.log_text()[-3000:]
            if done.is_set() and samples[-1][1] == 0:
                drained_at = samples[-1][0]
                break
            time.sleep(0.25)
        thread.join(timeout=30)
    finally:
        probe.close()
    assert drained_at is not None, "the lag never drained:\n" + worker.log_text()[-3000:]

    starts = dict(phase_log)
    burst_start, after_start, end = starts["burst"], starts["after"], starts["end"]

    def peak(lo: float, hi: float, idx: int) -> int:
        return max([s[idx] for s in samples if lo <= s[0] < hi] or [0])

    normal_lag = peak(starts["normal"], burst_start, 1)
    burst_lag = peak(burst_start, drained_at + 1, 1)
    rss_before = peak(starts["normal"], burst_start, 2)
    rss_peak = max(s[2] for s in samples)
    drain_s = drained_at - after_start
    rss_growth_mb = (rss_peak - rss_before) / 2**20

    scored = consume(settings, T.POSTS_SCORED, min_messages=total, timeout_s=60, max_idle_s=2)
    assert len({orjson.loads(r.value)["id"] for r in scored}) == total  # nothing lost
    assert burst_lag > max(2 * normal_lag, 100), (normal_lag, burst_lag)  # the burst outran the worker
    assert rss_growth_mb < RSS_GROWTH_BOUND_MB, f"peak RSS grew {rss_growth_mb:.0f} MB during the burst"

    record_property("normal_rate", NORMAL_RATE)
    record_property("burst_rate", NORMAL_RATE * BURST_FACTOR)
    record_property("peak_lag_normal", normal_lag)
    record_property("peak_lag_burst", burst_lag)
    record_property("burst_end_to_lag_zero_s", round(drain_s, 1))
    record_property("rss_idle_mb", round(rss_idle / 2**20))
    record_property("rss_peak_mb", round(rss_peak / 2**20))
    print(f"\nFAULT burst: {total} posts, {NORMAL_RATE:.0f}/s -> {NORMAL_RATE * BURST_FACTOR:.0f}/s for "
          f"{PHASES[1][2]:.0f}s; peak lag normal={normal_lag} burst={burst_lag}; lag 0 {drain_s:.1f}s after the "
          f"burst ended (producer done {end - after_start:.1f}s after it); RSS idle={rss_idle / 2**20:.0f} MB "
          f"before-burst={rss_before / 2**20:.0f} MB peak={rss_peak / 2**20:.0f} MB")
