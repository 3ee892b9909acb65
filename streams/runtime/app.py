"""The Faust application: wiring only. The stages are plain objects from a batch to its outputs, each
agent commits through a `Checkpoint` (streams/runtime/checkpoint.py: publish outputs -> changelog -> flush
-> ack), and Faust's quirks are met in streams/runtime/faust_workarounds.py.

Why one long module: `create_worker` is the one place where every agent (five, with the coordination
stage) is wired to its topics, its Checkpoint and the shared producer; the helpers below it read
Faust's consumer for the gauges. The stages themselves live in their own modules.

    posts --(score-posts: streams/runtime/scoring_stage.py)--> posts-scored (key = region), posts-dlq,
                                                        hoax-matches, watermark records
    posts-scored --(aggregate: streams/runtime/aggregate_stage.py, RegionalEngine)--> alerts (key = dedup_key)
    hoax-matches --(claim-spread: streams/runtime/claims_stage.py, ClaimSpreadEngine)--> alerts
    posts-coordination (1 partition) --(coordinate: streams/runtime/coordination_stage.py)--> alerts, coordination-state
    alerts --(deliver: streams/runtime/delivery_stage.py; Alertmanager / PagerDuty / webhook, retried until delivered)

A new agent follows the same pattern: ``commits, buffers = stage_checkpoint(*its tables)`` in
`create_worker`, its engine over ``buffers``, and ``begin`` -> stage -> ``commit`` in the agent.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import ssl
import time
from dataclasses import dataclass, field
from collections.abc import Callable, Sequence
from typing import Any

import faust
from prometheus_client import CollectorRegistry

from models.base import Scorer
from streams.core import topics as T
from streams.runtime.aggregate_stage import AggregateStage
from streams.core.changelog import ChangelogBuffer
from streams.runtime.checkpoint import Batch, Checkpoint, ClientProducer
from streams.runtime.claims_stage import install_claims_stage
from streams.runtime.coordination_stage import CoordinationStage, install_coordination_stage
from streams.outputs.delivery import Destination, destinations_from_settings
from streams.runtime.delivery_stage import DeliveryStage
from streams.core.engine import EngineConfig, RegionalEngine
from streams.runtime.faust_workarounds import (FaustWorkarounds, committed_offsets, current_event, memory_store,
                                               raise_producer_buffer)
from streams.runtime.metrics import SuhuMetrics
from streams.runtime.partition_reader import PartitionReader, native_crc32c
from streams.core.pipeline import PostProcessor
from streams.runtime.scoring_stage import ScoringStage, Watermarks
from streams.core.settings import Settings
from streams.core.watermarks import SourceTracker

log = logging.getLogger("suhu.worker")

DELIVERY_BATCH_DEADLINE_S = 0.05  # the deliver agent takes what arrived within this (Faust wakes it this often)


@dataclass
class Worker:
    """Everything one worker process holds; `app` is the Faust shell around it."""

    settings: Settings
    app: faust.App
    scorer: Scorer
    processor: PostProcessor
    engine: RegionalEngine
    metrics: SuhuMetrics
    registry: CollectorRegistry
    destinations: list[Destination]
    workarounds: FaustWorkarounds
    sources: SourceTracker | None = None
    counters: dict[str, int] = field(default_factory=dict)
    scoring: ScoringStage | None = None
    watermarks: Watermarks | None = None
    aggregation: AggregateStage | None = None
    delivery: DeliveryStage | None = None
    claims: Any = None  # streams.runtime.claims_stage.ClaimsStage: the live catalogue and the claim-spread agent
    coordination: CoordinationStage | None = None  # the coordinate agent (None: coordination_enabled off)


def broker_credentials(settings: Settings) -> Any:
    """Kafka security settings passed through to Faust's clients (SASL_SSL, SSL, SASL_PLAINTEXT)."""
    proto = settings.kafka_security_protocol
    if proto == "PLAINTEXT":
        return None
    context = None
    if proto in ("SSL", "SASL_SSL"):
        context = ssl.create_default_context(purpose=ssl.Purpose.SERVER_AUTH, cafile=settings.kafka_ssl_cafile)
        if settings.kafka_ssl_certfile:
            context.load_cert_chain(settings.kafka_ssl_certfile, settings.kafka_ssl_keyfile)
    if proto == "SSL":
        return faust.SSLCredentials(context)
    return faust.SASLCredentials(
        username=settings.kafka_sasl_username,
        password=settings.kafka_sasl_password,
        ssl_context=context,
        mechanism=settings.kafka_sasl_mechanism or "PLAIN",
    )


