"""Command-line interface: a thin shell over the Python API. Each module registers its commands on ``app``."""
from __future__ import annotations

from frontlines.cli.app import app

# Command modules (import order is the order of --help).
from frontlines.cli import corpus  # noqa: E402,F401  run, ingest, export, stats
from frontlines.cli import explain  # noqa: E402,F401  explain
from frontlines.cli import control  # noqa: E402,F401  control, report
from frontlines.cli import evaluate  # noqa: E402,F401  eval
from frontlines.cli import serve  # noqa: E402,F401  serve
from frontlines.cli import watch  # noqa: E402,F401  watch
from frontlines.cli import places  # noqa: E402,F401  places import, geocode, geoparse
from frontlines.cli import profiles  # noqa: E402,F401  profiles


def main() -> None:
    app()
