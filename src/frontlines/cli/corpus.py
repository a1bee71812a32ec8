"""`frontlines run`, `ingest`, `export`, `stats`: the corpus commands."""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.text import Text
from rich.table import Table

from frontlines.cli.app import DB_HELP, DEFAULT_DB, app
from frontlines.pipeline import load_config
from frontlines.storage import Store, StoreError

console = Console(stderr=False)
WARNINGS_SHOWN = 10   # per-line warnings printed at the end of a run; --json has them all


class Engine(str, Enum):
    local = "local"
    ray = "ray"


class ExportFormat(str, Enum):
    csv = "csv"
    parquet = "parquet"
    geojson = "geojson"


def _config(config: Optional[Path], max_bytes: Optional[int], profile: Optional[str] = None,
            force_profile: bool = False) -> dict[str, Any]:
    from frontlines.profiles import ProfileError, load_profile

    overrides: dict[str, Any] = {}
    if max_bytes is not None:
        overrides["ingest"] = {"max_bytes": max_bytes}
    if force_profile:
        overrides["run"] = {"force_profile": True}
    try:
        return load_config(config, overrides, profile=load_profile(profile) if profile else None)
    except ProfileError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        raise typer.Exit(2)


def _open_store(db: Path, read_only: bool = False) -> Store:
    if read_only and not db.exists():
        console.print(f"[red]No store at {escape(str(db))}[/red] (run `frontlines run … --db {escape(str(db))}` first)")
        raise typer.Exit(2)
    try:
        return Store(db, read_only=read_only)
    except StoreError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        raise typer.Exit(2)


