"""Score changes of control and control by day against a gold timeline of a conflict's main towns.

A gold timeline (``gold/realnews/<conflict>.timeline.json``, format in ``gold/README.md``) lists, for each town,
who held it when the period began and every change of hands the articles report, with the day, the other days
sources give (``alt_dates``), the new holder, the sub-event type and the articles behind it.

Two families of figures:

* **Changes of control.** A gold change is *found* when the system has a territory event within ``radius_km`` of
  the town whose new holder (actor1) is on the gold new holder's side, dated within ``window_days`` of the gold day
  (or undated). Of the found changes: the share whose system date is within one day of the gold day or one of its
  alt dates, and the share with the gold sub-event type. Every system territory event at a town is assigned to the
  nearest gold change by date; *events per change* is how many land on each found change (1.0 is perfect), and
  system territory events at a tracked town that land on no change are *spurious*.
* **Control by day.** For every day of the period and every town: does the system's control table (its intervals)
  name the gold holder's side? A day with no system interval counts as "no change known", i.e. the holder at the start
  of the period (so a system that never reports a fall is right on every standing town); days inside a window that
  sources disagree on are skipped. Fallen and standing towns are reported apart.

Sides are compared, not names: the state forces, police and government of one country are one side ("Military
Forces of Sudan (2019-)" and "Police Forces of Sudan (2019-)"), and any other actor is its own name without the
bracketed years. ``aliases`` in the timeline (side name -> other actor names) join more names to a side.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterable

from frontlines.evaluate.gold import GoldError
from frontlines.evaluate.score import TERRITORY, haversine_km
from frontlines.model import ControlInterval, Event, Place
from frontlines.understand.text import fold

RADIUS_KM = 25.0
WINDOW_DAYS = 30
_STATE = re.compile(r"^(?:military|police|government|armed) forces of (?:the )?(.+?)$|^government of (?:the )?(.+?)$")
_YEARS = re.compile(r"\s*\([^)]*\)")


@dataclass
class Change:
    """One change of hands at a town, as the gold timeline gives it (``day`` None: the articles give no day)."""
    day: date | None
    alt_days: list[date]
    new_holder: str
    sub_event_type: str
    sources: list[str]

    @property
    def days(self) -> list[date]:
        return [d for d in (self.day, *self.alt_days) if d is not None]


@dataclass
class Town:
    place: str
    lat: float
    lon: float
    initial_holder: str | None
    changes: list[Change] = field(default_factory=list)


@dataclass
class Timeline:
    """A conflict's gold timeline."""
    conflict: str
    start: date
    end: date
    towns: list[Town]
    aliases: dict[str, list[str]] = field(default_factory=dict)

    def side(self, actor: str | None) -> str | None:
        """The side an actor belongs to, for comparing holders (see the module docstring)."""
        if not actor:
            return None
        name = fold(_YEARS.sub("", actor)).strip()
        for side, names in self.aliases.items():
            if name in {fold(_YEARS.sub("", n)).strip() for n in [side, *names]}:
                return fold(side)
        state = _STATE.match(name)
        if state:
            return "state:" + (state.group(1) or state.group(2))
        return name

    def in_scope(self, article_ids: set[str]) -> "Timeline":
        """The timeline as the given articles support it: only changes one of them reports; towns whose every
        change lies outside are left out, towns that never change hands stay."""
        towns = []
        for town in self.towns:
            kept = [c for c in town.changes if set(c.sources) & article_ids]
            if kept or not town.changes:
                towns.append(Town(town.place, town.lat, town.lon, town.initial_holder, kept))
        return Timeline(self.conflict, self.start, self.end, towns, self.aliases)


