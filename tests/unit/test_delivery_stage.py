"""Specification of the deliver stage's state (no broker): each transition sent once, firing alerts
re-sent to Alertmanager by the owner of their `alerts` partition only, and that re-send set rebuilt
from the durable records (`alerts` + `delivered`) after a restart or a rebalance."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import orjson
import pytest
from prometheus_client import CollectorRegistry

from streams.outputs.delivery import ActiveAlerts, AlertmanagerDestination, firing_from_records
from streams.runtime.delivery_stage import DeliveryStage
from streams.runtime.metrics import SuhuMetrics
from streams.core.records import Alert

RESEND_S = 60.0


def alert(region: str, status: str = "firing", severity: str = "critical", window_end_min: int = 0) -> Alert:
    key = f"suhu:{region}:tension:1707879600000"
    return Alert(
        alert_id=f"{key}|{status}|{severity}|{window_end_min}",
        dedup_key=key,
        status=status,
        severity=severity,
        region=region,
        region_name=region,
        signal="tension",
        value=0.8,
        threshold=0.7,
        baseline=0.2,
        window_start="2024-02-14T02:50:00Z",
        window_end="2024-02-14T02:55:00Z",
        phase="voting",
        post_count=140,
        author_count=97,
        example_post_ids=("p1",),
        summary_id="Ketegangan di " + region,
        summary_en="Tension in " + region,
        emitted_at="2024-02-14T02:55:00Z",
    )


class Clock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


class RecordingAlertmanager(AlertmanagerDestination):
    """The real destination (payloads, escalation, re-send bookkeeping) with the HTTP post recorded."""

    def __init__(self, clock: Clock) -> None:
        super().__init__("http://alertmanager.invalid:9093", resend_s=RESEND_S, clock=clock)
        self.posts: list[list[dict[str, Any]]] = []

    async def _post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.posts.append(orjson.loads(body))
        return 200

    def posted(self) -> list[tuple[str, str]]:
        """(region, firing|resolved) per entry posted, in order."""
        return [(e["labels"]["region"], "resolved" if _ended(e) else "firing") for body in self.posts for e in body]


def _ended(entry: dict[str, Any]) -> bool:
    return entry["annotations"]["alert_id"].split("|")[1] == "resolved"


class Log:
    """The durable records: the `alerts` topic, partition by partition (what `read_partition` reads)."""

    def __init__(self) -> None:
        self.partitions: dict[int, list[bytes]] = {}
        self.reads: list[int] = []
        self.fail: set[int] = set()

    def append(self, partition: int, *alerts: Alert) -> None:
        self.partitions.setdefault(partition, []).extend(a.to_json() for a in alerts)

    async def read(self, partition: int) -> list[bytes]:
        self.reads.append(partition)
        if partition in self.fail:
            raise TimeoutError("broker too slow")
        return list(self.partitions.get(partition, []))


def make_stage(log: Log, delivered: dict[str, int] | None = None, clock: Clock | None = None,
               destinations: list[Any] | None = None, **kw: Any) -> tuple[DeliveryStage, RecordingAlertmanager]:
    clock = clock or Clock()
    am = RecordingAlertmanager(clock)
    stage = DeliveryStage(destinations if destinations is not None else [am], {} if delivered is None else delivered,
                          read_partition=log.read, clock=clock, **kw)
    return stage, am


def delivered_marks(*alerts: Alert) -> dict[str, int]:
    return {a.alert_id: 1 for a in alerts}  # marks as written before streams/core/codecs.py (a bare time)


# ---- the pure fold -------------------------------------------------------------------------------------------
def test_the_last_delivered_transition_of_each_incident_decides_what_is_firing():
    jk_warn, jk_crit = alert("ID-JK", severity="warning"), alert("ID-JK", severity="critical", window_end_min=5)
    jb_fire, jb_done = alert("ID-JB"), alert("ID-JB", "resolved", window_end_min=10)
    bt_fire = alert("ID-BT")
    records = [jk_warn, jb_fire, jk_crit, jb_done, bt_fire]
    firing = firing_from_records(records, delivered_marks(*records))
    assert firing == [jk_crit, bt_fire]  # escalated to critical; ID-JB resolved


def test_transitions_not_yet_delivered_are_left_to_the_deliver_stage():
    jb_fire, jb_done, bt_fire = alert("ID-JB"), alert("ID-JB", "resolved", window_end_min=10), alert("ID-BT")
    # The resolution of ID-JB is on the topic but not delivered: ID-JB is still firing at the pager.
    assert firing_from_records([jb_fire, jb_done, bt_fire], delivered_marks(jb_fire)) == [jb_fire]


# ---- rebuild on assignment -----------------------------------------------------------------------------------
async def test_assignment_rebuilds_exactly_the_firing_alerts_of_the_owned_partitions():
    log = Log()
    jk, jb, jb_done, bt, su = alert("ID-JK"), alert("ID-JB"), alert("ID-JB", "resolved", 10), alert("ID-BT"), alert("ID-SU")
    log.append(0, jk)
    log.append(1, jb, jb_done, bt)
    log.append(2, su)  # owned by another worker
    stage, am = make_stage(log, delivered_marks(jk, jb, jb_done, bt, su))

    stage.assigned([0, 1])
    assert await stage.restore() == 0 and log.reads == []  # the `delivered` table is not recovered yet
    stage.recovered()
    assert await stage.restore() == 2
    assert sorted(log.reads) == [0, 1]
    assert {a.region for a in stage.active.alerts()} == {"ID-JK", "ID-BT"}
    assert stage.pending == set()

    # Restored alerts are due at once (when a crashed worker last sent them is unknown).
    await stage.tick()
    assert sorted(r for r, _ in am.posted()) == ["ID-BT", "ID-JK"]
    assert all(status == "firing" for _, status in am.posted())


async def test_revocation_drops_the_partitions_alerts_from_the_resend_set():
    log = Log()
    jk, bt = alert("ID-JK"), alert("ID-BT")
    log.append(0, jk)
    log.append(1, bt)
    clock = Clock()
    stage, am = make_stage(log, delivered_marks(jk, bt), clock)
    stage.assigned([0, 1])
    stage.recovered()
    await stage.tick()
    am.posts.clear()

    stage.revoked([1])
    clock.t += RESEND_S
    await stage.tick()
    assert [r for r, _ in am.posted()] == ["ID-JK"]  # ID-BT is the new owner's to re-send

    # A later assignment without partition 0 revokes it too (Faust reports the whole assignment).
    stage.assigned([])
    clock.t += RESEND_S
    am.posts.clear()
    await stage.tick()
    assert am.posts == [] and len(stage.active) == 0


async def test_resolved_alerts_are_not_resent_after_a_restart():
    log = Log()
    jb, jb_done = alert("ID-JB"), alert("ID-JB", "resolved", 10)
    log.append(0, jb, jb_done)
    clock = Clock()
    stage, am = make_stage(log, delivered_marks(jb, jb_done), clock)
    stage.assigned([0])
    stage.recovered()
    for _ in range(3):
        await stage.tick()
        clock.t += RESEND_S
    assert am.posts == []


async def test_a_failed_read_stays_pending_and_the_next_tick_retries_it():
    log = Log()
    jk = alert("ID-JK")
    log.append(0, jk)
    log.fail.add(0)
    stage, am = make_stage(log, delivered_marks(jk))
    stage.assigned([0])
    stage.recovered()
    assert await stage.restore() == 0 and stage.pending == {0}
    log.fail.clear()
    await stage.tick()
    assert stage.pending == set() and [r for r, _ in am.posted()] == ["ID-JK"]


async def test_a_partition_revoked_while_its_records_are_read_is_not_restored():
    log = Log()
    jk = alert("ID-JK")
    log.append(0, jk)
    stage, _ = make_stage(log, delivered_marks(jk))

    async def read_then_lose(partition: int) -> list[bytes]:
        values = await log.read(partition)
        stage.revoked([partition])  # a rebalance while the read was in flight
        return values

    stage.read_partition = read_then_lose
    stage.assigned([0])
    stage.recovered()
    assert await stage.restore() == 0
    assert len(stage.active) == 0


async def test_an_alert_delivered_while_its_partition_is_read_back_stays_firing():
    import asyncio

    log = Log()
    old = alert("ID-JK")
    log.append(0, old)
    stage, am = make_stage(log, delivered_marks(old))
    release = asyncio.Event()

    async def slow_read(partition: int) -> list[bytes]:
        values = await log.read(partition)  # the record of the new alert is not in what was read
        await release.wait()
        return values

    stage.read_partition = slow_read
    stage.assigned([0])
    stage.recovered()
    rebuild = asyncio.ensure_future(stage.restore())
    await asyncio.sleep(0)
    new = alert("ID-BT")
    delivery = asyncio.ensure_future(stage.handle(new.to_json(), 0))
    await asyncio.sleep(0.01)
    assert len(am.posts) == 1  # the page itself does not wait for the rebuild
    release.set()
    assert await rebuild == 1 and await delivery == "delivered"
    assert {a.region for a in stage.active.alerts(0)} == {"ID-JK", "ID-BT"}


async def test_without_alertmanager_nothing_is_read_back():
    log = Log()
    stage, _ = make_stage(log, destinations=[])
    stage.assigned([0, 1])
    stage.recovered()
    assert await stage.restore() == 0
    assert log.reads == [] and stage.pending == set()


# ---- the deliver stage's dedup -----------------------------------------------------------------------------
async def test_an_alert_already_delivered_is_not_sent_again():
    log = Log()
    jk = alert("ID-JK")
    delivered = delivered_marks(jk)
    stage, am = make_stage(log, delivered)
    stage.assigned([0])
    assert await stage.handle(jk.to_json(), 0) == "duplicate"
    assert am.posts == []


async def test_a_new_alert_is_sent_once_marked_and_kept_for_periodic_resends():
    log = Log()
    clock = Clock()
    delivered: dict[str, int] = {}
    flushed: list[bool] = []

    async def flush() -> None:
        flushed.append(True)

    stage, am = make_stage(log, delivered, clock, flush=flush)
    stage.assigned([3])
    stage.recovered()
    await stage.restore()
    jk = alert("ID-JK")
    assert await stage.handle(jk.to_json(), 3) == "delivered"
    assert await stage.handle(jk.to_json(), 3) == "duplicate"  # e.g. republished after a restart
    assert len(am.posts) == 1 and delivered == {jk.alert_id: {"fmt": 1, "at": 1000}} and flushed == [True]

    await stage.tick()
    assert len(am.posts) == 1  # not due yet
    clock.t += RESEND_S
    await stage.tick()
    assert len(am.posts) == 2 and am.posts[1][0]["labels"]["region"] == "ID-JK"  # the periodic re-send

    done = alert("ID-JK", "resolved", 10)
    assert await stage.handle(done.to_json(), 3) == "delivered"
    clock.t += 10 * RESEND_S
    await stage.tick()
    assert len(am.posts) == 3 and _ended(am.posts[2][0])  # the resolution, then silence


async def test_a_delivery_finishing_after_its_partition_was_revoked_is_not_kept():
    log = Log()
    stage, am = make_stage(log)
    stage.assigned([0])
    stage.recovered()
    await stage.restore()
    stage.revoked([0])  # the page was in flight
    assert await stage.handle(alert("ID-JK").to_json(), 0) == "delivered"
    assert len(am.posts) == 1 and len(stage.active) == 0


async def test_an_unreadable_record_is_skipped():
    stage, am = make_stage(Log())
    assert await stage.handle(b"not json", 0) == "unreadable"
    assert am.posts == []


# ---- a batch: incidents concurrently, each incident's transitions in order -----------------------------------
class SlowPager:
    """A pager whose every send takes a while; logs when each send starts and ends."""

    name = "slow-pager"

    def __init__(self) -> None:
        self.log: list[tuple[str, str, str]] = []

    async def send(self, a: Alert) -> None:
        self.log.append(("start", a.region, a.status))
        await asyncio.sleep(0.01)
        self.log.append(("end", a.region, a.status))

    async def close(self) -> None:
        pass


async def test_a_batch_sends_different_incidents_concurrently_and_one_incidents_transitions_in_order():
    pager = SlowPager()
    flushed: list[bool] = []

    async def flush() -> None:
        flushed.append(True)

    stage = DeliveryStage([pager], {}, flush=flush)
    jk_fire, jk_done = alert("ID-JK"), alert("ID-JK", "resolved", window_end_min=10)
    jb_fire = alert("ID-JB")
    outcomes = await stage.handle_batch([(jk_fire.to_json(), 0, None), (jb_fire.to_json(), 1, None),
                                         (b"not json", 1, None), (jk_done.to_json(), 0, None)])
    assert outcomes == ["delivered", "delivered", "unreadable", "delivered"]
    assert pager.log[:2] == [("start", "ID-JK", "firing"), ("start", "ID-JB", "firing")]  # both in flight at once
    jk = [(kind, status) for kind, region, status in pager.log if region == "ID-JK"]
    assert jk == [("start", "firing"), ("end", "firing"), ("start", "resolved"), ("end", "resolved")]
    assert flushed == [True, True, True]  # each mark made durable


async def test_a_pages_mark_is_flushed_without_waiting_for_a_slower_page_of_the_same_batch():
    """A crash after a page and before its mark is durable pages it again: that gap must not grow
    with the slowest pager call of the batch (the coordination crash test killed a worker in it)."""
    release = asyncio.Event()
    flushed_marks: list[set[str]] = []
    delivered: dict[str, Any] = {}

    class OneStuckPager(SlowPager):
        async def send(self, a: Alert) -> None:
            if a.region == "ID-JB":
                await release.wait()

    async def flush() -> None:
        flushed_marks.append(set(delivered))

    stage = DeliveryStage([OneStuckPager()], delivered, flush=flush)
    jk, jb = alert("ID-JK"), alert("ID-JB")
    batch = asyncio.ensure_future(stage.handle_batch([(jb.to_json(), 1, None), (jk.to_json(), 0, None)]))
    for _ in range(20):
        await asyncio.sleep(0)
    assert flushed_marks == [{jk.alert_id}]  # Jakarta's mark durable while Jawa Barat's page is in flight
    release.set()
    assert await batch == ["delivered", "delivered"]
    assert flushed_marks[-1] == {jk.alert_id, jb.alert_id}


async def test_a_failed_flush_does_not_abandon_the_batchs_other_incidents():
    async def flush() -> None:
        raise RuntimeError("Cannot flush: Producer not Running")

    pager = SlowPager()
    delivered: dict[str, Any] = {}
    stage = DeliveryStage([pager], delivered, flush=flush)
    jk_fire, jk_done, jb = alert("ID-JK"), alert("ID-JK", "resolved", window_end_min=10), alert("ID-JB")
    outcomes = await stage.handle_batch([(jk_fire.to_json(), 0, None), (jb.to_json(), 1, None),
                                         (jk_done.to_json(), 0, None)])
    assert outcomes == ["delivered"] * 3 and set(delivered) == {jk_fire.alert_id, jk_done.alert_id, jb.alert_id}
    assert [(region, status) for kind, region, status in pager.log if kind == "end"] == [
        ("ID-JK", "firing"), ("ID-JB", "firing"), ("ID-JK", "resolved")]


async def test_each_mark_is_written_as_the_current_event_of_its_own_record():
    """A Faust table takes a write's changelog partition from the current event: a batch spans partitions."""
    current: list[Any] = [None]
    seen: dict[str, Any] = {}

    class Marks(dict):
        def __setitem__(self, key: str, value: Any) -> None:
            seen[key] = current[0]
            super().__setitem__(key, value)

    @contextlib.contextmanager
    def as_current(event: Any) -> Any:
        current[0] = event
        try:
            yield
        finally:
            current[0] = None

    stage = DeliveryStage([SlowPager()], Marks(), as_current=as_current)
    jk, jb = alert("ID-JK"), alert("ID-JB")
    await stage.handle_batch([(jk.to_json(), 0, "event of alerts/0"), (jb.to_json(), 5, "event of alerts/5")])
    assert seen == {jk.alert_id: "event of alerts/0", jb.alert_id: "event of alerts/5"}


