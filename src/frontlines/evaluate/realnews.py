"""Real-news evaluation sets: manifests in the repository, texts in a local cache outside it.

The articles are public news pages (third-party text): the repository keeps only facts about them —
``gold/realnews/manifest.jsonl`` (id, conflict, split, URL, outlet, publication date, the SHA-1 of the text) and
gold that points into the text by offset and hash. The texts live in ``$FRONTLINES_REALNEWS_CACHE`` (default
``~/.cache/frontlines/realnews``) as ``articles.jsonl``; ``benchmarks/realnews/README.md`` says how to rebuild it.

The split is fixed by a rule on the URL alone, so it was made before anyone read an article and is the same on
every machine: see :func:`split_of`.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

from frontlines.ingest.decoding import clean_text

GOLD_DIR = Path(__file__).resolve().parents[3] / "gold" / "realnews"
MANIFEST = GOLD_DIR / "manifest.jsonl"
SPLITS = ("dev", "heldout")
_DATE_LINE = re.compile(r"^\s*date (\d{4}-\d{2}(?:-\d{2})?)\b[ \t]*\n?")


class CacheError(RuntimeError):
    """The local cache of article texts is missing or does not match the manifest (the message says how)."""


def cache_dir() -> Path:
    """Where the article texts are kept (never inside the repository)."""
    return Path(os.environ.get("FRONTLINES_REALNEWS_CACHE") or Path.home() / ".cache" / "frontlines" / "realnews")


def split_of(url: str) -> str:
    """``dev`` or ``heldout``: the parity of the first 32 bits of the SHA-1 of the URL (fixed before reading)."""
    return SPLITS[int(hashlib.sha1(url.encode("utf-8")).hexdigest()[:8], 16) % 2]


def article_id(conflict: str, url: str) -> str:
    return f"{conflict}-{hashlib.sha1(url.encode('utf-8')).hexdigest()[:10]}"


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def outlet_of(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def from_excerpt(excerpt: str) -> tuple[str, date | None]:
    """An article's stored text and publication date from a stored page excerpt.

    The page store opens an excerpt with a ``date YYYY-MM-DD`` line when it knows the page's date: that is the
    publication date (a month alone is not a date) and not part of the text.
    """
    published = None
    found = _DATE_LINE.match(excerpt)
    if found:
        excerpt = excerpt[found.end():]
        if len(found.group(1)) == 10:
            published = date.fromisoformat(found.group(1))
    return clean_text(excerpt), published


@dataclass
class Entry:
    """One manifest row."""
    id: str
    conflict: str
    split: str
    url: str
    outlet: str
    published: date | None
    sha1: str
    query: str | None = None
    rank: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "conflict": self.conflict, "split": self.split, "url": self.url, "outlet": self.outlet,
                "published": self.published.isoformat() if self.published else None, "sha1": self.sha1,
                "query": self.query, "rank": self.rank}


def load_manifest(path: Path = MANIFEST) -> list[Entry]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            rows.append(Entry(raw["id"], raw["conflict"], raw["split"], raw["url"], raw["outlet"],
                              date.fromisoformat(raw["published"]) if raw.get("published") else None,
                              raw["sha1"], raw.get("query"), raw.get("rank")))
    return rows


def cached_articles(directory: Path | None = None) -> dict[str, dict[str, Any]]:
    """The cached articles by id; :class:`CacheError` when the cache is missing."""
    path = (directory or cache_dir()) / "articles.jsonl"
    if not path.exists():
        raise CacheError(f"no real-news cache at {path}: rebuild it as benchmarks/realnews/README.md says "
                         "(or point FRONTLINES_REALNEWS_CACHE at it)")
    return {row["id"]: row for row in _jsonl(path)}


def check_cache(manifest: list[Entry], articles: dict[str, dict[str, Any]]) -> dict[str, str]:
    """What is wrong with the cache against the manifest, by article id: missing, or a text whose hash differs
    (its gold offsets no longer fit)."""
    problems = {}
    for entry in manifest:
        row = articles.get(entry.id)
        if row is None:
            problems[entry.id] = f"not in the cache ({entry.url})"
        elif text_hash(row["text"]) != entry.sha1:
            problems[entry.id] = f"cached text differs from the manifest's hash; not scored ({entry.url})"
    return problems


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
