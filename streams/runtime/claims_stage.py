"""The Faust shell around known-hoax matching and the claim-spread engine (the core: streams/core/hoaxes.py).

    hoax-claims (compacted) --(CatalogueReader, every worker, on a timer)--> the ClaimIndex the scoring
                                                                          stage matches posts against
    score-posts --(posts spreading a claim: ids only)--> hoax-matches (key = claim id)
                \\--(the same watermark records as posts-scored)--> hoax-matches
    hoax-matches --(claim-spread: ClaimSpreadEngine)--> alerts

The claim-spread agent mirrors the aggregate agent (streams/runtime/aggregate_stage.py): batches through
its own `Checkpoint` (streams/runtime/checkpoint.py), state in two changelog tables written through
ChangelogBuffers and sent after the batch's alerts are acknowledged, a rebuild on assignment.

At start-up the worker reads the whole catalogue before it scores its first post (`wait_catalogue`):
posts scored against an empty index would miss their claims, and live would differ from
`suhu backtest --claims`. If the catalogue cannot be read within `claims_startup_timeout_s`, scoring
starts anyway and says so in the log; the catalogue is then followed as usual.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Callable

import faust

from streams.core import topics as T
from streams.runtime.aggregate_stage import alert_record, window_events
from streams.runtime.catalogue_topic import CatalogueReader
from streams.core.changelog import ChangelogBuffer
from streams.runtime.checkpoint import Batch, Checkpoint, Record
from streams.core.claim_index import ClaimIndex
from streams.core.hoaxes import ClaimSpreadEngine, HoaxPost, hoax_post, spread_rule
from streams.runtime.metrics import TOP_CLAIMS, HoaxMetrics
from streams.core.records import Alert, ScoredPost
from streams.core.windowing import WindowSpec

log = logging.getLogger("suhu.claims")

__all__ = ["ClaimsStage", "install_claims_stage"]

@dataclass
class ClaimsStage:
    index: ClaimIndex
    reader: CatalogueReader
    engine: ClaimSpreadEngine
    metrics: HoaxMetrics
    topic_name: str
    alerts_topic: str
    on_alert: Callable[[Alert], None]
    needs_rebuild: bool = True
    catalogue_loaded: asyncio.Event = field(default_factory=asyncio.Event)

    async def load_catalogue(self, timeout_s: float) -> None:
        """Read the catalogue to its current end (in a thread: the reader blocks), then follow it."""
        n = await asyncio.get_running_loop().run_in_executor(None, self.reader.catch_up, timeout_s)
        log.info("claims catalogue read at start-up: %d records, %d claims", n, len(self.index))
        self.catalogue_loaded.set()

    async def wait_catalogue(self, timeout_s: float) -> bool:
        """Wait until the start-up read is done; False (and a warning) when it took longer than timeout_s."""
        try:
            await asyncio.wait_for(self.catalogue_loaded.wait(), timeout_s)
            return True
        except asyncio.TimeoutError:
            log.warning("the claims catalogue was not read within %.0f s; scoring starts without it and "
                        "picks it up as it arrives", timeout_s)
            return False

    def match(self, sp: ScoredPost) -> Record | None:
        """The hoax-matches record of a scored post spreading a known claim (ids only), keyed by claim."""
        if sp.hoax_claim_id is not None:
            self.metrics.post_matched(sp.hoax_stance)
        hp = hoax_post(sp)
        if hp is None:
            return None
        return Record(self.topic_name, hp.claim_id.encode("utf-8"), hp.to_json())

    def alerts(self, events: list[Any]) -> list[Record]:
        """The alert records of one batch of hoax-matches events, in the order the engine emits them."""
        engine = self.engine
        if self.needs_rebuild:
            engine.rebuild()
            self.needs_rebuild = False
        emitted: list[Alert] = []
        for partition, marks, hp in window_events(events, HoaxPost.from_json):
            if marks is not None:
                emitted.extend(engine.advance(partition, *marks))
            else:
                emitted.extend(engine.process(hp, partition, None if hp.source is None else str(hp.source)))
        return [alert_record(self.alerts_topic, a, _call(self.on_alert, a)) for a in emitted]


def _call(f: Callable[[Alert], None], alert: Alert) -> Callable[[], None]:
    return lambda: f(alert)


def install_claims_stage(app: faust.App, settings: Any, *, metrics: HoaxMetrics, calendar: Any, alerts_topic: str,
                         table: Callable[[str], Any],
                         checkpoint: Callable[..., tuple[Checkpoint, list[ChangelogBuffer]]],
                         on_alert: Callable[[Alert], None]) -> ClaimsStage:
    """``table(name)``: a changelog-backed JSON table (`streams.runtime.app.json_table`); ``checkpoint(*tables)``: the
    agent's Checkpoint and a ChangelogBuffer over each table (`streams.runtime.app.stage_checkpoint`)."""
    raw = dict(value_type=bytes, value_serializer="raw", key_type=bytes, key_serializer="raw")
    matches_topic = app.topic(settings.topic(T.HOAX_MATCHES), partitions=settings.topic_partitions, **raw)
    name = matches_topic.get_topic_name()
    contributions = table("claim-contributions")
    state = table("claim-state")
    commits, (c_buf, s_buf) = checkpoint(contributions, state)
    index = ClaimIndex()
    reader = CatalogueReader(settings, index)
    engine = ClaimSpreadEngine(WindowSpec.from_settings(settings), spread_rule(settings.thresholds_file), index.get,
                               c_buf, s_buf, sources=settings.topic_partitions, calendar=calendar)
    stage = ClaimsStage(index, reader, engine, metrics, name, alerts_topic, on_alert)

    @app.on_partitions_assigned.connect
    async def _assigned(app: faust.App, assigned: Any, **kwargs: Any) -> None:
        stage.needs_rebuild = True

    async def _recovered() -> None:
        stage.needs_rebuild = True

    contributions.on_recover(_recovered)
    state.on_recover(_recovered)

    @app.timer(interval=max(0.5, float(getattr(settings, "claims_poll_s", 1.0))))
    async def follow_catalogue() -> None:
        """The whole catalogue first (scoring waits for it), then changes within a second or so, without a
        restart. One reader, never used by two threads at once: the timer awaits each read."""
        try:
            if not stage.catalogue_loaded.is_set():
                await stage.load_catalogue(settings.claims_startup_timeout_s)
                return
            await asyncio.get_running_loop().run_in_executor(None, reader.poll, 200)
        except Exception as exc:  # noqa: BLE001 - a broker hiccup: the next tick tries again
            log.warning("reading the claims catalogue failed (%s); retrying", type(exc).__name__)
            reader.close()

    @app.timer(interval=2.0)
    async def export_hoax_gauges() -> None:
        metrics.export(len(index), reader.stats.rejected, engine.snapshot(TOP_CLAIMS))

    async def spread_batch(batch: Batch) -> None:
        await commits.commit(batch, stage.alerts(batch.events))

    commits.serves(name, spread_batch)

    @app.agent(matches_topic, name="claim-spread")
    async def claim_spread(stream: faust.StreamT) -> None:
        deadline = settings.batch_deadline_ms / 1000.0
        commits.ready()
        async for taken in stream.take_events(settings.batch_size, within=deadline):
            await commits.run(taken)

    return stage

