"""Delivery through a real Alertmanager (Debian package) on loopback to a recording webhook.

Specification (issue 4): firing then resolved, same dedup key, once per incident; re-sends while
firing do not produce duplicate notifications. No Kafka needed: this is the pager side.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from aiohttp import web

from streams.outputs.delivery import AlertmanagerDestination, deliver_with_retry
from streams.runtime.metrics import SuhuMetrics
from streams.core.records import Alert
from tests.obs_servers import free_port, recording_alertmanager_config, running_alertmanager

pytestmark = pytest.mark.integration


def incident(status: str, severity: str = "critical", region: str = "ID-JK") -> Alert:
    key = f"suhu:{region}:tension:1707879600000"
    return Alert(
        alert_id=f"{key}|{status}|{severity}",
        dedup_key=key,
        status=status,
        severity=severity,
        region=region,
        region_name="DKI Jakarta" if region == "ID-JK" else region,
        signal="tension",
        value=0.82 if status == "firing" else 0.3,
        threshold=0.7 if status == "firing" else 0.5,
        baseline=0.21,
        window_start="2024-02-14T02:50:00+00:00",
        window_end="2024-02-14T02:55:00+00:00",
        phase="voting",
        post_count=140,
        author_count=97,
        example_post_ids=("tw:1", "tw:2"),
        summary_id="Ketegangan tinggi di DKI Jakarta",
        summary_en="High tension in DKI Jakarta",
        emitted_at="2024-02-14T02:55:00+00:00",
    )




async def start_recorder() -> tuple[web.AppRunner, int, list[dict]]:
    received: list[dict] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, port, received


async def wait_for(pred, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if pred():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("condition not met in time")


async def test_firing_then_resolved_reaches_the_webhook_once_per_incident(tmp_path):
    runner, hook_port, received = await start_recorder()
    metrics = SuhuMetrics()
    try:
        with running_alertmanager(tmp_path / "am", recording_alertmanager_config(hook_port)) as am_url:
            dest = AlertmanagerDestination(am_url, resend_s=0.5, timeout_s=5)
            try:
                assert await deliver_with_retry(incident("firing"), dest, metrics) == "delivered"
                await wait_for(lambda: len(received) >= 1)
                # Keep it alive as the worker's timer does, across several group intervals.
                for _ in range(6):
                    await asyncio.sleep(0.6)
                    await dest.resend_due()
                assert await deliver_with_retry(incident("resolved"), dest, metrics) == "delivered"
                await wait_for(lambda: any(n["status"] == "resolved" for n in received))
                await asyncio.sleep(2.5)  # a further group interval: nothing else may arrive
            finally:
                await dest.close()
    finally:
        await runner.cleanup()

    assert [n["status"] for n in received] == ["firing", "resolved"], json.dumps(received, indent=1)[:3000]
    for n in received:
        [alert] = n["alerts"]
        assert alert["labels"]["dedup_key"] == "suhu:ID-JK:tension:1707879600000"
        assert alert["labels"]["alertname"] == "SuhuTension"
        assert n["groupLabels"] == {"alertname": "SuhuTension", "region": "ID-JK"}
    assert received[0]["alerts"][0]["annotations"]["summary"] == "Ketegangan tinggi di DKI Jakarta"
    assert received[1]["alerts"][0]["status"] == "resolved"
    delivered = metrics.registry.get_sample_value(
        "suhu_alert_deliveries_total", {"destination": "alertmanager", "outcome": "delivered"})
    assert delivered == 2


async def test_alertmanager_down_delays_the_alert_and_loses_nothing(tmp_path):
    """The first attempts hit a closed port; once Alertmanager is up the alert is delivered."""
    runner, hook_port, received = await start_recorder()
    metrics = SuhuMetrics()
    port = free_port()
    dest = AlertmanagerDestination(f"http://127.0.0.1:{port}", resend_s=60, timeout_s=2)
    try:
        task = asyncio.create_task(
            deliver_with_retry(incident("firing"), dest, metrics, base_s=0.2, max_backoff_s=0.5))
        await asyncio.sleep(1.5)
        assert not task.done()  # still retrying against the closed port
        with running_alertmanager(tmp_path / "am", recording_alertmanager_config(hook_port), port=port):
            assert await asyncio.wait_for(task, 30) == "delivered"
            await wait_for(lambda: len(received) >= 1)
    finally:
        await dest.close()
        await runner.cleanup()
    assert received[0]["status"] == "firing"
    assert metrics.registry.get_sample_value(
        "suhu_alert_deliveries_total", {"destination": "alertmanager", "outcome": "retried"}) >= 1
