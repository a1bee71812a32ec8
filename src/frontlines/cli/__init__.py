"""Command-line interface: a thin shell over the Python API. Each module registers its commands on ``app``."""
from __future__ import annotations

from frontlines.cli.app import app

# Command modules (import order is the order of --help).
from frontlines.cli import corpus  # noqa: E402,F401  run, ingest, export, stats


def main() -> None:
    app()
