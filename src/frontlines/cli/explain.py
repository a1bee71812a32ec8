"""`frontlines explain ARTICLE_ID`: what the pipeline understood, sentence by sentence.

The tool to reach for when an event looks wrong: for every sentence, its modality and cue, and the places,
actors, dates, numbers, claims and event mentions found in it, read from the store. Article text is
printed as plain text (never as rich markup), with control characters removed.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import duckdb
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from frontlines.cli.app import DB_HELP, DEFAULT_DB, app
from frontlines.model import Article
from frontlines.storage import Store, StoreError, to_json

console = Console()
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def plain(text: Any) -> Text:
    """Untrusted text as a rich Text: no markup interpretation, no terminal control characters."""
    return Text(_CONTROL.sub("", "" if text is None else str(text)))


def explain_article(article: Article) -> dict[str, Any]:
    """A per-sentence breakdown of an annotated article (what ``--json`` prints)."""
    from frontlines.understand.actors import load_actors   # the dictionaries, only when an article is explained

    from frontlines.coding import load_actor_index

    actors = load_actors()
    index = load_actor_index()
    sentences = []
    for sentence in article.sentences:
        i = sentence.index
        sentences.append({
            "index": i, "paragraph": sentence.paragraph, "start": sentence.start, "end": sentence.end,
            "text": sentence.text, "modality": sentence.modality, "modality_cue": sentence.modality_cue,
            "places": [{"text": m.text, "start": m.start, "end": m.end, "place_id": m.place.id if m.place else None,
                        "name": m.place.name if m.place else None, "kind": m.place.kind if m.place else None,
                        "admin1": m.place.admin1 if m.place else None, "score": m.score, "reason": m.reason,
                        "geo_precision": m.geo_precision} for m in article.in_sentence(article.places, i)],
            "actors": [{"text": m.text, "start": m.start, "end": m.end, "actor_id": m.actor_id, "via": m.via,
                        "name": _actor_name(index, m.actor_id, _country_of(article, i), article.published),
                        "type": actors.type_on(m.actor_id, article.published)}
                       for m in article.in_sentence(article.actors, i)],
            "dates": [{"text": d.text, "start": d.start, "end": d.end, "date_start": d.date_start, "date_end": d.date_end,
                       "precision": d.precision, "historical": d.historical, "rule": d.rule}
                      for d in article.in_sentence(article.dates, i)],
            "numbers": [{"text": q.text, "start": q.start, "end": q.end, "kind": q.kind, "low": q.low, "best": q.best,
                         "high": q.high, "subject": q.subject} for q in article.in_sentence(article.quantities, i)],
            "claims": [{"text": c.text, "start": c.start, "end": c.end, "claimant": c.claimant, "metric": c.metric,
                        "count": c.count, "comparator": c.comparator, "denominator": c.denominator, "as_of": c.as_of,
                        "since": c.since} for c in article.in_sentence(article.claims, i)],
            "events": [{"id": m.id, "event_type": m.event_type, "sub_event_type": m.sub_event_type, "actor1": m.actor1,
                        "actor2": m.actor2, "place": m.place.name if m.place else None, "date_start": m.date_start,
                        "date_end": m.date_end, "confidence": m.confidence}
                       for m in article.mentions if any(e.sentence == i for e in m.evidence)],
        })
    return {"id": article.id, "title": article.title, "url": article.url, "outlet": article.outlet,
            "published": article.published, "published_source": article.published_source, "sentences": sentences}


def _country_of(article: Article, sentence: int) -> str | None:
    """The country a generic actor in this sentence belongs to: of the sentence's first place with one, else of the
    places the article names most (as the coder names "the army" by the event's place)."""
    here = [m.place.country for m in article.in_sentence(article.places, sentence) if m.place and m.place.country]
    if here:
        return here[0]
    counts = article.place_countries()
    return counts.most_common(1)[0][0] if counts else None


def _actor_name(index: Any, actor_id: str, country: str | None, day: Any) -> str | None:
    """An actor's name; a generic one ("the army", "civilians") named for its country and day, never the template
    "Civilians ({country})" (which stays only when no country is known)."""
    actor = index.get(index.specific(actor_id, country, day) or actor_id) if country else None
    actor = actor if actor is not None and "{country}" not in actor.name else index.get(actor_id)
    return actor.name if actor else None


def _annotations(sentence: dict[str, Any]) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 1), expand=False)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    table.add_column(style="dim")
    for m in sentence["places"]:
        table.add_row("place", plain(m["text"]), plain(f"{m['name'] or 'unresolved'} {m['place_id'] or ''} "
                                                       f"({m['reason']}, {m['score']:.2f})"))
    for m in sentence["actors"]:
        table.add_row("actor", plain(m["text"]), plain(f"{m['name'] or m['actor_id']} [{m['type']}] via {m['via']}"))
    for d in sentence["dates"]:
        span = d["date_start"] if d["date_start"] == d["date_end"] else f"{d['date_start']} .. {d['date_end']}"
        flags = f"precision {d['precision']}" + (", history" if d["historical"] else "")
        table.add_row("date", plain(d["text"]), plain(f"{span or 'unresolved'} ({flags}; {d['rule']})"))
    for q in sentence["numbers"]:
        table.add_row("number", plain(q["text"]), plain(f"{q['kind']} low={q['low']} best={q['best']} high={q['high']}"
                                                        f" {q['subject'] or ''}"))
    for c in sentence["claims"]:
        of = f" of {c['denominator']}" if c["denominator"] else ""
        table.add_row("claim", plain(c["text"]), plain(f"{c['claimant'] or 'unattributed'}: {c['comparator']} {c['count']}"
                                                       f"{of} {c['metric']} as of {c['as_of'] or 'unknown date'}"
                                                       + (f" since {c['since']}" if c["since"] else "")))
    for e in sentence["events"]:
        table.add_row("event", plain(f"{e['event_type']} / {e['sub_event_type']}"),
                      plain(f"{e['actor1']} vs {e['actor2']} at {e['place']} on {e['date_start']} ({e['confidence']:.2f})"))
    return table


