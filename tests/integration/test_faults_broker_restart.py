"""Fault: the broker restarts while the worker is processing (issue 6).

Runs on a broker started just for this test (its own ports and data dir, never the session
broker), stopped with the project's `stop_local_kafka` mid-stream and started again on the same
data. Specification: the worker reconnects by itself and nothing is lost: every post is scored
and the alerts equal the offline engine's.
"""

from __future__ import annotations

import time

import pytest

from streams.core import topics as T
from streams.tooling.kafka_runtime import ensure_topics, start_local_kafka, stop_local_kafka
from streams.core.settings import load_settings
from tests.integration.conftest import free_ports, make_settings, produce
from tests.integration.faults_support import (
    FAST_WINDOWS,
    WEBHOOK_SECRET,
    ScoredPosts,
    WebhookRecorder,
    assert_alerts_equal_backtest,
    assert_every_post_scored,
    expected_alerts,
    incident_stream,
    thresholds_file,
    wait_healthy,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.faults]

DOWN_S = 15.0


def _once_the_broker_answers(ask, timeout_s: float):  # type: ignore[no-untyped-def]
    """The test's own client asks a broker that has just restarted: on a slow host its first offset
    request can time out (kafka-python: 30 s) while the broker still loads its logs. Ask again."""
    from kafka.errors import KafkaError

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return ask()
        except KafkaError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)


def test_worker_reconnects_after_a_broker_restart_and_loses_nothing(
        worker_process, tmp_path, record_property):  # type: ignore[no-untyped-def]
    kafka_port, controller_port, web_port, hook_port = free_ports(4)
    broker_settings = load_settings(env={}, data_dir=tmp_path / "broker", kafka_local_port=kafka_port,
                                    kafka_local_controller_port=controller_port)
    kafka_dir = tmp_path / "broker" / "kafka"
    broker = start_local_kafka(broker_settings, data_dir=kafka_dir, die_with_parent=True)
    recorder = WebhookRecorder(hook_port)
    recorder.up()
    try:
        settings = make_settings(broker.bootstrap, tmp_path / "worker", web_port=web_port, batch_size=64,
                                 batch_deadline_ms=100, thresholds_file=thresholds_file(tmp_path),
                                 webhook_url=recorder.url, webhook_secret=WEBHOOK_SECRET, **FAST_WINDOWS)
        ensure_topics(settings)
        stream = incident_stream(minutes=16, rate=5, seed=3, incidents=["ID-JB:incivility:4:5"])
        expected = {a.alert_id: a.to_dict() for a in expected_alerts(settings, stream)}
        assert len(expected) >= 5
        half = len(stream) // 2

        scored_posts = ScoredPosts(settings)
        worker = worker_process(settings)
        wait_healthy(web_port, worker)
        produce(settings, T.POSTS, stream.values[:half], keys=stream.keys[:half], timeout_s=120)
        wait_until(lambda: scored_posts() >= half * 0.5, 240,
                   "part of the first half scored", worker.log_text, interval_s=0.2)

        assert stop_local_kafka(broker_settings, data_dir=kafka_dir)
        down_at = time.monotonic()
        time.sleep(DOWN_S)
        assert worker.alive(), "the worker must ride out a broker outage:\n" + worker.log_text()[-3000:]
        broker = start_local_kafka(broker_settings, data_dir=kafka_dir, die_with_parent=True)
        back_at = time.monotonic()
        scored_when_back = _once_the_broker_answers(scored_posts, 120)
        produce(settings, T.POSTS, stream.values[half:], keys=stream.keys[half:], timeout_s=120)
        resumed_s = wait_until(lambda: scored_posts() > scored_when_back, 240,
                               "the worker to score again after the broker returned", worker.log_text, 0.2)
        wait_until(lambda: set(expected) <= set(recorder.ids()), 300, "every expected alert at the pager",
                   worker.log_text)
        all_s = time.monotonic() - back_at
        time.sleep(3)
        assert worker.alive()

        assert_every_post_scored(settings, stream)
        assert_alerts_equal_backtest(settings, expected)
        ids = recorder.ids()
        assert set(ids) == set(expected)
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        assert not dupes, f"delivered more than once: {dupes}"
    finally:
        recorder.down()
        if "scored_posts" in locals():
            scored_posts.close()
        worker_stop = locals().get("worker")
        if worker_stop is not None:
            worker_stop.stop()
        broker.stop()
    record_property("broker_down_s", round(back_at - down_at, 1))
    record_property("broker_back_to_scoring_s", round(resumed_s, 1))
    print(f"\nFAULT broker-restart: down {back_at - down_at:.0f}s, scoring again {resumed_s:.1f}s after the broker "
          f"was ready, all {len(expected)} alerts delivered {all_s:.1f}s after")
