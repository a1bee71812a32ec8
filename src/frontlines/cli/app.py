"""The typer application every command module registers on."""
from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="frontlines: conflict news in; sourced, geolocated events, control and a cited report out.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

DB_HELP = "The store (a DuckDB file). Default: frontlines.duckdb in the current folder."
DEFAULT_DB = Path("frontlines.duckdb")

