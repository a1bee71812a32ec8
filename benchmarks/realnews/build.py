"""Build the real-news sets: the local text cache, and the manifests and gold committed to the repository.

    python benchmarks/realnews/build.py annotations ~/.cache/frontlines/realnews/sudan ...   # annotators' folders
    python benchmarks/realnews/build.py rebuild RAW.jsonl ...                                 # texts only, checked

``annotations`` reads annotators' working folders (outside the repository), each holding ``articles.jsonl``
(``url``, ``query``, ``rank``, ``excerpt``: a stored page excerpt as the search tool returned it), ``gold.jsonl``
(gold whose sentences are quoted substrings) and ``timeline.json``; a folder ``<conflict>-<part>`` adds to
``<conflict>``. It writes the cache's ``articles.jsonl`` and, in the repository, ``gold/realnews/manifest.jsonl``,
``<conflict>.jsonl`` (every quote replaced by its offsets and hash in the stored text) and
``<conflict>.timeline.json``. No article text is written into the repository.

``rebuild`` makes the cache from excerpts alone (for a new machine; see README.md beside this file) and reports
every manifest article it could not rebuild or whose text hash differs.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

from frontlines.evaluate.gold import CLAIM_METRICS, COMPARATORS, NON_EVENT_REASONS, quote_hash
from frontlines.evaluate.realnews import (
    MANIFEST, Entry, article_id, cache_dir, from_excerpt, load_manifest, outlet_of, split_of, text_hash,
)

REPO = Path(__file__).resolve().parents[2]
GOLD_DIR = REPO / "gold" / "realnews"
TAXONOMY_FILE = REPO / "src" / "frontlines" / "data" / "acled_taxonomy.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ann = sub.add_parser("annotations", help="annotators' folders -> cache, manifest, gold, timelines")
    ann.add_argument("folders", nargs="+", type=Path)
    reb = sub.add_parser("rebuild", help="raw excerpt files -> cache, checked against the manifest")
    reb.add_argument("raw", nargs="+", type=Path)
    args = parser.parse_args(argv)
    return build_annotations(args.folders) if args.command == "annotations" else rebuild(args.raw)


# -- raw excerpts ----------------------------------------------------------------------------------

def read_raw(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                print(f"{path}:{number}: not JSON ({exc}); skipped", file=sys.stderr)
    return rows


def longest_by_url(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One excerpt per URL: the longest (the page store may hold several crawls of a page)."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        url = row.get("url")
        if isinstance(url, str) and isinstance(row.get("excerpt"), str):
            if url not in out or len(row["excerpt"]) > len(out[url]["excerpt"]):
                out[url] = row
    return out


def cache_row(entry: Entry, text: str) -> dict[str, Any]:
    """An article as frontlines reads it (JSONL input), plus the set it belongs to."""
    return {"id": entry.id, "url": entry.url, "title": None, "outlet": entry.outlet,
            "published": entry.published.isoformat() if entry.published else None, "text": text,
            "conflict": entry.conflict, "split": entry.split}


def write_cache(rows: list[dict[str, Any]]) -> Path:
    path = cache_dir() / "articles.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        for row in sorted(rows, key=lambda r: r["id"]):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path


def rebuild(raw_files: list[Path]) -> int:
    manifest = load_manifest(MANIFEST)
    excerpts = longest_by_url([row for path in raw_files for row in read_raw(path)])
    rows, problems = [], []
    for entry in manifest:
        raw = excerpts.get(entry.url)
        if raw is None:
            problems.append(f"{entry.id}: no excerpt for {entry.url}")
            continue
        text, _ = from_excerpt(raw["excerpt"])
        if text_hash(text) != entry.sha1:
            problems.append(f"{entry.id}: the excerpt's text differs from the manifest's hash ({entry.url})")
        rows.append(cache_row(entry, text))
    path = write_cache(rows)
    print(f"{len(rows)} of {len(manifest)} articles written to {path}; {len(problems)} problems")
    for problem in problems:
        print("  " + problem)
    return 1 if problems else 0


# -- annotations -----------------------------------------------------------------------------------

def build_annotations(folders: list[Path]) -> int:
    by_conflict: dict[str, list[Path]] = defaultdict(list)
    for folder in folders:
        by_conflict[folder.name.split("-")[0]].append(folder)
    sub_events = _taxonomy()
    entries, cache, problems = [], [], []
    GOLD_DIR.mkdir(parents=True, exist_ok=True)
    for conflict, parts in sorted(by_conflict.items()):
        excerpts = longest_by_url([row for part in parts for row in read_raw(part / "articles.jsonl")])
        texts: dict[str, tuple[Entry, str]] = {}
        for url, raw in sorted(excerpts.items()):
            text, published = from_excerpt(raw["excerpt"])
            entry = Entry(article_id(conflict, url), conflict, split_of(url), url, outlet_of(url), published,
                          text_hash(text), raw.get("query"), raw.get("rank"))
            texts[url] = (entry, text)
            entries.append(entry)
            cache.append(cache_row(entry, text))
        drafts = {}
        for part in parts:
            if (part / "gold.jsonl").exists():
                for draft in read_raw(part / "gold.jsonl"):
                    drafts.setdefault(draft.get("url"), draft)
        gold = []
        for url, (entry, text) in sorted(texts.items(), key=lambda kv: kv[1][0].id):
            draft = drafts.get(url)
            if draft is None:
                problems.append(f"{conflict}: no gold for {entry.id} ({url})")
                continue
            gold.append(gold_record(entry, text, draft, sub_events, problems))
        _write_jsonl(GOLD_DIR / f"{conflict}.jsonl", gold)
        ids = {url: entry.id for url, (entry, _) in texts.items()}
        timeline = merge_timelines([part / "timeline.json" for part in parts if (part / "timeline.json").exists()],
                                   conflict, ids, problems)
        (GOLD_DIR / f"{conflict}.timeline.json").write_text(json.dumps(timeline, indent=1, ensure_ascii=False) + "\n",
                                                          encoding="utf-8")
    _write_jsonl(MANIFEST, [e.as_json() for e in sorted(entries, key=lambda e: (e.conflict, e.id))])
    path = write_cache(cache)
    print(f"{len(entries)} articles in {len(by_conflict)} conflicts; cache {path}; manifest {MANIFEST}")
    for problem in problems:
        print("  " + problem)
    return 0


def _taxonomy() -> dict[str, str]:
    import yaml

    data = yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))
    return {sub: event_type for event_type, spec in data["event_types"].items() for sub in spec["sub_event_types"]}


def gold_record(entry: Entry, text: str, draft: dict[str, Any], sub_events: dict[str, str],
                problems: list[str]) -> dict[str, Any]:
    """The committed gold of one article: the draft's facts, every quote replaced by a reference into ``text``."""
    where = f"{entry.id}"
    events = []
    for raw in draft.get("events") or []:
        sub = raw.get("sub_event_type")
        if sub not in sub_events:
            problems.append(f"{where}: unknown sub_event_type {sub!r}; event dropped")
            continue
        ref = locate(text, raw.get("sentence"))
        if ref is None:
            problems.append(f"{where}: event sentence not found in the text; event dropped")
            continue
        event = {k: raw.get(k) for k in ("actor1", "actor2", "place", "country", "lat", "lon", "tolerance_km",
                                          "geo_precision", "date_from", "date_to", "date_precision", "fatalities",
                                          "claimed_by")}
        event.update(event_type=sub_events[sub], sub_event_type=sub, sentence=ref)
        if raw.get("optional"):
            event["optional"] = True
        events.append(event)
    non_events = []
    for raw in draft.get("non_events") or []:
        ref, reason = locate(text, raw.get("sentence")), raw.get("reason")
        if ref is None or reason not in NON_EVENT_REASONS:
            problems.append(f"{where}: non-event dropped ({'sentence not found' if ref is None else f'reason {reason!r}'})")
            continue
        non_events.append({"sentence": ref, "reason": reason})
    claims = []
    for raw in draft.get("claims") or []:
        ref = locate(text, raw.get("sentence"))
        if ref is None or raw.get("metric") not in CLAIM_METRICS or not isinstance(raw.get("count"), (int, float)):
            continue   # a metric the system does not know ("other") is not scored
        claims.append({"claimant": raw.get("claimant"), "metric": raw["metric"], "count": raw["count"],
                       "comparator": raw.get("comparator") if raw.get("comparator") in COMPARATORS else "exactly",
                       "sentence": ref})
    published = entry.published.isoformat() if entry.published else None
    if draft.get("published") != published:
        problems.append(f"{where}: the annotator read published {draft.get('published')!r}, the excerpt gives {published!r}")
    return {"article_id": entry.id, "url": entry.url, "published": published, "events": events,
            "claims": claims, "non_events": non_events}


