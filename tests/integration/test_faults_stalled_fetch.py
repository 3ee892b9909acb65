"""Fault: Faust stops handing out one `posts` partition for good, part-way through it (CI, 3 Dec 2026).

Specification: nothing tells the worker. Once the partition's agent has been idle with the log still
holding what it expects (faust_workarounds.TailWatch's grace), the worker reads the partition around
Faust, says so in its log, and the result is as if nothing had happened: every post scored, the same
alerts as `run_backtest` on the same input, field for field, every one at the pager.
"""

from __future__ import annotations

import orjson
import pytest

from streams.core import topics as T
from tests.integration.conftest import consume, free_ports, produce
from tests.integration.faults_support import (
    FAST_WINDOWS,
    WEBHOOK_SECRET,
    ScoredPosts,
    WebhookRecorder,
    alerts_on_topic,
    expected_alerts,
    incident_stream,
    thresholds_file,
    wait_healthy,
    wait_until,
)
from tests.integration.stalled_fetch_worker import STALL_ENV

pytestmark = [pytest.mark.integration, pytest.mark.faults]

INCIDENTS = ["ID-JB:incivility:5:6", "ID-JT:hate:12:5"]
STALLED_PARTITION, STALL_AFTER = 1, 100


def test_a_partition_faust_stops_fetching_is_read_around_faust_and_nothing_is_lost(
        kafka_settings_factory, worker_process, tmp_path, record_property):  # type: ignore[no-untyped-def]
    web_port, hook_port = free_ports(2)
    recorder = WebhookRecorder(hook_port)
    recorder.up()
    settings = kafka_settings_factory(web_port=web_port, batch_size=64, batch_deadline_ms=100,
                                      thresholds_file=thresholds_file(tmp_path), webhook_url=recorder.url,
                                      webhook_secret=WEBHOOK_SECRET, **FAST_WINDOWS)
    stream = incident_stream(minutes=20, rate=5, seed=11, incidents=INCIDENTS)
    expected = {a.alert_id: a.to_dict() for a in expected_alerts(settings, stream)}
    assert len(expected) >= 10, "the input must page several times for this test to mean anything"
    # A third first, the rest once the worker scored it: Faust has then handed out more than STALL_AFTER of
    # the partition, and cannot have fetched the rest before the stall bites (one fetch can hold a whole
    # partition of this size, and then there is nothing left to stall).
    first = len(stream.values) // 3
    produce(settings, T.POSTS, stream.values[:first], keys=stream.keys[:first], timeout_s=120)

    try:
        scored_posts = ScoredPosts(settings)
        worker = worker_process(settings, name="stalled", module="tests.integration.stalled_fetch_worker",
                                env={STALL_ENV: f"{STALLED_PARTITION}:{STALL_AFTER}"})
        wait_healthy(web_port, worker)
        wait_until(lambda: scored_posts() >= first, 240, "the first third scored", worker.log_text)
        produce(settings, T.POSTS, stream.values[first:], keys=stream.keys[first:], timeout_s=120)
        on_stalled = [r for r in consume(settings, T.POSTS, min_messages=len(stream.values), timeout_s=60,
                                         max_idle_s=2) if r.partition == STALLED_PARTITION]
        assert len(on_stalled) > 2 * STALL_AFTER + 500, "the stalled partition must hold much more than Faust hands out"
        waited_s = wait_until(lambda: set(expected) <= set(recorder.ids()), 300, "every expected alert at the pager",
                              worker.log_text,
                              detail=lambda: f"{len(set(expected) - set(recorder.ids()))} of {len(expected)} missing")
    finally:
        recorder.down()
        if "scored_posts" in locals():
            scored_posts.close()

    log = worker.log_text()
    assert f"posts/{STALLED_PARTITION}: offsets" in log and "Faust hands out nothing" in log, \
        "the stall must have happened and been read around (else this test proves nothing)"
    scored = consume(settings, T.POSTS_SCORED, min_messages=len(stream), timeout_s=60, max_idle_s=2)
    assert {orjson.loads(r.value)["id"] for r in scored} == {orjson.loads(v)["id"] for v in stream.values}
    live = {a.alert_id: a.to_dict() for a in alerts_on_topic(settings, min_messages=len(expected))}
    assert set(live) == set(expected)
    for alert_id, doc in expected.items():
        assert live[alert_id] == doc, alert_id
    assert recorder.rejected == 0
    record_property("posts", len(stream))
    record_property("on_stalled_partition", len(on_stalled))
    record_property("alerts", len(expected))
    record_property("all_paged_after_the_rest_s", round(waited_s, 1))
