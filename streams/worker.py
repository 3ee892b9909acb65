"""`suhu worker`: run one stream worker process (scale out by starting more with the same app id)."""

from __future__ import annotations

import logging

import click

from streams.cli import get_settings
from streams.settings import replace


def run_worker(settings, loglevel: str = "info") -> None:  # type: ignore[no-untyped-def]
    import faust

    from streams.app import create_worker
    from streams.kafka_runtime import ensure_topics

    ensure_topics(settings)
    worker = create_worker(settings)
    logging.getLogger("suhu").info(
        "worker %s: bootstrap=%s model=%s metrics=http://%s:%s/metrics",
        settings.app_id, settings.bootstrap(), worker.scorer.version, settings.web_host, settings.web_port,
    )
    faust.Worker(worker.app, loglevel=loglevel, quiet=True).execute_from_commandline()


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
