"""`frontlines control` and `frontlines report`: who holds what on a day, and the cited situation report."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from frontlines.cli.app import DB_HELP, DEFAULT_DB, app
from frontlines.storage import Store, StoreError

console = Console()


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        console.print(f"[red]{option} must be a date like 2021-08-15, not {escape(repr(value)[:40])}[/red]")
        raise typer.Exit(2)


def _open(db: Path) -> Store:
    if not db.exists():
        console.print(f"[red]No store at {escape(str(db))}[/red] (run `frontlines run … --db {escape(str(db))}` first)")
        raise typer.Exit(2)
    try:
        store = Store(db, read_only=True)
    except StoreError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2)
    if not {"events", "control_intervals", "claims", "places"} <= set(store.tables()):
        store.close()
        console.print(f"[red]{escape(str(db))} is not a frontlines store[/red] (no events table)")
        raise typer.Exit(2)
    return store


@app.command()
def control(
    as_of: str = typer.Option(..., "--as-of", help="The day (YYYY-MM-DD): who held each place then."),
    db: Path = typer.Option(DEFAULT_DB, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Print the control table: each place's status, holder and evidence on a day."""
    from frontlines.control import control_table

    day = _day(as_of, "--as-of")
    with _open(db) as store:
        rows = control_table(store, day)
        evidence = _evidence_labels(store, [i for r in rows for i in r.evidence_event_ids])
        outside = _outside_the_record(store, day)
    if outside:
        Console(stderr=True).print(f"[yellow]{escape(outside)}[/yellow]")
    if as_json:
        typer.echo(json.dumps([{"place_id": r.place_id, "place": r.place, "kind": r.kind, "admin1": r.admin1,
                                "admin2": r.admin2, "status": r.status, "holder": r.holder, "side": r.side,
                                "since": r.since.isoformat() if r.since else None,
                                "evidence_event_ids": r.evidence_event_ids} for r in rows], ensure_ascii=False, indent=1))
        return
    table = Table(title=f"Control as of {day.isoformat()}")
    for column in ("place", "kind", "province", "status", "holder", "since", "evidence"):
        table.add_column(column, no_wrap=column in ("since", "status", "kind"), overflow="fold")
    for r in rows:
        table.add_row(escape(r.place), r.kind, escape(r.admin1 or ""), r.status, escape(r.holder or ""),
                      r.since.isoformat() if r.since else "before",
                      escape("; ".join(evidence.get(i, i) for i in r.evidence_event_ids)))
    console.print(table)
    held = sum(r.kind == "capital" and r.status == "held" and r.side == "taliban" for r in rows)
    console.print(f"{len(rows)} place(s); provincial capitals held by the Taliban: {held}")


def _evidence_labels(store: Store, event_ids: list[str]) -> dict[str, str]:
    """Each evidence event as a reader knows it: its day and its place ("2021-08-08 Kunduz"; `--json` and
    `frontlines explain` have the ids)."""
    if not event_ids:
        return {}
    return {e.event_id_cnty: f"{e.event_date.isoformat() if e.event_date else 'undated'} {e.location or '?'}"
            for e in store.events(ids=sorted(set(event_ids)))}


def _outside_the_record(store: Store, day: date) -> str | None:
    """A warning when ``day`` lies outside the dates the store covers (events and control), else None."""
    from frontlines.storage.web import control_date_range, event_date_range

    known = [d for d in (*event_date_range(store), *control_date_range(store)) if d]
    if not known:
        return "the store holds no dated events or control record yet"
    first, last = min(known), max(known)
    if day < first:
        return f"{day} is before anything on record: the store covers {first} to {last}"
    if day > last:
        return f"{day} is after the last thing on record: the store covers {first} to {last}"
    return None


@app.command()
def report(
    as_of: str = typer.Option(..., "--as-of", help="The day of the report (YYYY-MM-DD)."),
    out: Path = typer.Option(..., "--out", help="Folder for report.md, report.html (report.pdf), map and chart files."),
    since: Optional[str] = typer.Option(None, "--since", help="Report changes and events after this day (default: the day before)."),
    db: Path = typer.Option(DEFAULT_DB, "--db", help=DB_HELP),
) -> None:
    """Write the cited situation report (Markdown, HTML, and PDF when WeasyPrint is installed)."""
    from frontlines.report.situation import write_report

    day = _day(as_of, "--as-of")
    start = _day(since, "--since") if since else None
    if start is not None and start >= day:
        console.print("[red]--since must be before --as-of[/red]")
        raise typer.Exit(2)
    with _open(db) as store:
        written = write_report(store, day, out, since=start)
    for name, path in written.items():
        console.print(f"{name}: {escape(str(path))}")
