"""Publication dates written into the text itself: the dateline at the head of an article.

Recognised at the head of the text only (a date further down is an event date, not a publication date):

* a labelled date: ``date 2021-06-19``, ``Published: 13 August 2021``, ``Posted on Aug. 13, 2021``
* a wire dateline: ``KABUL, Aug 13 (Reuters) -``, ``KABUL, Afghanistan, Aug. 13, 2021 (AP) —``
* a date opening the text or alone on a line: ``13 August 2021``, ``Friday, August 13, 2021 - …``

A wire dateline often has no year. The year is then taken from ``[ingest] dateline_year`` when the
user sets it; otherwise the date stays unknown — a year is never guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

HEAD_CHARS = 400
# A publication date before this, or more than a year after the day it is read, is a placeholder or a typo
# ("0001-01-01", "9999-12-31"): it is ignored with a warning, never stored (the dates of the text resolve against it).
EARLIEST_PUBLISHED = date(1900, 1, 1)

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
           "nov": 11, "dec": 12}
_MONTH = (r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAY = r"(?:(?i:mon|tues|wednes|thurs|fri|satur|sun)day,?[ \t]+)?"
_ORDINAL = r"(?:st|nd|rd|th)?"


def _date_pattern(tag: str, year_optional: bool) -> str:
    year = r"(?:,?[ \t]+(?P<{t}y2>\d{{4}}))?" if year_optional else r",?[ \t]+(?P<{t}y2>\d{{4}})"
    year = year.format(t=tag)
    return (rf"(?:(?P<{tag}iy>\d{{4}})-(?P<{tag}im>\d{{1,2}})-(?P<{tag}id>\d{{1,2}})(?![\d-])"
            rf"|(?P<{tag}dd>\d{{1,2}}){_ORDINAL}[ \t]+(?:of[ \t]+)?(?P<{tag}dm>{_MONTH})(?:,?[ \t]+(?P<{tag}dy>\d{{4}}))"
            + ("?" if year_optional else "")
            + rf"|(?P<{tag}mm>{_MONTH})[ \t]+(?P<{tag}md>\d{{1,2}}){_ORDINAL}(?!\d){year})")


_LABELLED = re.compile(
    rf"\b(?i:date[d]?|published|posted)\b[ \t]*(?i:on)?[ \t]*[:|\-]?[ \t]*{_WEEKDAY}{_date_pattern('a', False)}")
_WIRE = re.compile(
    rf"^[ \t]*(?P<city>[A-Z][A-Z'’.\- ]{{1,40}}?)(?:,[ \t]*[A-Z][\w'’.\- ]{{1,40}}?)?[ \t]*,[ \t]*{_WEEKDAY}"
    rf"{_date_pattern('b', True)}[ \t]*(?:\((?P<agency>[^()\n]{{1,40}})\))?[ \t]*[-–—:|]", re.MULTILINE)
_OPENING = re.compile(
    rf"^[ \t]*{_WEEKDAY}{_date_pattern('c', False)}(?:[ \t,]+\d{{1,2}}[:.]\d{{2}}[^\n]{{0,24}}?)?[ \t]*(?:$|[-–—:|])",
    re.MULTILINE)


@dataclass
class Dateline:
    """A dateline found in the text: where, what it says, and the date if it is complete."""
    text: str
    start: int
    end: int
    date: date | None
    month: int
    day: int
    agency: str | None = None


def find_dateline(text: str, year: int | None = None) -> Dateline | None:
    """The first dateline in the head of ``text``; ``year`` completes a dateline that has none."""
    head = text[:HEAD_CHARS]
    found = [m for m in (p.search(head) for p in (_LABELLED, _WIRE, _OPENING)) if m]
    for match in sorted(found, key=lambda m: m.start()):
        parts = _parts(match)
        if parts is None:
            continue
        y, month, day = parts
        if _valid(y or 2000, month, day) is None:  # 2000: a leap year, so 29 February passes
            continue
        day_ = _valid(y or year, month, day)
        agency = match.groupdict().get("agency")
        return Dateline(text=match.group(0).strip(), start=match.start(), end=match.end(), date=day_,
                        month=month, day=day, agency=agency.strip() if agency else None)
    return None


def latest_published(today: date | None = None) -> date:
    """The latest publication date taken as real: a year after ``today`` (default: the day of reading)."""
    return (today or date.today()) + timedelta(days=365)


def sane_published(day: date, today: date | None = None) -> bool:
    """Whether ``day`` can be a publication date: from :data:`EARLIEST_PUBLISHED` to :func:`latest_published`."""
    return EARLIEST_PUBLISHED <= day <= latest_published(today)


def parse_date(value: object) -> date | None:
    """A date from a metadata value: ISO date or datetime, or a written date with a year; else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    value = value.strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    match = re.search(_date_pattern("v", False), value)
    if not match:
        return None
    y, month, day = _parts(match) or (None, 0, 0)
    return _valid(y, month, day)


def _parts(match: re.Match[str]) -> tuple[int | None, int, int] | None:
    groups = {name[1:]: value for name, value in match.groupdict().items()
              if value is not None and name[0] in "abcv" and len(name) > 1}
    if "iy" in groups:
        return int(groups["iy"]), int(groups["im"]), int(groups["id"])
    if "dd" in groups:
        y = groups.get("dy")
        return (int(y) if y else None), _MONTHS[groups["dm"][:3].lower()], int(groups["dd"])
    if "mm" in groups:
        y = groups.get("y2")
        return (int(y) if y else None), _MONTHS[groups["mm"][:3].lower()], int(groups["md"])
    return None


def _valid(year: int | None, month: int, day: int) -> date | None:
    if year is None or not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None
