"""A mapping that remembers which of its writes still have to reach the changelog, per partition.

Why: a Faust table sends one changelog message per assignment, through its own producer buffer and a
future per message; the engine writes its partition state on nearly every post and a contribution on
every post, so that was most of the aggregate stage's cost (docs/BENCHMARKS.md, profile). The
aggregate agent now hands the engine a `ChangelogBuffer` over the table's in-memory store, processes a
batch of posts, and sends only the last value of each key written in that batch, to the partition of
the post that wrote it (the partition rule of Faust tables: a key lives in the changelog partition of
the source partition that owns it). Recovery is unchanged: Faust still rebuilds the store from the
same changelog topic on assignment.

Every write names its partition: the engines write through ``buffer.at(partition)``, the view of the
partition whose event they are processing (the partition they are called with), so no caller has to
set a "current partition" on the buffer first. Reads see the whole store. `writer` gives the engines
the same call for a plain dict (backtest, tests), where the partition does not matter.

A value that is ``bytes`` is already its JSON and goes to the changelog as is (the engine holds each
contribution so, streams/core/codecs.py); any other value is serialised as JSON when it is sent. Faust's
recovery gives values back as the table's serialiser reads them (bytes for the `contributions` table,
which uses the raw one; decoded JSON for the others), so a reader of that store accepts both.

Plain Python, no Kafka: the engine's tests and `suhu backtest` keep using dicts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any

import orjson

__all__ = ["ChangelogBuffer", "DELETED", "PartitionWrites", "changelog_value", "recovered", "writer"]

DELETED = None  # what a pending deletion carries: a Kafka tombstone


def changelog_value(value: Any) -> bytes | None:
    """The changelog message body of a stored value: a tombstone for `DELETED`, bytes as they are
    (already JSON), anything else as JSON (the tables' value serialiser, or recovery cannot read it)."""
    if value is DELETED:
        return None
    return value if type(value) is bytes else orjson.dumps(value)


def recovered(store: Mapping[str, Any]) -> dict[str, Any]:
    """What a table recovered from its changelog holds for ``store``: every value as decoded JSON."""
    return {key: orjson.loads(changelog_value(value)) for key, value in store.items() if value is not DELETED}


class _ReadsTheStore(MutableMapping[str, Any]):
    """Reads go straight to ``self.backing`` (the table's in-memory store), for the buffer and its views."""

    __slots__ = ()
    backing: MutableMapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.backing[key]

    def __contains__(self, key: object) -> bool:
        return key in self.backing

    def __iter__(self) -> Iterator[str]:
        return iter(self.backing)

    def __len__(self) -> int:
        return len(self.backing)

    def get(self, key: str, default: Any = None) -> Any:
        return self.backing.get(key, default)


class ChangelogBuffer(_ReadsTheStore):
    """``backing`` plus the pending changelog writes since the last `drain`, each with its partition.

    Reads go to the store; writes go through `at` (one view per partition): a write without a
    partition has no changelog partition to go to, so the buffer itself refuses it.
    """

    def __init__(self, backing: MutableMapping[str, Any]) -> None:
        self.backing = backing
        self._pending: dict[str, tuple[int, Any]] = {}
        self._born: set[str] = set()  # keys created since the last drain: never on the changelog yet
        self._views: dict[int, PartitionWrites] = {}

    def at(self, partition: int) -> "PartitionWrites":
        """The store as seen by an event of ``partition``: its writes go to that changelog partition."""
        view = self._views.get(partition)
        if view is None:
            view = self._views[partition] = PartitionWrites(self, partition)
        return view

    # -- writes, each with its partition ---------------------------------------------------------------
    def write(self, partition: int, key: str, value: Any) -> None:
        if key not in self.backing and key not in self._pending:
            self._born.add(key)
        self.backing[key] = value
        self._pending[key] = (partition, value)

    def delete(self, partition: int, key: str) -> None:
        del self.backing[key]
        if key in self._born:
            # Created and deleted within one batch: the changelog never has to hear of it.
            self._born.discard(key)
            self._pending.pop(key, None)
        else:
            self._pending[key] = (partition, DELETED)

    # -- mapping: reads from _ReadsTheStore; writes refused -----------------------------------------------
    def __setitem__(self, key: str, value: Any) -> None:
        raise TypeError("write through ChangelogBuffer.at(partition): every changelog record needs its partition")

    def __delitem__(self, key: str) -> None:
        raise TypeError("delete through ChangelogBuffer.at(partition): every changelog record needs its partition")

    # -- changelog -----------------------------------------------------------------------------------
    @property
    def pending(self) -> int:
        return len(self._pending)

    def drain(self) -> list[tuple[int, str, Any]]:
        """``(partition, key, value or DELETED)`` for every key changed since the last drain, in the
        order of each key's first change; the buffer is empty afterwards."""
        out = [(p, k, v) for k, (p, v) in self._pending.items()]
        self._pending.clear()
        self._born.clear()
        return out


class PartitionWrites(_ReadsTheStore):
    """One partition's view of a `ChangelogBuffer`: reads see the whole store, writes are recorded
    for this partition's changelog."""

    __slots__ = ("buffer", "partition", "backing")

    def __init__(self, buffer: ChangelogBuffer, partition: int) -> None:
        self.buffer = buffer
        self.partition = partition
        self.backing = buffer.backing

    def __setitem__(self, key: str, value: Any) -> None:
        self.buffer.write(self.partition, key, value)

    def __delitem__(self, key: str) -> None:
        self.buffer.delete(self.partition, key)

    def pop(self, key: str, *default: Any) -> Any:
        if key in self.backing:
            value = self.backing[key]
            self.buffer.delete(self.partition, key)
            return value
        if default:
            return default[0]
        raise KeyError(key)


def writer(store: MutableMapping[str, Any]) -> Callable[[int], MutableMapping[str, Any]]:
    """``partition -> mapping to write that partition's state to``: `ChangelogBuffer.at` for a buffer,
    the mapping itself for a plain dict (backtest and tests, where no changelog is written)."""
    at = getattr(store, "at", None)
    if at is not None:
        return at  # type: ignore[no-any-return]
    return lambda _partition: store
