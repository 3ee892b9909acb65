"""Specification of alert delivery: payloads, signatures, retries, and a real HTTP fake PagerDuty."""

from __future__ import annotations

import asyncio
import json
import random
from datetime import datetime, timezone

import pytest
from aiohttp import web
from prometheus_client import CollectorRegistry

from streams.outputs.delivery import (
    ActiveAlerts,
    AlertmanagerDestination,
    PagerDutyDestination,
    PermanentDeliveryError,
    RetryableDeliveryError,
    WebhookDestination,
    alertmanager_payload,
    backoff_delay,
    deliver_with_retry,
    destinations_from_settings,
    pagerduty_event,
    sign_webhook,
    verify_webhook,
)
from streams.runtime.metrics import RegionInfo, SuhuMetrics
from streams.core.records import Alert
from streams.core.settings import ConfigError, load_settings

NOW = datetime(2024, 2, 14, 3, 0, tzinfo=timezone.utc)
ROUTING_KEY = "R0UTINGKEY0000000000000000000000"


def make_alert(status: str = "firing", severity: str = "critical", **kw) -> Alert:
    base = dict(
        alert_id=f"ID-JK:tension:1707879600000:{status}",
        dedup_key="ID-JK:tension:1707879600000",
        status=status,
        severity=severity,
        region="ID-JK",
        region_name="DKI Jakarta",
        signal="tension",
        value=0.81,
        threshold=0.7,
        baseline=0.2,
        window_start="2024-02-14T02:50:00+00:00",
        window_end="2024-02-14T02:55:00+00:00",
        phase="pemungutan_suara",
        post_count=140,
        author_count=97,
        example_post_ids=("p1", "p2"),
        summary_id="Ketegangan tinggi di DKI Jakarta",
        summary_en="High tension in DKI Jakarta",
        emitted_at="2024-02-14T02:55:00+00:00",
    )
    base.update(kw)
    return Alert(**base)


@pytest.fixture
def metrics() -> SuhuMetrics:
    regions = [RegionInfo("ID-JK", "DKI Jakarta", "jawa", -6.2, 106.85), RegionInfo("unknown", "?", "unknown", 0, 0)]
    return SuhuMetrics(CollectorRegistry(), regions=regions)


def deliveries(m: SuhuMetrics, dest: str, outcome: str) -> float:
    return m.registry.get_sample_value("suhu_alert_deliveries_total", {"destination": dest, "outcome": outcome})


# ---- Alertmanager payload ----------------------------------------------------------------------
def test_firing_alert_has_labels_for_routing_and_no_ends_at():
    [entry] = alertmanager_payload(make_alert(), now=NOW)
    assert entry["labels"] == {
        "alertname": "SuhuTension",
        "region": "ID-JK",
        "region_name": "DKI Jakarta",
        "signal": "tension",
        "severity": "critical",
        "dedup_key": "ID-JK:tension:1707879600000",
        "source": "suhu",
    }
    assert "endsAt" not in entry
    assert entry["startsAt"] == "2024-02-14T02:50:00.000Z"
    assert entry["annotations"]["summary"] == "Ketegangan tinggi di DKI Jakarta"
    assert entry["annotations"]["summary_en"] == "High tension in DKI Jakarta"
    assert "0.810" in entry["annotations"]["description"] and "140 unggahan" in entry["annotations"]["description"]


def test_resolved_alert_ends_now_with_the_same_labels():
    [firing] = alertmanager_payload(make_alert(), now=NOW)
    [resolved] = alertmanager_payload(make_alert("resolved"), now=NOW)
    assert resolved["labels"] == firing["labels"]
    assert resolved["endsAt"] == "2024-02-14T03:00:00.000Z"


def test_firing_with_resend_interval_expires_after_four_intervals():
    [entry] = alertmanager_payload(make_alert(), now=NOW, resend_s=60)
    assert entry["endsAt"] == "2024-02-14T03:04:00.000Z"


def test_starts_at_never_after_now_even_when_stream_time_runs_ahead():
    alert = make_alert("resolved", window_start="2030-01-01T00:00:00+00:00")
    [entry] = alertmanager_payload(alert, now=NOW)
    assert entry["startsAt"] < entry["endsAt"]


def test_unknown_signal_gets_the_generic_alertname():
    [entry] = alertmanager_payload(make_alert(signal="rumour"), now=NOW)
    assert entry["labels"]["alertname"] == "SuhuRegionalTension"


