"""Who holds what, when: control intervals derived from territory events and armed clashes.

Every place a territory event or a clash touches becomes a *unit* of control. A tracked place (a first-level
seat: a provincial capital in Afghanistan, a state capital in Sudan; see ``tracked.py``) stands for its seat (any
event resolved to the city, to a point within a few km of it, or to a province named like its capital), a district
for itself. For each unit, events are walked in
date order: a capture, a recapture or a handover makes the unit *held* by the event's actor1 (a
recapture counts exactly as much as a fall); a clash makes it *contested* until the next territory
event. Before the first capture the unit is taken to have been held by that capture's actor2, with
the capture as evidence. Each interval carries the ids of the events behind it.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from frontlines.control.rules import ControlRules
from frontlines.model import ControlInterval, Event, Place


@dataclass
class Unit:
    """A place whose control is tracked: a tracked seat ("capital"), a district, or a point (crossing, base, town)."""
    id: str
    name: str
    kind: str                       # capital | district | place
    admin1: str | None = None
    admin2: str | None = None
    admin1_code: str | None = None
    admin2_code: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass
class _State:
    status: str
    holder: str | None
    start: date | None
    evidence: list[str] = field(default_factory=list)


def unit_of(place: Place, kind: str | None = None) -> Unit:
    """The control unit for a place."""
    if kind is None:
        kind = "capital" if place.is_capital and place.kind not in ("country", "province") else (
            "district" if place.kind == "district" else "place")
    return Unit(id=place.id, name=place.name, kind=kind, admin1=place.admin1, admin2=place.admin2,
                admin1_code=place.admin1_code, admin2_code=place.admin2_code, lat=place.lat, lon=place.lon)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def _fold(text: str | None) -> str:
    from frontlines.understand.text import fold
    return fold(text or "")


class UnitResolver:
    """Maps an event's place to the unit whose control it changes."""

    def __init__(self, capitals: list[Place], places: dict[str, Place], rules: ControlRules) -> None:
        self.capitals = [unit_of(c, "capital") for c in capitals]
        self.by_id = {u.id: u for u in self.capitals}
        self.by_province = {_fold(u.admin1): u for u in self.capitals if u.admin1}
        self.by_name: dict[str, list[Unit]] = defaultdict(list)
        for unit in self.capitals:
            self.by_name[_fold(unit.name)].append(unit)
        self.places = places
        self.radius = rules.capital_radius_km
        self._seen: dict[tuple, Unit | None] = {}

    def capital_for(self, place_id: str | None, name: str | None, admin1: str | None,
                    lat: float | None, lon: float | None) -> Unit | None:
        """The tracked seat a place stands for, if any."""
        key = (place_id, name, admin1, lat, lon)
        if key not in self._seen:
            self._seen[key] = self._capital_for(place_id, name, admin1, lat, lon)
        return self._seen[key]

    def _capital_for(self, place_id: str | None, name: str | None, admin1: str | None,
                     lat: float | None, lon: float | None) -> Unit | None:
        if place_id in self.by_id:
            return self.by_id[place_id]
        place = self.places.get(place_id or "")
        if place is not None and place.kind == "province":
            # "Kandahar" resolved to the province: a capture of a province named like its capital is the capital's.
            capital = self.by_province.get(_fold(place.name))
            return capital if capital and _fold(capital.name) == _fold(place.name) else None
        if lat is not None and lon is not None:
            near = [(distance_km(lat, lon, u.lat, u.lon), u) for u in self.capitals if u.lat is not None and u.lon is not None]
            near = [pair for pair in near if pair[0] <= self.radius]
            if near:
                return min(near, key=lambda pair: pair[0])[1]
        for unit in self.by_name.get(_fold(name), []) if name else []:
            if not admin1 or _fold(unit.admin1) == _fold(admin1):
                return unit
        return None

    def unit_for(self, event: Event) -> Unit | None:
        """The unit an event touches, or None when it has no usable place."""
        capital = self.capital_for(event.place_id, event.location, event.admin1, event.latitude, event.longitude)
        if capital is not None:
            return capital
        place = self.places.get(event.place_id or "")
        if place is not None:
            if place.kind in ("country", "province", "region", "sea", "river"):
                return None  # too coarse to say who holds what
            return unit_of(place)
        if not event.place_id and not event.location:
            return None
        return Unit(id=event.place_id or f"loc:{_fold(event.location)}", name=event.location or event.place_id or "",
                    kind="place", admin1=event.admin1, admin2=event.admin2, lat=event.latitude, lon=event.longitude)


def derive_control(events: list[Event], resolver: UnitResolver, rules: ControlRules
                   ) -> tuple[list[ControlInterval], dict[str, Unit]]:
    """Control intervals for every unit the events touch, and the units by id."""
    relevant = set(rules.territory_events) | set(rules.contest_events)
    by_unit: dict[str, list[Event]] = defaultdict(list)
    units: dict[str, Unit] = {}
    for event in events:
        if event.sub_event_type not in relevant or event.event_date is None:
            continue
        unit = resolver.unit_for(event)
        if unit is None:
            continue
        units.setdefault(unit.id, unit)
        by_unit[unit.id].append(event)
    intervals = []
    for unit_id, unit_events in by_unit.items():
        intervals += unit_history(units[unit_id], unit_events, rules)
    intervals.sort(key=lambda c: (c.place_name, c.valid_from or date.min))
    return intervals, units


def unit_history(unit: Unit, events: list[Event], rules: ControlRules) -> list[ControlInterval]:
    """The intervals of one unit, from its events (any order)."""
    days: dict[date, list[Event]] = defaultdict(list)
    for event in events:
        days[event.event_date].append(event)
    states: list[_State] = []
    for day in sorted(days):
        today = sorted(days[day], key=lambda e: e.event_id_cnty)
        taken = [e for e in today if e.sub_event_type in rules.territory_events and e.actor1]
        ids = [e.event_id_cnty for e in (taken or today)]
        current = states[-1] if states else None
        if taken:
            holders = sorted({e.actor1 for e in taken})
            if not states:
                before = sorted({e.actor2 for e in taken if e.actor2 and e.actor2 not in holders})
                if len(before) == 1:
                    states.append(_State("held", before[0], None, list(ids)))
                    current = states[-1]
            if len(holders) == 1:
                new = _State("held", holders[0], day, ids)
            else:  # two actors claim the same place the same day: we cannot tell who holds it
                new = _State("contested", None, day, ids)
        else:
            holder = current.holder if current else None
            new = _State("contested", holder, day, ids)
        if current and current.status == new.status and current.holder == new.holder:
            current.evidence += [i for i in ids if i not in current.evidence]
        else:
            states.append(new)
    return [_interval(unit, s, states[i + 1].start if i + 1 < len(states) else None) for i, s in enumerate(states)]


def _interval(unit: Unit, state: _State, valid_to: date | None) -> ControlInterval:
    return ControlInterval(place_id=unit.id, place_name=unit.name, status=state.status, holder=state.holder,
                           valid_from=state.start, valid_to=valid_to, admin1=unit.admin1, admin2=unit.admin2,
                           admin1_code=unit.admin1_code, admin2_code=unit.admin2_code,
                           evidence_event_ids=list(state.evidence))


def status_on(intervals: list[ControlInterval], day: date) -> ControlInterval | None:
    """The interval of one unit in force on a day (intervals of a single unit)."""
    for interval in intervals:
        if (interval.valid_from is None or interval.valid_from <= day) and (interval.valid_to is None or interval.valid_to > day):
            return interval
    return None
