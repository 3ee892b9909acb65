"""The `suhu` command. Subcommands live next to the code they drive and are imported lazily,
so `suhu --help` stays fast and a broken optional dependency breaks only its own command."""

from __future__ import annotations

import importlib
import sys

import click

from streams.core.settings import ConfigError

# name -> ("module:attribute" of a click command or group, one-line help for `suhu --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "kafka": ("streams.tooling.kafka_runtime:kafka_group", "Run the local single-node Kafka (up | down | status)."),
    "topics": ("streams.tooling.kafka_runtime:topics_group", "Create suhu's topics with their retention."),
    "worker": ("streams.tooling.worker:worker_command", "Run a stream worker (validate, score, aggregate, alert, deliver)."),
    "demo": ("streams.tooling.demo:demo_command", "Local demo: Kafka, a worker and a synthetic stream with an incident."),
    "produce": ("streams.tooling.producer:produce_command", "Send JSONL or CSV posts to the posts topic."),
    "generate": ("streams.tooling.generator:generate_command", "Write a synthetic Indonesian election stream (JSONL)."),
    "score": ("models.offline.commands:score_command", "Score JSONL posts offline with the shipped models."),
    "train": ("models.offline.commands:train_command", "Train the scoring models from a labelled CSV."),
    "evaluate": ("models.offline.commands:evaluate_command", "Precision, recall, F1, ROC AUC per label on a labelled CSV."),
    "thresholds": ("streams.tooling.commands_alerting:thresholds_group", "Validate and explain a thresholds file."),
    "backtest": ("streams.tooling.commands_alerting:backtest_command", "Replay posts offline and print the alert timeline."),
    "config": ("streams.tooling.commands_misc:config_command", "Print the effective settings (secrets masked)."),
    "regions": ("streams.tooling.commands_regions:regions_group", "Explain how a post's region is inferred."),
    "claims": ("streams.tooling.commands_claims:claims_group", "Debunked-claims catalogue: load, list, match."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target[0].split(":")
        module = importlib.import_module(module_name)
        cmd: click.Command = getattr(module, attr)
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][1]) for name in sorted(COMMANDS)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_file", envvar="SUHU_CONFIG", type=click.Path(dir_okay=False),
              help="YAML settings file (also SUHU_CONFIG); SUHU_* environment variables override it.")
@click.pass_context
def cli(ctx: click.Context, config_file: str | None) -> None:
    """suhu: political temperature of Indonesian public discourse, region by region."""
    ctx.ensure_object(dict)
    ctx.obj["config_file"] = config_file


def main() -> None:
    try:
        cli(obj={})
    except ConfigError as exc:
        click.echo(f"suhu: configuration error: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