def print_explanation(data: dict[str, Any], out: Console | None = None) -> None:
    """The readable form of :func:`explain_article`."""
    out = out or console
    header = Text("article ", style="bold")
    header.append_text(plain(data["id"]))
    header.append(" · ")
    header.append_text(plain(data["title"] or "(no title)"))
    header.append(f" · {data['outlet'] or 'unknown outlet'} · published {data['published'] or 'unknown'}")
    out.print(header)
    for sentence in data["sentences"]:
        style = "green" if sentence["modality"] == "asserted" else "yellow"
        label = Text(f"\n[{sentence['index']}] ", style="bold")
        label.append(sentence["modality"], style=style)
        if sentence["modality_cue"]:
            label.append(" (cue: ")
            label.append_text(plain(sentence["modality_cue"]))
            label.append(")")
        out.print(label)
        out.print(plain(sentence["text"]))
        table = _annotations(sentence)
        if table.row_count:
            out.print(table)


@app.command()
def explain(
    article_id: str = typer.Argument(..., help="The article's id (see `frontlines stats` or the web app)."),
    db: Path = typer.Option(DEFAULT_DB, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the breakdown as JSON."),
) -> None:
    """Show, sentence by sentence, what was understood: places, actors, dates, numbers, claims, modality."""
    if not db.exists():
        console.print(Text(f"No store at {db} (run `frontlines run` first)", style="red"))
        raise typer.Exit(2)
    try:
        with Store(db, read_only=True) as store:
            article = store.article(article_id)
    except (StoreError, duckdb.Error) as exc:  # a locked, corrupt or foreign file: a message, not a traceback
        console.print(Text(f"Cannot read store {db}: {exc}", style="red"))
        raise typer.Exit(2)
    if article is None:
        console.print(Text(f"No article {article_id!r} in {db}", style="red"))
        raise typer.Exit(1)
    data = explain_article(article)
    if as_json:
        print(to_json(data))
    else:
        print_explanation(data)
