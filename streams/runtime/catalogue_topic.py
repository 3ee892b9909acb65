"""The ``hoax-claims`` topic as a live catalogue: publish claims, and read every change into an index.

Kafka I/O only (kafka-python, as `suhu produce` and the hole filler use): `CatalogueReader` follows
the compacted topic from its beginning and applies each record to a `ClaimIndex` (a tombstone removes
the claim). A record that is not a valid claim is counted and skipped with its offset and reason in
the log (never its content): a bad catalogue import can never take a worker down.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from streams.core import topics as T
from streams.core.claim_index import ClaimIndex
from streams.core.claims import Claim, ClaimError, claim_from_json

log = logging.getLogger("suhu.claims")

__all__ = ["CatalogueReader", "apply_record", "publish_claims", "delete_claims", "read_all_claims"]


@dataclass
class ReaderStats:
    applied: int = 0
    deleted: int = 0
    rejected: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


def apply_record(index: ClaimIndex, key: bytes | None, value: bytes | None, stats: ReaderStats,
                 where: str = "") -> None:
    """One catalogue record applied to ``index``; never raises on bad input."""
    if value is None:
        if key:
            try:
                cid = key.decode("utf-8")
            except UnicodeDecodeError:
                cid = ""
            if cid and index.remove(cid):
                stats.deleted += 1
        return
    try:
        claim = claim_from_json(value)
    except ClaimError as exc:
        stats.rejected += 1
        stats.reasons[exc.field] = stats.reasons.get(exc.field, 0) + 1
        log.warning("catalogue record %s skipped: %s", where, exc.field)
        return
    except Exception as exc:  # noqa: BLE001 - a catalogue record must never take the worker down
        stats.rejected += 1
        stats.reasons["record"] = stats.reasons.get("record", 0) + 1
        log.warning("catalogue record %s skipped: %s", where, type(exc).__name__)
        return
    if key is not None and key != claim.id.encode("utf-8"):
        stats.rejected += 1
        stats.reasons["key"] = stats.reasons.get("key", 0) + 1
        log.warning("catalogue record %s skipped: key is not the claim id", where)
        return
    try:
        index.upsert(claim)
    except Exception as exc:  # noqa: BLE001
        stats.rejected += 1
        log.warning("catalogue record %s could not be indexed: %s", where, type(exc).__name__)
        return
    stats.applied += 1


class CatalogueReader:
    """Follows ``hoax-claims`` from the beginning (no consumer group: every worker reads it all)."""

    def __init__(self, settings: Any, index: ClaimIndex, consumer_factory: Callable[[], Any] | None = None) -> None:
        self.settings = settings
        self.index = index
        self.topic = settings.topic(T.HOAX_CLAIMS)
        self.stats = ReaderStats()
        self._factory = consumer_factory or self._open
        self._consumer: Any = None

    def _open(self) -> Any:
        from kafka import KafkaConsumer, TopicPartition

        c = KafkaConsumer(bootstrap_servers=self.settings.bootstrap(), group_id=None, enable_auto_commit=False,
                          auto_offset_reset="earliest", **self.settings.kafka_python_security())
        tp = TopicPartition(self.topic, 0)
        c.assign([tp])
        c.seek_to_beginning(tp)
        return c

    def poll(self, timeout_ms: int = 200) -> int:
        """Apply what arrived since the last call; returns the number of records read. Blocking: call
        it from a thread (the worker does, on a timer)."""
        if self._consumer is None:
            self._consumer = self._factory()
        n = 0
        batches = self._consumer.poll(timeout_ms=timeout_ms, max_records=5000)
        for tp, records in batches.items():
            for r in records:
                apply_record(self.index, r.key, r.value, self.stats, f"{tp.topic}/{tp.partition}/{r.offset}")
                n += 1
        return n

    def catch_up(self, timeout_s: float = 30.0) -> int:
        """Read to the end of the topic as it is now (start-up, `suhu claims list`)."""
        from kafka import TopicPartition

        if self._consumer is None:
            self._consumer = self._factory()
        tp = TopicPartition(self.topic, 0)
        end = self._consumer.end_offsets([tp]).get(tp, 0)
        deadline = time.monotonic() + timeout_s
        n = 0
        while self._consumer.position(tp) < end and time.monotonic() < deadline:
            n += self.poll()
        return n

    def close(self) -> None:
        if self._consumer is not None:
            self._consumer.close()
            self._consumer = None


def _producer(settings: Any) -> Any:
    from kafka import KafkaProducer

    return KafkaProducer(bootstrap_servers=settings.bootstrap(), acks="all", client_id="suhu-claims",
                         **settings.kafka_python_security())


def publish_claims(settings: Any, claims: Iterable[Claim]) -> int:
    producer = _producer(settings)
    topic = settings.topic(T.HOAX_CLAIMS)
    n = 0
    try:
        for c in claims:
            producer.send(topic, key=c.id.encode("utf-8"), value=c.to_json(), partition=0)
            n += 1
        producer.flush(timeout=60)
    finally:
        producer.close()
    return n


def delete_claims(settings: Any, ids: Iterable[str]) -> int:
    producer = _producer(settings)
    topic = settings.topic(T.HOAX_CLAIMS)
    n = 0
    try:
        for cid in ids:
            producer.send(topic, key=cid.encode("utf-8"), value=None, partition=0)
            n += 1
        producer.flush(timeout=60)
    finally:
        producer.close()
    return n


def read_all_claims(settings: Any, timeout_s: float = 30.0) -> tuple[ClaimIndex, ReaderStats]:
    index = ClaimIndex()
    reader = CatalogueReader(settings, index)
    try:
        reader.catch_up(timeout_s)
    finally:
        reader.close()
    return index, reader.stats
