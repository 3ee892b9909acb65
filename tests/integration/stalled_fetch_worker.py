"""`suhu worker` whose Faust consumer stops handing out a partition, part-way through it.

The fault of CI on 3 Dec 2026: after a restart mid-stream Faust never fetched three `posts` partitions
again, their lag held the watermark and the last windows never closed (streams/runtime/faust_workarounds.py,
"Partitions are sometimes not fetched at all"). Here a partition is taken out of the set Faust fetches
(``Consumer._get_active_partitions``) once Faust has handed out the offset given, whatever re-adds it later;
nothing tells the worker. Run as ``python -m tests.integration.stalled_fetch_worker worker`` with
``TEST_STALL_FETCH=<partitions>:<offset>[:<topic>[:<seconds>]]``: comma-separated partitions of the topic
(the internal name's suffix, default ``posts``), stalled for good or, with ``seconds``, given back to Faust
that long after the stall began. Given back, Faust hands out the partition from where it stopped: offsets
the worker may have read around it meanwhile (the fresh-clone run of stop 30: `posts-scored/0..2`).
"""

from __future__ import annotations

import os
import time
from typing import Any

from faust.transport.consumer import Consumer

from streams.cli import main

STALL_ENV = "TEST_STALL_FETCH"


def install(partitions: set[int], after: int, topic: str = "posts", seconds: float | None = None) -> None:
    original = Consumer._get_active_partitions
    suffix = f"-{topic}"
    stalled: dict[Any, float] = {}  # tp -> when the stall began
    given_back: set[Any] = set()

    def active_partitions(self: Any) -> Any:
        tps = original(self)  # Faust's own set (`_active_partitions`): what is taken out stays out until put back
        now = time.monotonic()
        for tp, since in list(stalled.items()):
            if seconds is not None and now - since >= seconds:
                del stalled[tp]
                given_back.add(tp)
                tps.add(tp)
        for tp in [tp for tp in tps if tp.partition in partitions and tp.topic.endswith(suffix)]:
            handed = self._read_offset.get(tp)
            if tp not in given_back and handed is not None and handed >= after:
                stalled.setdefault(tp, now)
                tps.discard(tp)
        return tps

    Consumer._get_active_partitions = active_partitions  # type: ignore[method-assign]


def parse(spec: str) -> tuple[set[int], int, str, float | None]:
    parts = spec.split(":")
    partitions = {int(p) for p in parts[0].split(",")}
    topic = parts[2] if len(parts) > 2 else "posts"
    seconds = float(parts[3]) if len(parts) > 3 else None
    return partitions, int(parts[1]), topic, seconds


if __name__ == "__main__":
    install(*parse(os.environ[STALL_ENV]))
    main()