# ---- PagerDuty Events v2 ---------------------------------------------------------------------------
def test_pagerduty_trigger_and_resolve_share_the_dedup_key():
    trigger = pagerduty_event(make_alert(), ROUTING_KEY)
    resolve = pagerduty_event(make_alert("resolved"), ROUTING_KEY)
    assert trigger["event_action"] == "trigger" and resolve["event_action"] == "resolve"
    assert trigger["dedup_key"] == resolve["dedup_key"] == "ID-JK:tension:1707879600000"
    assert trigger["routing_key"] == resolve["routing_key"] == ROUTING_KEY
    assert trigger["payload"]["severity"] == "critical"
    assert trigger["payload"]["source"] == "suhu/ID-JK"
    assert trigger["payload"]["custom_details"]["post_count"] == 140
    assert trigger["payload"]["custom_details"]["example_post_ids"] == ["p1", "p2"]


def test_pagerduty_warning_maps_to_warning_severity():
    assert pagerduty_event(make_alert(severity="warning"), ROUTING_KEY)["payload"]["severity"] == "warning"


def test_pagerduty_summary_and_dedup_key_respect_events_v2_limits():
    long = make_alert(summary_id="x" * 3000, dedup_key="k" * 400)
    event = pagerduty_event(long, ROUTING_KEY)
    assert len(event["payload"]["summary"]) == 1024
    assert len(event["dedup_key"]) <= 255
    assert event["dedup_key"] == pagerduty_event(make_alert("resolved", dedup_key="k" * 400), ROUTING_KEY)["dedup_key"]


# ---- webhook signature -------------------------------------------------------------------------------
def test_signature_round_trips():
    body = make_alert().to_json()
    header = sign_webhook(body, "s3cret", 1_707_879_600)
    assert header.startswith("t=1707879600,v1=")
    assert verify_webhook(body, header, "s3cret", now=1_707_879_650)


def test_signature_rejects_a_changed_body_or_wrong_secret():
    body = make_alert().to_json()
    header = sign_webhook(body, "s3cret", 1_707_879_600)
    assert not verify_webhook(body + b" ", header, "s3cret", now=1_707_879_600)
    assert not verify_webhook(body, header, "other", now=1_707_879_600)


def test_signature_older_than_the_replay_window_is_rejected():
    body = b"{}"
    header = sign_webhook(body, "s3cret", 1_707_879_600)
    assert verify_webhook(body, header, "s3cret", now=1_707_879_600 + 300)
    assert not verify_webhook(body, header, "s3cret", now=1_707_879_600 + 301)


def test_malformed_signature_header_is_rejected_not_raised():
    assert not verify_webhook(b"{}", "garbage", "s3cret", now=0)
    assert not verify_webhook(b"{}", "t=abc,v1=00", "s3cret", now=0)


# ---- retry loop with an injected sleep ------------------------------------------------------------------
class ScriptedDestination:
    name = "pagerduty"

    def __init__(self, script: list[int | str]) -> None:
        self.script = list(script)
        self.calls = 0

    async def send(self, alert: Alert) -> None:
        self.calls += 1
        step = self.script.pop(0)
        if step == "net":
            raise RetryableDeliveryError(self.name, "network error")
        if step in (429,) or (isinstance(step, int) and step >= 500):
            raise RetryableDeliveryError(self.name, f"HTTP {step}", step)
        if isinstance(step, int) and step >= 400:
            raise PermanentDeliveryError(self.name, f"HTTP {step}", step)

    async def close(self) -> None:
        pass


async def test_two_server_errors_then_accepted_is_delivered_after_two_retries(metrics):
    slept: list[float] = []

    async def sleep(s: float) -> None:
        slept.append(s)

    dest = ScriptedDestination([500, 500, 202])
    outcome = await deliver_with_retry(make_alert(), dest, metrics, sleep=sleep, rng=random.Random(1))
    assert outcome == "delivered"
    assert dest.calls == 3 and len(slept) == 2
    assert deliveries(metrics, "pagerduty", "retried") == 2
    assert deliveries(metrics, "pagerduty", "delivered") == 1


async def test_bad_request_is_permanent_and_not_retried(metrics):
    slept: list[float] = []

    async def sleep(s: float) -> None:
        slept.append(s)

    dest = ScriptedDestination([400, 202])
    outcome = await deliver_with_retry(make_alert(), dest, metrics, sleep=sleep)
    assert outcome == "failed" and dest.calls == 1 and slept == []
    assert deliveries(metrics, "pagerduty", "failed") == 1


async def test_a_long_outage_delays_but_never_drops_the_alert(metrics):
    slept: list[float] = []

    async def sleep(s: float) -> None:
        slept.append(s)

    dest = ScriptedDestination([503] * 40 + ["net", 429, 202])
    outcome = await deliver_with_retry(make_alert(), dest, metrics, sleep=sleep, max_backoff_s=30, rng=random.Random(7))
    assert outcome == "delivered" and dest.calls == 43
    assert max(slept) <= 30


