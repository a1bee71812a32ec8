"""The typer application every command module registers on."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer


class _App(typer.Typer):
    """The application: an error meant for the user (marked ``one_line``, such as a gazetteer index that cannot
    be built or read) ends any command with its message in one line and exit status 2, never a traceback."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - re-raised unless it is one of ours
            if not getattr(exc, "one_line", False):
                raise
            print(f"frontlines: {exc}", file=sys.stderr)
            raise SystemExit(2) from None


app = _App(help="frontlines: conflict news in; sourced, geolocated events, control and a cited report out.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

DB_HELP = "The store (a DuckDB file). Default: frontlines.duckdb in the current folder."
DEFAULT_DB = Path("frontlines.duckdb")

