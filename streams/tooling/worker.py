"""`suhu worker`: run one stream worker process (scale out by starting more with the same app id)."""

from __future__ import annotations

import logging

import click

from streams.tooling.cli_context import get_settings
from streams.core.settings import replace


def run_worker(settings, loglevel: str = "info") -> None:  # type: ignore[no-untyped-def]
    import faust

    from streams.runtime.app import create_worker
    from streams.tooling.kafka_runtime import ensure_topics

    ensure_topics(settings)
    worker = create_worker(settings)
    _ensure_changelogs(settings, worker.app)
    logging.getLogger("suhu").info(
        "worker %s: bootstrap=%s model=%s metrics=http://%s:%s/metrics",
        settings.app_id, settings.bootstrap(), worker.scorer.version, settings.web_host, settings.web_port,
    )
    runner = faust.Worker(worker.app, loglevel=loglevel, quiet=True)
    # At --loglevel warning or above Faust's terminal spinner sets the root logger to DEBUG, so every
    # aiokafka debug call on the per-message path built a LogRecord (py-spy: ~3% of the worker's CPU).
    runner.spinner = None
    runner.execute_from_commandline()


def _ensure_changelogs(settings, app) -> None:  # type: ignore[no-untyped-def]
    """Create the tables' changelog topics before the consumer joins its group.

    Left to Faust, they are created at start-up just before the group join; a join whose metadata
    does not list a new changelog yet ignores it for good ("Ignoring missing topic"), and the first
    write to that table then crashes its agent in a loop with PartitionsMismatch (seen in the pager
    outage fault test: the `delivered` table, first written minutes after start).
    """
    from kafka.admin import KafkaAdminClient

    names = {t.changelog_topic.get_topic_name() for t in app.tables.values()}
    admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap(), client_id=f"{settings.app_id}-changelogs",
                             **settings.kafka_python_security())
    try:
        missing = sorted(names - set(admin.list_topics()))
        if missing:
            admin.create_topics({n: {"num_partitions": settings.topic_partitions,
                                     "replication_factor": settings.topic_replication_factor,
                                     "configs": {"cleanup.policy": "compact"}} for n in missing},
                                timeout_ms=30_000, raise_errors=False)
            admin.wait_for_topics(missing, timeout_ms=30_000)
    finally:
        admin.close()


@click.command("worker")
@click.option("--web-port", type=int, default=None, help="Port of /metrics and /healthz (default SUHU_WEB_PORT).")
@click.option("--loglevel", default="info", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"]))
@click.pass_context
def worker_command(ctx: click.Context, web_port: int | None, loglevel: str) -> None:
    """Run a stream worker: validate, score, aggregate per region, alert, deliver."""
    settings = get_settings(ctx)
    if web_port is not None:
        settings = replace(settings, web_port=web_port)
    run_worker(settings, loglevel)