def test_backoff_is_full_jitter_capped_exponential():
    rng = random.Random(3)
    samples = [backoff_delay(3, rng, base_s=0.5, max_backoff_s=60) for _ in range(2000)]
    assert 0 <= min(samples) and max(samples) <= 4.0
    assert 1.5 < sum(samples) / len(samples) < 2.5  # mean of U(0, 4)
    assert all(backoff_delay(30, rng, max_backoff_s=60) <= 60 for _ in range(100))


# ---- active alerts for Alertmanager re-sends ---------------------------------------------------------------
def test_firing_alert_is_due_for_resend_after_the_interval_and_gone_after_resolve():
    active = ActiveAlerts(resend_s=60)
    active.update(make_alert(), now=1000)
    assert active.due_for_resend(1059) == []
    assert [a.dedup_key for a in active.due_for_resend(1060)] == ["ID-JK:tension:1707879600000"]
    assert active.due_for_resend(1100) == []  # handed out at 1060: not due again until 1120
    assert len(active.due_for_resend(1120)) == 1
    active.update(make_alert("resolved"), now=1101)
    assert len(active) == 0 and active.due_for_resend(5000) == []


def test_escalation_supersedes_the_warning_under_the_same_dedup_key():
    active = ActiveAlerts(resend_s=60)
    assert active.update(make_alert(severity="warning"), now=0) is None
    previous = active.update(make_alert(severity="critical"), now=10)
    assert previous is not None and previous.severity == "warning"
    assert len(active) == 1


# ---- settings ------------------------------------------------------------------------------------------------
def test_destinations_come_from_settings_and_hide_secrets():
    s = load_settings(env={}, alertmanager_url="http://127.0.0.1:9093", pagerduty_routing_key=ROUTING_KEY,
                      webhook_url="https://ops.example/hook?token=abc", webhook_secret="s3cret")
    dests = destinations_from_settings(s)
    assert [d.name for d in dests] == ["alertmanager", "pagerduty", "webhook"]
    text = " ".join(repr(d) for d in dests)
    assert ROUTING_KEY not in text and "s3cret" not in text and "token=abc" not in text


def test_unsigned_webhook_is_refused():
    s = load_settings(env={}, webhook_url="https://ops.example/hook")
    with pytest.raises(ConfigError):
        destinations_from_settings(s)


def test_no_destinations_configured_means_none():
    assert destinations_from_settings(load_settings(env={})) == []


