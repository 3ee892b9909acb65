"""Fault: Faust stops handing out one `posts` partition for good, part-way through it (CI, 3 Dec 2026).

Specification: nothing tells the worker. Once the partition's agent has been idle with the log still
holding what it expects (faust_workarounds.TailWatch's grace), or busy with live input on the other
partitions for the longer busy grace, the worker reads the partition around Faust, says so in its
log, and the result is as if nothing had happened: every post scored, the same alerts as
`run_backtest` on the same input, field for field, every one at the pager.
"""

from __future__ import annotations

import threading
import time

import pytest

from streams.core import topics as T
from tests.integration.conftest import _encode, _topic_name, consume, produce
from tests.integration.faults_support import (
    ScoredPosts,
    assert_alerts_equal_backtest,
    assert_every_post_scored,
    paging_fault,
    wait_healthy,
    wait_until,
)
from tests.integration.stalled_fetch_worker import STALL_ENV

pytestmark = [pytest.mark.integration, pytest.mark.faults]

INCIDENTS = ["ID-JB:incivility:5:6", "ID-JT:hate:12:5"]
STALLED_PARTITION, STALL_AFTER = 1, 100


def stalled_worker_with_a_third_scored(fault, worker_process, scored_posts, name: str):  # type: ignore[no-untyped-def]
    """A third of the stream produced, a worker whose Faust stalls on `posts/1` started and the third scored.

    The rest comes after: Faust has then handed out more than STALL_AFTER of the partition, and cannot
    have fetched the rest before the stall bites (one fetch can hold a whole partition of this size, and
    then there is nothing left to stall). Returns (worker, the number of posts produced)."""
    first = len(fault.stream.values) // 3
    produce(fault.settings, T.POSTS, fault.stream.values[:first], keys=fault.stream.keys[:first], timeout_s=120)
    worker = worker_process(fault.settings, name=name, module="tests.integration.stalled_fetch_worker",
                            env={STALL_ENV: f"{STALLED_PARTITION}:{STALL_AFTER}"})
    wait_healthy(fault.web_port, worker)
    wait_until(lambda: scored_posts() >= first, 240, "the first third scored", worker.log_text)
    return worker, first


def wait_all_paged(fault, worker) -> float:  # type: ignore[no-untyped-def]
    expected, recorder = fault.expected, fault.recorder
    return wait_until(lambda: set(expected) <= set(recorder.ids()), 300, "every expected alert at the pager",
                      worker.log_text,
                      detail=lambda: f"{len(set(expected) - set(recorder.ids()))} of {len(expected)} missing")


def test_a_partition_faust_stops_fetching_is_read_around_faust_and_nothing_is_lost(
        kafka_settings_factory, worker_process, tmp_path, record_property):  # type: ignore[no-untyped-def]
    fault = paging_fault(kafka_settings_factory, tmp_path, seed=11, incidents=INCIDENTS)
    recorder, settings, stream, expected = fault.recorder, fault.settings, fault.stream, fault.expected
    try:
        scored_posts = ScoredPosts(settings)
        worker, first = stalled_worker_with_a_third_scored(fault, worker_process, scored_posts, "stalled")
        produce(settings, T.POSTS, stream.values[first:], keys=stream.keys[first:], timeout_s=120)
        on_stalled = [r for r in consume(settings, T.POSTS, min_messages=len(stream.values), timeout_s=60,
                                         max_idle_s=2) if r.partition == STALLED_PARTITION]
        assert len(on_stalled) > 2 * STALL_AFTER + 500, "the stalled partition must hold much more than Faust hands out"
        waited_s = wait_all_paged(fault, worker)
    finally:
        recorder.down()
        if "scored_posts" in locals():
            scored_posts.close()

    log = worker.log_text()
    assert f"posts/{STALLED_PARTITION}: offsets" in log and "Faust hands out nothing" in log, \
        "the stall must have happened and been read around (else this test proves nothing)"
    assert_every_post_scored(settings, stream)
    assert_alerts_equal_backtest(settings, expected)
    assert recorder.rejected == 0
    record_property("posts", len(stream))
    record_property("on_stalled_partition", len(on_stalled))
    record_property("alerts", len(expected))
    record_property("all_paged_after_the_rest_s", round(waited_s, 1))


def paced(settings, topic, values, keys, seconds: float, done: threading.Event) -> None:  # type: ignore[no-untyped-def]
    """Produce ``values`` evenly over ``seconds`` (live input: the worker's agent never idles), then set ``done``."""
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=settings.bootstrap(), acks="all", linger_ms=5,
                             **settings.kafka_python_security())
    try:
        start, step = time.monotonic(), 20
        for i in range(0, len(values), step):
            for value, key in zip(values[i:i + step], keys[i:i + step]):
                producer.send(_topic_name(settings, topic), value=_encode(value), key=_encode(key))
            time.sleep(max(0.0, start + seconds * (i + step) / len(values) - time.monotonic()))
        producer.flush(timeout=60)
    finally:
        producer.close(timeout=5)
        done.set()


def test_live_input_on_the_other_partitions_does_not_hold_a_stalled_partition_until_it_pauses(
        kafka_settings_factory, worker_process, tmp_path, record_property):  # type: ignore[no-untyped-def]
    # The rest of the stream arrives over 150 s (about 27 posts/s), so the scoring agent runs a batch
    # between every two sweeps and never counts as idle: the stalled partition must be read around Faust
    # after the busy grace (60 s), while the input still flows, not once it stops.
    fault = paging_fault(kafka_settings_factory, tmp_path, seed=12, incidents=INCIDENTS)
    recorder, settings, stream, expected = fault.recorder, fault.settings, fault.stream, fault.expected
    done = threading.Event()
    try:
        scored_posts = ScoredPosts(settings)
        worker, first = stalled_worker_with_a_third_scored(fault, worker_process, scored_posts, "stalled-busy")
        began = time.monotonic()
        producer = threading.Thread(target=paced, args=(settings, T.POSTS, stream.values[first:],
                                                        stream.keys[first:], 150.0, done), daemon=True)
        producer.start()
        read_around_s = None
        while not done.is_set():
            if read_around_s is None and "Faust hands out nothing" in worker.log_text():
                read_around_s = time.monotonic() - began
            time.sleep(1.0)
        input_s = time.monotonic() - began
        assert read_around_s is not None, \
            f"the stalled partition was not read around Faust while the input flowed ({input_s:.0f} s)"
        waited_s = wait_all_paged(fault, worker)
    finally:
        done.wait(timeout=200)
        recorder.down()
        if "scored_posts" in locals():
            scored_posts.close()

    assert f"posts/{STALLED_PARTITION}: offsets" in worker.log_text()
    assert_every_post_scored(settings, stream)
    assert_alerts_equal_backtest(settings, expected)
    assert recorder.rejected == 0
    record_property("posts", len(stream))
    record_property("read_around_after_s", round(read_around_s, 1))
    record_property("input_s", round(input_s, 1))
    record_property("all_paged_after_the_input_s", round(waited_s, 1))
