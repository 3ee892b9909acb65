"""`suhu thresholds check FILE` and `suhu backtest FILE`: thin shells over the pure core."""

from __future__ import annotations

import sys
from collections import Counter

import click

from streams.tooling.cli_context import get_settings


@click.group("thresholds")
def thresholds_group() -> None:
    """Validate and explain a thresholds file."""


@thresholds_group.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.pass_context
def check_command(ctx: click.Context, file: str | None) -> None:
    """Validate FILE (default: the configured or packaged thresholds) and say what it means."""
    from streams.core.calendar import CalendarError
    from streams.core.thresholds import ThresholdsError, explain, load_thresholds

    if file is None:
        file = get_settings(ctx).thresholds_file
    try:
        thresholds = load_thresholds(file)
    except (ThresholdsError, CalendarError) as exc:
        click.echo(f"invalid thresholds: {exc}", err=True)
        sys.exit(2)
    click.echo(explain(thresholds))
    click.echo("\nOK: the file is valid.")


@click.command("backtest")
@click.argument("file", type=click.File("rb"))
@click.option("--flush", is_flag=True, help="At end of input, close open windows (the live pipeline never does).")
@click.option("--partitions", type=int, default=None,
              help="Partitions of posts-scored to simulate (default: the topic_partitions setting).")
@click.option("--claims", "claims_file", type=click.Path(dir_okay=False, exists=True),
              help="Debunked-claims catalogue (CSV or JSONL): match posts and add the claim-spread alerts.")
@click.pass_context
def backtest_command(ctx: click.Context, file, flush: bool, partitions: int | None,  # type: ignore[no-untyped-def]
                     claims_file: str | None) -> None:
    """Replay FILE (JSONL of posts or scored posts; - for stdin) and print the alerts as JSONL.

    Posts are fed in event-time order (created_at, file order among equal times), the arrival order
    of a perfectly ordered input; the live pipeline gives the same alerts for any arrival order
    within the watermark rule (docs/RELIABILITY.md, "Event time and watermarks").
    """
    from streams.tooling.backtest import run_backtest
    from streams.core.thresholds import ThresholdsError

    settings = get_settings(ctx)
    stats: Counter[str] = Counter()
    try:
        index = None
        if claims_file:
            from streams.tooling.commands_claims import index_from_file

            index = index_from_file(claims_file)
        alerts = run_backtest(file, settings, partitions=partitions, flush=flush, stats=stats, claims=index)
    except ThresholdsError as exc:
        raise click.ClickException(f"invalid thresholds: {exc}") from None
    out = sys.stdout.buffer
    for alert in alerts:
        out.write(alert.to_json() + b"\n")
    out.flush()
    firing = sum(a.status == "firing" for a in alerts)
    summary = ", ".join(f"{k}={v}" for k, v in sorted(stats.items()))
    click.echo(f"backtest: {len(alerts)} alerts ({firing} firing, {len(alerts) - firing} resolved); {summary}",
               err=True)