async def test_a_batch_of_duplicates_pages_nothing_and_flushes_nothing():
    flushed: list[bool] = []

    async def flush() -> None:
        flushed.append(True)

    pager = SlowPager()
    jk = alert("ID-JK")
    stage = DeliveryStage([pager], delivered_marks(jk), flush=flush)
    assert await stage.handle_batch([(jk.to_json(), 0, None), (jk.to_json(), 0, None)]) == ["duplicate", "duplicate"]
    assert pager.log == [] and flushed == []


# ---- a destination the metrics do not know ------------------------------------------------------------------
class Pigeon:
    """A pager added without metric labels (not a registered destination class)."""

    name = "carrier-pigeon"

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, a: Alert) -> None:
        self.sent.append(a.alert_id)

    async def close(self) -> None:
        pass


class BrokenMetrics:
    def alert_delivery(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("registry gone")


@pytest.mark.parametrize("metrics", [SuhuMetrics(CollectorRegistry()), BrokenMetrics()], ids=["unknown-label", "raising"])
async def test_metrics_cannot_prevent_the_delivered_mark(metrics):
    pigeon = Pigeon()
    delivered: dict[str, int] = {}
    stage = DeliveryStage([pigeon], delivered, metrics=metrics)
    jk = alert("ID-JK")
    assert await stage.handle(jk.to_json(), 0) == "delivered"
    assert jk.alert_id in delivered
    assert await stage.handle(jk.to_json(), 0) == "duplicate"
    assert pigeon.sent == [jk.alert_id]  # sent once, not in a loop


def test_active_alerts_without_partitions_keep_every_update():
    active = ActiveAlerts(resend_s=RESEND_S)
    active.update(alert("ID-JK"), now=0)
    assert active.alerts() == [alert("ID-JK")]
