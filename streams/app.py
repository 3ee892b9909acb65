"""The Faust application: thin agents around the pure core.

    posts --(score_posts: validate + score in batches)--> posts-scored (key = region)
                      \\--> posts-dlq (original bytes + reason headers)
                      \\--(every watermark_interval_s, and at once when a window can close)--> watermark records
                        to every posts-scored partition
    posts-scored --(aggregate: RegionalEngine, event by event)--> alerts (key = dedup_key)
    alerts --(deliver: Alertmanager / PagerDuty / webhook, retried until delivered)

Stage one does no table writes (its `take_events` batches span partitions). Stage two reads a topic
keyed by region in batches too, and writes its two tables through `ChangelogBuffer`s: one changelog
message per key changed in a batch, to the partition of the post that changed it (the partition rule
of Faust tables), sent after the batch's alerts are acknowledged. Every agent marks the messages it
finished with the `AckGuard`, the only acks that may commit an offset (streams/ackguard.py).

Why one long module (for now): it still holds the agents' bodies and the Faust work-arounds' wiring;
the checkpoint object of issue 12 is moving them into stage functions.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import ssl
import time
from dataclasses import dataclass, field
from typing import Any

import faust
import orjson
from prometheus_client import CollectorRegistry

from models.base import Scorer
from streams import topics as T
from streams.ackguard import AckGuard, HoleDetector, HoleFiller, ReRead
from streams.changelog import DELETED, ChangelogBuffer
from streams.delivery import Destination, destinations_from_settings
from streams.delivery_stage import DeliveryStage
from streams.engine import EngineConfig, RegionalEngine
from streams.metrics import SuhuMetrics
from streams.pipeline import PostProcessor
from streams.records import Alert, ScoredPost
from streams.settings import Settings
from streams.watermarks import (
    WATERMARK_KEY,
    SourceTracker,
    closing_step,
    parse_watermark_record,
    watermark_record,
)

log = logging.getLogger("suhu.worker")


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
    acks: AckGuard
    holes: HoleDetector = field(default_factory=HoleDetector)
    needs_rebuild: bool = True
    newest_event_ms: int = 0
    sources: SourceTracker | None = None
    watermark_sent_at: float = 0.0
    watermark_sent: dict[str, Any] = field(default_factory=dict)
    watermark_step_sent: int | None = None  # closing_step of the low mark last published
    counters: dict[str, int] = field(default_factory=dict)
    delivery: DeliveryStage | None = None
    claims: Any = None  # streams.claims_stage.ClaimsStage: the live catalogue and the claim-spread agent


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
        consumer_max_fetch_size=8 * 1024 * 1024,
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

    # Faust's own table writes (now only `delivered`; the engine's tables go through ChangelogBuffers)
    # queue in its producer buffer, whose default of 100 stalled streams on every flush under load.
    app.producer.buffer.max_messages = 10_000

    raw = dict(value_type=bytes, value_serializer="raw", key_type=bytes, key_serializer="raw")
    posts_topic = app.topic(settings.topic(T.POSTS), partitions=settings.topic_partitions, **raw)
    scored_topic = app.topic(settings.topic(T.POSTS_SCORED), partitions=settings.topic_partitions, **raw)
    alerts_topic = app.topic(settings.topic(T.ALERTS), partitions=settings.topic_partitions, **raw)
    dlq_topic = app.topic(settings.topic(T.POSTS_DLQ), partitions=settings.topic_partitions, **raw)

    contributions = json_table(app, settings, "contributions")
    engine_state = json_table(app, settings, "engine-state")
    delivered = json_table(app, settings, "delivered")

    # The engine writes through buffers over the tables' in-memory stores; the aggregate agent sends
    # what changed once per batch (see streams/changelog.py).
    (contributions_buffer, state_buffer), changelogs = buffered(contributions, engine_state)
    # The watermark waits for every partition of `posts` (streams/watermarks.py).
    config = dataclasses.replace(EngineConfig.from_settings(settings, scorer.thresholds),
                                 sources=settings.topic_partitions)
    engine = RegionalEngine(config, contributions_buffer, state_buffer)
    acks = AckGuard([*(t.get_topic_name() for t in (posts_topic, scored_topic, alerts_topic)),
                     settings.topic(T.HOAX_MATCHES)])  # read by the claim-spread agent (streams/claims_stage.py)
    acks.install(app.consumer)
    worker = Worker(
        settings=settings,
        app=app,
        scorer=scorer,
        processor=PostProcessor.from_settings(settings, scorer),
        engine=engine,
        metrics=metrics,
        registry=registry,
        destinations=destinations_from_settings(settings),
        acks=acks,
        sources=SourceTracker(settings.source_idle_timeout_s),
    )
    sources = worker.sources
    posts_name = posts_topic.get_topic_name()

    @app.on_partitions_assigned.connect
    async def _assigned(app: faust.App, assigned: Any, **kwargs: Any) -> None:
        worker.needs_rebuild = True
        worker.holes.reset()

    def _open_reader() -> Any:
        from kafka import KafkaConsumer

        return KafkaConsumer(bootstrap_servers=settings.bootstrap(), group_id=None, enable_auto_commit=False,
                             auto_offset_reset="earliest", **settings.kafka_python_security())

    filler = HoleFiller(_open_reader)

    async def with_holes_filled(events: list[Any]) -> list[Any]:
        """``events``, with any offsets Faust skipped before one of them read again and put in front of
        it (see HoleDetector): each partition reaches the agent complete and in offset order."""
        committed = app.consumer._committed_offset  # noqa: SLF001 - faust exposes no public getter
        out: list[Any] = []
        for ev in events:
            msg = ev.message
            first_missing = worker.holes.observe(msg.tp, msg.offset, committed.get(msg.tp))
            if first_missing is not None:
                try:
                    missed = await asyncio.get_running_loop().run_in_executor(
                        None, filler.read, msg.topic, msg.partition, first_missing, msg.offset)
                except Exception as exc:  # noqa: BLE001 - never crash an agent over a re-read
                    log.error("%s/%s: re-reading offsets %d..%d failed (%s); the next message retries",
                              msg.topic, msg.partition, first_missing, msg.offset - 1, type(exc).__name__)
                    worker.holes.rewind(msg.tp, first_missing)
                    missed = []
                log.warning("%s/%s: offsets %d..%d were fetched but skipped before reaching the agent; read "
                            "again around Faust: %d messages", msg.topic, msg.partition, first_missing,
                            msg.offset - 1, len(missed))
                metrics.partition_hole(msg.topic)
                out.extend(ReRead(m) for m in missed)
            out.append(ev)
        return out

    async def _recovered() -> None:
        # Rebuild again once the changelogs of newly assigned partitions are fully read: events of
        # partitions this worker kept may be processed while recovery is still running, and a
        # rebuild then would miss the state of the partitions it is taking over.
        worker.needs_rebuild = True

    contributions.on_recover(_recovered)
    engine_state.on_recover(_recovered)

    def posts_lag() -> dict[int, int | None]:
        """Unread messages per owned `posts` partition (None where the consumer has no highwater yet)."""
        lag: dict[int, int | None] = {}
        try:
            consumer = app.consumer
            committed = consumer._committed_offset  # noqa: SLF001 - faust exposes no public getter
            for tp in consumer.assignment():
                if tp.topic != posts_name:
                    continue
                highwater = consumer.highwater(tp)
                src = sources.sources.get(tp.partition)
                last = src.last_offset if src is not None and src.last_offset is not None else committed.get(tp)
                lag[tp.partition] = None if highwater is None else highwater - (-1 if last is None else last) - 1
        except Exception:  # noqa: BLE001 - without lag, idleness falls back to the timeout alone
            log.debug("posts lag unavailable", exc_info=True)
        return lag

    def owned_posts_partitions() -> list[int]:
        try:
            return [tp.partition for tp in app.consumer.assignment() if tp.topic == posts_name]
        except Exception:  # noqa: BLE001
            return list(sources.sources)

    async def send_watermarks() -> None:
        """One watermark record per posts-scored partition: the marks of the sources this worker owns,
        when they changed (the aggregation stage keeps the last ones in its state, so a quiet input
        costs nothing)."""
        report = sources.report()
        worker.watermark_sent_at = time.time()
        worker.watermark_step_sent = closing_step(sources.low_mark(), step_ms, grace_ms)
        if not report or report == worker.watermark_sent:
            return
        worker.watermark_sent = report
        body = orjson.dumps(watermark_record(report, int(worker.watermark_sent_at * 1000)))
        send = app.producer.send
        for q in range(settings.topic_partitions):
            fut = await send(scored_name_all, WATERMARK_KEY, body, q, None, None)
            fut.add_done_callback(_log_send_failure)
        await claims.send_watermarks(body)  # the claim-spread windows close on the same clock

    scored_name_all = scored_topic.get_topic_name()
    step_ms, grace_ms = settings.window_step_s * 1000, settings.window_grace_s * 1000

    @app.timer(interval=settings.watermark_interval_s)
    async def watermarks_tick() -> None:
        """Idle sources and quiet partitions still move the clock: marks go out on a timer too."""
        now = time.time()
        sources.assign(owned_posts_partitions(), now)
        changed = sources.check_idle(now, posts_lag())
        for p in changed:
            src = sources.sources[p]
            log.info("posts/%d is %s", p, "idle: the watermark no longer waits for it" if src.idle else "active again")
        await send_watermarks()

    @app.agent(posts_topic, name="score-posts")
    async def score_posts(stream: faust.StreamT) -> None:
        loop = asyncio.get_running_loop()
        deadline = settings.batch_deadline_ms / 1000.0
        # The fast tier holds the GIL for its whole batch (~50 ms at 256 posts): in an executor thread it
        # starved the event loop (every socket write waited for the GIL; py-spy: 19% in transport.write).
        # So it runs on the loop, in slices of SCORING_SLICE posts (~10 ms) with a yield between, so
        # heartbeats, fetches and /metrics never wait behind a whole batch. Only the transformer tier,
        # which releases the GIL inside torch, is worth the thread hop.
        inline = settings.transformer_dir is None or settings.transformer_mode == "off"
        scored_name = scored_topic.get_topic_name()
        async for batch in stream.take_events(settings.batch_size, within=deadline):
            events = await with_holes_filled(batch)
            raws = [ev.value if isinstance(ev.value, (bytes, bytearray)) else b"" for ev in events]
            try:
                if inline:
                    result = await _process_in_slices(worker.processor, raws)
                else:
                    result = await loop.run_in_executor(None, worker.processor.process, raws)
            except Exception as exc:  # noqa: BLE001 - a batch that cannot be scored is dead-lettered, never retried forever
                log.exception("stage one failed on a batch of %d", len(events))
                result = _all_failed(raws, exc)
            metrics.posts_received(len(events), None)
            for i, rejection in result.rejected:
                ev = events[i]
                src = f"{ev.message.topic}/{ev.message.partition}/{ev.message.offset}"
                await dlq_topic.send(
                    key=ev.key if isinstance(ev.key, bytes) else None,
                    value=raws[i],
                    headers=[(T.DLQ_REASON_HEADER, rejection.reason.encode()),
                             (T.DLQ_DETAIL_HEADER, rejection.detail.encode("utf-8", "replace")),
                             (T.DLQ_SOURCE_HEADER, src.encode())],
                )
                metrics.posts_dead_lettered(rejection.reason)
                if rejection.reason == "scoring_failed":
                    metrics.scorer_error()
            if result.scored:
                metrics.scoring_batch(len(result.scored), result.scoring_seconds)
            now = time.time()
            send = app.producer.send  # straight to the client: Topic.send's per-message futures cost more
            event_ms: dict[int, int] = {}
            for i, sp in result.scored:  # than the send; the commit still waits for a producer flush first
                # Stamped with its input partition: the post carries its source's watermark progress.
                sp = dataclasses.replace(sp, source=events[i].message.partition)
                fut = await send(scored_name, sp.post.region.encode(), sp.to_json(), None, None, None)
                fut.add_done_callback(_log_send_failure)
                await claims.forward(sp)  # a post spreading a known hoax, to its claim's partition
                metrics.post_scored(sp.post.platform, now - sp.post.event_ms / 1000.0)
                event_ms[i] = sp.post.event_ms
                if sp.post.event_ms > worker.newest_event_ms:
                    worker.newest_event_ms = sp.post.event_ms
            # Only now, with every output of the batch handed to the producer (in order per partition),
            # may the sources' marks claim them.
            for i, ev in enumerate(events):
                msg = ev.message
                if msg.topic == posts_name:
                    sources.observe(msg.partition, msg.offset, event_ms.get(i), now)
            # At once when the marks now close a window, else on the interval.
            if (now - worker.watermark_sent_at >= settings.watermark_interval_s
                    or closing_step(sources.low_mark(), step_ms, grace_ms) != worker.watermark_step_sent):
                await send_watermarks()
            for ev in events:  # reached only when every output of the batch is handed to the producer
                acks.done(ev)

    alerts_name = alerts_topic.get_topic_name()

    async def publish_alert(alert: Alert) -> None:
        """Straight to the client and acknowledged (not Topic.send, which queues behind Faust's producer
        buffer): the aggregate agent sends a batch's changelog only after its alerts are on the topic."""
        await app.producer.send_and_wait(alerts_name, alert.dedup_key.encode(), alert.to_json(), None, None, None)

    # Known hoaxes (streams/claims_stage.py): the live catalogue the scoring stage matches against,
    # and the claim-spread agent.
    from streams.claims_stage import install_claims_stage

    claims = worker.claims = install_claims_stage(
        app, settings, metrics=metrics.hoaxes, calendar=config.calendar, acks=acks, publish_alert=publish_alert,
        with_holes_filled=with_holes_filled,
        on_alert=lambda a: metrics.alert_emitted(a.severity, a.status))
    worker.processor.claims = claims.index

    async def send_changelogs() -> None:
        send = app.producer.send
        for buffer, topic_name in changelogs:
            for partition, key, value in buffer.drain():
                body = None if value is DELETED else orjson.dumps(value)
                # Keys and values as the table's own serialisers write them (json), or recovery cannot read them.
                fut = await send(topic_name, orjson.dumps(key), body, partition, None, None)
                fut.add_done_callback(_log_send_failure)

    @app.agent(scored_topic, name="aggregate")
    async def aggregate(stream: faust.StreamT) -> None:
        deadline = settings.batch_deadline_ms / 1000.0
        async for batch in stream.take_events(settings.batch_size, within=deadline):
            events = await with_holes_filled(batch)
            alerts: list[Alert] = []
            if worker.needs_rebuild:
                engine.rebuild()
                worker.needs_rebuild = False
                alerts.extend(engine.replay_pending())
            emitted: list[tuple[Alert, float]] = []
            for ev in events:
                partition = ev.message.partition
                if ev.key == WATERMARK_KEY:
                    try:
                        marks, idle, owned = parse_watermark_record(orjson.loads(ev.value))
                    except Exception:  # noqa: BLE001 - never stall on one record
                        log.error("unreadable watermark record on %s/%s", ev.message.topic, partition)
                        continue
                    contributions_buffer.partition = state_buffer.partition = partition
                    for alert in engine.advance(partition, marks, idle, owned):
                        emitted.append((alert, time.perf_counter()))
                    continue
                try:
                    sp = ScoredPost.from_json(ev.value)
                except Exception:  # noqa: BLE001 - only our own stage writes here; never stall on one record
                    log.error("unreadable record on %s/%s", ev.message.topic, ev.message.partition)
                    metrics.posts_dead_lettered("not_json")
                    continue
                contributions_buffer.partition = state_buffer.partition = partition
                source = None if sp.source is None else str(sp.source)
                for alert in engine.process(sp, partition, source):
                    emitted.append((alert, time.perf_counter()))
            # Alerts first and acknowledged, then the state that produced them: a crash in between
            # recomputes the same alerts (same alert_id, deduplicated at delivery) instead of losing them.
            for alert in alerts:
                await publish_alert(alert)
            for alert, closed_at in emitted:
                await publish_alert(alert)
                metrics.alert_emitted(alert.severity, alert.status)
                metrics.window_close_to_alert(time.perf_counter() - closed_at)
            await send_changelogs()
            for ev in events:
                acks.done(ev)

    # The deliver stage (streams/delivery_stage.py): sends each transition once, and rebuilds the
    # firing alerts to keep re-sending to Alertmanager whenever it is assigned `alerts` partitions.
    async def read_alerts_partition(partition: int) -> list[bytes]:
        messages = await asyncio.get_running_loop().run_in_executor(
            None, filler.read_all, alerts_name, partition, 120.0)
        return [m.value for m in messages]

    async def flush_producer() -> None:
        await app.producer.flush()

    stage = worker.delivery = DeliveryStage(
        worker.destinations, delivered, metrics=metrics, max_backoff_s=settings.delivery_max_backoff_s,
        flush=flush_producer, read_partition=read_alerts_partition)
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

    @app.agent(alerts_topic, name="deliver")
    async def deliver(stream: faust.StreamT) -> None:
        async for event in stream.events():
            for ev in await with_holes_filled([event]):
                await stage.handle(ev.value, ev.message.partition)
                acks.done(ev)

    @app.timer(interval=max(1.0, settings.alertmanager_resend_s / 4))
    async def resend_firing() -> None:
        """Alertmanager resolves alerts that are not re-sent; keep firing ones alive (and finish a
        rebuild of the delivery state a failed read left pending)."""
        await stage.tick()

    @app.timer(interval=2.0)
    async def export_gauges() -> None:
        metrics.window_values(engine.snapshot())
        _count_engine_stats(metrics, worker.counters, engine.stats)
        if worker.newest_event_ms:
            metrics.newest_event(worker.newest_event_ms / 1000.0, time.time())
        _export_consumer_lag(app, metrics)
        _export_watermarks(app, metrics, engine, scored_name_all, sources)

    @app.page("/metrics")
    async def metrics_page(web: Any, request: Any) -> Any:
        body, content_type = metrics.render()
        return web.bytes(body, content_type=content_type.split(";")[0])

    @app.page("/healthz")
    async def health_page(web: Any, request: Any) -> Any:
        return web.json({"status": "ok", "model_version": scorer.version})

    return worker


