"""`frontlines eval`: score the store (or a fresh run over a corpus) against gold annotations."""
from __future__ import annotations

import json
import shlex
import tempfile
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn, Optional

import duckdb
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from frontlines.cli.app import DB_HELP, DEFAULT_DB, app
from frontlines.evaluate import Evaluation, GoldError, GoldRecord, evaluate_store, load_gold, to_json, to_markdown
from frontlines.evaluate.report import accuracy_report, percent
from frontlines.storage import Store, StoreError

console = Console()


class Level(str, Enum):
    events = "events"
    mentions = "mentions"


@app.command("eval")
def eval_command(
    gold: Optional[list[Path]] = typer.Argument(None, help="Gold JSONL files (e.g. gold/seeds.jsonl gold/examples.jsonl)."),
    corpus: Optional[list[Path]] = typer.Option(None, "--corpus", help="Run the pipeline over these files or folders first (repeatable)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write evaluation.md and evaluation.json here (and the run's outputs, with --corpus)."),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP + " With --corpus: OUT/frontlines.duckdb."),
    min_f1: Optional[float] = typer.Option(None, "--min-f1", min=0.0, max=1.0, help="Exit 1 if overall event F1 is below this (a CI gate)."),
    level: Level = typer.Option(Level.events, "--level", help="Score fused events, or raw mentions before fusion."),
    geoparsing: Optional[Path] = typer.Option(None, "--geoparsing", help="Also run the geoparsing benchmark on this folder (GWN.xml, GeoVirus.xml)."),
    as_json: bool = typer.Option(False, "--json", help="Print the full evaluation as JSON."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write the accuracy page (Markdown) here, e.g. docs/accuracy.md."),
    profile: Optional[str] = typer.Option(None, "--profile", help="With --corpus: run under this conflict profile (e.g. afghanistan-2021)."),
) -> None:
    """Precision, recall and F1 per sub-event type; place, date and actor accuracy; claims; every miss and false alarm."""
    if not gold and geoparsing is None:
        _fail("give at least one GOLD file (or --geoparsing DIR)")
    result: Evaluation | None = None
    sets: dict[str, Evaluation] = {}
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="frontlines-eval-") as scratch:  # the store, when --corpus has no --out
        if gold:
            db_path = _run_corpus(corpus, out or Path(scratch), db, profile) if corpus else (db or DEFAULT_DB)
            result, sets = _score(gold, db_path, level.value)
            figures = {"events": result.as_dict(), "by_gold": {name: _headline(r) for name, r in sets.items()}}
    if geoparsing is not None:
        figures["geoparsing"] = _geoparsing(geoparsing)
    if result is not None:
        _write(result, sets, figures, out, report,
               _command_line(gold or [], corpus, db, level.value, geoparsing, report, profile))
    if as_json:
        print(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
    else:
        _print(result, sets, figures)
    if min_f1 is not None and result is not None and result.f1 < min_f1:
        console.print(f"[red]Event F1 {result.f1:.3f} is below --min-f1 {min_f1:.3f}[/red]")
        raise typer.Exit(1)


def _score(gold: list[Path], db_path: Path, level: str) -> tuple[Evaluation, dict[str, Evaluation]]:
    """All gold files together, and each on its own when there are several."""
    named = {path.name: _load([path]) for path in gold}
    result = _evaluate([r for records in named.values() for r in records], db_path, level)
    if len(named) == 1:
        return result, {next(iter(named)): result}
    return result, {name: _evaluate(records, db_path, level) for name, records in named.items()}


def _write(result: Evaluation, sets: dict[str, Evaluation], figures: dict[str, Any], out: Optional[Path],
           report: Optional[Path], command: str) -> None:
    if out:
        out.mkdir(parents=True, exist_ok=True)
        (out / "evaluation.md").write_text(to_markdown(result, "frontlines evaluation"), encoding="utf-8")
        (out / "evaluation.json").write_text(to_json(result), encoding="utf-8")
    if report:
        report.parent.mkdir(parents=True, exist_ok=True)
        page = accuracy_report(sets, result, figures.get("geoparsing"), command)
        report.write_text(page + _kept_block(report), encoding="utf-8")


def _print(result: Evaluation | None, sets: dict[str, Evaluation], figures: dict[str, Any]) -> None:
    if result is not None:
        print_evaluation(result)
        if len(sets) > 1:
            for name, r in sets.items():
                console.print(f"{escape(name)}: event F1 {percent(r.overall.f1)}, claim F1 {percent(r.claims.f1)}")
    if "geoparsing" in figures:
        console.print("[bold]Geoparsing[/bold]", escape(json.dumps(figures["geoparsing"], default=str)))


REALNEWS_BLOCK = ("<!-- realnews:start -->", "<!-- realnews:end -->")


def _kept_block(report: Path) -> str:
    """The real-news block ``benchmarks/realnews.py --report`` wrote into the page: regenerating the in-sample
    figures keeps it."""
    old = report.read_text(encoding="utf-8") if report.exists() else ""
    start, end = REALNEWS_BLOCK
    if start not in old or end not in old:
        return ""
    return "\n" + start + old.split(start, 1)[1].split(end, 1)[0] + end + "\n"


def _headline(result: Evaluation) -> dict[str, Any]:
    return {"events": result.overall.as_dict(), "claims": result.claims.as_dict(),
            "non_event_violations": len(result.violations)}


def _command_line(gold: list[Path], corpus: Optional[list[Path]], db: Optional[Path], level: str,
                  geoparsing: Optional[Path], report: Optional[Path], profile: Optional[str] = None) -> str:
    """The command that regenerates the accuracy page (written into the page itself)."""
    words = ["frontlines", "eval", *map(str, gold)]
    for path in corpus or []:
        words += ["--corpus", str(path)]
    if db and not corpus:
        words += ["--db", str(db)]
    if level != "events":
        words += ["--level", level]
    if profile:
        words += ["--profile", profile]
    if geoparsing:
        words += ["--geoparsing", str(geoparsing)]
    return " ".join(shlex.quote(w) for w in [*words, "--report", str(report)])


def _fail(message: str) -> NoReturn:
    console.print(f"[red]{escape(message)}[/red]")
    raise typer.Exit(2)


def _load(paths: list[Path]) -> list[GoldRecord]:
    records: list[GoldRecord] = []
    for path in paths:
        try:
            records += load_gold(path)
        except GoldError as exc:
            _fail(str(exc))
    return records


def _run_corpus(inputs: list[Path], out_dir: Path, db: Optional[Path], profile: Optional[str] = None) -> Path:
    from frontlines.pipeline import load_config
    from frontlines.profiles import ProfileError, load_profile
    from frontlines.run import nothing_read, run_corpus

    db_path = db or out_dir / "frontlines.duckdb"
    try:
        config = load_config(profile=load_profile(profile) if profile else None)
    except ProfileError as exc:
        _fail(str(exc))
    summary = run_corpus(inputs, out_dir, db_path, config)
    if nothing_read(summary):
        reasons = "; ".join(f"{f['path']}: {f['reason']}" for f in summary["failures"])
        _fail(f"nothing could be read from --corpus ({reasons})")
    return db_path


def _evaluate(records: list[GoldRecord], db_path: Path, level: str) -> Evaluation:
    if not db_path.exists():
        _fail(f"no store at {db_path} (run `frontlines run … --db {db_path}` first, or pass --corpus)")
    try:
        with Store(db_path, read_only=True) as store:
            return evaluate_store(records, store, level=level)
    except (StoreError, GoldError) as exc:   # GoldError: a by-reference quote no longer fits its article
        _fail(str(exc))
    except duckdb.Error as exc:
        _fail(f"{db_path} is not a frontlines store ({type(exc).__name__})")


def _geoparsing(directory: Path) -> dict[str, Any]:
    from frontlines.evaluate.geoparsing import GeoparsingUnavailable, run_geoparsing

    try:
        return run_geoparsing(directory)
    except (GeoparsingUnavailable, FileNotFoundError) as exc:
        _fail(str(exc))


def print_evaluation(result: Evaluation) -> None:
    """The evaluation on one screen, then every error with its sentence (all article text escaped)."""
    table = Table(title="Events by sub-event type")
    for column in ("sub-event type", "TP", "FP", "FN", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "sub-event type" else "right")
    rows = sorted(result.by_sub_event.items()) + [("all", result.overall)]
    for name, c in rows:
        table.add_row(escape(name), str(c.tp), str(c.fp), str(c.fn), percent(c.precision), percent(c.recall), percent(c.f1),
                      style="bold" if name == "all" else None)
    console.print(table)
    accuracy = "  ".join(f"{k} {percent(result.rate(k))} ({v['correct']}/{v['total']})" for k, v in result.accuracy.items())
    console.print("Accuracy (matched + near misses):", accuracy)
    c = result.claims
    console.print(f"Claims: precision {percent(c.precision)}, recall {percent(c.recall)}, F1 {percent(c.f1)} "
                  f"(TP {c.tp}, FP {c.fp}, FN {c.fn})")
    if result.fusion.get("reported_by_several"):
        console.print(f"Fusion: {result.fusion['fused']} of {result.fusion['reported_by_several']} changes of territory "
                      "reported by several articles are one system event citing all of them")
    console.print(f"Non-event violations: {len(result.violations)}; articles scored {result.articles}"
                  + (f", not found in the store {len(result.articles_missing)}" if result.articles_missing else ""))
    for title, rows, describe in (("Misses", result.misses, _describe_miss),
                                  ("False alarms", result.false_alarms, _describe_system),
                                  ("Non-event violations", result.violations, _describe_violation)):
        if rows:
            console.print(f"\n[bold]{title} ({len(rows)})[/bold]")
            for row in rows:
                console.print(describe(row), highlight=False)


def _describe_miss(row: dict[str, Any]) -> str:
    wrong = f" [yellow]near miss: wrong {escape(', '.join(row['wrong']))}[/yellow]" if row.get("wrong") else ""
    return (f"- {escape(row['article_id'])} {escape(row['sub_event_type'])} at {escape(row['place'])} {row['date']}{wrong}\n"
            f"    “{escape(row['sentence'])}”")


def _describe_system(row: dict[str, Any]) -> str:
    return (f"- {escape(row['article_id'])} {escape(str(row['sub_event_type']))} at {escape(str(row['place']))} "
            f"{row['date']} ({escape(str(row['actor1']))})\n    “{escape(str(row['sentence']))}”")


def _describe_violation(row: dict[str, Any]) -> str:
    return (f"- {escape(row['article_id'])} {escape('[' + row['reason'] + ']')} became {escape(str(row['sub_event_type']))} at "
            f"{escape(str(row['place']))}\n    “{escape(row['sentence'])}”")
