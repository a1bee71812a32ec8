"""Control over time: who holds each place, from which day, on what evidence.

``control_stage`` is the corpus stage named in ``data/pipeline.toml``; ``control_table`` answers
"who holds what on a day"; ``write_control_csv`` writes the run output ``control.csv``.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from frontlines.control.derive import Unit, UnitResolver, derive_control, distance_km, status_on, unit_of
from frontlines.control.rules import ControlRules, load_rules
from frontlines.model import ControlInterval, Event, Place

__all__ = [
    "ControlRules", "ControlRow", "Unit", "UnitResolver", "capitals", "compute_control", "control_stage",
    "control_table", "current_intervals", "derive_control", "distance_km", "load_rules", "status_on", "unit_kinds", "unit_of",
    "write_control_csv",
]

CSV_COLUMNS = ("place_id", "place", "kind", "admin1", "admin1_code", "admin2", "admin2_code", "status", "holder",
               "from", "to", "evidence_event_ids")


def _component_capitals() -> list[Place]:
    try:
        from frontlines.understand.places import provincial_capitals
        return list(provincial_capitals())
    except Exception:  # the places component is optional here; any failure falls back to the store
        return []


def capitals(store: Any = None) -> list[Place]:
    """The provincial capitals: the places component's list when it exists, else the store's capitals."""
    found = _component_capitals()
    if not found and store is not None:
        found = [p for p in store.places() if p.is_capital and p.kind not in ("country", "province", "district")]
    return [p for p in found if p.admin1]


def compute_control(store: Any, rules: ControlRules | None = None, as_of: date | None = None,
                    events: list[Event] | None = None) -> list[ControlInterval]:
    """Derive control intervals from the events in the store up to ``as_of`` (without saving them).

    ``events`` may be passed when the caller has already read them.
    """
    rules = rules or load_rules()
    if events is None:
        events = store.events(as_of=as_of)
    elif as_of is not None:
        events = [e for e in events if e.event_date is not None and e.event_date <= as_of]
    ids = sorted({e.place_id for e in events if e.place_id})
    places = {p.id: p for p in store.places_by_id(ids)}
    resolver = UnitResolver(capitals(store), places, rules)
    intervals, _ = derive_control(events, resolver, rules)
    return intervals


def control_stage(store: Any, context: Any = None) -> dict[str, Any]:
    """Corpus stage: rebuild the control table from all events; returns counts for the run summary."""
    settings = {}
    if context is not None and getattr(context, "config", None):
        settings = dict(context.config.get("corpus_stages", {}).get("control", {}))
    settings.pop("factory", None)
    rules = load_rules(settings.pop("rules", None), settings)
    intervals = compute_control(store, rules)
    store.save_control(intervals)
    return {"intervals": len(intervals), "places": len({c.place_id for c in intervals}),
            "held": sum(c.status == "held" for c in intervals), "contested": sum(c.status == "contested" for c in intervals)}


def unit_kinds(store: Any, place_ids: list[str]) -> dict[str, str]:
    """capital | district | place for each unit id (the kind is not stored with the interval)."""
    capital_ids = {p.id for p in capitals(store)}
    places = {p.id: p for p in store.places_by_id(list(place_ids))}
    out = {}
    for pid in place_ids:
        place = places.get(pid)
        if pid in capital_ids or (place is not None and place.is_capital and place.kind not in ("country", "province", "district")):
            out[pid] = "capital"
        elif place is not None and place.kind == "district":
            out[pid] = "district"
        else:
            out[pid] = "place"
    return out


@dataclass
class ControlRow:
    """One line of the control table on a day."""
    place_id: str
    place: str
    kind: str
    admin1: str | None
    admin2: str | None
    status: str
    holder: str | None
    side: str | None
    since: date | None
    evidence_event_ids: list[str]


def current_intervals(intervals: list[ControlInterval], day: date) -> list[ControlInterval]:
    """The interval in force on ``day`` for each unit that has one."""
    return [c for c in intervals if (c.valid_from is None or c.valid_from <= day) and (c.valid_to is None or c.valid_to > day)]


def control_table(store: Any, as_of: date, rules: ControlRules | None = None) -> list[ControlRow]:
    """Who holds each unit on ``as_of``, from the events known up to that day; capitals first."""
    rules = rules or load_rules()
    current = current_intervals(compute_control(store, rules, as_of=as_of), as_of)
    kinds = unit_kinds(store, [c.place_id for c in current])
    rows = [ControlRow(c.place_id, c.place_name, kinds.get(c.place_id, "place"), c.admin1, c.admin2, c.status, c.holder,
                       rules.side_of(c.holder), c.valid_from, c.evidence_event_ids) for c in current]
    order = {"capital": 0, "district": 1, "place": 2}
    return sorted(rows, key=lambda r: (order.get(r.kind, 3), r.place))


def write_control_csv(store: Any, path: str | Path) -> Path:
    """``control.csv``: one status interval per row (place, admin codes, holder, status, from, to, evidence)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    intervals = sorted(store.control(), key=lambda c: (c.place_name, c.place_id, c.valid_from or date.min))
    kinds = unit_kinds(store, sorted({c.place_id for c in intervals}))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for c in intervals:
            writer.writerow([_cell(v) for v in [c.place_id, c.place_name, kinds.get(c.place_id, "place"), c.admin1 or "", c.admin1_code or "",
                             c.admin2 or "", c.admin2_code or "", c.status, c.holder or "",
                             c.valid_from.isoformat() if c.valid_from else "", c.valid_to.isoformat() if c.valid_to else "",
                             " ".join(c.evidence_event_ids)]])
    return path


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas: names come from untrusted articles."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
