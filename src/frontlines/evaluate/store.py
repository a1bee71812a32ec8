"""Evaluate what a store holds: find each gold article in it, then score its events and claims."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from frontlines.evaluate.gold import GoldRecord, resolve_quotes
from frontlines.evaluate.score import Evaluation, evaluate, from_events, from_mentions
from frontlines.understand.text import fold

ACTORS_FILE = Path(__file__).resolve().parents[1] / "data" / "actors.yaml"
LEVELS = ("events", "mentions")


def resolve_articles(gold: list[GoldRecord], store: Any) -> dict[str, str | None]:
    """Gold article id -> the store's id for that article (None when it is not in the store).

    Tried in order: the same id, the same URL, a ``source_path`` ending in the gold ``source``,
    the same title. Ingesters may name HTML, RSS and text files differently; this keeps gold stable.
    """
    rows = [(a.id, a.url, a.source_path, a.title) for a in store.articles()]
    by_id = {r[0] for r in rows}
    by_url = {r[1]: r[0] for r in rows if r[1]}
    by_title = {fold(r[3]): r[0] for r in rows if r[3]}
    out: dict[str, str | None] = {}
    for record in gold:
        found = record.article_id if record.article_id in by_id else None
        if found is None and record.url:
            found = by_url.get(record.url)
        if found is None and record.source:
            suffix = record.source.replace("\\", "/")
            found = next((r[0] for r in rows if r[2] and r[2].replace("\\", "/").endswith(suffix)), None)
        if found is None and record.title:
            found = by_title.get(fold(record.title))
        out[record.article_id] = found
    return out


def _text(store: Any, article_id: str) -> str:
    article = store.article(article_id, annotations=False)
    return article.text if article is not None else ""


def actor_names(path: Path = ACTORS_FILE) -> dict[str, str]:
    """Actor id -> display name from the actor dictionary, so gold may use either form ({} if absent)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    entries = data.get("actors", data) if isinstance(data, dict) else data
    out: dict[str, str] = {}
    if isinstance(entries, dict):
        entries = [{"id": k, **v} for k, v in entries.items() if isinstance(v, dict)]
    for entry in entries or []:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) and isinstance(entry.get("name"), str):
            out[entry["id"]] = entry["name"]
    return out


def evaluate_store(gold: list[GoldRecord], store: Any, level: str = "events") -> Evaluation:
    """Score the store's fused events (``level="events"``) or raw mentions (``"mentions"``) and its claims."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    ids = resolve_articles(gold, store)
    resolve_quotes(gold, {r.article_id: _text(store, ids[r.article_id]) for r in gold if r.quoted and ids[r.article_id]})
    systems = from_events(store.events()) if level == "events" else from_mentions(store.event_mentions())
    result = evaluate(gold, systems, store.claims(), article_ids=ids, actor_names=actor_names())
    result.system = {"articles": store.count("articles"), "event_mentions": store.count("event_mentions"),
                     "events": store.count("events")}
    return result
