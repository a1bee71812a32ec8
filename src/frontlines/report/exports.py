"""The event exports: events.csv (ACLED's columns, then ours), events.geojson, claims.csv, parquet/.

Every text cell may carry article text (evidence, notes, locations), so cells that a spreadsheet would
read as a formula (starting with = + - @, tab or carriage return) are neutralised with a leading quote.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any, Iterable, Iterator

from frontlines.storage import Store
from frontlines.storage import events as event_queries

# ACLED's columns, in ACLED's order.
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
# Ours, after ACLED's.
PROVENANCE_COLUMNS = ("fatalities_low", "fatalities_high", "source_count", "article_ids", "evidence", "confidence",
                      "tier", "claimed_by", "alt_dates")
EVENT_CSV_COLUMNS = ACLED_COLUMNS + PROVENANCE_COLUMNS
CLAIM_CSV_COLUMNS = ("id", "article_id", "sentence", "start", "end", "claimant", "metric", "count", "comparator",
                     "denominator", "as_of", "since", "text")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not execute: text starting like a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def event_csv_row(row: dict[str, Any]) -> list[Any]:
    """One stored event as the cells of events.csv."""
    out = dict(row)
    out["article_ids"] = ";".join(row.get("article_ids") or [])
    out["evidence"] = " || ".join(f"[{e['article_id']}:{e['start']}-{e['end']}] {' '.join(str(e['text']).split())}"
                                  for e in (row.get("evidence") or []))
    return [safe_cell(out.get(column)) for column in EVENT_CSV_COLUMNS]


def write_events_csv(store: Store, path: Path) -> Path:
    return _write_csv(path, EVENT_CSV_COLUMNS, (event_csv_row(r) for r in event_queries.events_csv_rows(store)))


def write_claims_csv(store: Store, path: Path) -> Path:
    rows = ([safe_cell(getattr(c, column)) for column in CLAIM_CSV_COLUMNS] for c in store.iter_claims())
    return _write_csv(path, CLAIM_CSV_COLUMNS, rows)


def events_geojson(store: Store) -> dict[str, Any]:
    """Located events as a GeoJSON FeatureCollection (unlocated ones are left out: they are in the CSV)."""
    return {"type": "FeatureCollection", "features": list(event_features(store))}


def event_features(store: Store, left_out: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """One GeoJSON Feature per located event, in date order, streamed; the ids of events without coordinates are
    appended to ``left_out`` when given."""
    for row in event_queries.events_csv_rows(store):
        if row.get("latitude") is None or row.get("longitude") is None:
            if left_out is not None:
                left_out.append(row["event_id_cnty"])
            continue
        properties = {c: _plain(row.get(c)) for c in EVENT_CSV_COLUMNS if c not in ("latitude", "longitude", "evidence")}
        properties["article_ids"] = row.get("article_ids") or []
        properties["evidence"] = row.get("evidence") or []
        yield {"type": "Feature", "id": row["event_id_cnty"],
               "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
               "properties": properties}


def write_events_geojson(store: Store, path: Path) -> Path:
    """events.geojson, written feature by feature (the features of :func:`events_geojson`), ending with how many
    events were left out for want of coordinates (``events_without_coordinates``, a foreign member GeoJSON allows)."""
    left_out: list[str] = []
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('{"type": "FeatureCollection", "features": [')
        for i, feature in enumerate(event_features(store, left_out)):
            handle.write(", " if i else "")
            handle.write(json.dumps(feature, ensure_ascii=False, default=str))
        handle.write(f'], "events_without_coordinates": {len(left_out)}}}')
    return path


def geojson_left_out(path: Path) -> int:
    """How many events a written events.geojson left out for want of coordinates (0 for an older file)."""
    with open(path, "rb") as handle:
        handle.seek(max(0, Path(path).stat().st_size - 200))
        tail = handle.read().decode("utf-8", "replace")
    found = re.search(r'"events_without_coordinates": (\d+)\}\s*$', tail)
    return int(found.group(1)) if found else 0


def write_outputs(store: Store, out_dir: Path) -> list[Path]:
    """Write events.csv, events.geojson, claims.csv and parquet/ (every store table) into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [write_events_csv(store, out_dir / "events.csv"),
               write_events_geojson(store, out_dir / "events.geojson"),
               write_claims_csv(store, out_dir / "claims.csv")]
    written += store.export_parquet(out_dir / "parquet")
    return written


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _write_csv(path: Path, header: Iterable[str], rows: Iterable[list[Any]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path
