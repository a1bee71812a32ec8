"""Gold annotations: what a careful ACLED coder would record for each article.

One JSON record per line (the format is documented in ``gold/README.md``)::

    {"article_id": "...", "published": "2021-08-09",
     "events": [{"event_type": ..., "sub_event_type": ..., "actor1": ..., "actor2": ...,
                 "place": ..., "lat": ..., "lon": ..., "tolerance_km": 25,
                 "date_from": ..., "date_to": ..., "fatalities": null, "sentence": "..."}],
     "claims": [{"claimant": ..., "metric": ..., "count": ..., "comparator": ..., "denominator": ..., "sentence": "..."}],
     "non_events": [{"sentence": "...", "reason": "history"}]}

Optional ``url``, ``source`` (a path suffix) and ``title`` help find the article in a store
when the ingester gave it a different id.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

CLAIM_METRICS = ("districts", "provincial_capitals", "territory_share", "border_crossings", "civilian_casualties")
COMPARATORS = ("exactly", "more_than", "at_least", "nearly", "up_to", "about")
NON_EVENT_REASONS = ("history", "threat", "plan", "siege", "prediction", "conditional", "denial", "statement")
DEFAULT_TOLERANCE_KM = 25.0
MAX_GOLD_BYTES = 20_000_000


class GoldError(ValueError):
    """A gold file is missing, unreadable or breaks the format (the message says where)."""


@dataclass
class GoldEvent:
    event_type: str
    sub_event_type: str
    actor1: str | None
    actor2: str | None
    place: str
    lat: float | None
    lon: float | None
    date_from: date
    date_to: date
    sentence: str
    tolerance_km: float = DEFAULT_TOLERANCE_KM
    fatalities: int | None = None
    optional: bool = False       # recalled in passing: finding it or not does not count


@dataclass
class GoldClaim:
    claimant: str | None
    metric: str
    count: float | None
    sentence: str
    comparator: str = "exactly"
    denominator: int | None = None


@dataclass
class GoldNonEvent:
    sentence: str
    reason: str


@dataclass
class GoldRecord:
    """Everything expected of one article."""
    article_id: str
    published: date | None = None
    events: list[GoldEvent] = field(default_factory=list)
    claims: list[GoldClaim] = field(default_factory=list)
    non_events: list[GoldNonEvent] = field(default_factory=list)
    url: str | None = None
    source: str | None = None
    title: str | None = None


def load_gold(path: str | Path) -> list[GoldRecord]:
    """Read a gold JSONL file; raise :class:`GoldError` naming the line of the first bad record."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_GOLD_BYTES:
            raise GoldError(f"{path}: larger than {MAX_GOLD_BYTES} bytes; not a gold file")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"cannot read gold file {path}: {exc}") from exc
    records, seen = [], set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = parse_record(json.loads(line))
        except (json.JSONDecodeError, GoldError, TypeError, ValueError) as exc:
            raise GoldError(f"{path}:{number}: {exc}") from exc
        if record.article_id in seen:
            raise GoldError(f"{path}:{number}: article {record.article_id!r} appears twice")
        seen.add(record.article_id)
        records.append(record)
    if not records:
        raise GoldError(f"{path}: no gold records")
    return records


def parse_record(raw: Any) -> GoldRecord:
    """One gold record from its JSON form, validated."""
    if not isinstance(raw, dict):
        raise GoldError("a gold record must be a JSON object")
    article_id = _text(raw, "article_id")
    return GoldRecord(
        article_id=article_id,
        published=_date(raw.get("published"), "published", required=False),
        events=[_event(e) for e in _list(raw, "events")],
        claims=[_claim(c) for c in _list(raw, "claims")],
        non_events=[_non_event(n) for n in _list(raw, "non_events")],
        url=raw.get("url"), source=raw.get("source"), title=raw.get("title"),
    )


def _event(raw: Any) -> GoldEvent:
    if not isinstance(raw, dict):
        raise GoldError("an event must be a JSON object")
    date_from = _date(raw.get("date_from"), "date_from")
    date_to = _date(raw.get("date_to") or raw.get("date_from"), "date_to")
    if date_to < date_from:
        raise GoldError(f"event at {raw.get('place')!r}: date_to {date_to} is before date_from {date_from}")
    lat, lon = _number(raw.get("lat"), "lat"), _number(raw.get("lon"), "lon")
    if (lat is None) != (lon is None):
        raise GoldError(f"event at {raw.get('place')!r}: give both lat and lon or neither")
    fatalities = raw.get("fatalities")
    tolerance = _number(raw.get("tolerance_km"), "tolerance_km")
    if tolerance is not None and tolerance <= 0:
        raise GoldError(f"event at {raw.get('place')!r}: tolerance_km must be positive")
    return GoldEvent(
        event_type=_text(raw, "event_type"), sub_event_type=_text(raw, "sub_event_type"),
        actor1=raw.get("actor1"), actor2=raw.get("actor2"), place=_text(raw, "place"), lat=lat, lon=lon,
        date_from=date_from, date_to=date_to, sentence=_text(raw, "sentence"),
        tolerance_km=DEFAULT_TOLERANCE_KM if tolerance is None else tolerance,
        fatalities=int(fatalities) if fatalities is not None else None,
        optional=bool(raw.get("optional", False)),
    )


def _claim(raw: Any) -> GoldClaim:
    if not isinstance(raw, dict):
        raise GoldError("a claim must be a JSON object")
    metric, comparator = _text(raw, "metric"), raw.get("comparator") or "exactly"
    if metric not in CLAIM_METRICS:
        raise GoldError(f"claim metric {metric!r} is not one of {', '.join(CLAIM_METRICS)}")
    if comparator not in COMPARATORS:
        raise GoldError(f"claim comparator {comparator!r} is not one of {', '.join(COMPARATORS)}")
    denominator = raw.get("denominator")
    return GoldClaim(claimant=raw.get("claimant"), metric=metric, count=_number(raw.get("count"), "count"),
                     comparator=comparator, denominator=int(denominator) if denominator is not None else None,
                     sentence=_text(raw, "sentence"))


def _non_event(raw: Any) -> GoldNonEvent:
    if not isinstance(raw, dict):
        raise GoldError("a non_event must be a JSON object")
    reason = _text(raw, "reason")
    if reason not in NON_EVENT_REASONS:
        raise GoldError(f"non_event reason {reason!r} is not one of {', '.join(NON_EVENT_REASONS)}")
    return GoldNonEvent(sentence=_text(raw, "sentence"), reason=reason)


def _list(raw: dict, key: str) -> list:
    value = raw.get(key) or []
    if not isinstance(value, list):
        raise GoldError(f"{key!r} must be a list")
    return value


def _text(raw: dict, key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise GoldError(f"{key!r} is missing or not a non-empty string")
    return value


def _number(value: Any, key: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise GoldError(f"{key!r} must be a number, not {value!r}")
    return float(value)


def _date(value: Any, key: str, required: bool = True) -> date | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise GoldError(f"{key!r} must be an ISO date (YYYY-MM-DD), not {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise GoldError(f"{key!r}: {exc}") from exc