def json_table(app: faust.App, settings: Settings, name: str) -> Any:
    """A changelog-backed table keyed by str with JSON values, one partition per input partition."""
    return app.Table(name, default=None, partitions=settings.topic_partitions,
                     schema=faust.Schema(key_type=str, key_serializer="raw", value_serializer="json"))


def buffered(*tables: Any) -> tuple[list[ChangelogBuffer], list[tuple[ChangelogBuffer, str]]]:
    """A ChangelogBuffer over each table's in-memory store, and (buffer, changelog topic) pairs for the
    agent that sends what changed once per batch (streams/changelog.py)."""
    buffers = [ChangelogBuffer(_memory_store(t)) for t in tables]
    return buffers, [(b, t.changelog_topic.get_topic_name()) for b, t in zip(buffers, tables)]


def _memory_store(table: Any) -> Any:
    """The dict behind a table with the in-memory store (the worker's only store, see `faust_app`)."""
    store = table.data
    backing = getattr(store, "data", None)
    if not isinstance(backing, dict):
        raise TypeError(f"table {table.name} needs the memory:// store, got {type(store).__name__}")
    return backing


def _log_send_failure(fut: Any) -> None:
    if not fut.cancelled() and fut.exception() is not None:
        log.error("producing a scored post failed: %s", type(fut.exception()).__name__)


