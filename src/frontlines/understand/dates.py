"""When: find date expressions and resolve them against the article's publication date.

Our own rules, not dateparser: news is written in the past tense, so "on Monday" is the most recent
Monday (the publication day included), "on the 22nd" the most recent 22nd and "over the weekend" the most
recent Saturday–Sunday. Without a publication date, relative expressions stay unresolved (``date_start``
None): we never guess. Each mention carries ACLED's time precision (1 day, 2 week or weekend, 3 month)
and whether it refers to history (ended more than a year before publication).
"""
from __future__ import annotations

import calendar
import logging
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import yaml

from frontlines.model import Article, DateMention, Sentence

EXPRESSIONS_FILE = Path(__file__).resolve().parents[1] / "data" / "date_expressions.yaml"
# Publication dates the resolver reckons from; outside them ("0001-01-01", "9999-12-31") a date is a placeholder, and
# relative expressions are left unresolved as if it were unknown (the calendar arithmetic would also overflow).
SANE_PUBLISHED = (date(1900, 1, 1), date(2100, 12, 31))
_log = logging.getLogger(__name__)

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "a": 1, "a few": 3, "several": 3}

# Month names must be capitalised: "may" is a modal verb.
_MONTH = r"(?-i:(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_PART = r"(?:(?P<part>early|mid|middle of|late|end of|the end of|the beginning of|beginning of)[\s-]+)"
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"


@dataclass(frozen=True)
class _Reference:
    """What relative expressions are resolved against: the publication day; for an article without one, only what
    places a day given without its year ("on August 15", never "on Monday"): a year, or a full date of the text
    that the day is taken nearest to."""
    published: date | None
    year: int | None = None
    near: date | None = None


@dataclass
class _Resolved:
    start: date | None
    end: date | None
    precision: int | None
    historical: bool | None = None   # None: decide from the dates


@dataclass
class _Rule:
    name: str
    pattern: re.Pattern[str]
    resolve: Callable[[re.Match[str], _Reference], _Resolved | None]
    triggers: tuple[str, ...] = ()    # lower-case substrings one of which must occur, else the rule is skipped


_MONTH_TRIGGERS = tuple(sorted({m[:3] for m in MONTHS}))


@dataclass
class DateSettings:
    relative: list[dict[str, Any]]
    future_cues: list[str]
    historical_after_days: int
    future_months: int = 4


@lru_cache(maxsize=4)
def load_date_settings(path: str | None = None) -> DateSettings:
    """The relative expressions and thresholds of ``data/date_expressions.yaml`` (or another file)."""
    raw = yaml.safe_load(Path(path or EXPRESSIONS_FILE).read_text(encoding="utf-8")) or {}
    return DateSettings(relative=list(raw.get("relative", [])), future_cues=[str(c) for c in raw.get("future_cues", [])],
                        historical_after_days=int(raw.get("historical_after_days", 365)),
                        future_months=int(raw.get("future_months", 4)))


# -- calendar arithmetic ------------------------------------------------------------------------------
def _month_span(year: int, month: int, part: str | None = None) -> tuple[date, date]:
    last = calendar.monthrange(year, month)[1]
    part = (part or "").lower()
    if part in ("early", "beginning of", "the beginning of"):
        return date(year, month, 1), date(year, month, 10)
    if part in ("mid", "middle of"):
        return date(year, month, 11), date(year, month, 20)
    if part in ("late", "end of", "the end of"):
        return date(year, month, 21), date(year, month, last)
    return date(year, month, 1), date(year, month, last)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def most_recent_weekday(weekday: int, published: date) -> date:
    """The latest day with this weekday (0 = Monday) not after publication."""
    return published - timedelta(days=(published.weekday() - weekday) % 7)


def most_recent_day_of_month(day: int, published: date) -> date | None:
    """The latest date with this day of the month not after publication ("on the 22nd")."""
    year, month = published.year, published.month
    for _ in range(12):
        candidate = _safe_date(year, month, day)
        if candidate and candidate <= published:
            return candidate
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return None


def most_recent_weekend(published: date) -> tuple[date, date]:
    """The latest Saturday–Sunday whose Sunday is not after publication."""
    sunday = most_recent_weekday(6, published)
    return sunday - timedelta(days=1), sunday


