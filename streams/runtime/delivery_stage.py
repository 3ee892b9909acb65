"""The deliver stage: `alerts` records to the pagers, and the delivery state a worker rebuilds when it
is assigned partitions of `alerts`.

Thin and framework-free (no Faust or Kafka types): `streams/runtime/app.py` wires `handle` to the deliver
agent, `assigned` / `revoked` to the consumer group's signals, `recovered` to the recovery of the
`delivered` table, and gives it a function that reads one partition of `alerts` from the beginning.
The decisions are pure and live in `streams/outputs/delivery.py` (`ActiveAlerts`, `firing_from_records`).

Delivery state, and who re-sends (docs/RELIABILITY.md, "Delivery state after a restart or rebalance"):

* An alert transition is sent once: `delivered[alert_id]` is written after the pagers accepted it
  (or rejected it for good), and a record whose alert_id is marked is not sent again (the mark's
  format: streams/core/codecs.py, `encode_delivered`).
* Alertmanager forgets a firing alert that is not re-posted (`endsAt`, four re-send intervals), so
  firing alerts are re-sent periodically, from `ActiveAlerts`, which lives in memory. On assignment
  it is rebuilt, per newly owned partition, from the durable records: the partition's `alerts`
  records folded with the `delivered` marks (`firing_from_records`). Only the owner of a partition
  re-sends its alerts: on revocation they leave the re-send set.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any, Awaitable, Callable, ContextManager, Iterable, MutableMapping, Sequence

from streams.core.codecs import CodecError, decode_delivered, encode_delivered
from streams.outputs.delivery import ActiveAlerts, AlertmanagerDestination, Destination, deliver_all, firing_from_records
from streams.core.records import Alert

if TYPE_CHECKING:  # pragma: no cover
    from streams.runtime.metrics import SuhuMetrics

log = logging.getLogger(__name__)

__all__ = ["DeliveryStage"]


def _is_marked(delivered: MutableMapping[str, Any], alert_id: str) -> bool:
    """Whether `delivered` holds a mark for ``alert_id`` (a Faust table answers `get`, never raises).
    A mark this build cannot read (a newer format) still means delivered: a repeat page is worse."""
    try:
        return decode_delivered(delivered.get(alert_id)) is not None
    except CodecError:
        return True


class _Marked:
    """`alert_id in marks` over the `delivered` table."""

    def __init__(self, delivered: MutableMapping[str, Any]) -> None:
        self._delivered = delivered

    def __contains__(self, alert_id: object) -> bool:
        return isinstance(alert_id, str) and _is_marked(self._delivered, alert_id)


class DeliveryStage:
    """Sends each alert transition once, keeps firing ones re-sent by the partition's owner only."""

    def __init__(
        self,
        destinations: Sequence[Destination],
        delivered: MutableMapping[str, Any],
        *,
        metrics: "SuhuMetrics | None" = None,
        max_backoff_s: float = 60.0,
        flush: Callable[[], Awaitable[Any]] | None = None,
        read_partition: Callable[[int], Awaitable[Iterable[bytes]]] | None = None,
        clock: Callable[[], float] = time.time,
        as_current: Callable[[Any], ContextManager[Any]] = lambda event: contextlib.nullcontext(),
    ) -> None:
        self.destinations = list(destinations)
        self.delivered = delivered
        self.metrics = metrics
        self.max_backoff_s = max_backoff_s
        self.flush = flush
        self.read_partition = read_partition
        self.clock = clock
        # The framework's "current event" while a mark is written: a Faust table takes the changelog
        # partition of a write from it (streams/runtime/faust_workarounds.py, `current_event`), and a batch
        # spans partitions.
        self.as_current = as_current
        # The firing set: the Alertmanager destination's (the only pager that forgets unless re-sent).
        self.active: ActiveAlerts | None = next(
            (d.active for d in self.destinations if isinstance(d, AlertmanagerDestination)), None)
        self.owned: set[int] = set()
        self._generation: dict[int, int] = {}  # bumped on every (re)assignment of a partition
        self._pending: set[int] = set()  # owned, firing alerts not rebuilt yet
        self._ready: set[int] = set()  # pending and the `delivered` table is recovered for them
        # A rebuild (read, fold, install) and the recording of a delivery never interleave: a delivery
        # recorded while a partition is read back would otherwise be overwritten by an older state.
        self._lock = asyncio.Lock()

    # ---- the records ------------------------------------------------------------------------------------------
    async def handle(self, value: bytes, partition: int, event: Any = None) -> str:
        """One `alerts` record: "delivered" (sent now, or nowhere to send), "duplicate" (already
        delivered: not sent again) or "unreadable"."""
        return (await self.handle_batch([(value, partition, event)]))[0]

    async def handle_batch(self, records: Sequence[tuple[bytes, int, Any]]) -> list[str]:
        """A batch of `alerts` records (value, partition, the event that carried it), an outcome each
        as `handle` gives it.

        The transitions of one incident (one dedup key: firing, escalated, resolved) are sent in their
        order; different incidents are sent concurrently. A window close can emit a hundred transitions
        at once: one at a time, each with its own HTTP round trip and flush, kept the last of them
        seconds behind (bench/NOTES.md). Each mark is still flushed as soon as its page is accepted,
        not once the slowest page of the batch is: a crash between a page and its durable mark sends
        that page again, so that gap stays one flush long."""
        outcomes: list[str] = ["unreadable"] * len(records)
        incidents: dict[str, list[tuple[int, Alert, int, Any]]] = {}
        for i, (value, partition, event) in enumerate(records):
            try:
                alert = Alert.from_json(value)
            except Exception:  # noqa: BLE001 - never stall the stage on one record
                log.error("unreadable alert record on alerts/%s", partition)
                continue
            incidents.setdefault(alert.dedup_key, []).append((i, alert, partition, event))

        async def in_order(transitions: list[tuple[int, Alert, int, Any]]) -> None:
            for i, alert, partition, event in transitions:
                outcomes[i] = await self._deliver(alert, partition, event)

        await asyncio.gather(*(in_order(t) for t in incidents.values()))
        return outcomes

    async def _deliver(self, alert: Alert, partition: int, event: Any) -> str:
        if _is_marked(self.delivered, alert.alert_id):
            # Delivered before a restart or by this worker: not sent again. If it is still firing,
            # the rebuild on assignment put it in the re-send set.
            return "duplicate"
        if self.destinations:
            # Retries retryable failures until they succeed: an outage delays, never loses. Not under
            # the lock, so a rebuild (and the re-sends of other partitions) never waits for an outage.
            await deliver_all(alert, self.destinations, self.metrics, max_backoff_s=self.max_backoff_s)
        async with self._lock:  # a rebuild reads the marks either before both of these or after both
            if self.active is not None:
                self.active.update(alert, self.clock(), partition=partition)
            with self.as_current(event):  # no await inside: concurrent deliveries never see another's event
                self.delivered[alert.alert_id] = encode_delivered(self.clock())
        if self.destinations and self.flush is not None:
            # The mark durable now rather than at the next commit (concurrent incidents' flushes share
            # the producer's in-flight requests). A failed flush (a producer stopping) must not abandon
            # the batch's other incidents mid-page: Faust flushes the producer again before it commits
            # the batch's offsets (streams/runtime/checkpoint.py, step 4), so the mark is written then.
            try:
                await self.flush()
            except Exception as exc:  # noqa: BLE001
                log.warning("flushing a delivered mark failed (%s); it is flushed before the offsets are committed", type(exc).__name__)
        return "delivered"

    # ---- the consumer group ---------------------------------------------------------------------------------
    def assigned(self, partitions: Iterable[int]) -> None:
        """The worker's whole assignment of `alerts` partitions after a rebalance. Partitions no longer
        in it are revoked; new ones wait for the `delivered` table's recovery (`recovered`)."""
        now = set(partitions)
        lost = self.owned - now
        if lost:
            self.revoked(lost)
        new = now - self.owned
        self.owned = now
        for p in new:
            self._generation[p] = self._generation.get(p, 0) + 1
        self._pending |= new
        self._ready -= new
        if self.active is not None:
            self.active.assign(new)

    def revoked(self, partitions: Iterable[int]) -> None:
        """Partitions taken away: their firing alerts are the new owner's to re-send."""
        gone = set(partitions) & self.owned
        if not gone:
            return
        self.owned -= gone
        self._pending -= gone
        self._ready -= gone
        if self.active is not None:
            dropped = self.active.revoke(gone)
            if dropped:
                log.info("alerts partitions %s revoked: %d firing alerts left to their new owner",
                         sorted(gone), len(dropped))

    def recovered(self) -> None:
        """The `delivered` table holds every mark of the owned partitions: they can be rebuilt."""
        self._ready |= self._pending

    @property
    def pending(self) -> set[int]:
        """Owned partitions whose firing alerts are not rebuilt yet."""
        return set(self._pending)

    async def restore(self) -> int:
        """Rebuild the firing alerts of the ready partitions from their `alerts` records and the
        `delivered` marks; they are re-sent on the next tick. A partition whose read fails stays
        pending (the next tick tries again). Returns the number of firing alerts restored."""
        if not self._ready:
            return 0
        if self.active is None or self.read_partition is None:
            self._pending -= self._ready  # nothing to re-send to
            self._ready.clear()
            return 0
        restored = 0
        async with self._lock:
            for p in sorted(self._ready):
                generation = self._generation.get(p)
                try:
                    values = list(await self.read_partition(p))
                except Exception as exc:  # noqa: BLE001 - retried on the next tick
                    log.warning("alerts/%d: reading the delivery state failed (%s); retrying", p, type(exc).__name__)
                    continue
                if p not in self._ready or self._generation.get(p) != generation:
                    continue  # revoked (and perhaps given back) while it was read: a later rebuild does it
                records = []
                for value in values:
                    try:
                        records.append(Alert.from_json(value))
                    except Exception:  # noqa: BLE001 - an unreadable record was never delivered either
                        continue
                firing = firing_from_records(records, _Marked(self.delivered))
                n = self.active.restore(p, firing)
                self._pending.discard(p)
                self._ready.discard(p)
                restored += n
                log.info("alerts/%d: delivery state rebuilt from %d records, %d firing alerts to keep re-sending",
                         p, len(records), n)
        return restored

    async def tick(self) -> int:
        """The periodic work: finish any pending rebuild, then re-send what is due to Alertmanager."""
        await self.restore()
        sent = 0
        for destination in self.destinations:
            if isinstance(destination, AlertmanagerDestination):
                sent += await destination.resend_due()
        return sent