def faust_app(settings: Settings) -> faust.App:
    datadir = settings.data_dir / "faust" / settings.app_id
    datadir.parent.mkdir(parents=True, exist_ok=True)
    return faust.App(
        settings.app_id,
        broker=f"kafka://{settings.bootstrap()}",
        broker_credentials=broker_credentials(settings),
        store="memory://",  # tables are rebuilt from their changelogs on start
        datadir=str(datadir),
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication_factor,
        table_standby_replicas=0,
        processing_guarantee="at_least_once",
        consumer_auto_offset_reset="earliest",
        web_enabled=True,
        web_host=settings.web_host,
        web_port=settings.web_port,
        web_bind=settings.web_host,
        web_tables_enabled=False,  # would expose table contents (post ids, pseudonyms)
        web_router_enabled=False,
        web_graph_enabled=False,
        web_stats_enabled=False,
        producer_linger=0.005,
        producer_max_request_size=8 * 1024 * 1024,
        # Per partition and fetch. 8 MiB (this setting until 4 Dec 2026) held 171,000 fetched posts in
        # memory while catching up (1,510 MiB peak; 1 MiB: 1,167 MiB, and a little faster: bench/NOTES.md).
        # A record larger than this still comes back whole (KIP-74).
        consumer_max_fetch_size=1024 * 1024,
        stream_buffer_maxsize=4096,
        broker_commit_interval=1.0,
        # Faust's 60 s default keeps a SIGKILLed worker's partitions unassigned for a minute.
        broker_session_timeout=settings.kafka_session_timeout_s,
        broker_heartbeat_interval=min(3.0, settings.kafka_session_timeout_s / 5),
        table_cleanup_interval=3600.0,
    )


