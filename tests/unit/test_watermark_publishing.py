"""What the scoring stage publishes as its sources' watermarks (streams/runtime/scoring_stage.py, `Watermarks`).

The rule itself is streams/core/watermarks.py; these tests cover the stage that applies it with the
worker's view of the broker, which can be behind: Faust's highwater for a partition moves only with
Faust's own fetches.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import orjson

from streams.core.watermarks import SourceTracker, combine, parse_watermark_record
from streams.runtime.checkpoint import Record
from streams.runtime.scoring_stage import CONFIRM_INTERVAL_S, ScoredBatch, Watermarks

POSTS = "posts"
PARTITIONS = [0, 1, 2, 3]
T0 = 1_707_872_400_000  # 14 Feb 2024 08:00 WIB, event time
MINUTE = 60_000


class Broker:
    """The posts partitions' log ends: as they are, and as the worker last heard of them."""

    def __init__(self) -> None:
        self.end = {p: 0 for p in PARTITIONS}
        self.known = dict(self.end)
        self.asked = 0

    async def confirm(self) -> None:
        self.asked += 1
        self.known = dict(self.end)


class Sent:
    def __init__(self) -> None:
        self.records: list[Record] = []

    async def send(self, record: Record) -> None:
        self.records.append(record)

    def last_clock(self) -> int | None:
        """The clock a window stage gets from the last watermark record (None: it waits)."""
        marks, idle, owned, _ = parse_watermark_record(orjson.loads(self.records[-1].value))
        return combine(marks, idle, owned)

    def last_idle(self) -> set[str]:
        return parse_watermark_record(orjson.loads(self.records[-1].value))[1]


@dataclass
class Message:
    topic: str
    partition: int
    offset: int


def stage(broker: Broker, *, confirm: bool = True) -> tuple[Watermarks, SourceTracker, Sent]:
    settings = SimpleNamespace(watermark_interval_s=0.25, window_step_s=60, window_grace_s=60, topic_partitions=2)
    sources = SourceTracker(idle_timeout_s=5)
    sources.assign(PARTITIONS, time.time() - 60)  # silent for a minute: idle at the first tick

    def lag() -> dict[int, int | None]:  # as streams/runtime/app.py `_posts_lag`, from what the worker knows
        out: dict[int, int | None] = {}
        for p, src in sources.sources.items():
            next_to_read = 0 if src.last_offset is None else src.last_offset + 1
            out[p] = max(0, broker.known[p] - next_to_read)
        return out

    sent = Sent()
    wm = Watermarks(settings, sources, sent, ["posts-scored"], owned=lambda: PARTITIONS, lag=lag,
                    confirm=broker.confirm if confirm else None)
    return wm, sources, sent


def batch(partition: int, first_offset: int, minutes: int, now: float) -> tuple[list[Any], ScoredBatch]:
    """One post a minute of event time from ``partition``, all scored in one batch."""
    events = [SimpleNamespace(message=Message(POSTS, partition, first_offset + i)) for i in range(minutes)]
    return events, ScoredBatch(records=[], event_ms={i: T0 + i * MINUTE for i in range(minutes)}, now=now)


async def test_a_backlog_after_a_quiet_spell_does_not_carry_the_clock_past_partitions_not_fetched_yet():
    broker = Broker()
    wm, sources, sent = stage(broker)
    await wm.tick()
    assert sent.last_idle() == {"0", "1", "2", "3"}  # all silent, nothing unread: idle
    # A collector sends three hours at once to every partition; Faust hands out partition 0's first.
    broker.end = {p: 180 for p in PARTITIONS}
    await wm.claim(*batch(0, 0, 120, time.time()), POSTS)
    # The other three have posts waiting on the broker: they hold the clock (no mark yet: it waits).
    assert sent.last_idle() == set()
    assert sent.last_clock() is None
    assert broker.asked == 1


async def test_without_asking_the_broker_the_first_partition_would_carry_the_clock_two_hours_ahead():
    """The race the confirmation closes: a stale "idle" published with the first partition's marks."""
    broker = Broker()
    wm, sources, sent = stage(broker, confirm=False)
    await wm.tick()
    broker.end = {p: 180 for p in PARTITIONS}
    await wm.claim(*batch(0, 0, 120, time.time()), POSTS)
    assert sent.last_idle() == {"1", "2", "3"}
    assert sent.last_clock() == T0 + 119 * MINUTE


async def test_a_partition_the_broker_confirms_empty_stays_idle_and_the_clock_moves_on():
    broker = Broker()
    wm, sources, sent = stage(broker)
    await wm.tick()
    broker.end = {0: 180, 1: 0, 2: 0, 3: 0}
    await wm.claim(*batch(0, 0, 120, time.time()), POSTS)
    assert sent.last_idle() == {"1", "2", "3"}
    assert sent.last_clock() == T0 + 119 * MINUTE


async def test_while_a_source_is_idle_the_broker_is_asked_when_input_resumes_and_then_at_most_once_a_second():
    broker = Broker()
    wm, sources, sent = stage(broker)
    await wm.tick()
    broker.end = {0: 1000, 1: 0, 2: 0, 3: 0}
    now = time.time()
    for i in range(10):  # ten batches in half a second: the resume, then nothing new to ask
        await wm.claim(*batch(0, i * 10, 10, now + i * 0.05), POSTS)
    assert broker.asked == 1
    await wm.claim(*batch(0, 100, 10, now + 0.45 + CONFIRM_INTERVAL_S), POSTS)
    assert broker.asked == 2


async def test_with_no_idle_source_the_broker_is_not_asked():
    broker = Broker()
    wm, sources, sent = stage(broker)
    broker.end = {p: 10 for p in PARTITIONS}
    now = time.time()
    for p in PARTITIONS:
        sources.observe(p, 0, T0, now)
    await wm.claim(*batch(0, 1, 5, now), POSTS)
    assert broker.asked == 0
