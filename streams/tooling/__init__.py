"""Tooling around the system: the `suhu` subcommands, the local Kafka, the producer, the synthetic
generator, the demo, the offline backtest driver and evaluation helpers.

The root of the command, streams/cli.py, stays at the top of the package (`suhu = streams.cli:main`,
`python -m streams.cli`) and is imported by nothing.
"""
