"""`frontlines profiles`: the shipped conflict profiles; `frontlines profile new`: a starter profile of your own."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

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
    from frontlines.control.tracked import tracked_places

    rows = [{"name": p.name, "title": p.title, "countries": p.countries, "focus": p.focus,
             "period": [str(p.start) if p.start else None, str(p.end) if p.end else None],
             "sides": [s.key for s in p.sides], "tracked_label": p.tracked_label,
             "tracked": len(tracked_places(p.countries, p.tracked)), "sha1": p.sha1, "path": str(p.path)}
            for p in found]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title="Conflict profiles")
    for column in ("name", "title", "countries", "period", "sides", "tracked places"):
        table.add_column(column)
    for row in rows:
        table.add_row(escape(row["name"]), escape(row["title"]), " ".join(row["countries"]),
                      " to ".join(d or "…" for d in row["period"]), ", ".join(row["sides"]),
                      escape(f"{row['tracked']} {row['tracked_label']}"))
    console.print(table)


profile_app = typer.Typer(help="Make a conflict profile of your own.", no_args_is_help=True)
app.add_typer(profile_app, name="profile")


@profile_app.command("new")
def profile_new(
    name: str = typer.Argument(..., help="The profile's name: lower-case letters, digits and dashes (sudan-2025)."),
    country: list[str] = typer.Option(..., "--country", help="ISO alpha-2 code of a country of the conflict (repeat for several)."),
    out: Optional[Path] = typer.Option(None, "--out", help="The folder to write profile.yaml into. Default: ./profiles/NAME."),
) -> None:
    """Write a starter profile from the gazetteer (tracked places) and the actor lists (state forces by date, the
    country's armed groups); run with `frontlines run … --profile FOLDER` after editing it."""
    from frontlines.profile_starter import NAME, starter_profile
    from frontlines.profiles import PROFILES_DIR, ProfileError, load_profile
    from frontlines.understand.countries import load_countries

    def fail(message: str) -> None:
        console.print(f"[red]{escape(message)}[/red]", soft_wrap=True)
        raise typer.Exit(2)

    if not NAME.match(name):
        fail(f"NAME: {name!r} is not a profile name (lower-case letters, digits and dashes, like sudan-2025)")
    countries = [c.strip().upper() for c in country]
    unknown = [c for c in countries if c not in load_countries()]
    if unknown:
        fail(f"--country: {unknown[0]!r} is not an ISO alpha-2 country code (SD, MM, CD, …)")
    folder = (out or Path("profiles") / name).resolve()
    if folder == PROFILES_DIR.resolve() or PROFILES_DIR.resolve() in folder.parents:
        fail(f"--out: {folder} is inside the installed package; write your profile elsewhere (default ./profiles/NAME)")
    target = folder / "profile.yaml"
    if target.exists():
        fail(f"{target} exists already: edit it, or give another --out")
    text = starter_profile(name, list(dict.fromkeys(countries)))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"--out: cannot write {target}: {exc.strerror or exc}")
    try:
        profile = load_profile(folder)
    except ProfileError as exc:   # the starter must load; say so plainly if it does not
        fail(f"the starter profile does not load: {exc}")
    console.print(f"wrote {escape(str(target))}: {len(profile.sides)} side(s), "
                  f"{len(profile.tracked)} tracked place(s) in {', '.join(profile.countries)}")
    console.print(f"edit it, then: frontlines run NEWS… --out out/{escape(name)} --profile {escape(str(folder))}")
