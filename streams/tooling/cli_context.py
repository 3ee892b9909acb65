"""What every `suhu` subcommand shares: the settings of this invocation, loaded once.

Apart from streams/cli.py (the root group) so that command modules never import the CLI root:
the root imports commands lazily by name, and nothing imports the root (issue 12).
"""

from __future__ import annotations

import click

from streams.core.settings import ConfigError

__all__ = ["get_settings"]


def get_settings(ctx: click.Context):  # type: ignore[no-untyped-def]
    """Load and validate settings once per invocation; a bad value is a one-line error, not a trace."""
    from streams.core.settings import load_settings

    root = ctx.find_root()
    root.ensure_object(dict)
    if "settings" not in root.obj:
        try:
            root.obj["settings"] = load_settings(root.obj.get("config_file"))
        except ConfigError as exc:
            raise click.ClickException(f"configuration error: {exc}") from None
    return root.obj["settings"]
