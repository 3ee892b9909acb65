"""A mapping that remembers which of its writes still have to reach the changelog, per partition.

Why: a Faust table sends one changelog message per assignment, through its own producer buffer and a
future per message; the engine writes its partition state on nearly every post and a contribution on
every post, so that was most of the aggregate stage's cost (docs/BENCHMARKS.md, profile). The
aggregate agent now hands the engine a `ChangelogBuffer` over the table's in-memory store, processes a
batch of posts, and sends only the last value of each key written in that batch, to the partition of
the post that wrote it (the partition rule of Faust tables: a key lives in the changelog partition of
the source partition that owns it). Recovery is unchanged: Faust still rebuilds the store from the
same changelog topic on assignment.

Plain Python, no Kafka: the engine's tests and `suhu backtest` keep using dicts.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

__all__ = ["ChangelogBuffer", "DELETED"]

DELETED = None  # what a pending deletion carries: a Kafka tombstone


class ChangelogBuffer(MutableMapping[str, Any]):
    """``backing`` plus the pending changelog writes since the last `drain`.

    Set ``partition`` before each post: every write made while processing it belongs to it.
    """

    def __init__(self, backing: MutableMapping[str, Any]) -> None:
        self.backing = backing
        self.partition: int = 0
        self._pending: dict[str, tuple[int, Any]] = {}
        self._born: set[str] = set()  # keys created since the last drain: never on the changelog yet

    # -- mapping -------------------------------------------------------------------------------------
    def __getitem__(self, key: str) -> Any:
        return self.backing[key]

    def __setitem__(self, key: str, value: Any) -> None:
        if key not in self.backing and key not in self._pending:
            self._born.add(key)
        self.backing[key] = value
        self._pending[key] = (self.partition, value)

    def __delitem__(self, key: str) -> None:
        del self.backing[key]
        if key in self._born:
            # Created and deleted within one batch: the changelog never has to hear of it.
            self._born.discard(key)
            self._pending.pop(key, None)
        else:
            self._pending[key] = (self.partition, DELETED)

    def __contains__(self, key: object) -> bool:
        return key in self.backing

    def __iter__(self) -> Iterator[str]:
        return iter(self.backing)

    def __len__(self) -> int:
        return len(self.backing)

    def get(self, key: str, default: Any = None) -> Any:
        return self.backing.get(key, default)

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