# ---- real HTTP on loopback --------------------------------------------------------------------------------------
async def start_server(handler) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_post("/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


async def test_fake_pagerduty_answering_500_twice_then_202_gets_the_event_three_times(metrics):
    received: list[dict] = []

    async def enqueue(request: web.Request) -> web.Response:
        received.append(await request.json())
        if len(received) <= 2:
            return web.json_response({"status": "error"}, status=500)
        return web.json_response({"status": "success", "dedup_key": received[-1]["dedup_key"]}, status=202)

    runner, base = await start_server(enqueue)
    dest = PagerDutyDestination(base + "/v2/enqueue", ROUTING_KEY, timeout_s=5)
    try:
        outcome = await deliver_with_retry(make_alert(), dest, metrics, base_s=0.01, max_backoff_s=0.05)
    finally:
        await dest.close()
        await runner.cleanup()
    assert outcome == "delivered"
    assert len(received) == 3
    assert {r["dedup_key"] for r in received} == {"ID-JK:tension:1707879600000"}
    assert all(r["event_action"] == "trigger" and r["routing_key"] == ROUTING_KEY for r in received)
    assert deliveries(metrics, "pagerduty", "retried") == 2
    assert deliveries(metrics, "pagerduty", "delivered") == 1


async def test_pagerduty_rejecting_the_event_is_permanent(metrics):
    async def enqueue(request: web.Request) -> web.Response:
        return web.json_response({"status": "invalid event"}, status=400)

    runner, base = await start_server(enqueue)
    dest = PagerDutyDestination(base + "/v2/enqueue", ROUTING_KEY, timeout_s=5)
    try:
        with pytest.raises(PermanentDeliveryError) as info:
            await dest.send(make_alert())
    finally:
        await dest.close()
        await runner.cleanup()
    assert info.value.status == 400 and ROUTING_KEY not in str(info.value) and base not in str(info.value)


async def test_unreachable_pager_is_retryable_and_the_message_hides_the_url():
    dest = WebhookDestination("http://127.0.0.1:9/hook?token=abc", "s3cret", timeout_s=2)
    try:
        with pytest.raises(RetryableDeliveryError) as info:
            await dest.send(make_alert())
    finally:
        await dest.close()
    assert "token" not in str(info.value) and "127.0.0.1" not in str(info.value)


async def test_webhook_receiver_can_verify_what_we_send():
    got: list[tuple[bytes, str]] = []

    async def hook(request: web.Request) -> web.Response:
        got.append((await request.read(), request.headers["X-Suhu-Signature"]))
        return web.Response(status=204)

    runner, base = await start_server(hook)
    dest = WebhookDestination(base + "/hook", "s3cret", timeout_s=5)
    try:
        await dest.send(make_alert())
    finally:
        await dest.close()
        await runner.cleanup()
    [(body, header)] = got
    assert verify_webhook(body, header, "s3cret")
    assert json.loads(body)["dedup_key"] == "ID-JK:tension:1707879600000"
    assert "text" not in json.loads(body)


async def test_alertmanager_destination_posts_v2_alerts_and_remembers_firing_ones():
    got: list[tuple[str, list]] = []

    async def alerts(request: web.Request) -> web.Response:
        got.append((request.path, await request.json()))
        return web.Response(status=200)

    runner, base = await start_server(alerts)
    clock = [1000.0]
    dest = AlertmanagerDestination(base, resend_s=30, timeout_s=5, clock=lambda: clock[0])
    try:
        await dest.send(make_alert(severity="warning"))
        clock[0] = 1031
        assert await dest.resend_due() == 1
        await dest.send(make_alert(severity="critical"))
        await dest.send(make_alert("resolved"))
        assert await dest.resend_due() == 0
    finally:
        await dest.close()
        await runner.cleanup()
    assert [p for p, _ in got] == ["/api/v2/alerts"] * 4
    escalation = got[2][1]
    assert [(e["labels"]["severity"], "endsAt" in e) for e in escalation] == [("critical", True), ("warning", True)]
    assert escalation[1]["endsAt"] < escalation[0]["endsAt"]  # the warning ends now, the critical later


# ---- destinations and their metrics ------------------------------------------------------------------------
def _pager_classes() -> list[type]:
    import streams.outputs.delivery as delivery

    found, todo = [], list(delivery._HttpDestination.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [c for c in found if c.__module__ == "streams.outputs.delivery"]


def test_every_pager_class_has_its_delivery_metric_labels(metrics):
    from streams.runtime.metrics import DESTINATIONS

    classes = _pager_classes()
    assert {c.name for c in classes} == set(DESTINATIONS) == {"alertmanager", "pagerduty", "webhook"}
    for name in DESTINATIONS:  # children exist up front, at 0
        for outcome in ("delivered", "retried", "failed"):
            assert deliveries(metrics, name, outcome) == 0


async def test_a_destination_without_metric_labels_is_still_delivered(metrics):
    class Pigeon:
        name = "carrier-pigeon"

        async def send(self, alert: Alert) -> None:
            pass

    assert await deliver_with_retry(make_alert(), Pigeon(), metrics) == "delivered"


async def test_a_resolution_never_overtakes_a_re_send_already_on_the_wire():
    """A re-send of the firing alert that reaches Alertmanager after its resolution would make the
    incident fire again until its endsAt: posts to Alertmanager go out one at a time, in order."""
    clock = [1000.0]
    dest = AlertmanagerDestination("http://am.invalid", resend_s=30, timeout_s=5, clock=lambda: clock[0])
    posted: list[str] = []  # endsAt of each post, in the order Alertmanager received them
    resend_on_the_wire = asyncio.Event()
    release = asyncio.Event()

    calls = [0]

    async def slow_post(url: str, body: bytes, headers: dict[str, str]) -> int:
        calls[0] += 1
        if calls[0] == 2:  # the re-send: held on the wire
            resend_on_the_wire.set()
            await release.wait()
        posted.append(json.loads(body)[0]["endsAt"])
        return 200

    dest._post = slow_post  # type: ignore[method-assign]
    await dest.send(make_alert(severity="critical"))
    clock[0] = 1031
    resend = asyncio.create_task(dest.resend_due())
    await resend_on_the_wire.wait()
    resolve = asyncio.create_task(dest.send(make_alert("resolved")))
    await asyncio.sleep(0.05)
    assert len(posted) == 1, "the resolution must wait for the re-send on the wire"
    release.set()
    assert await resend == 1
    await resolve
    initial, resent, resolution = posted
    assert resolution < resent  # the last word Alertmanager heard ends the alert now, not in 4 intervals
    assert dest.active.get(make_alert().dedup_key) is None