def load_timeline(path: str | Path) -> Timeline:
    """Read and check a gold timeline; :class:`GoldError` names the file and what is wrong."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        period = raw["period"]
        towns = [_town(t) for t in raw["towns"]]
        timeline = Timeline(str(raw["conflict"]), date.fromisoformat(period["from"]), date.fromisoformat(period["to"]),
                            towns, {str(k): list(v) for k, v in (raw.get("aliases") or {}).items()})
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise GoldError(f"{path}: not a gold timeline ({type(exc).__name__}: {exc})") from exc
    if timeline.end < timeline.start:
        raise GoldError(f"{path}: period ends before it starts")
    return timeline


def _town(raw: dict[str, Any]) -> Town:
    changes = [Change(date.fromisoformat(c["date"]) if c.get("date") else None,
                      [date.fromisoformat(d) for d in c.get("alt_dates") or []],
                      c["new_holder"], c["sub_event_type"], list(c.get("sources") or []))
               for c in raw.get("changes") or []]
    if any(c.sub_event_type not in TERRITORY for c in changes):
        raise ValueError(f"{raw['place']}: a change's sub_event_type must be one of {', '.join(TERRITORY)}")
    return Town(raw["place"], float(raw["lat"]), float(raw["lon"]), raw.get("initial_holder"),
                sorted(changes, key=lambda c: c.day or date.max))


# -- changes of control ---------------------------------------------------------------------------

@dataclass
class ChangeScore:
    gold: int = 0
    found: int = 0
    dated_found: int = 0           # found changes the gold dates (an undated change's day is not judged)
    date_within_1_day: int = 0
    right_type: int = 0
    events_on_found: int = 0       # system territory events assigned to a found change
    spurious: int = 0              # system territory events at a tracked town assigned to no change
    missed: list[dict[str, Any]] = field(default_factory=list)
    wrong_date: list[dict[str, Any]] = field(default_factory=list)
    spurious_events: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        ratio = lambda a, b: a / b if b else None   # noqa: E731
        return {"gold": self.gold, "found": self.found, "recall": ratio(self.found, self.gold),
                "date_within_1_day": ratio(self.date_within_1_day, self.dated_found),
                "right_type": ratio(self.right_type, self.found),
                "events_per_change": ratio(self.events_on_found, self.found), "spurious": self.spurious,
                "missed": self.missed, "wrong_date": self.wrong_date, "spurious_events": self.spurious_events}


def score_changes(timeline: Timeline, events: Iterable[Event], radius_km: float = RADIUS_KM,
                  window_days: int = WINDOW_DAYS) -> ChangeScore:
    """Recall, date and type accuracy, duplication and spurious changes at the timeline's towns."""
    territory = [e for e in events if e.sub_event_type in TERRITORY and e.latitude is not None and e.longitude is not None]
    score = ChangeScore()
    window = timedelta(days=window_days)
    for town in timeline.towns:
        here = [e for e in territory if haversine_km(town.lat, town.lon, e.latitude, e.longitude) <= radius_km]
        assigned: dict[int, list[Event]] = {i: [] for i in range(len(town.changes))}
        for event in here:
            i = _nearest_change(town, event, timeline, window)
            if i is None:
                score.spurious += 1
                score.spurious_events.append(_event_row(town, event))
            else:
                assigned[i].append(event)
        for i, change in enumerate(town.changes):
            score.gold += 1
            mine = assigned[i]
            if not mine:
                score.missed.append({"place": town.place, "date": change.day.isoformat() if change.day else None,
                                     "new_holder": change.new_holder, "sources": change.sources})
                continue
            score.found += 1
            score.events_on_found += len(mine)
            best = min(mine, key=lambda e: _days_off(change, e))
            score.right_type += int(best.sub_event_type == change.sub_event_type)
            if not change.days:
                continue
            score.dated_found += 1
            if best.event_date is not None and _days_off(change, best) <= 1:
                score.date_within_1_day += 1
            else:
                score.wrong_date.append({**_event_row(town, best), "gold_date": change.days[0].isoformat(),
                                         "alt_dates": [d.isoformat() for d in change.days[1:]]})
    return score


def _nearest_change(town: Town, event: Event, timeline: Timeline, window: timedelta) -> int | None:
    side = timeline.side(event.actor1)
    fits = [(i, _days_off(c, event)) for i, c in enumerate(town.changes) if timeline.side(c.new_holder) == side]
    fits = [(i, off) for i, off in fits if off <= window.days]
    return min(fits, key=lambda f: f[1])[0] if fits else None


