"""`suhu worker` whose Faust consumer stops handing out one `posts` partition for good, part-way through it.

The fault of CI on 3 Dec 2026: after a restart mid-stream Faust never fetched three `posts` partitions
again, their lag held the watermark and the last windows never closed (streams/runtime/faust_workarounds.py,
"Partitions are sometimes not fetched at all"). Here the partition is taken out of the set Faust fetches
(``Consumer._get_active_partitions``) once Faust has handed out the offset given, whatever re-adds it later;
nothing tells the worker. Run as ``python -m tests.integration.stalled_fetch_worker worker`` with
``TEST_STALL_FETCH=<partition>:<offset>``.
"""

from __future__ import annotations

import os
from typing import Any

from faust.transport.consumer import Consumer

from streams.cli import main

STALL_ENV = "TEST_STALL_FETCH"


def install(partition: int, after: int) -> None:
    original = Consumer._get_active_partitions

    def active_partitions(self: Any) -> Any:
        tps = original(self)
        for tp in [tp for tp in tps if tp.partition == partition and tp.topic.endswith("-posts")]:
            handed = self._read_offset.get(tp)
            if handed is not None and handed >= after:
                tps.discard(tp)
        return tps

    Consumer._get_active_partitions = active_partitions  # type: ignore[method-assign]


if __name__ == "__main__":
    partition, after = (int(x) for x in os.environ[STALL_ENV].split(":"))
    install(partition, after)
    main()
