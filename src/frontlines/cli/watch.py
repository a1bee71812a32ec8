"""`frontlines watch`: run every stage over new or changed files in folders and feeds, at an interval."""
from __future__ import annotations

import json
import signal
import time
from datetime import datetime
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape

from frontlines.cli.app import DB_HELP, DEFAULT_DB, app
from frontlines.storage import StoreError

console = Console(stderr=False)


def _line(summary: dict, files: int, seconds: float) -> str:
    return (f"{datetime.now():%Y-%m-%d %H:%M:%S} {files} new or changed file(s): {summary['articles_added']} new "
            f"article(s), {summary['events']} events in the store ({seconds:.1f} s)")


@app.command()
def watch(
    paths: list[Path] = typer.Argument(..., help="Folders, files or feed files (.rss .atom .xml) to watch."),
    every: str = typer.Option("10m", "--every", help="How often to look: 30s, 10m, 1h."),
    db: Path = typer.Option(DEFAULT_DB, "--db", help=DB_HELP),
    out: Optional[Path] = typer.Option(None, "--out", help="Folder for the outputs. Default: the store's folder."),
    profile: Optional[str] = typer.Option(None, "--profile", help="A conflict profile (see `frontlines run`)."),
    times: int = typer.Option(0, "--times", min=0, help="Stop after this many looks (0: until Ctrl-C)."),
    as_json: bool = typer.Option(False, "--json", help="Print each run's summary as one line of JSON."),
) -> None:
    """Look at PATHS every --every and run every stage over the files that are new or changed since the last look
    (feed files are read again when they change; articles already in the store are skipped). `frontlines serve`
    on the same store shows the new events when each run has ended."""
    from frontlines.cli.corpus import _config
    from frontlines.run import run_corpus
    from frontlines.watch import Watcher, parse_interval

    try:
        interval = parse_interval(every)
    except ValueError as exc:
        console.print(f"[red]--every: {escape(str(exc))}[/red]")
        raise typer.Exit(2)
    out = out or db.resolve().parent
    config = _config(None, None, profile)
    watcher = Watcher(paths)
    console.print(f"watching {', '.join(escape(str(p)) for p in paths)} every {escape(every)}; store {escape(str(db))}, "
                  f"outputs in {escape(str(out))} (Ctrl-C stops)")
    _stop_on_signals()
    looks = 0
    try:
        while True:
            looks += 1
            changed = watcher.changed()
            if changed:
                started = time.monotonic()
                try:
                    summary = run_corpus(changed, out, db, config)
                except StoreError as exc:   # another writer holds the store: try these files again next time
                    watcher.forget(changed)
                    console.print(f"[yellow]{escape(str(exc))}[/yellow] (trying again in {escape(every)})", soft_wrap=True)
                else:
                    if as_json:
                        print(json.dumps(summary, default=str), flush=True)
                    else:
                        console.print(escape(_line(summary, len(changed), time.monotonic() - started)))
            if times and looks >= times:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        console.print("stopped")


def _stop_on_signals() -> None:
    """Ctrl-C and a service manager's SIGTERM stop the watch between runs' writes. A process started in the
    background of a non-interactive shell inherits SIGINT ignored, so the handler is set, not assumed."""
    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
