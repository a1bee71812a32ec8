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


PROFILE_HELP = "The conflict to show: a profile's name or folder (default: the profile of the store's latest run)."
COUNTRY_HELP = "Only this country (ISO alpha-2, e.g. SD; repeat for several): a store of several conflicts, apart."


def _rules(store: Store, profile: Optional[str], countries: Optional[list[str]]):
    """The control rules to report with: ``--profile``'s, else the store's profile's, else the generic ones;
    ``--country`` narrows them to those countries."""
    from frontlines.control import rules_for
    from frontlines.profiles import ProfileError, load_profile, store_profile
    from frontlines.understand.countries import load_countries

    try:
        chosen = load_profile(profile) if profile else store_profile(store)
    except ProfileError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        raise typer.Exit(2)
    rules = rules_for(chosen)
    if countries:
        wanted = [c.strip().upper() for c in countries]
        unknown = [c for c in wanted if c not in load_countries()]
        if unknown:
            console.print(f"[red]--country: {escape(unknown[0])} is not an ISO alpha-2 country code[/red]")
            raise typer.Exit(2)
        rules.countries = wanted
    return rules


@app.command()
def control(
    as_of: str = typer.Option(..., "--as-of", help="The day (YYYY-MM-DD): who held each place then."),
    db: Path = typer.Option(DEFAULT_DB, "--db", help=DB_HELP),
    profile: Optional[str] = typer.Option(None, "--profile", help=PROFILE_HELP),
    country: Optional[list[str]] = typer.Option(None, "--country", help=COUNTRY_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Print the control table: each place's status, holder and evidence on a day, and the tracked places held
    per side ("N of M")."""
    from frontlines.control import capitals, control_table, in_conflict
    from frontlines.control.tracked import countries_of

    day = _day(as_of, "--as-of")
    with _open(db) as store:
        rules = _rules(store, profile, country)
        rows = control_table(store, day, rules)
        countries = rules.countries or countries_of(in_conflict(store.events(as_of=day), rules))
        total = len(capitals(store, rules, countries)) if countries or rules.tracked else 0
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
    for column in ("place", "kind", "area", "status", "holder", "since", "evidence"):
        table.add_column(column, no_wrap=column in ("since", "status", "kind"), overflow="fold")
    for r in rows:
        table.add_row(escape(r.place), r.kind, escape(r.admin1 or ""), r.status, escape(r.holder or ""),
                      r.since.isoformat() if r.since else "before",
                      escape("; ".join(evidence.get(i, i) for i in r.evidence_event_ids)))
    console.print(table)
    console.print(f"{len(rows)} place(s); {escape(_tracked_summary(rows, rules, total))}")


def _tracked_summary(rows: list, rules, total: int) -> str:
    """"of the 34 provincial capitals: 18 held by the Taliban, 2 contested" (each side, or each holder)."""
    held: dict[str, int] = {}
    for r in rows:
        if r.kind == "capital" and r.status == "held":
            who = rules.side_name(r.side) if r.side else (r.holder or "an unknown actor")
            held[who] = held.get(who, 0) + 1
    contested = sum(r.kind == "capital" and r.status == "contested" for r in rows)
    parts = [f"{n} held by {who}" for who, n in sorted(held.items(), key=lambda kv: (-kv[1], kv[0]))]
    parts += [f"{contested} contested"] if contested else []
    of = f"of the {total} {rules.tracked_label}" if total else f"{rules.tracked_label}"
    return f"{of}: {', '.join(parts) if parts else 'none with a record'}"


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
    profile: Optional[str] = typer.Option(None, "--profile", help=PROFILE_HELP),
    country: Optional[list[str]] = typer.Option(None, "--country", help=COUNTRY_HELP),
) -> None:
    """Write the cited situation report (Markdown, HTML, and PDF when WeasyPrint is installed)."""
    from frontlines.report.situation import write_report

    day = _day(as_of, "--as-of")
    start = _day(since, "--since") if since else None
    if start is not None and start >= day:
        console.print("[red]--since must be before --as-of[/red]")
        raise typer.Exit(2)
    with _open(db) as store:
        written = write_report(store, day, out, since=start, rules=_rules(store, profile, country))
    for name, path in written.items():
        console.print(f"{name}: {escape(str(path))}")
