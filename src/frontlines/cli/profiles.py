"""`frontlines profiles`: the shipped conflict profiles."""
from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from frontlines.cli.app import app

console = Console()


@app.command("profiles")
def profiles_command(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the shipped conflict profiles (use one with `frontlines run … --profile NAME`)."""
    from frontlines.profiles import ProfileError, list_profiles

    try:
        found = list_profiles()
    except ProfileError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        raise typer.Exit(2)
    rows = [{"name": p.name, "title": p.title, "countries": p.countries, "focus": p.focus,
             "period": [str(p.start) if p.start else None, str(p.end) if p.end else None],
             "sides": [s.key for s in p.sides], "sha1": p.sha1, "path": str(p.path)} for p in found]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title="Conflict profiles")
    for column in ("name", "title", "countries", "period", "sides"):
        table.add_column(column)
    for row in rows:
        table.add_row(escape(row["name"]), escape(row["title"]), " ".join(row["countries"]),
                      " to ".join(d or "…" for d in row["period"]), ", ".join(row["sides"]))
    console.print(table)
