"""`frontlines places import`, `geocode`, `geoparse`: the gazetteer from the command line."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from frontlines.cli.app import DB_HELP, DEFAULT_DB, app
from frontlines.storage import Store, StoreError

console = Console()
places_app = typer.Typer(help="The gazetteer: import boundary files (geoBoundaries, OCHA COD-AB).", no_args_is_help=True)
app.add_typer(places_app, name="places")


def _store(db: Path, must_exist: bool) -> Store | None:
    if not db.exists() and not must_exist:
        return None
    try:
        return Store(db, read_only=not must_exist)
    except StoreError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2)


@places_app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="A geoBoundaries GeoJSON/TopoJSON or OCHA COD-AB GeoJSON file, or a "
                                          "GeoNames dump (a country's XX.txt or XX.zip)."),
    db: Optional[Path] = typer.Option(None, "--db", help="The store to import into. Default: frontlines.duckdb in "
                                                       "the current folder, which must exist (an explicit --db is created)."),
) -> None:
    """Import districts (or provinces) with their polygons, points getting their admin1/admin2; or a GeoNames
    dump's villages, quarters, valleys, rivers, airports and bases."""
    from frontlines.understand.places.boundaries import BoundaryError, import_boundaries
    from frontlines.understand.places.geonames_dump import DumpError, import_geonames, is_geonames_dump

    if db is None and not DEFAULT_DB.exists():
        console.print(f"[red]No store at {escape(str(DEFAULT_DB))} in this folder[/red]: give --db FILE, the store to "
                      "import into (a new file is created when you name it)")
        raise typer.Exit(2)
    db = db or DEFAULT_DB
    if not db.exists():
        console.print(f"creating a new store at {escape(str(db))}")
    store = _store(db, must_exist=True)
    try:
        if is_geonames_dump(file):
            from frontlines.understand.places.component import load_gazetteer

            summary = import_geonames(file, store, load_gazetteer())
            console.print(f"Imported {summary['imported']:,} places from {escape(summary['file'])} (GeoNames dump, "
                          f"{', '.join(summary['countries'])}; {summary['rows']:,} rows, {summary['already']:,} already "
                          f"in the gazetteer, {summary['skipped']:,} of kinds not imported or unreadable) into "
                          f"{escape(str(db))}.")
            return
        summary = import_boundaries(file, store)
    except (BoundaryError, DumpError) as exc:
        console.print(f"[red]Cannot import:[/red] {escape(str(exc))}")
        raise typer.Exit(2)
    finally:
        store.close()
    console.print(f"Imported {summary['imported']} {summary['level']} areas from {escape(summary['file'])} "
                  f"({summary['schema']} {summary['format']}; {summary['skipped']} skipped); "
                  f"{summary['points_assigned']} places given their district; store {escape(str(db))}.")


