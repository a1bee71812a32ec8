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


@app.command()
def serve(
    db: Path = typer.Option(DEFAULT_DB, "--db", help=DB_HELP),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind. The default keeps the app on this machine."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
) -> None:
    """Browse the store: map with a date slider, events with their evidence, articles, claims, the report."""
    import uvicorn

    from frontlines.serve import create_app

    loopback = host in LOOPBACK
    try:
        web = create_app(db, allowed_hosts=[*LOOPBACK, "[::1]"] if loopback else None)
    except StoreError as exc:
        console.print(f"[red]{escape(str(exc))}[/red] (build one with `frontlines run … --db {escape(str(db))}`)")
        raise typer.Exit(2)
    if not loopback:
        console.print(f"[yellow]Serving on {escape(host)}: anyone who can reach this address can read the store.[/yellow]")
    console.print(f"frontlines: http://{escape(host)}:{port}/  (API: /openapi.json; Ctrl-C stops)")
    uvicorn.run(web, host=host, port=port, log_level="warning")
