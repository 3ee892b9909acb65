"""Consumer lag as the worker reports it (streams/runtime/app.py): the messages not read yet.

Kafka's highwater is the offset the next message will get and a committed offset is the next one to
read, so the lag is their difference: one waiting message is a lag of 1, never 0 (an operator looking
for a stuck `alerts` partition must see it; an idle-source check must not call it caught up).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from faust.types import TP
from prometheus_client import CollectorRegistry

from streams.core.watermarks import SourceTracker
from streams.runtime.app import _export_consumer_lag, _posts_lag
from streams.runtime.metrics import SuhuMetrics


@dataclass
class Consumer:
    ends: dict[Any, int]
    _committed_offset: dict[Any, int] = field(default_factory=dict)

    def assignment(self) -> set[Any]:
        return set(self.ends)

    def highwater(self, tp: Any) -> int:
        return self.ends[tp]


@dataclass
class App:
    consumer: Consumer


def test_one_unread_message_is_a_lag_of_one() -> None:
    alerts = TP("alerts", 3)
    app = App(Consumer({alerts: 6}, {alerts: 5}))  # offset 5 written, not read
    registry = CollectorRegistry()
    metrics = SuhuMetrics(registry, topics=["alerts"], partitions=4)
    _export_consumer_lag(app, metrics)  # type: ignore[arg-type]
    assert registry.get_sample_value("suhu_kafka_consumer_lag_messages", {"topic": "alerts", "partition": "3"}) == 1
    app.consumer._committed_offset[alerts] = 6
    _export_consumer_lag(app, metrics)  # type: ignore[arg-type]
    assert registry.get_sample_value("suhu_kafka_consumer_lag_messages", {"topic": "alerts", "partition": "3"}) == 0


def test_posts_lag_counts_from_the_last_post_read_else_from_the_committed_offset() -> None:
    p0, p1, p2 = TP("posts", 0), TP("posts", 1), TP("posts", 2)
    app = App(Consumer({p0: 10, p1: 10, p2: 0}, {p1: 9}))
    sources = SourceTracker(30.0)
    sources.observe(0, 9, 1_000, now=0.0)  # posts/0: read up to offset 9, the last message
    assert _posts_lag(app, "posts", sources, app.consumer.highwater) == {0: 0, 1: 1, 2: 0}  # type: ignore[arg-type]


def test_posts_lag_counts_to_the_brokers_end_where_faust_stopped_fetching() -> None:
    # Faust's highwater for posts/0 stopped at 10 with its fetches; the broker's log ends at 25.
    p0 = TP("posts", 0)
    app = App(Consumer({p0: 10}))
    sources = SourceTracker(30.0)
    sources.observe(0, 9, 1_000, now=0.0)
    ends = {p0: 25}
    assert _posts_lag(app, "posts", sources, lambda tp: ends[tp]) == {0: 15}  # type: ignore[arg-type]
