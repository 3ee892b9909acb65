"""Alert delivery to pagers: pure payload builders and thin async HTTP clients.

Delivery is at least once. Each alert transition from the `alerts` topic is sent until a pager
accepts it: retryable failures (429, 5xx, network, timeout) are retried forever with capped
exponential backoff and full jitter, so a pager outage delays alerts and loses none; a duplicate
is harmless because every destination deduplicates on the incident's `dedup_key`. Permanent
rejections (400/401/403/404/413) are counted and logged, never retried in a loop.

Secrets (routing key, webhook secret, credentials in URLs) never reach logs, metric labels or
exception messages. Payloads carry numbers and post ids, never post text or author ids (UU PDP).

Why one long module: every pager's payload builder and client sit side by side with the shared
retry and redaction rules, so a change to the delivery contract is made, and reviewed, in one place.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import math
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Awaitable, Callable, ClassVar, Container, Iterable, Protocol, Sequence

import orjson

from streams.core.formatting import format_number, format_rfc3339, redact_url, signal_words
from streams.core.records import Alert

if TYPE_CHECKING:  # pragma: no cover
    import aiohttp

    from streams.runtime.metrics import SuhuMetrics
    from streams.core.settings import Settings

log = logging.getLogger(__name__)

# Alertmanager alertname per signal: separate names let routes and silences pick one signal.
ALERTNAMES: dict[str, str] = {
    "incivility": "SuhuIncivility",
    "hate": "SuhuHate",
    "provocation": "SuhuProvocation",
    "fraud_claim": "SuhuFraudClaim",
    "tension": "SuhuTension",
    "coordination": "SuhuCoordination",
}
FALLBACK_ALERTNAME = "SuhuRegionalTension"

PAGERDUTY_SUMMARY_MAX = 1024
PAGERDUTY_DEDUP_KEY_MAX = 255
PAGERDUTY_SEVERITIES = {"critical": "critical", "warning": "warning"}
SIGNATURE_HEADER = "X-Suhu-Signature"
SIGNATURE_TOLERANCE_S = 300
RETRYABLE_STATUSES = frozenset({408, 425, 429}) | frozenset(range(500, 600))


# ---- errors ----------------------------------------------------------------------------------------
class DeliveryError(Exception):
    """Delivery failed. Messages name the destination and status only, never a URL or secret."""

    def __init__(self, destination: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{destination}: {reason}")
        self.destination = destination
        self.reason = reason
        self.status = status


class RetryableDeliveryError(DeliveryError):
    """429, 5xx, network error or timeout: the pager may accept the same alert later."""


class PermanentDeliveryError(DeliveryError):
    """The pager rejected the alert itself (bad request, bad key, unknown endpoint): do not retry."""


# ---- pure payload builders -------------------------------------------------------------------------
def alertname(signal: str) -> str:
    return ALERTNAMES.get(signal, FALLBACK_ALERTNAME)


def _parse_time(value: str) -> datetime | None:
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (AttributeError, TypeError, ValueError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def alert_labels(alert: Alert) -> dict[str, str]:
    """The identity of the alert in Alertmanager: routing, grouping, inhibition and silences use these."""
    labels = {
        "alertname": alertname(alert.signal),
        "region": alert.region,
        "region_name": alert.region_name,
        "signal": alert.signal,
        "severity": alert.severity,
        "dedup_key": alert.dedup_key,
        "source": "suhu",
    }
    if alert.city:  # a city-level alert: bounded by the gazetteer, so a safe label
        labels["city"] = alert.city
    return labels


def describe_id(alert: Alert) -> str:
    """The Indonesian description the operations room reads on the page: numbers, no post text."""
    if alert.coordination:
        return alert.summary_id
    sig = signal_words(alert.signal).id
    base = f", garis dasar {format_number(alert.baseline)}" if alert.baseline is not None else ""
    return (
        f"{sig} di {alert.region_name} ({alert.region}) bernilai {format_number(alert.value)}, "
        f"ambang {alert.severity} {format_number(alert.threshold)}{base}; jendela {alert.window_start} s.d. "
        f"{alert.window_end}; {alert.post_count} unggahan dari {alert.author_count} akun; fase {alert.phase}."
    )


def alertmanager_payload(
    alert: Alert,
    resend: bool = False,
    *,
    now: datetime | None = None,
    resend_s: float | None = None,
    generator_url: str | None = None,
) -> list[dict[str, Any]]:
    """Body for `POST /api/v2/alerts`. Identical for a first send and a re-send (`resend` changes
    nothing but documents intent): Alertmanager merges by labels, so re-sending is idempotent.

    Firing: `endsAt` is omitted (Alertmanager's resolve_timeout applies) unless `resend_s` is given,
    then now + 4 re-send intervals, so a vanished worker's alerts expire instead of paging forever.
    Resolved: `endsAt` = now, which is what makes Alertmanager send the resolved notification.
    """
    del resend
    now = now or datetime.now(timezone.utc)
    start = _parse_time(alert.window_start) or now
    # startsAt after endsAt is rejected with 400; stream time can run ahead of the wall clock in replays.
    start = min(start, now - timedelta(seconds=1))
    entry: dict[str, Any] = {
        "labels": alert_labels(alert),
        "annotations": {
            "summary": alert.summary_id,
            "summary_en": alert.summary_en,
            "description": describe_id(alert),
            "value": format_number(alert.value),
            "threshold": format_number(alert.threshold),
            "baseline": format_number(alert.baseline),
            "window": f"{alert.window_start}/{alert.window_end}",
            "phase": alert.phase,
            "posts": str(alert.post_count),
            "authors": str(alert.author_count),
            "example_post_ids": ",".join(alert.example_post_ids[:10]),
            "alert_id": alert.alert_id,
        },
        "startsAt": format_rfc3339(start, "milliseconds"),
    }
    if alert.city:
        entry["annotations"]["city"] = alert.city
    if alert.coordination:  # a coordinated campaign: its own fields, as strings (never post text)
        from streams.core.coordination import annotations as coordination_annotations

        entry["annotations"].update(coordination_annotations(alert))
    if alert.late:
        entry["annotations"]["late"] = "true"
    if alert.status == "resolved":
        entry["endsAt"] = format_rfc3339(now, "milliseconds")
    elif resend_s is not None:
        entry["endsAt"] = format_rfc3339(now + timedelta(seconds=4 * resend_s), "milliseconds")
    if generator_url:
        entry["generatorURL"] = generator_url
    return [entry]


def pagerduty_dedup_key(dedup_key: str) -> str:
    """PagerDuty caps dedup_key at 255 chars; longer keys are hashed (truncation could collide)."""
    if len(dedup_key) <= PAGERDUTY_DEDUP_KEY_MAX:
        return dedup_key
    return "suhu-" + hashlib.sha256(dedup_key.encode("utf-8")).hexdigest()


def pagerduty_event(alert: Alert, routing_key: str) -> dict[str, Any]:
    """Events API v2 body: trigger on firing, resolve on resolved, same dedup_key for both."""
    key = pagerduty_dedup_key(alert.dedup_key)
    if alert.status == "resolved":
        return {"routing_key": routing_key, "event_action": "resolve", "dedup_key": key}
    summary = f"[{alert.severity.upper()}] {alert.summary_id} / {alert.summary_en}"
    if len(summary) > PAGERDUTY_SUMMARY_MAX:
        summary = summary[: PAGERDUTY_SUMMARY_MAX - 1] + "\u2026"
    details: dict[str, Any] = {"city": alert.city} if alert.city else {}
    if alert.coordination:
        details["coordination"] = dict(alert.coordination)
    if alert.late:
        details["late"] = True
    return {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": key,
        "client": "suhu",
        "payload": {
            "summary": summary,
            "source": f"suhu/{alert.region}",
            "severity": PAGERDUTY_SEVERITIES.get(alert.severity, "warning"),
            "timestamp": alert.emitted_at,
            "component": alert.signal,
            "group": alert.region,
            "class": alertname(alert.signal),
            "custom_details": {
                "region": alert.region,
                "region_name": alert.region_name,
                "signal": alert.signal,
                "value": alert.value,
                "threshold": alert.threshold,
                "baseline": alert.baseline,
                "window_start": alert.window_start,
                "window_end": alert.window_end,
                "phase": alert.phase,
                "post_count": alert.post_count,
                "author_count": alert.author_count,
                "example_post_ids": list(alert.example_post_ids[:10]),
                "description": describe_id(alert),
                "alert_id": alert.alert_id,
                **details,
            },
        },
    }


def sign_webhook(body: bytes, secret: str, timestamp: int) -> str:
    """`X-Suhu-Signature` value: HMAC-SHA256 over b"<timestamp>.<body>", hex, with the timestamp."""
    mac = hmac.new(secret.encode("utf-8"), str(int(timestamp)).encode("ascii") + b"." + body, hashlib.sha256)
    return f"t={int(timestamp)},v1={mac.hexdigest()}"


def verify_webhook(
    body: bytes, header: str, secret: str, *, now: float | None = None, tolerance_s: float = SIGNATURE_TOLERANCE_S
) -> bool:
    """True when the signature matches and its timestamp is within the replay window."""
    try:
        parts = dict(p.strip().split("=", 1) for p in header.split(","))
        ts = int(parts["t"])
        sigs = [v for k, v in (p.strip().split("=", 1) for p in header.split(",")) if k == "v1"]
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - ts) > tolerance_s:
        return False
    expected = sign_webhook(body, secret, ts).split("v1=", 1)[1]
    return any(hmac.compare_digest(expected, s) for s in sigs)


# ---- re-sending firing alerts to Alertmanager -------------------------------------------------------
@dataclass
class _Active:
    alert: Alert
    last_sent: float
    partition: int | None = None  # the `alerts` partition whose owner re-sends it (None: not tracked)


class ActiveAlerts:
    """Firing alerts that must be re-posted to Alertmanager until they resolve (pure, clock injected).

    With partitions (a worker): each alert belongs to the `alerts` partition its record is on, and only
    that partition's owner keeps it. `assign` / `restore` / `revoke` follow the consumer group, so after
    a restart or rebalance the new owner re-sends what was firing and the old one stops.
    """

    def __init__(self, resend_s: float = 60.0, clock: Callable[[], float] = time.time) -> None:
        self.resend_s = resend_s
        self.clock = clock
        self._by_key: dict[str, _Active] = {}
        self.owned: set[int] | None = None  # None: no partition tracking (every update is kept)

    def __len__(self) -> int:
        return len(self._by_key)

    def __contains__(self, dedup_key: object) -> bool:
        return dedup_key in self._by_key

    def get(self, dedup_key: str) -> Alert | None:
        a = self._by_key.get(dedup_key)
        return a.alert if a else None

    def alerts(self, partition: int | None = None) -> list[Alert]:
        """The firing alerts (of one partition), for tests and diagnostics."""
        return [a.alert for a in self._by_key.values() if partition is None or a.partition == partition]

    def update(self, alert: Alert, now: float | None = None, partition: int | None = None) -> Alert | None:
        """Record a delivered transition; returns the alert it supersedes under the same dedup_key, if any.

        `partition`: the `alerts` partition the transition was read from. A partition this worker no
        longer owns (revoked while the page was in flight) drops the alert: its new owner re-sends it.
        """
        now = self.clock() if now is None else now
        previous = self._by_key.get(alert.dedup_key)
        if partition is None and previous is not None:
            partition = previous.partition
        not_ours = partition is not None and self.owned is not None and partition not in self.owned
        if alert.status == "resolved" or not_ours:
            self._by_key.pop(alert.dedup_key, None)
        else:
            self._by_key[alert.dedup_key] = _Active(alert, now, partition)
        return previous.alert if previous else None

    def assign(self, partitions: Iterable[int]) -> None:
        """These partitions are ours from now on (their firing alerts come with `restore`)."""
        self.owned = (self.owned or set()) | set(partitions)

    def revoke(self, partitions: Iterable[int]) -> list[Alert]:
        """These partitions went to another worker: stop re-sending their alerts. Returns the dropped ones."""
        gone = set(partitions)
        self.owned = (self.owned or set()) - gone
        dropped = [k for k, a in self._by_key.items() if a.partition in gone]
        return [self._by_key.pop(k).alert for k in dropped]

    def restore(self, partition: int, firing: Iterable[Alert]) -> int:
        """Replace what is known of an owned partition with its firing alerts rebuilt from the durable
        records (`firing_from_records`). They are due for a re-send at once: when they were last sent
        (by a worker that crashed, perhaps) is unknown. A partition not owned (revoked meanwhile) is
        ignored. Returns the number of alerts kept."""
        if self.owned is not None and partition not in self.owned:
            return 0
        for key in [k for k, a in self._by_key.items() if a.partition == partition]:
            del self._by_key[key]
        n = 0
        for alert in firing:
            if alert.status == "firing":
                self._by_key[alert.dedup_key] = _Active(alert, -math.inf, partition)
                n += 1
        return n

    def due_for_resend(self, now: float | None = None, resend_s: float | None = None) -> list[Alert]:
        """Firing alerts not sent for `resend_s`; they are marked sent now (the caller re-sends them)."""
        now = self.clock() if now is None else now
        interval = self.resend_s if resend_s is None else resend_s
        due = [a for a in self._by_key.values() if now - a.last_sent >= interval]
        for a in due:
            a.last_sent = now
        return [a.alert for a in due]

    def mark_sent(self, dedup_key: str, now: float | None = None) -> None:
        if dedup_key in self._by_key:
            self._by_key[dedup_key].last_sent = self.clock() if now is None else now


def firing_from_records(records: Iterable[Alert], delivered: Container[str]) -> list[Alert]:
    """The alerts still firing after the delivered transitions among `records` (pure).

    `records`: one partition of the `alerts` topic in offset order (every transition of a dedup_key is
    on one partition: it is the key). `delivered`: the alert_ids marked delivered. A transition not yet
    delivered is left out: the deliver stage sends it when it reads it, and records it then. The last
    delivered transition of each dedup_key decides: firing (its latest severity) or gone (resolved).
    """
    latest: dict[str, Alert] = {}
    for alert in records:
        if alert.alert_id not in delivered:
            continue
        if alert.status == "resolved":
            latest.pop(alert.dedup_key, None)
        else:
            latest.pop(alert.dedup_key, None)  # re-insert: the order is that of the last transition
            latest[alert.dedup_key] = alert
    return list(latest.values())


# ---- destinations ---------------------------------------------------------------------------------
class Destination(Protocol):
    name: str  # the `destination` metric label: one of DESTINATIONS

    async def send(self, alert: Alert) -> None: ...

    async def close(self) -> None: ...


# Every pager suhu can send to, by its `name`: a pager class registers itself by defining `name`, and
# `streams.runtime.metrics` creates the delivery metrics' label children from this list (DESTINATIONS below),
# so a destination cannot exist without its metric labels.
_DESTINATION_TYPES: dict[str, type] = {}


class _HttpDestination:
    name: ClassVar[str] = "http"

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if "name" in cls.__dict__:
            _DESTINATION_TYPES.setdefault(cls.name, cls)

    def __init__(self, url: str, *, timeout_s: float = 10.0, session: "aiohttp.ClientSession | None" = None) -> None:
        self.url = url
        self.timeout_s = timeout_s
        self._session = session
        self._own_session = session is None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({redact_url(self.url)!r})"

    async def _post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        import aiohttp

        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout_s))
            self._own_session = True
        try:
            async with self._session.post(url, data=body, headers=headers) as resp:
                await resp.read()
                status = resp.status
        except asyncio.TimeoutError:
            raise RetryableDeliveryError(self.name, "timeout") from None
        except aiohttp.ClientError as exc:
            # The exception text can contain the URL: keep only its type.
            raise RetryableDeliveryError(self.name, f"network error ({type(exc).__name__})") from None
        if 200 <= status < 300:
            return status
        if status in RETRYABLE_STATUSES:
            raise RetryableDeliveryError(self.name, f"HTTP {status}", status)
        raise PermanentDeliveryError(self.name, f"HTTP {status}", status)

    async def close(self) -> None:
        if self._session is not None and self._own_session and not self._session.closed:
            await self._session.close()


class AlertmanagerDestination(_HttpDestination):
    """Posts to one or more Alertmanagers (an HA pair gets every alert, as Prometheus does)."""

    name = "alertmanager"

    def __init__(
        self,
        url: str,
        *,
        resend_s: float = 60.0,
        timeout_s: float = 10.0,
        session: "aiohttp.ClientSession | None" = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(url, timeout_s=timeout_s, session=session)
        self.urls = [u.strip().rstrip("/") for u in url.split(",") if u.strip()]
        self.resend_s = resend_s
        self.clock = clock
        self.active = ActiveAlerts(resend_s, clock)
        # One post at a time: a re-send of a firing alert still on the wire when its resolution is sent
        # could reach Alertmanager after it and make the incident fire again until its endsAt.
        self._ordered = asyncio.Lock()

    def _payload(self, alert: Alert) -> list[dict[str, Any]]:
        now = datetime.fromtimestamp(self.clock(), timezone.utc)
        entries = alertmanager_payload(alert, now=now, resend_s=self.resend_s)
        previous = self.active.get(alert.dedup_key)
        if previous is not None and previous.severity != alert.severity:
            # Severity is a label, so an escalated incident is a new Alertmanager alert: end the old one.
            ended = Alert.from_dict({**previous.to_dict(), "status": "resolved"})
            entries += alertmanager_payload(ended, now=now)
        return entries

    async def send(self, alert: Alert) -> None:
        async with self._ordered:
            body = orjson.dumps(self._payload(alert))
            for base in self.urls:
                await self._post(base + "/api/v2/alerts", body, {"Content-Type": "application/json"})
            self.active.update(alert, self.clock())

    async def resend_due(self) -> int:
        """Re-post firing alerts whose last send is older than resend_s; a failure waits for the next tick."""
        now = self.clock()
        sent = 0
        for alert in self.active.due_for_resend(now):
            try:
                async with self._ordered:
                    if self.active.get(alert.dedup_key) is not alert:
                        continue  # resolved, escalated or revoked while the earlier ones were being re-sent
                    body = orjson.dumps(alertmanager_payload(alert, True, now=datetime.fromtimestamp(now, timezone.utc),
                                                             resend_s=self.resend_s))
                    for base in self.urls:
                        await self._post(base + "/api/v2/alerts", body, {"Content-Type": "application/json"})
            except DeliveryError as exc:
                # Leave it due: the next tick tries again well before endsAt (4 intervals) passes.
                self.active.mark_sent(alert.dedup_key, now - self.resend_s)
                log.warning("alertmanager re-send failed, will retry: %s", exc)
                continue
            sent += 1
        return sent


class PagerDutyDestination(_HttpDestination):
    """Events API v2 directly, for sites without Alertmanager."""

    name = "pagerduty"

    def __init__(self, url: str, routing_key: str, **kw: Any) -> None:
        super().__init__(url, **kw)
        self._routing_key = routing_key

    def __repr__(self) -> str:
        return f"PagerDutyDestination({redact_url(self.url)!r}, routing_key=***)"

    async def send(self, alert: Alert) -> None:
        body = orjson.dumps(pagerduty_event(alert, self._routing_key))
        await self._post(self.url, body, {"Content-Type": "application/json"})


class WebhookDestination(_HttpDestination):
    """The alert record as JSON, signed with HMAC-SHA256 (see docs/OPERATIONS_ROOM.md)."""

    name = "webhook"

    def __init__(self, url: str, secret: str, *, clock: Callable[[], float] = time.time, **kw: Any) -> None:
        super().__init__(url, **kw)
        self._secret = secret
        self.clock = clock

    def __repr__(self) -> str:
        return f"WebhookDestination({redact_url(self.url)!r}, secret=***)"

    async def send(self, alert: Alert) -> None:
        body = alert.to_json()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign_webhook(body, self._secret, int(self.clock())),
            "X-Suhu-Alert-Id": alert.alert_id,
            "X-Suhu-Dedup-Key": alert.dedup_key,
        }
        await self._post(self.url, body, headers)


# The metric label values of `destination` (streams/runtime/metrics.py builds its children from this).
DESTINATIONS: tuple[str, ...] = tuple(_DESTINATION_TYPES)


def destinations_from_settings(settings: "Settings") -> list[Destination]:
    """Every configured destination; an empty list means alerts stay on the topic only."""
    out: list[Destination] = []
    if settings.alertmanager_url:
        out.append(AlertmanagerDestination(settings.alertmanager_url, resend_s=settings.alertmanager_resend_s))
    if settings.pagerduty_routing_key:
        out.append(PagerDutyDestination(settings.pagerduty_url, settings.pagerduty_routing_key))
    if settings.webhook_url:
        if not settings.webhook_secret:
            from streams.core.settings import ConfigError

            raise ConfigError("webhook_url is set but webhook_secret is not: refusing to send unsigned alerts")
        out.append(WebhookDestination(settings.webhook_url, settings.webhook_secret))
    return out


# ---- retry loop -------------------------------------------------------------------------------------
def _count(metrics: "SuhuMetrics | None", destination: str, outcome: str, seconds: float | None = None) -> None:
    """Count a delivery outcome. A metrics failure (an unknown label, a registry bug) is logged and
    never propagates: it must not turn a page the pager accepted into a failure, or stop the
    delivered mark after it (a page repeated in a loop)."""
    if metrics is None:
        return
    try:
        metrics.alert_delivery(destination, outcome, seconds=seconds)
    except Exception as exc:  # noqa: BLE001 - counting is never worth a repeated page
        log.error("delivery metric for %s/%s not counted: %s: %s", destination, outcome, type(exc).__name__, exc)


def backoff_delay(attempt: int, rng: random.Random, *, base_s: float = 0.5, max_backoff_s: float = 60.0) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2**attempt)] (spreads a thundering herd after an outage)."""
    return rng.uniform(0.0, min(max_backoff_s, base_s * (2 ** min(attempt, 62))))


async def deliver_with_retry(
    alert: Alert,
    destination: Destination,
    metrics: "SuhuMetrics | None" = None,
    *,
    max_backoff_s: float = 60.0,
    base_s: float = 0.5,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    rng: random.Random | None = None,
    clock: Callable[[], float] = time.monotonic,
    resend: bool = False,
) -> str:
    """Send until accepted ("delivered") or permanently rejected ("failed"); retryable errors never give up.

    `resend` marks an Alertmanager keep-alive of a firing alert (same payload; only logs differ).
    """
    rng = rng or random.Random()
    started = clock()
    attempt = 0
    while True:
        try:
            await destination.send(alert)
        except RetryableDeliveryError as exc:
            _count(metrics, destination.name, "retried")
            delay = backoff_delay(attempt, rng, base_s=base_s, max_backoff_s=max_backoff_s)
            log.warning("%s of alert %s to %s failed (%s), retry %d in %.1fs", "re-send" if resend else "delivery",
                        alert.alert_id, destination.name, exc.reason, attempt + 1, delay)
            attempt += 1
            await sleep(delay)
            continue
        except PermanentDeliveryError as exc:
            _count(metrics, destination.name, "failed")
            log.error("alert %s rejected by %s (%s): not retried", alert.alert_id, destination.name, exc.reason)
            return "failed"
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - a bug in a payload builder must not stall the queue
            _count(metrics, destination.name, "failed")
            log.error("alert %s could not be sent to %s: %s", alert.alert_id, destination.name, type(exc).__name__)
            return "failed"
        _count(metrics, destination.name, "delivered", seconds=clock() - started)
        return "delivered"


async def deliver_all(
    alert: Alert, destinations: Sequence[Destination], metrics: "SuhuMetrics | None" = None, **kw: Any
) -> dict[str, str]:
    """Deliver to every destination concurrently; one pager's outage does not delay the others."""
    outcomes = await asyncio.gather(*(deliver_with_retry(alert, d, metrics, **kw) for d in destinations))
    return {d.name: o for d, o in zip(destinations, outcomes)}


__all__ = [
    "ALERTNAMES",
    "DESTINATIONS",
    "ActiveAlerts",
    "AlertmanagerDestination",
    "DeliveryError",
    "Destination",
    "PagerDutyDestination",
    "PermanentDeliveryError",
    "RetryableDeliveryError",
    "WebhookDestination",
    "alertmanager_payload",
    "backoff_delay",
    "deliver_all",
    "deliver_with_retry",
    "destinations_from_settings",
    "firing_from_records",
    "pagerduty_event",
    "sign_webhook",
    "verify_webhook",
]
