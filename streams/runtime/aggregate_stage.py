"""Stage two, `aggregate`: a batch of posts-scored records -> the alerts the regional engine emits.

    posts-scored --(RegionalEngine, post by post)--> alerts (key = dedup_key)

A posts-scored record carries a region's posts from one scoring batch (`scored_posts_of`).

The engine keeps its two tables (contributions, engine-state) through `ChangelogBuffer`s, each write
to the partition of the event that made it; the agent's `Checkpoint` sends what changed once per
batch, after the batch's alerts are acknowledged (streams/runtime/checkpoint.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import orjson

from streams.runtime.checkpoint import Record
from streams.core.engine import RegionalEngine
from streams.runtime.metrics import SuhuMetrics
from streams.core.records import Alert, scored_posts_of
from streams.core.watermarks import WATERMARK_KEY, parse_watermark_record

log = logging.getLogger("suhu.worker")

__all__ = ["AggregateStage", "alert_record", "window_events"]


def alert_record(topic: str, alert: Alert, sent: Callable[[], None] | None = None) -> Record:
    """An alert, keyed by its dedup key, acknowledged by the broker before the batch goes on."""
    return Record(topic, alert.dedup_key.encode(), alert.to_json(), acknowledged=True, sent=sent)


def window_events(events: Iterable[Any], parse: Callable[[bytes], Any],
                  on_unreadable: Callable[[], None] = lambda: None) -> Iterable[tuple[int, Any, Any]]:
    """``(partition, marks or None, record or None)`` for each readable event of a window stage's
    input: a watermark record (``marks`` = ``(marks, idle, owned)``) or one record ``parse`` reads."""
    for ev in events:
        partition = ev.message.partition
        if ev.key == WATERMARK_KEY:
            try:
                marks = parse_watermark_record(orjson.loads(ev.value))
            except Exception:  # noqa: BLE001 - never stall on one record
                log.error("unreadable watermark record on %s/%s", ev.message.topic, partition)
                continue
            yield partition, marks, None
            continue
        try:
            record = parse(ev.value)
        except Exception:  # noqa: BLE001 - only our own stages write here; never stall on one record
            log.error("unreadable record on %s/%s", ev.message.topic, partition)
            on_unreadable()
            continue
        yield partition, None, record


class AggregateStage:
    def __init__(self, engine: RegionalEngine, metrics: SuhuMetrics, alerts_topic: str) -> None:
        self.engine, self.metrics, self.alerts_topic = engine, metrics, alerts_topic
        self.needs_rebuild = True  # on assignment, and once newly assigned changelogs are recovered

    def alerts(self, events: list[Any]) -> list[Record]:
        """The alert records of one batch, in order: after a rebuild each machine's last alert again
        (harmless, delivery dedups on alert_id), then those the batch's events emit."""
        engine, metrics = self.engine, self.metrics
        out: list[Record] = []
        if self.needs_rebuild:
            engine.rebuild()
            self.needs_rebuild = False
            out.extend(alert_record(self.alerts_topic, a) for a in engine.replay_pending())
        emitted: list[tuple[Alert, float]] = []
        for partition, marks, posts in window_events(events, scored_posts_of,
                                                     lambda: metrics.posts_dead_lettered("not_json")):
            if marks is not None:
                found = engine.advance(partition, *marks)
                emitted.extend((alert, time.perf_counter()) for alert in found)
                continue
            for sp in posts:
                found = engine.process(sp, partition, None if sp.source is None else str(sp.source))
                emitted.extend((alert, time.perf_counter()) for alert in found)
        out.extend(alert_record(self.alerts_topic, alert, self._emitted(alert, closed_at))
                   for alert, closed_at in emitted)
        return out

    def _emitted(self, alert: Alert, closed_at: float) -> Callable[[], None]:
        def sent() -> None:
            self.metrics.alert_emitted(alert.severity, alert.status)
            self.metrics.window_close_to_alert(time.perf_counter() - closed_at)
        return sent