def _days_off(change: Change, event: Event) -> int:
    """Days between the event and the nearest day sources give for the change (0 when either is undated)."""
    if event.event_date is None or not change.days:
        return 0
    return min(abs((event.event_date - d).days) for d in change.days)


def _event_row(town: Town, event: Event) -> dict[str, Any]:
    return {"town": town.place, "event": event.event_id_cnty, "date": event.event_date.isoformat() if event.event_date else None,
            "sub_event_type": event.sub_event_type, "actor1": event.actor1, "articles": list(event.article_ids)}


# -- control by day -------------------------------------------------------------------------------

@dataclass
class DayScore:
    fallen_days: int = 0
    fallen_right: int = 0
    standing_days: int = 0
    standing_right: int = 0
    wrong: dict[str, int] = field(default_factory=dict)   # town -> wrong days

    def as_dict(self) -> dict[str, Any]:
        ratio = lambda a, b: a / b if b else None   # noqa: E731
        return {"fallen": {"days": self.fallen_days, "right": self.fallen_right,
                           "accuracy": ratio(self.fallen_right, self.fallen_days)},
                "standing": {"days": self.standing_days, "right": self.standing_right,
                             "accuracy": ratio(self.standing_right, self.standing_days)},
                "wrong_days_by_town": dict(sorted(self.wrong.items(), key=lambda kv: -kv[1]))}


def score_control_by_day(timeline: Timeline, intervals: Iterable[ControlInterval], places: dict[str, Place],
                         radius_km: float = RADIUS_KM) -> DayScore:
    """Day-by-day agreement of the system's control intervals with the timeline (``places``: the units' places)."""
    by_unit: dict[str, list[ControlInterval]] = {}
    for interval in intervals:
        by_unit.setdefault(interval.place_id, []).append(interval)
    score = DayScore()
    for town in timeline.towns:
        if any(not c.days for c in town.changes):
            continue   # a change the articles give no day for: who held the town when is unknown
        unit = _unit_for(town, by_unit, places, radius_km)
        day = timeline.start
        while day <= timeline.end:
            expected = _gold_holder(town, day)
            if expected is not _UNSURE:
                got = _system_holder(by_unit.get(unit, []), day, town.initial_holder)
                right = got is not None and timeline.side(got) == timeline.side(expected)
                if town.changes:
                    score.fallen_days += 1
                    score.fallen_right += right
                else:
                    score.standing_days += 1
                    score.standing_right += right
                if not right:
                    score.wrong[town.place] = score.wrong.get(town.place, 0) + 1
            day += timedelta(days=1)
    return score


_UNSURE = object()


def _gold_holder(town: Town, day: date) -> Any:
    """Who holds the town on ``day`` by the timeline; ``_UNSURE`` inside a window sources disagree on."""
    holder = town.initial_holder
    for change in town.changes:
        if min(change.days) <= day < max(change.days) + timedelta(days=1) and len(set(change.days)) > 1:
            return _UNSURE
        if change.day <= day:
            holder = change.new_holder
    return holder if holder is not None else _UNSURE


def _unit_for(town: Town, by_unit: dict[str, list[ControlInterval]], places: dict[str, Place],
              radius_km: float) -> str | None:
    near = [(haversine_km(town.lat, town.lon, p.lat, p.lon), pid) for pid, p in places.items()
            if pid in by_unit and p.lat is not None and p.lon is not None]
    near = [n for n in near if n[0] <= radius_km]
    return min(near)[1] if near else None


def _system_holder(intervals: list[ControlInterval], day: date, initial: str | None) -> str | None:
    """The system's holder on ``day``: its interval's holder, "contested", or the initial holder when it has none."""
    for c in intervals:
        if (c.valid_from is None or c.valid_from <= day) and (c.valid_to is None or c.valid_to > day):
            return c.holder if c.status == "held" else "(contested)"
    return initial
