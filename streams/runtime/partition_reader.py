"""Reads one partition of a topic around Faust, with a kafka-python consumer of its own (no group, no
commits): a range of offsets (the hole filling of streams/runtime/faust_workarounds.py) or the whole partition
(the deliver stage rebuilding its firing alerts from the `alerts` topic, streams/runtime/delivery_stage.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["PartitionReader", "native_crc32c"]


class PartitionReader:
    """Reads ``[start, stop)`` of one partition with a consumer of its own (no group, no commits)."""

    def __init__(self, open_reader: Callable[[], Any], timeout_s: float = 15.0,
                 open_group_reader: Callable[[], Any] | None = None) -> None:
        self._open_reader = open_reader
        self._reader: Any = None
        # A consumer with the worker's group id, never subscribed (so it never joins the group): it only
        # asks the broker for the group's committed offsets (`start_offset`).
        self._open_group_reader = open_group_reader
        self._group_reader: Any = None
        self.timeout_s = timeout_s
        # Agents on different topics may find holes at the same moment (a rebalance): one reader, one at a time.
        self._lock = threading.Lock()

    def read(self, topic: str, partition: int, start: int, stop: int) -> list[Any]:
        """Blocking (run it in an executor). Returns Faust `ConsumerMessage`s, in offset order; fewer
        than asked when the log has gaps or the read times out."""
        with self._lock:
            return self._read(topic, partition, start, stop)

    def read_all(self, topic: str, partition: int, timeout_s: float | None = None) -> list[Any]:
        """Blocking: the whole partition as it stands now (its first offset to its end offset), for
        state rebuilt from a topic (the deliver stage's firing alerts, streams/runtime/delivery_stage.py)."""
        from kafka import TopicPartition

        with self._lock:
            if self._reader is None:
                self._reader = self._open_reader()
            tp = TopicPartition(topic, partition)
            start = self._reader.beginning_offsets([tp])[tp]
            stop = self._reader.end_offsets([tp])[tp]
            if stop <= start:
                return []
            return self._read(topic, partition, start, stop, timeout_s)

    def end_offsets(self, topic: str, partitions: Iterable[int]) -> dict[int, int]:
        """Blocking: each partition's end offset (the offset its next message will get) as the broker
        reports it now. Faust's own highwater only moves with its fetches, so a partition Faust stopped
        fetching looks read to the end by it (streams/runtime/faust_workarounds.py, a stalled fetch)."""
        from kafka import TopicPartition

        with self._lock:
            if self._reader is None:
                self._reader = self._open_reader()
            tps = [TopicPartition(topic, p) for p in partitions]
            return {tp.partition: int(offset) for tp, offset in self._reader.end_offsets(tps).items()}

    def start_offset(self, topic: str, partition: int) -> int:
        """Blocking: where the worker's group reads the partition from: the offset the group committed
        there, else (nothing committed) the partition's first offset."""
        from kafka import TopicPartition

        with self._lock:
            tp = TopicPartition(topic, partition)
            if self._open_group_reader is not None:
                if self._group_reader is None:
                    self._group_reader = self._open_group_reader()
                committed = self._group_reader.committed(tp)
                if committed is not None and committed >= 0:
                    return int(committed)
            if self._reader is None:
                self._reader = self._open_reader()
            return int(self._reader.beginning_offsets([tp])[tp])

    def _read(self, topic: str, partition: int, start: int, stop: int, timeout_s: float | None = None) -> list[Any]:
        from faust.types.tuples import ConsumerMessage
        from kafka import TopicPartition

        if self._reader is None:
            self._reader = self._open_reader()
        reader = self._reader
        tp = TopicPartition(topic, partition)
        reader.assign([tp])
        reader.seek(tp, start)
        out: list[Any] = []
        timeout_s = self.timeout_s if timeout_s is None else timeout_s
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and reader.position(tp) < stop:
            for record in reader.poll(timeout_ms=500).get(tp, []):
                if start <= record.offset < stop:
                    out.append(ConsumerMessage(
                        record.topic, record.partition, record.offset,
                        record.timestamp / 1000.0 if record.timestamp is not None else None,
                        record.timestamp_type, record.headers, record.key, record.value, None))
        if reader.position(tp) < stop:
            # Part of the range only: the caller retries the whole range rather than skip the rest.
            raise TimeoutError(f"re-read of {topic}/{partition} {start}..{stop - 1} incomplete after {timeout_s} s")
        return out

    def close(self) -> None:
        for reader in (self._reader, self._group_reader):
            if reader is not None:
                reader.close()
        self._reader = self._group_reader = None


def native_crc32c() -> bool:
    """Whether kafka-python checks record CRCs with the `crc32c` C extension. Without it kafka-python
    falls back to pure Python (kafka/record/util.py imports ``crc32c`` and else uses
    kafka/record/_crc32c.py), about 4 MiB/s on our machine: the recovery reads (a whole `alerts`
    partition, a window of `posts-coordination`) then take minutes and can run past their deadlines
    (bench/bench_recovery_read.py)."""
    from kafka.record import util

    return util.crc32c_c is not None
