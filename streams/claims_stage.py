"""The Faust shell around known-hoax matching and the claim-spread engine (the core: streams/hoaxes.py).

    hoax-claims (compacted) --(CatalogueReader, every worker, on a timer)--> the ClaimIndex the scoring
                                                                          stage matches posts against
    score-posts --(posts spreading a claim: ids only)--> hoax-matches (key = claim id)
                \\--(the same watermark records as posts-scored)--> hoax-matches
    hoax-matches --(claim-spread: ClaimSpreadEngine)--> alerts

The claim-spread agent mirrors the aggregate agent: batches, state in two changelog tables written
through ChangelogBuffers after the batch's alerts are acknowledged, a rebuild on assignment, and
every message marked finished with the AckGuard.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

import faust
import orjson

from streams import topics as T
from streams.catalogue_topic import CatalogueReader
from streams.changelog import DELETED
from streams.claim_index import ClaimIndex
from streams.hoaxes import ClaimSpreadEngine, HoaxPost, hoax_post, spread_rule
from streams.metrics import TOP_CLAIMS, HoaxMetrics
from streams.records import Alert, ScoredPost
from streams.watermarks import WATERMARK_KEY, parse_watermark_record
from streams.windowing import WindowSpec

log = logging.getLogger("suhu.claims")

__all__ = ["ClaimsStage", "install_claims_stage"]

@dataclass
class ClaimsStage:
    index: ClaimIndex
    reader: CatalogueReader
    engine: ClaimSpreadEngine
    metrics: HoaxMetrics
    forward: Callable[[ScoredPost], Awaitable[None]]
    send_watermarks: Callable[[bytes], Awaitable[None]]
    topic_name: str
    needs_rebuild: bool = True


def install_claims_stage(app: faust.App, settings: Any, *, metrics: HoaxMetrics, calendar: Any,
                         acks: Any, publish_alert: Callable[[Alert], Awaitable[None]],
                         with_holes_filled: Callable[[list[Any]], Awaitable[list[Any]]],
                         on_alert: Callable[[Alert], None]) -> ClaimsStage:
    raw = dict(value_type=bytes, value_serializer="raw", key_type=bytes, key_serializer="raw")
    matches_topic = app.topic(settings.topic(T.HOAX_MATCHES), partitions=settings.topic_partitions, **raw)
    name = matches_topic.get_topic_name()
    from streams.app import _log_send_failure, buffered, json_table  # the worker's own helpers

    contributions = json_table(app, settings, "claim-contributions")
    state = json_table(app, settings, "claim-state")
    (c_buf, s_buf), changelogs = buffered(contributions, state)
    index = ClaimIndex()
    reader = CatalogueReader(settings, index)
    engine = ClaimSpreadEngine(WindowSpec.from_settings(settings), spread_rule(settings.thresholds_file), index.get,
                               c_buf, s_buf, sources=settings.topic_partitions, calendar=calendar)

    async def forward(sp: ScoredPost) -> None:
        if sp.hoax_claim_id is not None:
            metrics.post_matched(sp.hoax_stance)
        hp = hoax_post(sp)
        if hp is None:
            return
        fut = await app.producer.send(name, hp.claim_id.encode("utf-8"), hp.to_json(), None, None, None)
        fut.add_done_callback(_log_send_failure)

    async def send_watermarks(body: bytes) -> None:
        for q in range(settings.topic_partitions):
            fut = await app.producer.send(name, WATERMARK_KEY, body, q, None, None)
            fut.add_done_callback(_log_send_failure)

    stage = ClaimsStage(index, reader, engine, metrics, forward, send_watermarks, name)

    @app.on_partitions_assigned.connect
    async def _assigned(app: faust.App, assigned: Any, **kwargs: Any) -> None:
        stage.needs_rebuild = True

    async def _recovered() -> None:
        stage.needs_rebuild = True

    contributions.on_recover(_recovered)
    state.on_recover(_recovered)

    @app.timer(interval=max(0.5, float(getattr(settings, "claims_poll_s", 1.0))))
    async def follow_catalogue() -> None:
        """Catalogue changes reach the index within a second or so, without a restart."""
        try:
            await asyncio.get_running_loop().run_in_executor(None, reader.poll, 200)
        except Exception as exc:  # noqa: BLE001 - a broker hiccup: the next tick tries again
            log.warning("reading the claims catalogue failed (%s); retrying", type(exc).__name__)
            reader.close()

    @app.timer(interval=2.0)
    async def export_hoax_gauges() -> None:
        metrics.export(len(index), reader.stats.rejected, engine.snapshot(TOP_CLAIMS))

    async def send_changelogs() -> None:
        for buffer, topic_name in changelogs:
            for partition, key, value in buffer.drain():
                body = None if value is DELETED else orjson.dumps(value)
                fut = await app.producer.send(topic_name, orjson.dumps(key), body, partition, None, None)
                fut.add_done_callback(_log_send_failure)

    @app.agent(matches_topic, name="claim-spread")
    async def claim_spread(stream: faust.StreamT) -> None:
        deadline = settings.batch_deadline_ms / 1000.0
        async for batch in stream.take_events(settings.batch_size, within=deadline):
            events = await with_holes_filled(batch)
            if stage.needs_rebuild:
                engine.rebuild()
                stage.needs_rebuild = False
            emitted: list[Alert] = []
            for ev in events:
                partition = ev.message.partition
                c_buf.partition = s_buf.partition = partition
                if ev.key == WATERMARK_KEY:
                    try:
                        marks, idle, owned = parse_watermark_record(orjson.loads(ev.value))
                    except Exception:  # noqa: BLE001 - never stall on one record
                        log.error("unreadable watermark record on %s/%s", ev.message.topic, partition)
                        continue
                    emitted.extend(engine.advance(partition, marks, idle, owned))
                    continue
                try:
                    hp = HoaxPost.from_json(ev.value)
                except Exception:  # noqa: BLE001 - only our own stage writes here
                    log.error("unreadable record on %s/%s", ev.message.topic, partition)
                    continue
                emitted.extend(engine.process(hp, partition, None if hp.source is None else str(hp.source)))
            for alert in emitted:
                await publish_alert(alert)
                on_alert(alert)
            await send_changelogs()
            for ev in events:
                acks.done(ev)

    return stage

