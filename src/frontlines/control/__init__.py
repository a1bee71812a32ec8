"""Control over time: who holds each place, from which day, on what evidence.

``control_stage`` is the corpus stage named in ``data/pipeline.toml``; ``control_table`` answers
"who holds what on a day"; ``write_control_csv`` writes the run output ``control.csv``.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from frontlines.control.derive import Unit, UnitResolver, derive_control, distance_km, status_on, unit_of
from frontlines.control.rules import ControlRules, load_rules, rules_for
from frontlines.model import ControlInterval, Event, Place

__all__ = [
    "ControlRules", "ControlRow", "Unit", "UnitResolver", "capitals", "compute_control", "control_stage",
    "control_table", "current_intervals", "derive_control", "distance_km", "in_conflict", "load_rules", "rules_for",
    "status_on", "store_rules", "unit_kinds", "unit_of", "write_control_csv",
]

CSV_COLUMNS = ("place_id", "place", "kind", "admin1", "admin1_code", "admin2", "admin2_code", "status", "holder",
               "from", "to", "evidence_event_ids")


def _component_capitals(countries: list[str], listed: list[str] | None = None) -> list[Place]:
    try:
        from frontlines.control.tracked import tracked_places
        return tracked_places(countries, listed or ())
    except Exception:  # noqa: BLE001  the places component is optional here; any failure falls back to the store
        return []


def capitals(store: Any = None, rules: ControlRules | None = None, countries: list[str] | None = None) -> list[Place]:
    """The tracked places (a profile's list, else the first-level seats of the profile's countries or, without a
    profile, of ``countries``: those the events are in); the store's capitals when the gazetteer has none."""
    rules = rules or load_rules()
    wanted = sorted(set(rules.countries or countries or []))
    found = _component_capitals(wanted, list(rules.tracked)) if wanted or rules.tracked else []
    if not found and store is not None:
        found = [p for p in store.places() if p.is_capital and p.kind not in ("country", "province", "district")
                 and (not wanted or p.country in wanted)]
    return found


def store_rules(store: Any) -> ControlRules:
    """The control rules of the conflict profile the store's latest run used (its sides, countries and tracked
    places), else the generic rules: a report on Sudan speaks of the army, the RSF and Sudan's state capitals."""
    from frontlines.profiles import store_profile

    return rules_for(store_profile(store) if store is not None else None)


def in_conflict(events: list[Event], rules: ControlRules) -> list[Event]:
    """The events of the rules' countries (all of them without a profile); an event of no known country stays."""
    if not rules.countries:
        return events
    from frontlines.control.tracked import event_country

    wanted = set(rules.countries)
    return [e for e in events if (event_country(e) or "") in wanted or e.iso is None]


def compute_control(store: Any, rules: ControlRules | None = None, as_of: date | None = None,
                    events: list[Event] | None = None) -> list[ControlInterval]:
    """Derive control intervals from the events in the store up to ``as_of`` (without saving them).

    ``events`` may be passed when the caller has already read them. With a profile's rules only the events of its
    countries count.
    """
    from frontlines.control.tracked import countries_of

    rules = rules or store_rules(store)
    if events is None:
        events = store.events(as_of=as_of)
    elif as_of is not None:
        events = [e for e in events if e.event_date is not None and e.event_date <= as_of]
    events = in_conflict(events, rules)
    ids = sorted({e.place_id for e in events if e.place_id})
    places = {p.id: p for p in store.places_by_id(ids)}
    resolver = UnitResolver(capitals(store, rules, countries_of(events)), places, rules)
    intervals, _ = derive_control(events, resolver, rules)
    return intervals


def control_stage(store: Any, context: Any = None) -> dict[str, Any]:
    """Corpus stage: rebuild the control table from all events; returns counts for the run summary."""
    settings = {}
    if context is not None and getattr(context, "config", None):
        settings = dict(context.config.get("corpus_stages", {}).get("control", {}))
    settings.pop("factory", None)
    rules = load_rules(settings.pop("rules", None), settings)
    # The stored record covers every event of the store (a store may hold several conflicts: `control` and `report`
    # show one at a time); the tracked places are the seats of all the countries the events are in.
    intervals = compute_control(store, replace(rules, countries=[]))
    store.save_control(intervals)
    return {"intervals": len(intervals), "places": len({c.place_id for c in intervals}),
            "held": sum(c.status == "held" for c in intervals), "contested": sum(c.status == "contested" for c in intervals)}


def unit_kinds(store: Any, place_ids: list[str], rules: ControlRules | None = None) -> dict[str, str]:
    """capital | district | place for each unit id (the kind is not stored with the interval): a capital is a
    tracked place of the rules' countries, or without a profile a first-level seat of its own country."""
    places = {p.id: p for p in store.places_by_id(list(place_ids))}
    capital_ids = {p.id for p in capitals(store, rules, sorted({p.country for p in places.values() if p.country}))}
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
    """Who holds each unit on ``as_of``, from the events known up to that day; tracked places first (the rules
    default to those of the store's profile)."""
    rules = rules or store_rules(store)
    current = current_intervals(compute_control(store, rules, as_of=as_of), as_of)
    kinds = unit_kinds(store, [c.place_id for c in current], rules)
    rows = [ControlRow(c.place_id, c.place_name, kinds.get(c.place_id, "place"), c.admin1, c.admin2, c.status, c.holder,
                       rules.side_of(c.holder), c.valid_from, c.evidence_event_ids) for c in current]
    order = {"capital": 0, "district": 1, "place": 2}
    return sorted(rows, key=lambda r: (order.get(r.kind, 3), r.place))


def write_control_csv(store: Any, path: str | Path, rules: ControlRules | None = None) -> Path:
    """``control.csv``: one status interval per row (place, admin codes, holder, status, from, to, evidence)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    intervals = sorted(store.control(), key=lambda c: (c.place_name, c.place_id, c.valid_from or date.min))
    kinds = unit_kinds(store, sorted({c.place_id for c in intervals}), rules)
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