def create_worker(settings: Settings, *, scorer: Scorer | None = None,
                  registry: CollectorRegistry | None = None) -> Worker:
    from models.scorer import load_scorer

    if scorer is None:
        scorer = load_scorer(
            model_dir=settings.model_dir,
            transformer_dir=settings.transformer_dir,
            transformer_mode=settings.transformer_mode,
            torch_threads=settings.torch_threads,
        )
    registry = registry or CollectorRegistry()
    metrics = SuhuMetrics(
        registry,
        topics=[settings.topic(t) for t in (T.POSTS, T.POSTS_SCORED, T.ALERTS)],
        partitions=settings.topic_partitions,
    )
    metrics.worker_info(version=_package_version(), model_version=scorer.version)
    app = faust_app(settings)
    raise_producer_buffer(app, 10_000)

    raw = dict(value_type=bytes, value_serializer="raw", key_type=bytes, key_serializer="raw")
    posts_topic = app.topic(settings.topic(T.POSTS), partitions=settings.topic_partitions, **raw)
    scored_topic = app.topic(settings.topic(T.POSTS_SCORED), partitions=settings.topic_partitions, **raw)
    alerts_topic = app.topic(settings.topic(T.ALERTS), partitions=settings.topic_partitions, **raw)
    posts_name, scored_name, alerts_name = (t.get_topic_name() for t in (posts_topic, scored_topic, alerts_topic))

    # Every agent commits through a Checkpoint (streams/runtime/checkpoint.py) built here: the producer, and
    # the work-arounds for Faust's acks (streams/runtime/faust_workarounds.py) on every topic an agent reads.
    producer = ClientProducer(lambda: app.producer)
    if not native_crc32c():
        log.warning("kafka-python checks record CRCs in pure Python (the crc32c package is missing): the "
                    "recovery reads of alerts and posts-coordination run about 5x slower; pip install crc32c")
    reader = PartitionReader(lambda: _open_reader(settings),
                             open_group_reader=lambda: _open_reader(settings, group_id=settings.app_id))
    read_topics = [posts_name, scored_name, alerts_name, settings.topic(T.HOAX_MATCHES),
                   settings.topic(T.POSTS_COORDINATION)]
    workarounds = FaustWorkarounds(app, read_topics, reader, on_hole=metrics.partition_hole)

    def stage_checkpoint(*tables: Any, compacted: Sequence[str] = ()) -> tuple[Checkpoint, list[ChangelogBuffer]]:
        """A Checkpoint for one agent, and a ChangelogBuffer over each of its tables for its engine (then
        over a dict per ``compacted`` topic: a changelog that is no Faust table, rebuilt by its stage)."""
        buffers = [ChangelogBuffer(memory_store(t)) for t in tables] + [ChangelogBuffer({}) for _ in compacted]
        names = [t.changelog_topic.get_topic_name() for t in tables] + list(compacted)
        changelogs = dict(zip(names, buffers))
        return workarounds.register(Checkpoint(producer, workarounds.complete, workarounds.ack, changelogs)), buffers

    contributions = json_table(app, settings, "contributions", held_as_json=True)
    engine_state = json_table(app, settings, "engine-state")
    delivered = json_table(app, settings, "delivered")
    aggregate_commits, (contributions_buffer, state_buffer) = stage_checkpoint(contributions, engine_state)
    # The watermark waits for every partition of `posts` (streams/core/watermarks.py).
    config = dataclasses.replace(EngineConfig.from_settings(settings, scorer.thresholds),
                                 sources=settings.topic_partitions)
    engine = RegionalEngine(config, contributions_buffer, state_buffer)
    worker = Worker(
        settings=settings,
        app=app,
        scorer=scorer,
        processor=PostProcessor.from_settings(settings, scorer),
        engine=engine,
        metrics=metrics,
        registry=registry,
        destinations=destinations_from_settings(settings),
        workarounds=workarounds,
        sources=SourceTracker(settings.source_idle_timeout_s),
    )
    sources = worker.sources
    aggregation = worker.aggregation = AggregateStage(engine, metrics, alerts_name)

    @app.on_partitions_assigned.connect
    async def _assigned(app: faust.App, assigned: Any, **kwargs: Any) -> None:
        aggregation.needs_rebuild = True
        workarounds.assigned()

    async def _recovered() -> None:
        # Rebuild again once the changelogs of newly assigned partitions are fully read: events of
        # partitions this worker kept may be processed while recovery is still running, and a
        # rebuild then would miss the state of the partitions it is taking over.
        aggregation.needs_rebuild = True

    contributions.on_recover(_recovered)
    engine_state.on_recover(_recovered)

    # Known hoaxes (streams/runtime/claims_stage.py): the live catalogue the scoring stage matches against,
    # and the claim-spread agent.
    claims = worker.claims = install_claims_stage(
        app, settings, metrics=metrics.hoaxes, calendar=config.calendar, alerts_topic=alerts_name,
        table=lambda name: json_table(app, settings, name), checkpoint=stage_checkpoint, on_alert=lambda a: metrics.alert_emitted(a.severity, a.status))
    worker.processor.claims = claims.index

    # Coordinated campaigns (streams/runtime/coordination_stage.py): fingerprints forwarded by the scoring stage.
    coordination = worker.coordination = install_coordination_stage(
        app, settings, metrics=metrics.coordination, alerts_topic=alerts_name, phase_at=config.calendar.phase_at,
        checkpoint=stage_checkpoint, open_reader=lambda: _open_reader(settings),
        on_alert=lambda a: metrics.alert_emitted(a.severity, a.status)) if settings.coordination_enabled else None

    # Stage one (streams/runtime/scoring_stage.py) and the watermarks its posts carry forward.
    watermarks = worker.watermarks = Watermarks(
        settings, sources, producer, [scored_name, claims.topic_name],
        owned=lambda: _owned_partitions(app, posts_name, sources),
        lag=lambda: _posts_lag(app, posts_name, sources, workarounds.log_end),
        single=[coordination.topic_name] if coordination is not None else None,
        confirm=lambda: workarounds.refresh_log_ends(posts_name))
    scoring = worker.scoring = ScoringStage(
        settings, worker.processor, metrics, scored_topic=scored_name,
        dlq_topic=settings.topic(T.POSTS_DLQ), match=claims.match,
        forward=coordination.forward if coordination is not None else None)
    score_commits, _ = stage_checkpoint()

    @app.timer(interval=settings.watermark_interval_s)
    async def watermarks_tick() -> None:
        await watermarks.tick()

    # Each agent runs its batches through its Checkpoint (`run`): the same body also takes the skipped
    # tails re-read around Faust (`sweep_tails` below), never at the same time as the agent's own batch.
    async def score_batch(batch: Batch) -> None:
        scored = await scoring.score(batch.events)
        await score_commits.commit(batch, scored.records, then=lambda: watermarks.claim(batch.events, scored, posts_name))

    score_commits.serves(posts_name, score_batch)

    @app.agent(posts_topic, name="score-posts")
    async def score_posts(stream: faust.StreamT) -> None:
        await claims.wait_catalogue(settings.claims_startup_timeout_s)
        score_commits.ready()
        async for taken in stream.take_events(settings.batch_size, within=settings.batch_deadline_ms / 1000.0):
            await score_commits.run(taken)

    async def aggregate_batch(batch: Batch) -> None:
        await aggregate_commits.commit(batch, aggregation.alerts(batch.events))

    aggregate_commits.serves(scored_name, aggregate_batch)

    @app.agent(scored_topic, name="aggregate")
    async def aggregate(stream: faust.StreamT) -> None:
        aggregate_commits.ready()
        async for taken in stream.take_events(settings.batch_size, within=settings.batch_deadline_ms / 1000.0):
            await aggregate_commits.run(taken)

    # The deliver stage (streams/runtime/delivery_stage.py): sends each transition once, and rebuilds the
    # firing alerts to keep re-sending to Alertmanager whenever it is assigned `alerts` partitions.
    async def read_alerts_partition(partition: int) -> list[bytes]:
        messages = await asyncio.get_running_loop().run_in_executor(
            None, reader.read_all, alerts_name, partition, 120.0)
        return [m.value for m in messages]

    stage = worker.delivery = DeliveryStage(
        worker.destinations, delivered, metrics=metrics, max_backoff_s=settings.delivery_max_backoff_s,
        flush=producer.flush, read_partition=read_alerts_partition,
        as_current=current_event)
    deliver_commits, _ = stage_checkpoint()
    delivery_tasks: set[asyncio.Task[Any]] = set()

    @app.on_partitions_assigned.connect
    async def _delivery_assigned(app: faust.App, assigned: Any, **kwargs: Any) -> None:
        stage.assigned(tp.partition for tp in assigned if tp.topic == alerts_name)

    @app.on_partitions_revoked.connect
    async def _delivery_revoked(app: faust.App, revoked: Any, **kwargs: Any) -> None:
        stage.revoked(tp.partition for tp in revoked if tp.topic == alerts_name)

    async def _tick_logged() -> None:
        try:
            await stage.tick()
        except Exception:  # noqa: BLE001 - the timer's next tick tries again
            log.exception("rebuilding the delivery state failed")

    async def _delivered_recovered() -> None:
        # Not awaited here: recovery must not wait behind a delivery retrying through a pager outage.
        stage.recovered()
        task = asyncio.ensure_future(_tick_logged())
        delivery_tasks.add(task)
        task.add_done_callback(delivery_tasks.discard)

    delivered.on_recover(_delivered_recovered)

    async def deliver_batch(batch: Batch) -> None:
        await stage.handle_batch([(ev.value, ev.message.partition, ev) for ev in batch])
        await deliver_commits.commit(batch)

    deliver_commits.serves(alerts_name, deliver_batch)

    @app.agent(alerts_topic, name="deliver")
    async def deliver(stream: faust.StreamT) -> None:
        deliver_commits.ready()
        # Batches: a window close emits many transitions at once, sent concurrently per incident
        # (DeliveryStage.handle_batch); the short deadline keeps a lone alert from waiting.
        async for taken in stream.take_events(settings.batch_size, within=DELIVERY_BATCH_DEADLINE_S):
            await deliver_commits.run(taken)

    @app.timer(interval=2.0)
    async def sweep_tails() -> None:
        """Offsets Faust fetched and skipped at the end of a quiet partition (faust_workarounds.TailWatch)."""
        try:
            await workarounds.sweep_tails()
        except Exception:  # noqa: BLE001 - the next tick tries again
            log.exception("re-reading skipped tails failed")

    @app.timer(interval=max(1.0, settings.alertmanager_resend_s / 4))
    async def resend_firing() -> None:
        """Alertmanager resolves alerts that are not re-sent; keep firing ones alive (and finish a
        rebuild of the delivery state a failed read left pending)."""
        await stage.tick()

    @app.timer(interval=2.0)
    async def export_gauges() -> None:
        metrics.window_values(engine.snapshot())
        _count_engine_stats(metrics, worker.counters, engine.stats)
        if scoring.newest_event_ms:
            metrics.newest_event(scoring.newest_event_ms / 1000.0, time.time())
        _export_consumer_lag(app, metrics)
        _export_watermarks(app, metrics, engine, scored_name, sources)

    @app.page("/metrics")
    async def metrics_page(web: Any, request: Any) -> Any:
        body, content_type = metrics.render()
        return web.bytes(body, content_type=content_type.split(";")[0])

    @app.page("/healthz")
    async def health_page(web: Any, request: Any) -> Any:
        return web.json({"status": "ok", "model_version": scorer.version})

    return worker