@app.command()
def run(
    inputs: list[Path] = typer.Argument(..., help="Files or folders: .txt .html .jsonl .json .rss .atom .xml"),
    out: Path = typer.Option(..., "--out", help="Folder for the outputs (events.csv, events.geojson, claims.csv, control.csv, parquet/)."),
    db: Optional[Path] = typer.Option(None, "--db", help="The store. Default: OUT/frontlines.duckdb."),
    config: Optional[Path] = typer.Option(None, "--config", help="A pipeline config (TOML) instead of the default."),
    profile: Optional[str] = typer.Option(None, "--profile", help="A conflict profile: a shipped one's name (`frontlines profiles`) or a folder."),
    force_profile: bool = typer.Option(False, "--force-profile", help="Run into a store made under another profile (or none) all the same."),
    workers: int = typer.Option(1, "--workers", min=1, help="Processes for the per-article stages."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local, or ray for corpora beyond one machine."),
    address: Optional[str] = typer.Option(None, "--address", help="Ray cluster address (with --engine ray)."),
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", help="Skip input files larger than this."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Run every stage over INPUTS and write the outputs to OUT. Running it again on the same input changes nothing."""
    from frontlines.profiles import ProfileError
    from frontlines.run import nothing_read, run_corpus

    try:
        with _progress(enabled=not as_json) as report:
            summary = run_corpus(inputs, out, db, _config(config, max_bytes, profile, force_profile), workers=workers, engine=engine.value,
                                 address=address, progress=report)
    except (StoreError, ProfileError) as exc:   # another writer holds the store; it was made under another profile
        console.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        raise typer.Exit(2)
    if as_json:
        print(json.dumps(summary, indent=2, default=str))
    else:
        print_summary(summary)
    if nothing_read(summary):
        raise typer.Exit(1)


@app.command()
def ingest(
    inputs: list[Path] = typer.Argument(..., help="Files or folders to read."),
    db: Path = typer.Option(DEFAULT_DB, "--db", help=DB_HELP),
    config: Optional[Path] = typer.Option(None, "--config", help="A pipeline config (TOML)."),
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", help="Skip input files larger than this."),
) -> None:
    """Read articles into the store (no analysis); group near-duplicates."""
    from frontlines.ingest import ingest_paths
    from frontlines.ingest.duplicates import group_duplicates_stage
    from frontlines.pipeline import PipelineContext
    from frontlines.run import new_run_id

    cfg = _config(config, max_bytes)
    with _open_store(db) as store:
        report = ingest_paths(inputs, store, cfg, new_run_id())
        groups = group_duplicates_stage(store, PipelineContext(cfg, store))
        _print_files(report.files)
        print_warnings(report.warnings)
        console.print(f"{len(report.new_ids)} new article(s); {store.count('articles')} in the store; duplicates: {groups}")
        if not any(f.status in ("read", "unchanged") for f in report.files) and report.files:
            raise typer.Exit(1)


@app.command()
def export(
    format: ExportFormat = typer.Option(ExportFormat.csv, "--format", help="csv (events, claims, control), parquet (every table) or geojson (events)."),
    out: Path = typer.Option(Path("."), "--out", help="Folder to write into. Default: the current folder (the command says so)."),
    db: Path = typer.Option(DEFAULT_DB, "--db", help=DB_HELP),
) -> None:
    """Export the store in the formats analysts use."""
    from frontlines.control import write_control_csv
    from frontlines.report import exports

    out.mkdir(parents=True, exist_ok=True)
    with _open_store(db, read_only=True) as store:
        if format is ExportFormat.parquet:
            written = store.export_parquet(out / "parquet")
        elif format is ExportFormat.geojson:
            written = [exports.write_events_geojson(store, out / "events.geojson")]
        else:
            written = [exports.write_events_csv(store, out / "events.csv"), exports.write_claims_csv(store, out / "claims.csv")]
            write_control_csv(store, out / "control.csv")
            written.append(out / "control.csv")
    console.print(f"wrote {len(written)} file(s) into {escape(str(out.resolve()))}:")
    for path in written:
        console.print(escape(str(path)))
        if str(path).endswith(".geojson"):
            from frontlines.report.exports import geojson_left_out

            missing = geojson_left_out(path)
            if missing:
                console.print(f"  {missing} event(s) without coordinates left out of {escape(path.name)} "
                              "(they are in events.csv)")


@app.command()
def stats(
    db: Path = typer.Option(DEFAULT_DB, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """What the store holds: rows per table and the schema version."""
    with _open_store(db, read_only=True) as store:
        data = {"db": str(db), "schema_version": store.schema_version(), "tables": store.counts(),
                "undated_articles": store.undated_articles()}
    if as_json:
        print(json.dumps(data, indent=2))
        return
    table = Table(title=f"frontlines store {escape(str(db))} (schema v{data['schema_version']})")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in data["tables"].items():
        table.add_row(name, str(rows))
    console.print(table)


@app.command()
def failures(
    db: Path = typer.Option(DEFAULT_DB, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Articles a per-article stage failed on: which stage, why, and from which file. They are tried again when
    their text or the frontlines version changes."""
    with _open_store(db, read_only=True) as store:
        rows = store.failures()
    if as_json:
        print(json.dumps(rows, indent=2, default=str))
        return
    if not rows:
        console.print("no failed articles")
        return
    table = Table(title=f"{len(rows)} failed article(s) in {escape(str(db))}")
    for column in ("article", "stage", "reason", "file", "when", "version"):
        table.add_column(column)
    for row in rows:
        table.add_row(escape(row["article_id"]), escape(row["stage"] or ""), escape(row["reason"] or ""),
                      escape(row["source_path"] or ""), str(row["failed_at"])[:19], escape(row["code_version"] or ""))
    console.print(table)


def print_summary(summary: dict[str, Any]) -> None:
    """The one-screen end-of-run summary."""
    files = summary["files"]
    table = Table(title="frontlines run", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    rows = [
        ("files read", files.get("read", 0)), ("files unchanged since last run", files.get("unchanged", 0)),
        ("files skipped or failed", files.get("skipped", 0) + files.get("error", 0)),
        ("new articles", summary["articles_added"]),
        ("exact duplicates skipped (same text already read)", summary.get("exact_duplicates_skipped", 0)),
        ("articles in the store", summary["articles_total"]),
        ("articles without a publication date", summary["undated_articles"]),
        ("articles analysed this run", summary["articles_processed"]),
        ("articles failed this run (frontlines failures)", len(summary.get("articles_failed", []))),
        ("duplicate groups", summary["duplicate_groups"].get("groups", "-")),
        ("event mentions", summary["event_mentions"]), ("events (fused)", summary["events"]),
        ("claims", summary["claims"]), ("control intervals", summary["control_intervals"]),
    ]
    if summary.get("run_time_s") is not None:
        rows.append(("run time", _seconds(summary["run_time_s"])))
    for name, value in rows:
        table.add_row(name, str(value))
    console.print(table)
    stages = summary.get("stage_timings_s") or {}
    if stages:
        console.print("time by stage: " + ", ".join(f"{escape(k)} {_seconds(v)}" for k, v in stages.items()))
    for failure in summary["failures"]:
        console.print(f"  [yellow]{failure['status']}[/yellow] {escape(failure['path'])}: {escape(failure['reason'])}")
    print_warnings(summary.get("warnings", []))
    print_failed_articles(summary.get("articles_failed", []))
    matching = summary.get("matching_profiles") or []
    if matching:   # a run with the generic rules: the shipped profiles of the countries and days it found
        names = ", ".join(f"{escape(m['name'])} ({m['events']} event{'s' if m['events'] != 1 else ''})"
                          for m in matching[:5])
        console.print(f"shipped profiles of these events' countries and dates: {names}; a profile adds sides and "
                      f"tracked places (`--profile NAME` into a new --db, docs/profiles.md)", soft_wrap=True)
    console.print(f"outputs in [bold]{escape(summary['out_dir'])}[/bold]; store {escape(summary['db'])}")


def print_warnings(warnings: list[dict[str, str]]) -> None:
    """How many parts of the input were dropped or repaired, and the first few (``--json`` lists them all)."""
    if not warnings:
        return
    console.print(f"{len(warnings)} warning(s) about parts of files (dropped lines, repaired fields):")
    for item in warnings[:WARNINGS_SHOWN]:
        console.print(f"  [yellow]warning[/yellow] {escape(item['path'])}: {escape(item['warning'])}")
    if len(warnings) > WARNINGS_SHOWN:
        console.print(f"  and {len(warnings) - WARNINGS_SHOWN} more (`run --json` and the run record list them all)")


def print_failed_articles(failed: list[dict[str, Any]]) -> None:
    """The articles a stage failed on this run (the first few; ``frontlines failures`` lists every one)."""
    for item in failed[:WARNINGS_SHOWN]:
        console.print(f"  [red]failed[/red] article {escape(item['article_id'])} at {escape(item['stage'])}: "
                      f"{escape(item['reason'])}")
    if len(failed) > WARNINGS_SHOWN:
        console.print(f"  and {len(failed) - WARNINGS_SHOWN} more failed articles (`frontlines failures` lists them)")


def _print_files(files: list[Any]) -> None:
    for f in files:
        if f.status in ("skipped", "error"):
            console.print(f"  [yellow]{f.status}[/yellow] {escape(f.path)}: {escape(f.reason)}")


def _seconds(value: float) -> str:
    """A duration as people read it: 0.4 s, 12.3 s, 4 min 05 s."""
    if value < 60:
        return f"{value:.1f} s"
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes} min {seconds:02d} s"


class _Rate(ProgressColumn):
    """Items a second (files while reading, articles while analysing), once there is a rate to show."""

    def render(self, task: Any) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f}/s" if speed else "", style="progress.data.speed")


class _progress:
    """A rich progress bar on a terminal, a labelled line per stage with rate and ETA; silent otherwise (CI logs,
    pipes)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.bar: Progress | None = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self):
        if not self.enabled:
            return None
        self.bar = Progress(TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(), _Rate(),
                            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                            console=Console(stderr=True), transient=True)
        self.bar.__enter__()
        return self.update

    def update(self, stage: str, done: int, total: int) -> None:
        assert self.bar is not None
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total or None)
        if total:
            self.bar.update(self.tasks[stage], completed=done, total=total)
        else:
            self.bar.advance(self.tasks[stage])

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
