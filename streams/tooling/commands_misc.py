"""Small commands that belong to no single area."""

from __future__ import annotations

import json

import click

from streams.tooling.cli_context import get_settings


@click.command("config")
@click.pass_context
def config_command(ctx: click.Context) -> None:
    """Print the effective, validated settings (secrets masked)."""
    click.echo(json.dumps(get_settings(ctx).as_safe_dict(), indent=2, default=str))