def _open_reader(settings: Settings, group_id: str | None = None) -> Any:
    """A kafka-python consumer for reads around Faust. With ``group_id`` (Faust's group) it is only asked
    for the group's committed offsets: never subscribed, so it never joins, and it never commits."""
    from kafka import KafkaConsumer

    return KafkaConsumer(bootstrap_servers=settings.bootstrap(), group_id=group_id, enable_auto_commit=False,
                         auto_offset_reset="earliest", **settings.kafka_python_security())


def _posts_lag(app: faust.App, posts_name: str, sources: SourceTracker,
               log_end: Callable[[Any], int | None]) -> dict[int, int | None]:
    """Unread messages per owned `posts` partition (None where the log's end is not known yet). The log's
    end is Faust's highwater, or the broker's where that is further (`FaustWorkarounds.log_end`): a
    partition Faust stopped fetching must not look read to the end, or it would go idle and the clock
    would leave its unread posts behind as late."""
    lag: dict[int, int | None] = {}
    try:
        consumer = app.consumer
        committed = committed_offsets(consumer)
        for tp in consumer.assignment():
            if tp.topic != posts_name:
                continue
            highwater = log_end(tp)  # the log's end: the offset the next message will get
            src = sources.sources.get(tp.partition)
            if src is not None and src.last_offset is not None:
                next_to_read = src.last_offset + 1
            else:
                next_to_read = committed.get(tp) or 0  # a committed offset is the next one to read
            lag[tp.partition] = None if highwater is None else max(0, highwater - next_to_read)
    except Exception:  # noqa: BLE001 - without lag, idleness falls back to the timeout alone
        log.debug("posts lag unavailable", exc_info=True)
    return lag