@app.command()
def geocode(
    name: str = typer.Argument(..., help="A place name, as written (garbled spellings welcome)."),
    country: Optional[str] = typer.Option(None, "--country", help="ISO 3166-1 alpha-2 focus, e.g. AF."),
    context: Optional[str] = typer.Option(None, "--context", help="Surrounding text: cues ('province') and nearby places."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    limit: int = typer.Option(10, "--limit", min=1, help="How many candidates."),
    db: Path = typer.Option(DEFAULT_DB, "--db", help=DB_HELP),
) -> None:
    """Ranked places a name may refer to."""
    from frontlines.understand.places import geocode as run_geocode

    store = _store(db, must_exist=False)
    try:
        found = run_geocode(name, country=country.upper() if country else None, context=context, store=store)[:limit]
    finally:
        if store is not None:
            store.close()
    if as_json:
        print(json.dumps([{**asdict(c.place), "score": c.score, "reason": c.reason} for c in found], ensure_ascii=False))
        return
    if not found:
        console.print(f"No place found for {escape(name)!r}.")
        raise typer.Exit(1)
    table = Table("name", "lat", "lon", "country", "admin1", "admin2", "kind", "score")
    for c in found:
        p = c.place
        table.add_row(*(escape(str(v)) if v is not None else "" for v in (
            p.name, _coord(p.lat), _coord(p.lon), p.country, p.admin1, p.admin2, p.kind, f"{c.score:.3f}")))
    console.print(table)
    console.print(f"Best: {escape(found[0].place.id)} ({escape(found[0].reason)})")


@app.command()
def geoparse(
    file: Path = typer.Argument(..., help="A text file (or any file `frontlines ingest` reads)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    country: str = typer.Option("", "--country", help="Country focus for ambiguous and garbled names (ISO alpha-2, e.g. AF; none by default)."),
    db: Path = typer.Option(DEFAULT_DB, "--db", help=DB_HELP),
) -> None:
    """List the toponyms of an article with character offsets and their resolution."""
    from frontlines.understand.places import Geoparser
    from frontlines.understand.places.component import load_gazetteer

    articles = _read(file)
    store = _store(db, must_exist=False)
    try:
        parser = Geoparser(load_gazetteer(store), country_focus=country.upper() or None)
    finally:
        if store is not None:
            store.close()
    nlp = _model()
    rows: list[dict[str, Any]] = []
    for article in articles:
        from frontlines.understand.sentences import split_sentences
        article.sentences = split_sentences(article.text)
        article.doc = nlp(article.text) if nlp is not None else None
        for m in parser.parse(article):
            p = m.place
            rows.append({"article": article.id, "start": m.start, "end": m.end, "sentence": m.sentence, "text": m.text,
                         "place_id": p.id if p else None, "name": p.name if p else None, "kind": p.kind if p else None,
                         "country": p.country if p else None, "admin1": p.admin1 if p else None,
                         "admin2": p.admin2 if p else None, "lat": p.lat if p else None, "lon": p.lon if p else None,
                         "geo_precision": m.geo_precision, "score": m.score, "reason": m.reason})
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("start", "end", "text", "place", "kind", "admin1", "lat", "lon", "prec", "score")
    for r in rows:
        table.add_row(*(escape(str(v)) if v is not None else "" for v in (
            r["start"], r["end"], r["text"], r["name"] or "(unresolved)", r["kind"], r["admin1"],
            _coord(r["lat"]), _coord(r["lon"]), r["geo_precision"], f"{r['score']:.2f}")))
    console.print(table)
    console.print(f"{len(rows)} toponyms in {len(articles)} article(s).")


def _read(file: Path) -> list:
    from frontlines.model import Article
    try:
        from frontlines.ingest import IngestError, read_path
        from frontlines.pipeline import load_config
    except ImportError:
        read_path = None
    if read_path is not None:
        try:
            articles, warnings = read_path(file, load_config())
        except IngestError as exc:
            console.print(f"[red]Cannot read {escape(str(file))}:[/red] {escape(exc.reason)}")
            raise typer.Exit(2)
        except OSError as exc:
            console.print(f"[red]Cannot read {escape(str(file))}:[/red] {escape(exc.strerror or str(exc))}")
            raise typer.Exit(2)
        for warning in warnings:
            console.print(f"[yellow]{escape(str(warning))}[/yellow]")
        if not articles:
            console.print(f"[red]No article text in {escape(str(file))}.[/red]")
            raise typer.Exit(2)
        return articles
    try:
        return [Article(id=file.stem, text=file.read_text(encoding="utf-8"))]
    except (OSError, UnicodeDecodeError) as exc:
        console.print(f"[red]Cannot read {escape(str(file))}:[/red] {escape(str(exc))}")
        raise typer.Exit(2)


def _model() -> Any:
    from frontlines.understand.language import ModelError, load_model
    try:
        return load_model()
    except ModelError as exc:
        console.print(f"[yellow]{escape(str(exc))}; matching names without NER.[/yellow]")
        return None


def _coord(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"