def locate(text: str, quote: Any) -> dict[str, Any] | None:
    """``{"at": [start, end], "sha1": ...}`` for a quoted substring of ``text`` (whitespace may differ)."""
    if not isinstance(quote, str) or not quote.strip():
        return None
    quote = unicodedata.normalize("NFC", quote).strip()
    start = text.find(quote)
    if start >= 0:
        end = start + len(quote)
    else:
        pattern = r"\s+".join(re.escape(word) for word in quote.split())
        found = re.search(pattern, text)
        if found is None:
            return None
        start, end = found.span()
    return {"at": [start, end], "sha1": quote_hash(text[start:end])}


def merge_timelines(paths: list[Path], conflict: str, ids: dict[str, str], problems: list[str]) -> dict[str, Any]:
    """One timeline per conflict: the parts' towns merged by name, sources as article ids."""
    merged: dict[str, Any] = {"conflict": conflict, "period": None, "aliases": {}, "towns": []}
    towns: dict[str, dict[str, Any]] = {}
    for path in paths:
        part = json.loads(path.read_text(encoding="utf-8"))
        period = part.get("period") or {}
        if merged["period"] is None:
            merged["period"] = dict(period)
        else:
            merged["period"]["from"] = min(merged["period"]["from"], period.get("from", merged["period"]["from"]))
            merged["period"]["to"] = max(merged["period"]["to"], period.get("to", merged["period"]["to"]))
        merged["aliases"].update(part.get("aliases") or {})
        earlier = dict(towns)   # towns of the parts before this one
        for town in part.get("towns") or []:
            key = _same_town(earlier, town) if town["place"].casefold() not in towns else town["place"].casefold()
            kept = towns.setdefault(key, {k: town.get(k) for k in ("place", "country", "lat", "lon", "initial_holder")}
                                    | {"changes": []})
            for change in town.get("changes") or []:
                sources = [ids[u] for u in change.get("sources") or [] if u in ids]
                lost = [u for u in change.get("sources") or [] if u not in ids]
                if lost:
                    problems.append(f"{conflict}: timeline {town['place']} {change.get('date')}: "
                                    f"{len(lost)} source(s) not among the articles")
                if not sources:
                    problems.append(f"{conflict}: timeline {town['place']} {change.get('date')}: no source; dropped")
                    continue
                same = next((c for c in kept["changes"] if c["date"] == change.get("date")
                             and c["new_holder"] == change["new_holder"]), None)
                if same:
                    same["sources"] = sorted(set(same["sources"]) | set(sources))
                    same["alt_dates"] = sorted(set(same["alt_dates"]) | set(change.get("alt_dates") or []))
                else:
                    kept["changes"].append({"date": change.get("date"), "alt_dates": sorted(change.get("alt_dates") or []),
                                            "new_holder": change["new_holder"],
                                            "sub_event_type": change["sub_event_type"], "sources": sorted(sources)})
    merged["towns"] = sorted(towns.values(), key=lambda t: t["place"])
    for town in merged["towns"]:
        town["changes"].sort(key=lambda c: c["date"] or "9999")
    return merged


def _same_town(towns: dict[str, dict[str, Any]], town: dict[str, Any]) -> str:
    """The key of a town already listed under this name or within 10 km (parts spell names differently:
    Sheberghan, Shiberghan), else a new key."""
    from frontlines.evaluate.score import haversine_km

    for key, kept in towns.items():
        if key == town["place"].casefold() or haversine_km(kept["lat"], kept["lon"], town["lat"], town["lon"]) <= 10:
            return key
    return town["place"].casefold()


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    sys.exit(main())