def _owned_partitions(app: faust.App, posts_name: str, sources: SourceTracker) -> list[int]:
    try:
        return [tp.partition for tp in app.consumer.assignment() if tp.topic == posts_name]
    except Exception:  # noqa: BLE001
        return list(sources.sources)


def json_table(app: faust.App, settings: Settings, name: str, *, held_as_json: bool = False) -> Any:
    """A changelog-backed table keyed by str with JSON values, one partition per input partition.

    ``held_as_json``: recovery keeps each value as its JSON bytes (Faust's "raw" serialiser) instead of
    decoding it, the form the engine holds live contributions in (streams/core/codecs.py), so a worker
    that recovers a full window holds it as compactly as one that built it; the readers decode bytes."""
    return app.Table(name, default=None, partitions=settings.topic_partitions,
                     schema=faust.Schema(key_type=str, key_serializer="raw",
                                         value_serializer="raw" if held_as_json else "json"))


def _count_engine_stats(metrics: SuhuMetrics, exported: dict[str, int], stats: dict[str, int]) -> None:
    """Export the engine's plain counters as Prometheus counters, off the per-post path."""
    dup = stats.get("duplicates", 0) - exported.get("duplicates", 0)
    late = stats.get("late", 0) - exported.get("late", 0)
    dropped = stats.get("late_dropped", 0) - exported.get("late_dropped", 0)
    if dup > 0:
        metrics.posts_deduplicated(dup)
    if late > 0:
        metrics.posts_late(late)
    if dropped > 0:
        metrics.posts_late_dropped(dropped)
    exported.update(duplicates=stats.get("duplicates", 0), late=stats.get("late", 0),
                    late_dropped=stats.get("late_dropped", 0))


def _export_watermarks(app: faust.App, metrics: SuhuMetrics, engine: RegionalEngine, scored_name: str,
                       sources: SourceTracker) -> None:
    """Event time behind the wall clock: per owned posts-scored partition (the aggregation clock) and
    per owned posts partition (each source's mark); idle sources counted."""
    try:
        now = time.time()
        assigned = {tp.partition for tp in app.consumer.assignment() if tp.topic == scored_name}
        for q in range(metrics.partitions):
            wm = engine.watermark(q) if q in assigned else None
            metrics.watermark_lag(q, None if wm is None else now - wm / 1000.0)
        for p in range(metrics.partitions):
            src = sources.sources.get(p)
            mark = None if src is None or src.mark is None else now - src.mark / 1000.0
            metrics.source_lag(p, mark, None if src is None else src.idle)
    except Exception:  # noqa: BLE001 - metrics must never take the worker down
        log.debug("watermark gauges unavailable", exc_info=True)


def _export_consumer_lag(app: faust.App, metrics: SuhuMetrics) -> None:
    try:
        consumer = app.consumer
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)  # the log's end: the offset the next message will get
            position = committed_offsets(consumer).get(tp)  # the next offset the group reads
            if highwater is not None and position is not None:
                metrics.consumer_lag(tp.topic, tp.partition, max(0, highwater - position))
    except Exception:  # noqa: BLE001 - metrics must never take the worker down
        log.debug("consumer lag unavailable", exc_info=True)


def _package_version() -> str:
    try:
        from importlib.metadata import version

        return version("suhu")
    except Exception:  # noqa: BLE001
        return "0+unknown"
