"""Daily tallies (capitals and districts held by each side) beside the tallies claimed in the news.

Observed tallies count only units with evidence in the store, so they are lower bounds; a claim
"disagrees" when its figure and comparator cannot be reconciled with the observed count that day.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from frontlines.control.rules import ControlRules
from frontlines.model import Claim, ControlInterval


@dataclass
class DayTally:
    """Units held per side on one day; ``contested`` counts contested units."""
    day: date
    capitals: dict[str, int] = field(default_factory=dict)
    districts: dict[str, int] = field(default_factory=dict)
    contested_capitals: int = 0
    contested_districts: int = 0


@dataclass
class ClaimedTally:
    """A claim about a tally, with the observed figure it is compared with."""
    claim: Claim
    day: date | None
    metric: str                  # capitals | districts
    claimant: str
    observed: int | None
    agrees: bool | None          # None when there is nothing to compare with


def _units(store: Any, intervals: list[ControlInterval], rules: ControlRules
           ) -> tuple[dict[str, list[ControlInterval]], dict[str, str]]:
    from frontlines.control import unit_kinds

    by_unit: dict[str, list[ControlInterval]] = defaultdict(list)
    for interval in intervals:
        by_unit[interval.place_id].append(interval)
    return by_unit, unit_kinds(store, list(by_unit), rules)


def _current(intervals: list[ControlInterval], day: date) -> ControlInterval | None:
    for interval in intervals:
        if (interval.valid_from is None or interval.valid_from <= day) and (interval.valid_to is None or interval.valid_to > day):
            return interval
    return None


def tally_on(by_unit: dict[str, list[ControlInterval]], kinds: dict[str, str], day: date, rules: ControlRules) -> DayTally:
    """Capitals and districts held by each side on ``day``; a capital also counts as its district's centre."""
    tally = DayTally(day)
    districts: dict[str, ControlInterval] = {}
    for unit_id, intervals in by_unit.items():
        kind = kinds.get(unit_id, "place")
        current = _current(intervals, day)
        if current is None or kind not in ("capital", "district"):
            continue
        if kind == "capital":
            _count(tally.capitals, current, rules)
            tally.contested_capitals += current.status == "contested"
        key = current.admin2_code or (current.admin2 and f"{current.admin1}/{current.admin2}") or unit_id
        known = districts.get(key)
        if known is None or (current.valid_from or date.min) > (known.valid_from or date.min):
            districts[key] = current
    for current in districts.values():
        _count(tally.districts, current, rules)
        tally.contested_districts += current.status == "contested"
    return tally


def _count(counts: dict[str, int], interval: ControlInterval, rules: ControlRules) -> None:
    if interval.status == "held":
        side = rules.side_of(interval.holder) or (interval.holder or "unknown")
        counts[side] = counts.get(side, 0) + 1


def _intervals(store: Any, as_of: date | None, rules: ControlRules,
               intervals: list[ControlInterval] | None) -> list[ControlInterval]:
    if intervals is not None:
        return intervals
    from frontlines.control import compute_control
    return compute_control(store, rules, as_of=as_of)


def daily_tallies(store: Any, as_of: date, since: date | None = None, rules: ControlRules | None = None,
                  intervals: list[ControlInterval] | None = None) -> list[DayTally]:
    """One tally per day from ``since`` (default: the first day with a control change) to ``as_of``.

    ``intervals`` default to those derived from the events up to ``as_of``; ``rules`` to the store's profile's.
    """
    rules = rules or _store_rules(store)
    by_unit, kinds = _units(store, _intervals(store, as_of, rules, intervals), rules)
    starts = [i.valid_from for intervals in by_unit.values() for i in intervals if i.valid_from]
    if since is None:
        since = min(starts) if starts else as_of
    days = (as_of - since).days
    return [tally_on(by_unit, kinds, since + timedelta(days=n), rules) for n in range(max(days, 0) + 1)]


def _store_rules(store: Any) -> ControlRules:
    from frontlines.control import store_rules
    return store_rules(store)


def claim_day(claim: Claim, published: dict[str, date | None]) -> date | None:
    """The day a claim speaks of: its own as-of date, else its article's publication date."""
    return claim.as_of or published.get(claim.article_id)


def agrees(observed: int, claim: Claim) -> bool | None:
    """Whether an observed count is compatible with a claimed figure and its comparator."""
    if claim.count is None:
        return None
    count = claim.count
    tests = {
        "exactly": observed == count,
        "more_than": observed > count,
        "at_least": observed >= count,
        "up_to": observed <= count,
        "nearly": count - max(1.0, 0.1 * count) <= observed <= count,
        "about": abs(observed - count) <= max(1.0, 0.1 * count),
    }
    return tests.get(claim.comparator, observed == count)


def claimed_tallies(store: Any, as_of: date | None = None, rules: ControlRules | None = None,
                    intervals: list[ControlInterval] | None = None, claims: list[Claim] | None = None
                    ) -> list[ClaimedTally]:
    """Claims about capitals or districts held (``claims``, default: the store's), each beside the observed tally
    of the claimed side that day (``rules``: default, the store's profile's)."""
    rules = rules or _store_rules(store)
    metrics = rules.claim_metrics or {"districts": "districts", "provincial_capitals": "capitals"}
    claims = [c for c in (store.claims() if claims is None else claims) if c.metric in metrics]
    if not claims:
        return []
    published = {a.id: a.published for a in store.articles(sorted({c.article_id for c in claims}))}
    by_unit, kinds = _units(store, _intervals(store, as_of, rules, intervals), rules)
    out = []
    for claim in claims:
        day = claim_day(claim, published)
        if as_of is not None and day is not None and day > as_of:
            continue
        metric = metrics[claim.metric]
        observed = None
        if day is not None and rules.claims_side:   # without a profile's claims_side there is no one to compare
            observed = getattr(tally_on(by_unit, kinds, day, rules), metric).get(rules.claims_side, 0)
        out.append(ClaimedTally(claim, day, metric, claim.claimant or "unattributed", observed,
                                agrees(observed, claim) if observed is not None else None))
    return sorted(out, key=lambda t: (t.day or date.min, t.metric, t.claimant))