SCORING_SLICE = 64  # posts scored between two yields to the event loop (~10 ms of the fast tier)


async def _process_in_slices(processor: PostProcessor, raws: list[bytes]) -> Any:
    """`processor.process(raws)`, one slice at a time, yielding to the loop in between."""
    from streams.pipeline import BatchResult

    if len(raws) <= SCORING_SLICE:
        return processor.process(raws)
    merged = BatchResult()
    for start in range(0, len(raws), SCORING_SLICE):
        part = processor.process(raws[start:start + SCORING_SLICE])
        merged.scored.extend((start + i, sp) for i, sp in part.scored)
        merged.rejected.extend((start + i, r) for i, r in part.rejected)
        merged.scoring_seconds += part.scoring_seconds
        await asyncio.sleep(0)
    return merged


def _all_failed(raws: list[bytes], exc: Exception) -> Any:
    from streams.contract import Rejection
    from streams.pipeline import BatchResult

    return BatchResult(rejected=[(i, Rejection("scoring_failed", type(exc).__name__)) for i in range(len(raws))])


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
            highwater = consumer.highwater(tp)
            position = consumer._committed_offset.get(tp)  # noqa: SLF001 - faust exposes no public getter
            if highwater is not None and position is not None:
                metrics.consumer_lag(tp.topic, tp.partition, max(0, highwater - position - 1))
    except Exception:  # noqa: BLE001 - metrics must never take the worker down
        log.debug("consumer lag unavailable", exc_info=True)


def _package_version() -> str:
    try:
        from importlib.metadata import version

        return version("suhu")
    except Exception:  # noqa: BLE001
        return "0+unknown"