# -- rules -----------------------------------------------------------------------------------------------
def _month_of(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _span_precision(start: date, end: date) -> int:
    """ACLED time precision of a window: one day 1, up to a week 2, longer 3."""
    days = (end - start).days
    return 1 if days <= 0 else 2 if days <= 7 else 3


def _year_of(month: int, ref: _Reference) -> int | None:
    """The year of a day given without one: the publication year, the previous one when the month lies too far
    ahead of publication ("Dec. 30" in a January article); without a publication day, the year that puts it nearest
    the text's latest full date ("January 23rd" near "December 15th, 2024" is in 2025), else the year it names."""
    if ref.published is None:
        if ref.near is None:
            return ref.year
        return min((ref.near.year + k for k in (-1, 0, 1)),
                   key=lambda y: abs((date(y, month, 15) - ref.near).days))
    ahead = month - ref.published.month
    return ref.published.year if ahead <= load_date_settings().future_months else ref.published.year - 1


def _past(start: date, end: date, ref: _Reference) -> tuple[date, date]:
    """A window that contains the publication day ends there: what is reported happened by then."""
    if ref.published is not None and start <= ref.published < end:
        return start, ref.published
    return start, end


def _iso(m: re.Match[str], ref: _Reference) -> _Resolved | None:
    day = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    return _Resolved(day, day, 1) if day else None


def _full_date(m: re.Match[str], ref: _Reference) -> _Resolved | None:
    day = _safe_date(int(m["year"]), _month_of(m["month"]), int(m["day"]))
    return _Resolved(day, day, 1) if day else None


def _month_day(m: re.Match[str], ref: _Reference) -> _Resolved | None:
    month = _month_of(m["month"])
    year = _year_of(month, ref)
    if year is None:
        return _Resolved(None, None, 1)
    day = _safe_date(year, month, int(m["day"]))
    return _Resolved(day, day, 1) if day else None


def _day_range(m: re.Match[str], ref: _Reference) -> _Resolved | None:
    """ "from Aug. 6 to Aug. 8", "between 6 and 8 August", "Aug 6-8", "6–8 August 2021": the window, its precision
    the window's width; "the night of 6 to 7 August" is its first day."""
    first_month = _month_of(m["month1"] or m["month2"])
    last_month = _month_of(m["month2"] or m["month1"])
    year_text = m["year2"] or m["year1"]
    last_year = int(year_text) if year_text else _year_of(last_month, ref)
    if last_year is None:
        return _Resolved(None, None, 1 if m["night"] else 2)
    first_year = int(m["year1"]) if m["year1"] else last_year - (1 if first_month > last_month else 0)
    start = _safe_date(first_year, first_month, int(m["day1"]))
    end = _safe_date(last_year, last_month, int(m["day2"]))
    if start is None or end is None or not timedelta(0) < end - start <= timedelta(days=31):
        return None   # longer than a month: no one event's window (its two ends stay days of their own)
    if m["night"]:
        return _Resolved(start, start, 1)
    return _Resolved(start, end, _span_precision(start, end))


def _weekday_range(m: re.Match[str], ref: _Reference) -> _Resolved:
    """ "from Friday to Sunday", "the night of Saturday to Sunday": the most recent such run of days."""
    if ref.published is None:
        return _Resolved(None, None, 1 if m["night"] else 2)
    end = most_recent_weekday(WEEKDAYS[m["weekday2"].lower()], ref.published)
    start = end - timedelta(days=(end.weekday() - WEEKDAYS[m["weekday1"].lower()]) % 7 or 7)
    if m["night"]:
        return _Resolved(start, start, 1)
    return _Resolved(start, end, _span_precision(start, end))


def _year_range(m: re.Match[str], ref: _Reference) -> _Resolved | None:
    first, last = int(m["year1"]), int(m["year2"])
    if not first < last <= first + 50:
        return None
    return _Resolved(date(first, 1, 1), date(last, 12, 31), 3)


def _month_year(m: re.Match[str], ref: _Reference) -> _Resolved:
    start, end = _month_span(int(m["year"]), _month_of(m["month"]), m["part"])
    return _Resolved(*_past(start, end, ref), 3)


def _month(m: re.Match[str], ref: _Reference) -> _Resolved:
    published = ref.published
    if published is None:
        return _Resolved(None, None, 3)
    month = _month_of(m["month"])
    future = bool(m["cue"] and m["cue"].strip().lower() in load_date_settings().future_cues) or \
        (m["part"] or "").lower() in ("end of", "the end of")
    ahead = month - published.month
    # A bare month is the most recent one, unless a cue ("by September") or its nearness makes it the coming one.
    year = published.year if ahead <= 0 or future or ahead <= load_date_settings().future_months else published.year - 1
    start, end = _month_span(year, month, m["part"])
    return _Resolved(*((start, end) if future else _past(start, end, ref)), 3)


def _month_part(m: re.Match[str], ref: _Reference) -> _Resolved:
    """ "late last month", "early this month", "at the end of last month": part of a month named relatively."""
    if ref.published is None:
        return _Resolved(None, None, 3)
    offset = {"last": -1, "this": 0, "next": 1}[m["which"].lower()]
    first, _ = _calendar_unit("month", offset, ref.published)
    start, end = _month_span(first.year, first.month, m["part"])
    return _Resolved(*_past(start, end, ref), 3)


def _week_part(m: re.Match[str], ref: _Reference) -> _Resolved:
    """ "early last week" (Monday to Wednesday), "late this week" (Thursday to Sunday)."""
    if ref.published is None:
        return _Resolved(None, None, 2)
    monday, sunday = _calendar_unit("week", -1 if m["which"].lower() == "last" else 0, ref.published)
    start, end = (monday, monday + timedelta(days=2)) if m["part"].lower() == "early" else (monday + timedelta(days=3), sunday)
    return _Resolved(*_past(start, end, ref), 2)


def _count(text: str) -> int:
    text = " ".join(text.lower().split())
    return int(text) if text.isdigit() else NUMBER_WORDS.get(text, 0)


def _past_span(m: re.Match[str], ref: _Reference) -> _Resolved | None:
    """ "in the past three days", "over the last 48 hours", "in the past week": up to the publication day."""
    count = _count(m["count"]) if m["count"] else 1
    unit = m["unit"].lower().rstrip("s")
    days = {"hour": -(-count // 24), "day": count, "week": 7 * count, "month": 30 * count}[unit]
    if not 0 < days <= 366:
        return None
    precision = 1 if days <= 1 else 2 if days <= 7 else 3
    if ref.published is None:
        return _Resolved(None, None, precision)
    return _Resolved(ref.published - timedelta(days=days), ref.published, precision)


def _ago(m: re.Match[str], ref: _Reference) -> _Resolved | None:
    """ "two days ago" (that day), "a week ago" (that day, give or take: precision 2), "a month ago" (that month)."""
    count = _count(m["count"])
    unit = m["unit"].lower().rstrip("s")
    if not 0 < count <= {"day": 366, "week": 52, "month": 12}[unit]:
        return None
    precision = {"day": 1, "week": 2, "month": 3}[unit]
    if ref.published is None:
        return _Resolved(None, None, precision)
    if unit == "month":
        start, end = _calendar_unit("month", -count, ref.published)
        return _Resolved(start, end, 3)
    day = ref.published - timedelta(days=count * (7 if unit == "week" else 1))
    return _Resolved(day, day, precision)


def _nth(m: re.Match[str], ref: _Reference) -> _Resolved | None:
    day = int(m["day"])
    if not 1 <= day <= 31:
        return None
    if ref.published is None:
        return _Resolved(None, None, 1)
    found = most_recent_day_of_month(day, ref.published)
    return _Resolved(found, found, 1) if found else None


def _weekday(m: re.Match[str], ref: _Reference) -> _Resolved:
    if ref.published is None:
        return _Resolved(None, None, 1)
    day = most_recent_weekday(WEEKDAYS[m["weekday"].lower()], ref.published)
    if m["last"] and day == ref.published:
        day -= timedelta(days=7)
    return _Resolved(day, day, 1)


def _weekend(m: re.Match[str], ref: _Reference) -> _Resolved:
    if ref.published is None:
        return _Resolved(None, None, 2)
    saturday, sunday = most_recent_weekend(ref.published)
    return _Resolved(saturday, sunday, 2)


def _year(m: re.Match[str], ref: _Reference) -> _Resolved:
    """A year alone: the whole year, precision 3 (never a day of it)."""
    year = int(m["year"])
    return _Resolved(*_past(date(year, 1, 1), date(year, 12, 31), ref), 3)


def _decade(m: re.Match[str], ref: _Reference) -> _Resolved:
    decade = int(m["decade"])
    part = (m["part"] or "").lower()
    first, last = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}.get(part, (0, 9))
    start, end = date(decade + first, 1, 1), date(decade + last, 12, 31)
    # Without a publication date only a decade of the last century is taken as history.
    historical = end.year < ref.published.year if ref.published else end.year < 2000
    return _Resolved(start, end, 3, historical)


def _years_ago(m: re.Match[str], ref: _Reference) -> _Resolved:
    years = _count(m["count"])
    if ref.published is None:
        return _Resolved(None, None, 3, years >= 1)
    year = ref.published.year - years
    return _Resolved(date(year, 1, 1), date(year, 12, 31), 3, years >= 1)


def _nine_eleven(m: re.Match[str], ref: _Reference) -> _Resolved:
    return _Resolved(date(2001, 9, 11), date(2001, 9, 11), 1, True)


def _relative(entry: dict[str, Any]) -> Callable[[re.Match[str], _Reference], _Resolved]:
    precision = entry.get("precision", 3)   # coarser than a month is still "3, month or vaguer", never a day

    def resolve(m: re.Match[str], ref: _Reference) -> _Resolved:
        published = ref.published
        if published is None:
            return _Resolved(None, None, precision)
        if "days" in entry:
            low, high = entry["days"]
            return _Resolved(published + timedelta(days=low), published + timedelta(days=high), precision)
        start, end = _calendar_unit(entry["unit"], int(entry.get("offset", 0)), published)
        if entry.get("to_publication"):
            end = published
        return _Resolved(start, end, precision)
    return resolve


def _calendar_unit(unit: str, offset: int, published: date) -> tuple[date, date]:
    if unit == "week":
        monday = published - timedelta(days=published.weekday()) + timedelta(weeks=offset)
        return monday, monday + timedelta(days=6)
    if unit == "month":
        year, month = published.year, published.month + offset
        while month < 1:
            year, month = year - 1, month + 12
        while month > 12:
            year, month = year + 1, month - 12
        return _month_span(year, month)
    year = published.year + offset
    return date(year, 1, 1), date(year, 12, 31)


def _phrase(text: str) -> str:
    return r"\s+".join(re.escape(word) for word in text.split())


def _numbered(name: str, pattern: str) -> str:
    """A sub-pattern with its named groups renamed (``month`` -> ``month1``), to use it twice in one rule."""
    return re.sub(r"\(\?P<(\w+)>", lambda g: f"(?P<{g.group(1)}{name}>", pattern)


_COUNT = r"(?P<count>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|a\s+few|several|a)"
_DASH = r"\s*[-\u2010-\u2015]\s*"
# "and" joins the two ends only after "between" ("on Aug. 6 and 8 people died" is no range)
_TO = rf"(?:\s+(?:to|until|till|through|into)\s+|{_DASH}|(?(between)\s+and\s+|(?!)))"
_NIGHT = r"(?P<night>(?:on\s+)?(?:the\s+)?night\s+of\s+)?"


def _range_rules() -> list[_Rule]:
    """Day ranges, each with or without a year: month first ("Aug. 6 to Aug. 8", "August 6-8, 2021") and day first
    ("6 to 8 August", "between 6 and 8 August 2021", "6 August - 8 September")."""
    m1, m2 = _numbered("1", _MONTH), _numbered("2", _MONTH)
    d1, d2 = _numbered("1", _DAY), _numbered("2", _DAY)
    y1, y2 = _numbered("1", _YEAR), _numbered("2", _YEAR)
    lead = rf"\b{_NIGHT}(?:on\s+|from\s+|(?P<between>between\s+))?"
    month_first = rf"{lead}{m1}\s+{d1}(?:,?\s+{y1})?{_TO}(?:{m2}\s+)?{d2}\b(?:,?\s+{y2})?(?![\d:])"
    day_first = rf"{lead}{d1}(?:\s+(?:of\s+)?{m1}(?:,?\s+{y1})?)?{_TO}{d2}\s+(?:of\s+)?{m2}\b(?:,?\s+{y2})?(?![\d:])"
    weekdays = rf"{lead}{_numbered('1', _WEEKDAY)}(?:\s+night)?{_TO}{_numbered('2', _WEEKDAY)}\b"
    return [_Rule("day_range", re.compile(month_first, re.IGNORECASE), _day_range, _MONTH_TRIGGERS),
            _Rule("day_range", re.compile(day_first, re.IGNORECASE), _day_range, _MONTH_TRIGGERS),
            _Rule("weekday_range", re.compile(weekdays, re.IGNORECASE), _weekday_range, tuple(WEEKDAYS))]


@lru_cache(maxsize=4)
def _rules(path: str | None = None) -> tuple[_Rule, ...]:
    settings = load_date_settings(path)
    cues = "|".join(sorted((_phrase(c) for c in settings.future_cues), key=len, reverse=True))
    parts = r"(?P<part>early|mid|middle\s+of|late|end\s+of|the\s+end\s+of|the\s+beginning\s+of|beginning\s+of|" \
            r"the\s+middle\s+of)"
    rules = [
        _Rule("iso", re.compile(r"(?<![\d-])(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d-])"), _iso, ("-",)),
        _Rule("nine_eleven", re.compile(r"(?<![\d/])9/11(?![\d/])"), _nine_eleven, ("9/11",)),
        *_range_rules(),
        _Rule("year_range", re.compile(rf"\b(?:from\s+|(?P<between>between\s+))?{_numbered('1', _YEAR)}(?:{_TO}){_numbered('2', _YEAR)}\b",
                                       re.IGNORECASE), _year_range, ("19", "20")),
        _Rule("full_date", re.compile(rf"\b(?:on\s+)?{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE), _full_date, _MONTH_TRIGGERS),
        _Rule("full_date", re.compile(rf"\b(?:on\s+)?{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE), _full_date, _MONTH_TRIGGERS),
        _Rule("month_year", re.compile(rf"\b(?:in\s+|since\s+|from\s+|of\s+|by\s+)?{_PART}?{_MONTH},?\s+{_YEAR}\b",
                                       re.IGNORECASE), _month_year, _MONTH_TRIGGERS),
        _Rule("month_day", re.compile(rf"\b(?:on\s+)?{_MONTH}\s+{_DAY}\b(?![,\s]*\d)", re.IGNORECASE), _month_day, _MONTH_TRIGGERS),
        _Rule("month_day", re.compile(rf"\b(?:on\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}\b(?![,\s]*\d)", re.IGNORECASE), _month_day, _MONTH_TRIGGERS),
        _Rule("weekend", re.compile(r"\b(?:over|at|during|on)\s+the\s+weekend\b|\b(?:last|this)\s+weekend\b",
                                    re.IGNORECASE), _weekend, ("weekend",)),
        _Rule("weekday", re.compile(rf"\b(?:(?:late|early)\s+)?(?:on\s+)?(?P<last>last\s+)?{_WEEKDAY}"
                                    r"(?:\s+(?:night|morning|evening|afternoon))?\b", re.IGNORECASE), _weekday,
              tuple(WEEKDAYS)),
        _Rule("day_of_month", re.compile(r"\b(?:on\s+)?the\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)\b(?!\s+(?:century|anniversary))",
                                         re.IGNORECASE), _nth),
        _Rule("decade", re.compile(r"\b(?:the\s+)?(?:(?P<part>early|mid|late)[\s-]+)?(?P<decade>(?:19|20)\d0)['\u2019]?s\b",
                                   re.IGNORECASE), _decade, ("0s", "0's", "0\u2019s")),
        _Rule("years_ago", re.compile(r"\b(?:(?:nearly|almost|about|around|some|more\s+than|over)\s+)?"
                                      r"(?P<count>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|a\s+few|several)"
                                      r"\s+years?\s+ago\b", re.IGNORECASE), _years_ago, ("ago",)),
        _Rule("ago", re.compile(rf"\b(?:(?:about|around|some|nearly|almost)\s+)?{_COUNT}\s+(?P<unit>days?|weeks?|months?)\s+ago\b",
                                re.IGNORECASE), _ago, ("ago",)),
        _Rule("past_span", re.compile(rf"\b(?:in|over|during|within|for)\s+the\s+(?:past|last|previous|preceding)\s+"
                                      rf"(?:{_COUNT}\s+)?(?P<unit>hours?|days?|weeks?|months?)\b", re.IGNORECASE),
              _past_span, ("past", "last", "previous", "preceding")),
        _Rule("month_part", re.compile(rf"\b(?:(?:in|at|by|during|since|until)\s+)?{parts}[\s-]+(?P<which>last|this|next)\s+month\b",
                                       re.IGNORECASE), _month_part, ("month",)),
        _Rule("week_part", re.compile(r"\b(?P<part>early|late)\s+(?P<which>last|this)\s+week\b", re.IGNORECASE),
              _week_part, ("week",)),
    ]
    for entry in settings.relative:
        phrases = "|".join(sorted((_phrase(p) for p in entry["phrases"]), key=len, reverse=True))
        triggers = tuple({p.split()[-1].lower() for p in entry["phrases"]})
        rules.append(_Rule(entry["rule"], re.compile(rf"\b(?:{phrases})\b", re.IGNORECASE), _relative(entry), triggers))
    rules += [
        # "Aug." before a day is no month alone: the dot may not be dropped to let "from Aug" through
        _Rule("month", re.compile(rf"\b(?:(?P<cue>{cues}|in|since|during|from|of|after|until)\s+)?{_PART}?{_MONTH}\b"
                                  r"(?!\.?[,\s]*\d)(?!\s*-)", re.IGNORECASE), _month, _MONTH_TRIGGERS),
        _Rule("year", re.compile(rf"\b(?:(?:in|since|of|by|until|from|before|after|early|late)\s+)?(?<![\d,.$-]){_YEAR}(?!\d|,\d|\.\d|-\d)",
                                 re.IGNORECASE), _year, ("19", "20")),
    ]
    return tuple(rules)


def reference_date(published: date | None) -> date | None:
    """``published`` when it is within :data:`SANE_PUBLISHED`, else None (with a logged warning)."""
    if published is None or SANE_PUBLISHED[0] <= published <= SANE_PUBLISHED[1]:
        return published
    _log.warning("publication date %s is outside %s to %s; relative dates left unresolved", published.isoformat(),
                 *(d.isoformat() for d in SANE_PUBLISHED))
    return None


def _month_needs_context(match: re.Match[str]) -> bool:
    """A bare capitalised "May" that starts a sentence is the verb; require a cue or a part of the month."""
    return match.group("month") in ("May", "March") and not (match.group("cue") or match.group("part"))


# For an article without a publication date: a line that gives it ("Published: 12 May 2024", "Updated: August 23,
# 2021 10:35 IST", "first appeared on <site> on Aug 23, 2021") ...
_PUBLICATION_LINE = re.compile(r"(?:\b(?:published|updated|posted|last\s+updated|first\s+appeared\s+on\s+\S+)\s*"
                               r"(?:on\s*)?[:|\-\u2013\u2014]?\s*(?:on\s+)?)$", re.IGNORECASE)
# ... else the latest year the text names (not a copyright line's, nor one it looks ahead to: "by 2030").
_FULL_DATES = ("iso", "full_date")
_NAMES_A_YEAR = ("iso", "full_date", "month_year", "year", "year_range", "day_range")
_NOT_ITS_YEAR = re.compile(r"(?:\u00a9|\(c\)|copyright|all\s+rights)\s*$|^(?:by|until|till|before)\b", re.IGNORECASE)


def find_dates(text: str, published: date | None, offset: int = 0, path: str | None = None,
               around: date | None = None) -> list[DateMention]:
    """Date mentions in ``text`` (offsets shifted by ``offset``), resolved against ``published``.

    Without a publication date, the text's own publication line ("Updated: August 23, 2021") stands for it; failing
    that, a day given without its year ("on August 15") is placed nearest ``around`` (the month the page's address
    files it under) or by the text's own years, and relative days ("on Monday") stay unresolved."""
    settings = load_date_settings(path)
    published = reference_date(published)
    matches = _matches(text, path)
    chosen = _choose(matches, _Reference(published))
    if published is None:
        ref = _reference_in(text, chosen, around)
        if ref is not None:
            published = ref.published
            chosen = _choose(matches, ref)
    return [_mention(text, start, end, rule, resolved, published, offset, settings.historical_after_days)
            for start, end, _, rule, resolved in chosen]


def _reference_in(text: str, chosen: list[tuple[int, int, int, _Rule, _Resolved]], around: date | None
                  ) -> _Reference | None:
    """What an article without a publication date gives to resolve its dates against (None: nothing)."""
    full = [(start, resolved.start) for start, _, _, rule, resolved in chosen
            if rule.name in _FULL_DATES and resolved.start is not None]
    for start, day in full:
        if _PUBLICATION_LINE.search(text[max(0, start - 60):start]):
            return _Reference(day)
    if around is not None:
        return _Reference(None, near=around)
    named = [resolved.end.year for start, end, _, rule, resolved in chosen
             if rule.name in _NAMES_A_YEAR and resolved.end is not None
             and not _NOT_ITS_YEAR.search(text[max(0, start - 20):start]) and not _NOT_ITS_YEAR.search(text[start:end])]
    if not named:
        return None
    latest = max(day for _, day in full) if full else None
    if latest is not None and latest.year == max(named):
        return _Reference(None, near=latest)   # "January 23rd" near "December 15th, 2024" is in 2025
    return _Reference(None, max(named))


def _matches(text: str, path: str | None) -> list[tuple[int, _Rule, re.Match[str]]]:
    """Every rule's matches (with the rule's priority), before any is resolved."""
    found = []
    lowered = text.lower()
    for priority, rule in enumerate(_rules(path)):
        if rule.triggers and not any(trigger in lowered for trigger in rule.triggers):
            continue
        found += [(priority, rule, match) for match in rule.pattern.finditer(text)
                  if not (rule.name == "month" and _month_needs_context(match))]
    return found


def _choose(matches: list[tuple[int, _Rule, re.Match[str]]], ref: _Reference
            ) -> list[tuple[int, int, int, _Rule, _Resolved]]:
    """The matches resolved against ``ref``: the longest at each position, none overlapping."""
    candidates: list[tuple[int, int, int, _Rule, _Resolved]] = []
    for priority, rule, match in matches:
        resolved = rule.resolve(match, ref)
        if resolved is not None:
            candidates.append((match.start(), match.end(), priority, rule, resolved))
    chosen: list[tuple[int, int, int, _Rule, _Resolved]] = []
    for item in sorted(candidates, key=lambda c: (c[0], -(c[1] - c[0]), c[2])):
        if not chosen or item[0] >= chosen[-1][1]:
            chosen.append(item)
    return chosen


def _mention(text: str, start: int, end: int, rule: _Rule, resolved: _Resolved, published: date | None,
             offset: int, after_days: int) -> DateMention:
    historical = resolved.historical
    if historical is None:
        historical = bool(published and resolved.end and resolved.end < published - timedelta(days=after_days))
    return DateMention(start=start + offset, end=end + offset, sentence=-1, text=text[start:end],
                       date_start=resolved.start, date_end=resolved.end, precision=resolved.precision,
                       historical=historical, rule=rule.name)


def resolve_expression(text: str, published: date | None) -> DateMention | None:
    """Resolve one date expression ("on the 22nd", "over the weekend") against a publication date."""
    found = find_dates(text.strip(), published)
    return max(found, key=lambda m: m.end - m.start) if found else None


# The day or month a page's address files it under: "/2021/06/29/", "2021-06-29", "/29-06-2021/", "/2021/06/".
_URL_DAY = (re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/"),
            re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?!\d)"),
            re.compile(r"(?<!\d)(?P<d>[0-3]\d)-(?P<m>[01]\d)-(?P<y>(?:19|20)\d\d)(?!\d)"))
_URL_MONTH = re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>[01]?\d)/")


def _url_date(article: Article) -> tuple[date | None, date | None]:
    """For an article without a publication date, the day its address files it under (taken as its publication
    day), else the middle of the month it does, to place days given without a year ((None, None): neither)."""
    if article.published is not None or not article.url:
        return None, None
    for pattern in _URL_DAY:
        found = pattern.search(article.url)
        day = _safe_date(int(found["y"]), int(found["m"]), int(found["d"])) if found else None
        if day is not None:
            return reference_date(day), None
    found = _URL_MONTH.search(article.url)
    month = _safe_date(int(found["y"]), int(found["m"]), 15) if found else None
    return None, month


class DateComponent:
    """Fills ``article.dates``, resolving each mention against ``article.published``."""

    name = "dates"

    def __init__(self, settings: dict[str, Any] | None = None, context: Any = None) -> None:
        self.path = (settings or {}).get("path")

    def __call__(self, article: Article) -> Article:
        sentences = article.sentences or [Sentence(index=0, start=0, end=len(article.text), text=article.text)]
        starts = [s.start for s in sentences]
        mentions = []
        # One pass over the whole text (far cheaper than one per sentence); a mention crossing a sentence
        # boundary is a splitting accident and is dropped.
        day, around = _url_date(article)
        for mention in find_dates(article.text, article.published or day, path=self.path, around=around):
            i = bisect_right(starts, mention.start) - 1
            if i >= 0 and mention.end <= sentences[i].end:
                mention.sentence = sentences[i].index
                mentions.append(mention)
        article.dates = mentions
        return article
