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

A ``sentence`` may instead point into the article's stored text (its ``clean_text`` form),
``{"at": [start, end], "sha1": "<12 hex>"}``, for articles whose text may not be copied into a gold file (the
third-party seed articles): :func:`resolve_quotes` reads it from the store when the gold is scored, and reports
show the reference, never the text.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

CLAIM_METRICS = ("districts", "provincial_capitals", "territory_share", "border_crossings", "civilian_casualties")
COMPARATORS = ("exactly", "more_than", "at_least", "nearly", "up_to", "about")
NON_EVENT_REASONS = ("history", "threat", "plan", "siege", "prediction", "conditional", "denial", "statement",
                     "partial_control")
DEFAULT_TOLERANCE_KM = 25.0
EARLIEST = "1900-01-01"   # the start of a window the gold gives only an end for
MAX_GOLD_BYTES = 20_000_000


class GoldError(ValueError):
    """A gold file is missing, unreadable or breaks the format (the message says where)."""


class Quote(str):
    """A gold sentence given by its place in the article's text. Until :meth:`resolved` against that text it
    is a marker no evidence sentence contains, so it matches nothing."""
    article_id: str
    start: int
    end: int
    sha1: str

    def __new__(cls, article_id: str, start: int, end: int, sha1: str, text: str | None = None) -> "Quote":
        ref = f"[{article_id} {start}-{end}]"
        quote = super().__new__(cls, text if text is not None else f"\u27e6{ref}\u27e7")
        quote.article_id, quote.start, quote.end, quote.sha1 = article_id, start, end, sha1
        return quote

    def __getnewargs__(self) -> tuple:   # copy and pickle keep the reference
        return self.article_id, self.start, self.end, self.sha1, str(self)

    @property
    def ref(self) -> str:
        """How reports show it: the article and the character span, not the text."""
        return f"[{self.article_id} {self.start}-{self.end}]"

    def resolved(self, text: str) -> "Quote":
        """This quote holding its text; :class:`GoldError` when the article's text there is not what was quoted."""
        piece = text[self.start:self.end]
        if quote_hash(piece) != self.sha1:
            raise GoldError(f"{self.ref}: the article's text there is not the text the gold quotes "
                            "(has the article changed?)")
        return Quote(self.article_id, self.start, self.end, self.sha1, piece)


def quote_hash(text: str) -> str:
    """The hash a by-reference quote carries: the first 12 hex digits of the SHA-1 of its text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def shown(sentence: str) -> str:
    """A gold sentence as a report may show it: a by-reference quote as its reference."""
    return sentence.ref if isinstance(sentence, Quote) else sentence


def resolve_quotes(records: list["GoldRecord"], texts: dict[str, str]) -> None:
    """Give every by-reference quote of the records whose article text is in ``texts`` (gold article id -> text)
    its text. Quotes of articles not given stay markers that match nothing."""
    for record in records:
        text = texts.get(record.article_id)
        if text is None:
            continue
        for item in [*record.events, *record.claims, *record.non_events]:
            if isinstance(item.sentence, Quote):
                item.sentence = item.sentence.resolved(text)


@dataclass
class GoldEvent:
    event_type: str
    sub_event_type: str
    actor1: str | None
    actor2: str | None
    place: str
    lat: float | None
    lon: float | None
    date_from: date | None       # None (with date_to): the article gives no date for it (an undated page)
    date_to: date | None
    sentence: str
    tolerance_km: float = DEFAULT_TOLERANCE_KM
    fatalities: int | None = None
    optional: bool = False       # recalled in passing: finding it or not does not count
    claimed_by: str | None = None   # only a party to the conflict says so

    @property
    def dated(self) -> bool:
        return self.date_from is not None


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

    @property
    def quoted(self) -> bool:
        """Does the gold give its sentences by reference (the article's text may not be copied)?"""
        return any(isinstance(item.sentence, Quote) for item in [*self.events, *self.claims, *self.non_events])


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
        events=[_event(e, article_id) for e in _list(raw, "events")],
        claims=[_claim(c, article_id) for c in _list(raw, "claims")],
        non_events=[_non_event(n, article_id) for n in _list(raw, "non_events")],
        url=raw.get("url"), source=raw.get("source"), title=raw.get("title"),
    )


def _event(raw: Any, article_id: str) -> GoldEvent:
    if not isinstance(raw, dict):
        raise GoldError("an event must be a JSON object")
    undated = raw.get("date_from") is None and raw.get("date_to") is None
    # "by 10 December" (no start): any day up to date_to
    date_from = None if undated else _date(raw.get("date_from") or EARLIEST, "date_from")
    date_to = None if undated else _date(raw.get("date_to") or raw.get("date_from"), "date_to")
    if date_to is not None and date_from is not None and date_to < date_from:
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
        date_from=date_from, date_to=date_to, sentence=_sentence(raw, article_id),
        tolerance_km=DEFAULT_TOLERANCE_KM if tolerance is None else tolerance,
        fatalities=int(fatalities) if fatalities is not None else None,
        optional=bool(raw.get("optional", False)), claimed_by=raw.get("claimed_by"),
    )


def _claim(raw: Any, article_id: str) -> GoldClaim:
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
                     sentence=_sentence(raw, article_id))


def _non_event(raw: Any, article_id: str) -> GoldNonEvent:
    if not isinstance(raw, dict):
        raise GoldError("a non_event must be a JSON object")
    reason = _text(raw, "reason")
    if reason not in NON_EVENT_REASONS:
        raise GoldError(f"non_event reason {reason!r} is not one of {', '.join(NON_EVENT_REASONS)}")
    return GoldNonEvent(sentence=_sentence(raw, article_id), reason=reason)


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


def _sentence(raw: dict, article_id: str) -> str:
    """The text of ``sentence``, or a :class:`Quote` when it points into the article."""
    value = raw.get("sentence")
    if not isinstance(value, dict):
        return _text(raw, "sentence")
    at, sha1 = value.get("at"), value.get("sha1")
    offsets = isinstance(at, list) and len(at) == 2 and all(type(x) is int for x in at) and 0 <= at[0] < at[1]
    if not (offsets and isinstance(sha1, str) and len(sha1) == 12):
        raise GoldError(f"'sentence' must be a string or {{\"at\": [start, end], \"sha1\": \"<12 hex>\"}}, "
                        f"not {value!r}")
    return Quote(article_id, at[0], at[1], sha1)


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
