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
    resolve: Callable[[re.Match[str], date | None], _Resolved | None]
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
def _iso(m: re.Match[str], published: date | None) -> _Resolved | None:
    day = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    return _Resolved(day, day, 1) if day else None


def _full_date(m: re.Match[str], published: date | None) -> _Resolved | None:
    day = _safe_date(int(m["year"]), MONTHS[m["month"].lower().rstrip(".")], int(m["day"]))
    return _Resolved(day, day, 1) if day else None


def _month_day(m: re.Match[str], published: date | None) -> _Resolved | None:
    if published is None:
        return _Resolved(None, None, 1)
    day = _safe_date(published.year, MONTHS[m["month"].lower().rstrip(".")], int(m["day"]))
    return _Resolved(day, day, 1) if day else None


def _month_year(m: re.Match[str], published: date | None) -> _Resolved:
    start, end = _month_span(int(m["year"]), MONTHS[m["month"].lower().rstrip(".")], m["part"])
    return _Resolved(start, end, 3)


def _month(m: re.Match[str], published: date | None) -> _Resolved:
    if published is None:
        return _Resolved(None, None, 3)
    month = MONTHS[m["month"].lower().rstrip(".")]
    future = bool(m["cue"] and m["cue"].strip().lower() in load_date_settings().future_cues) or \
        (m["part"] or "").lower() in ("end of", "the end of")
    ahead = month - published.month
    # A bare month is the most recent one, unless a cue ("by September") or its nearness makes it the coming one.
    year = published.year if ahead <= 0 or future or ahead <= load_date_settings().future_months else published.year - 1
    start, end = _month_span(year, month, m["part"])
    return _Resolved(start, end, 3)


def _nth(m: re.Match[str], published: date | None) -> _Resolved | None:
    day = int(m["day"])
    if not 1 <= day <= 31:
        return None
    if published is None:
        return _Resolved(None, None, 1)
    found = most_recent_day_of_month(day, published)
    return _Resolved(found, found, 1) if found else None


def _weekday(m: re.Match[str], published: date | None) -> _Resolved:
    if published is None:
        return _Resolved(None, None, 1)
    day = most_recent_weekday(WEEKDAYS[m["weekday"].lower()], published)
    if m["last"] and day == published:
        day -= timedelta(days=7)
    return _Resolved(day, day, 1)


def _weekend(m: re.Match[str], published: date | None) -> _Resolved:
    if published is None:
        return _Resolved(None, None, 2)
    saturday, sunday = most_recent_weekend(published)
    return _Resolved(saturday, sunday, 2)


def _year(m: re.Match[str], published: date | None) -> _Resolved:
    year = int(m["year"])
    return _Resolved(date(year, 1, 1), date(year, 12, 31), None)


def _decade(m: re.Match[str], published: date | None) -> _Resolved:
    decade = int(m["decade"])
    part = (m["part"] or "").lower()
    first, last = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}.get(part, (0, 9))
    start, end = date(decade + first, 1, 1), date(decade + last, 12, 31)
    # Without a publication date only a decade of the last century is taken as history.
    historical = end.year < published.year if published else end.year < 2000
    return _Resolved(start, end, None, historical)


def _years_ago(m: re.Match[str], published: date | None) -> _Resolved:
    count = m["count"].lower()
    years = int(count) if count.isdigit() else NUMBER_WORDS.get(count, 0)
    if published is None:
        return _Resolved(None, None, None, years >= 1)
    year = published.year - years
    return _Resolved(date(year, 1, 1), date(year, 12, 31), None, years >= 1)


def _nine_eleven(m: re.Match[str], published: date | None) -> _Resolved:
    return _Resolved(date(2001, 9, 11), date(2001, 9, 11), 1, True)


def _relative(entry: dict[str, Any]) -> Callable[[re.Match[str], date | None], _Resolved]:
    precision = entry.get("precision")

    def resolve(m: re.Match[str], published: date | None) -> _Resolved:
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
        return _month_span(year, month)
    year = published.year + offset
    return date(year, 1, 1), date(year, 12, 31)


def _phrase(text: str) -> str:
    return r"\s+".join(re.escape(word) for word in text.split())


@lru_cache(maxsize=4)
def _rules(path: str | None = None) -> tuple[_Rule, ...]:
    settings = load_date_settings(path)
    cues = "|".join(sorted((_phrase(c) for c in settings.future_cues), key=len, reverse=True))
    rules = [
        _Rule("iso", re.compile(r"(?<![\d-])(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d-])"), _iso, ("-",)),
        _Rule("nine_eleven", re.compile(r"(?<![\d/])9/11(?![\d/])"), _nine_eleven, ("9/11",)),
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
    ]
    for entry in settings.relative:
        phrases = "|".join(sorted((_phrase(p) for p in entry["phrases"]), key=len, reverse=True))
        triggers = tuple({p.split()[-1].lower() for p in entry["phrases"]})
        rules.append(_Rule(entry["rule"], re.compile(rf"\b(?:{phrases})\b", re.IGNORECASE), _relative(entry), triggers))
    rules += [
        _Rule("month", re.compile(rf"\b(?:(?P<cue>{cues}|in|since|during|from|of|after|until)\s+)?{_PART}?{_MONTH}\b(?![,\s]*\d)"
                                  r"(?!\s*-)", re.IGNORECASE), _month, _MONTH_TRIGGERS),
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


def find_dates(text: str, published: date | None, offset: int = 0, path: str | None = None) -> list[DateMention]:
    """Date mentions in ``text`` (offsets shifted by ``offset``), resolved against ``published``."""
    settings = load_date_settings(path)
    published = reference_date(published)
    candidates: list[tuple[int, int, int, _Rule, _Resolved]] = []
    lowered = text.lower()
    for priority, rule in enumerate(_rules(path)):
        if rule.triggers and not any(trigger in lowered for trigger in rule.triggers):
            continue
        for match in rule.pattern.finditer(text):
            if rule.name == "month" and _month_needs_context(match):
                continue
            resolved = rule.resolve(match, published)
            if resolved is not None:
                candidates.append((match.start(), match.end(), priority, rule, resolved))
    chosen: list[tuple[int, int, int, _Rule, _Resolved]] = []
    for item in sorted(candidates, key=lambda c: (c[0], -(c[1] - c[0]), c[2])):
        if not chosen or item[0] >= chosen[-1][1]:
            chosen.append(item)
    return [_mention(text, start, end, rule, resolved, published, offset, settings.historical_after_days)
            for start, end, _, rule, resolved in chosen]


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
        for mention in find_dates(article.text, article.published, path=self.path):
            i = bisect_right(starts, mention.start) - 1
            if i >= 0 and mention.end <= sentences[i].end:
                mention.sentence = sentences[i].index
                mentions.append(mention)
        article.dates = mentions
        return article
