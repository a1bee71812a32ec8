"""`frontlines serve`: the web app and JSON API over a store, read-only."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from frontlines.cli.app import DB_HELP, DEFAULT_DB, app
from frontlines.storage import StoreError

console = Console(stderr=True)
LOOPBACK = ("127.0.0.1", "localhost", "::1")
WAIT_FOR_WRITER_S = 24 * 3600.0   # a run that holds the store at start: wait for it


@app.command()
def serve(
    db: Path = typer.Option(DEFAULT_DB, "--db", help=DB_HELP),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind. The default keeps the app on this machine."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
) -> None:
    """Browse the store: map with a date slider, events with their evidence, articles, claims, the report.

    Runs and ingests may write the store meanwhile: the app reads a copy, taken again when a run has finished."""
    import uvicorn

    from frontlines.serve import create_app

    loopback = host in LOOPBACK

    def waiting() -> None:
        console.print(f"{escape(str(db))} is being written by a run or ingest: serving when it has finished (Ctrl-C stops)")

    try:
        web = create_app(db, allowed_hosts=[*LOOPBACK, "[::1]"] if loopback else None, wait_s=WAIT_FOR_WRITER_S,
                         on_wait=waiting)
    except KeyboardInterrupt:
        raise typer.Exit(130)
    except StoreError as exc:
        console.print(f"[red]{escape(str(exc))}[/red] (build one with `frontlines run … --db {escape(str(db))}`)")
        raise typer.Exit(2)
    if not loopback:
        console.print(f"[yellow]Serving on {escape(host)}: anyone who can reach this address can read the store.[/yellow]")
    console.print(f"frontlines: http://{escape(host)}:{port}/  (API: /openapi.json; Ctrl-C stops)")
    uvicorn.run(web, host=host, port=port, log_level="warning")
