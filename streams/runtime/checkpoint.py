"""One batch of an agent, from the events it took to the acks that let their offsets be committed.

Every agent of the worker runs the same loop (streams/runtime/app.py)::

    async def body(batch):                              # batch: complete, in offset order per partition
        outputs = stage(batch.events)                   # a plain function of the batch: records out
        await checkpoint.commit(batch, outputs)         # publish -> changelog -> flush -> ack

    checkpoint.serves(topic_name, body)
    # the agent:
    checkpoint.ready()
    async for taken in stream.take_events(...):
        await checkpoint.run(taken)                     # begin (complete the batch), then body

`run` takes one batch at a time: the work-arounds may run a batch of their own through the same body
(offsets Faust skipped at the quiet end of a partition, `faust_workarounds.TailWatch`).

A new stage (say a fourth agent, such as a coordination stage) adopts it in a few lines: in
`create_worker` (streams/runtime/app.py), ``commits, buffers = stage_checkpoint(*its tables)`` gives its
`Checkpoint` and a `ChangelogBuffer` per table for its engine (none for a stateless stage); its agent
is the loop above, its stage a plain object from ``batch.events`` to `Record`s (alerts:
`streams.runtime.aggregate_stage.alert_record`). The order below is then its order too.

`commit` is the one place that orders what leaves a batch (compare quix-streams' ``Checkpoint.commit``:
produce the changelogs of each ``PartitionTransaction``, flush the producer, commit the offsets):

1. **outputs**, in the order given: scored posts, dead letters, alerts. Records marked
   ``acknowledged`` (alerts) are all handed to the producer first, then their acknowledgements are
   awaited together: the state that produced them never reaches the changelog ahead of them, so a
   crash in between recomputes the same alerts (same ``alert_id``, deduplicated at delivery) instead
   of losing them. Their order on a partition is the producer's: aiokafka keeps one request in flight
   per broker and retries a batch before the ones after it. (Awaiting each alert before sending the
   next cost a round trip per alert: 118 alerts of one window close held the aggregate agent 3.6 s at
   1,000 posts/s, bench/NOTES.md);
2. ``then``: what may happen only once every output is handed over (the scoring stage's source
   marks, which claim the batch's posts, and the watermark records they may send);
3. **changelog**: one record per key changed in the batch, to the partition of the event that
   changed it (each engine writes through ``ChangelogBuffer.at(partition)``, streams/core/changelog.py);
4. **flush**: with ``flush_each_commit`` the producer is flushed here. The worker leaves it off:
   Faust flushes the producer before it commits any acked offset (``Consumer.commit``), so nothing
   is committed ahead of its outputs, and a flush per batch would stall every stage on a round trip;
5. **ack** every event of the batch: only now may its offset be committed.

An exception anywhere before step 5 acks nothing: the batch is read again (at-least-once; every
stage is idempotent). Faust's own acks are not trusted (it acks messages it skipped, and skips
offsets it fetched): ``complete`` and ``ack`` come from streams/runtime/faust_workarounds.py, and are the
only Faust-specific parts; this module imports no Kafka client, so its tests use fakes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

from streams.core.changelog import ChangelogBuffer, changelog_value

__all__ = ["Batch", "Checkpoint", "ClientProducer", "Producer", "Record"]

log = logging.getLogger("suhu.worker")


@dataclass(frozen=True, slots=True)
class Record:
    """One record a batch publishes. ``partition`` None: the key's partition (Kafka's partitioner)."""

    topic: str
    key: bytes | None
    value: bytes | None
    partition: int | None = None
    headers: Sequence[tuple[str, bytes]] | None = None
    acknowledged: bool = False  # the broker acknowledges it before `then` and the changelog (see `commit`)
    sent: Callable[[], None] | None = None  # called once the record is handed over (acknowledged: once every
    # acknowledged record of the batch is)
    timestamp: float | None = None  # seconds; None: the producer's clock (what every stage uses: retention counts from it)


class Producer(Protocol):
    async def send(self, record: Record) -> None:
        """Hand ``record`` to the client (a failure is logged, the commit's flush waits for it)."""

    async def send_acknowledged(self, record: Record) -> Awaitable[None]:
        """Hand ``record`` to the client now, in order with every other send; the awaitable returned
        resolves once the broker acknowledged it (and raises if it failed)."""

    async def flush(self) -> None: ...


@dataclass
class Batch:
    """The events of one batch: complete and in offset order per partition (with the offsets Faust
    skipped before an event read again and put in front of it)."""

    events: list[Any]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def partitions(self) -> dict[int, list[Any]]:
        """``partition -> its events`` in offset order (a batch may span partitions of its topic)."""
        out: dict[int, list[Any]] = {}
        for ev in self.events:
            out.setdefault(ev.message.partition, []).append(ev)
        return out


async def _as_is(events: list[Any]) -> list[Any]:
    return events


@dataclass
class Checkpoint:
    """The commit order of one agent (see the module docstring).

    ``changelogs``: changelog topic -> the `ChangelogBuffer` the stage's engine writes its table
    through (one pending record per key, each with its partition). ``complete``: the batch's events
    with skipped offsets filled in. ``ack``: marks an event finished (its offset may be committed).
    """

    producer: Producer
    complete: Callable[[list[Any]], Awaitable[list[Any]]] = _as_is
    ack: Callable[[Any], None] = lambda event: None
    changelogs: dict[str, ChangelogBuffer] = field(default_factory=dict)
    flush_each_commit: bool = False
    # What `run` does with a batch (the agent's stage, ending in `commit`), and the topic it reads: set
    # by `serves`. A batch of messages read around Faust (a skipped tail, faust_workarounds.TailWatch)
    # goes through `run` too, never at the same time as one of the agent's own batches.
    topic: str | None = None
    body: Callable[[Batch], Awaitable[None]] | None = None
    idle_since: float | None = None  # monotonic; None while a batch runs or before the agent started
    runs: int = 0  # batches started: an agent that ran none between two looks was idle all along
    _running: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    def serves(self, topic: str, body: Callable[[Batch], Awaitable[None]]) -> "Checkpoint":
        """The agent reading ``topic`` processes each batch with ``body`` (through `run`)."""
        self.topic, self.body = topic, body
        return self

    def ready(self) -> None:
        """The agent is iterating its stream: from now on an idle agent is one waiting for messages."""
        self.idle_since = time.monotonic()

    async def run(self, events: Iterable[Any]) -> None:
        """One batch: `begin`, then the body; one at a time (the agent's, or a re-read one)."""
        if self.body is None:
            raise RuntimeError("Checkpoint.run before serves(): no body to run")
        async with self._running:
            self.idle_since = None
            self.runs += 1
            try:
                events = list(events)
                batch = await self.begin(events)
                if batch.events or not events:  # not when every event had been processed already (`complete`)
                    await self.body(batch)
            finally:
                self.idle_since = time.monotonic()

    async def begin(self, events: Iterable[Any]) -> Batch:
        return Batch(await self.complete(list(events)))

    async def commit(self, batch: Batch, outputs: Iterable[Record] = (), *,
                     then: Callable[[], Awaitable[None]] | None = None) -> None:
        producer = self.producer
        awaited: list[tuple[Record, Awaitable[None]]] = []
        for record in outputs:
            if record.acknowledged:
                awaited.append((record, await producer.send_acknowledged(record)))
                continue
            await producer.send(record)
            if record.sent is not None:
                record.sent()
        if awaited:
            await asyncio.gather(*(ack for _, ack in awaited))
            for record, _ in awaited:
                if record.sent is not None:
                    record.sent()
        if then is not None:
            await then()
        for topic, buffer in self.changelogs.items():
            for partition, key, value in buffer.drain():
                # Keys as the table's own serialiser writes them (json), or recovery cannot read them.
                await producer.send(Record(topic, orjson.dumps(key), changelog_value(value), partition))
        if self.flush_each_commit:
            await producer.flush()
        ack = self.ack
        for event in batch.events:
            ack(event)


class ClientProducer:
    """`Producer` over a client with aiokafka's ``send(topic, key, value, partition, timestamp, headers)``
    returning a future (Faust's ``app.producer``): straight to the client, not through Topic.send,
    whose per-message futures and buffer cost more than the send itself."""

    def __init__(self, client: Callable[[], Any]) -> None:
        self._client = client  # looked up per call: Faust creates its producer when the app starts

    async def send(self, record: Record) -> None:
        fut = await self._client().send(record.topic, record.key, record.value, record.partition, record.timestamp,
                                        record.headers)
        fut.add_done_callback(_log_send_failure)

    async def send_acknowledged(self, record: Record) -> Awaitable[None]:
        fut = await self._client().send(record.topic, record.key, record.value, record.partition, record.timestamp,
                                        record.headers)
        fut.add_done_callback(_log_send_failure)  # logged even when a failure before it left it unawaited
        return fut

    async def flush(self) -> None:
        await self._client().flush()


def _log_send_failure(fut: Any) -> None:
    if not fut.cancelled() and fut.exception() is not None:
        log.error("producing a record failed: %s", type(fut.exception()).__name__)
