"""Fault: the pager is unreachable for minutes (issue 6).

Specification: while the receiver's port is closed, alerts are decided and queue on the `alerts`
topic; when it comes back, every one of them is delivered, once, firing before its resolution.
"""

from __future__ import annotations

import time

import pytest

from streams.core import topics as T

from tests.integration.conftest import free_ports, produce
from tests.integration.faults_support import (
    FAST_WINDOWS,
    WEBHOOK_SECRET,
    WebhookRecorder,
    alerts_on_topic,
    expected_alerts,
    incident_stream,
    sample,
    scrape,
    thresholds_file,
    wait_healthy,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.faults]

OUTAGE_S = 120.0  # "for minutes"; the worker's retry back-off is capped at 5 s below


def test_alerts_queue_in_kafka_while_the_pager_is_down_and_all_arrive_once_when_it_returns(
        kafka_settings_factory, worker_process, tmp_path, record_property):  # type: ignore[no-untyped-def]
    web_port, hook_port = free_ports(2)
    recorder = WebhookRecorder(hook_port)  # not up: connection refused
    settings = kafka_settings_factory(web_port=web_port, batch_deadline_ms=100, delivery_max_backoff_s=5,
                                      thresholds_file=thresholds_file(tmp_path), webhook_url=recorder.url,
                                      webhook_secret=WEBHOOK_SECRET, **FAST_WINDOWS)
    stream = incident_stream(minutes=12, rate=5, seed=11, incidents=["ID-JB:incivility:3:4"])
    expected = expected_alerts(settings, stream)
    assert len(expected) >= 3

    worker = worker_process(settings)
    wait_healthy(web_port, worker)
    outage_started = time.monotonic()
    produce(settings, T.POSTS, stream.values, keys=stream.keys, timeout_s=120)
    queued = alerts_on_topic(settings, min_messages=len(expected), timeout_s=180)
    assert {a.alert_id for a in queued} == {a.alert_id for a in expected}  # decided and durable, undelivered
    remaining = OUTAGE_S - (time.monotonic() - outage_started)
    if remaining > 0:
        time.sleep(remaining)
    metrics = scrape(web_port)
    retried = sample(metrics, "suhu_alert_deliveries_total", destination="webhook", outcome="retried")
    assert retried >= 1 and recorder.ids() == []
    assert worker.alive()

    recorder.up()
    back = time.monotonic()
    try:
        wait_until(lambda: len(set(recorder.ids())) >= len(expected), 120, "every alert after the pager returned",
                   worker.log_text)
        drained_s = time.monotonic() - back
        time.sleep(3)
    finally:
        recorder.down()

    ids = recorder.ids()
    assert sorted(ids) == sorted(a.alert_id for a in expected)  # all of them, each once
    order = {r.alert_id: n for n, r in enumerate(recorder.received)}
    for a in expected:
        if a.status == "resolved":
            firing = [e for e in expected if e.dedup_key == a.dedup_key and e.status == "firing"]
            assert all(order[f.alert_id] < order[a.alert_id] for f in firing), a.dedup_key
    outage = back - outage_started
    record_property("outage_s", round(outage, 1))
    record_property("alerts_queued", len(expected))
    record_property("pager_back_to_all_delivered_s", round(drained_s, 1))
    print(f"\nFAULT pager-outage: outage={outage:.0f}s alerts_queued={len(expected)} retries={retried:.0f} "
          f"all delivered {drained_s:.1f}s after the pager returned")


