"""Readers: one file in, articles and warnings out. Pure: no store, no network.

Each format has a reader; :func:`read_path` picks one by extension. Publication dates follow one
precedence everywhere: an explicit field > feed or HTML metadata > a dateline in the text > unknown,
and ``Article.published_source`` records which one it was.
"""
from __future__ import annotations

import email.utils
import io
import json
import math
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from frontlines.ingest.datelines import EARLIEST_PUBLISHED, find_dateline, latest_published, parse_date, sane_published
from frontlines.ingest.decoding import (
    clean_line, clean_text, decode, decode_lines, has_surrogates, max_bytes, max_chars, path_text, read_bytes,
    replace_surrogates,
)
from frontlines.ingest.errors import IngestError
from frontlines.ingest.markup import html_to_text
from frontlines.model import Article

JSON_FIELDS = ("id", "url", "title", "published", "outlet", "text")
HTML_MIN_WORDS = 8
_XML_DECLARATION = re.compile(r"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])[^\"']*\2", re.IGNORECASE)
_LINE_END = re.compile(r"\r\n?|\n")   # JSON forbids both raw inside a string, so a line never splits one
_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def read_path(path: Path, config: dict) -> tuple[list[Article], list[str]]:
    """The articles in one file and warnings about parts that were dropped; raises :class:`IngestError`."""
    path = Path(path)
    reader = READERS.get(_extension(path))
    if reader is None:
        raise IngestError(f"unsupported file type {path.suffix or '(none)'!r}")
    data = read_bytes(path, max_bytes(config))
    text, decoding = decode_lines(data) if reader is read_jsonl else (decode(data), [])
    settings = config.get("ingest") or {}
    try:
        articles, warnings = reader(text, path_text(path), settings)
        warnings = sorted(decoding + warnings, key=_line_number) if decoding else warnings
    except IngestError:
        raise
    except RecursionError:
        raise IngestError("cannot parse: nested too deeply") from None
    except Exception as exc:  # a parser choking on hostile input is a per-file error, not a crash
        raise IngestError(f"cannot parse: {type(exc).__name__}: {str(exc)[:200]}") from None
    if not articles:
        detail = f": {'; '.join(warnings[:3])}" if warnings else ""
        raise IngestError(f"no articles{detail}")
    return articles, warnings


def _line_number(warning: str) -> int:
    """The N of a "line N: …" warning (0 for any other), to put decoding and reading warnings in file order."""
    found = re.match(r"line (\d+):", warning)
    return int(found.group(1)) if found else 0


def supported(path: Path) -> bool:
    """Whether some reader takes files like ``path``."""
    return _extension(path) in READERS


def _extension(path: Path) -> str:
    return path.suffix.lower().lstrip(".")


# -- building an article -------------------------------------------------------------------------

def make_article(text: str, source_path: str, settings: dict, *, id: Any = None, title: Any = None, url: Any = None,
                 outlet: Any = None, published: date | None = None, published_source: str | None = None,
                 extra: dict[str, Any] | None = None, warnings: list[str] | None = None,
                 where: str = "") -> Article | None:
    """An :class:`Article` from raw parts, or None (with a warning) when there is no text or too much of it.

    Fills what the parts lack from the text's dateline (date, and the wire agency as outlet), derives the
    id from the content hash when none is given, and drops URLs that are not http(s). Whatever reaches the
    article is valid Unicode and storable: lone surrogates become U+FFFD and numbers JSON cannot hold
    (NaN, Infinity) become null, each with a warning; a publication date out of any sane range is ignored.
    """
    warnings = warnings if warnings is not None else []
    parts, extra = _storable({"id": id, "title": title, "url": url, "outlet": outlet, "text": text}, extra or {},
                             warnings, where)
    id, title, url, outlet, text = (parts[key] for key in ("id", "title", "url", "outlet", "text"))
    body = clean_text(text) if isinstance(text, str) else ""
    if not body:
        warnings.append(f"{where}no text".strip())
        return None
    limit = max_chars(settings)
    if len(body) > limit:
        warnings.append(f"{where}text too long: {len(body):,} characters (limit {limit:,}; set [ingest] max_chars)"
                        .strip())
        return None
    published = _sane(published, warnings, where)
    if published is None:
        dateline = find_dateline(body, _dateline_year(settings))
        if dateline and dateline.date:
            published = _sane(dateline.date, warnings, where)
            published_source = "dateline" if published else None
        elif dateline:
            extra["dateline"] = dateline.text
            warnings.append(f"{where}dateline {dateline.text!r} has no year; date left unknown".strip())
        if dateline and dateline.agency and not outlet:
            outlet = dateline.agency
    clean_url = clean_line(url, 2000)
    if clean_url and not _URL.match(clean_url):
        warnings.append(f"{where}url {clean_url[:80]!r} is not http(s); dropped".strip())
        clean_url = None
    article = Article(id="", text=body, title=clean_line(title), url=clean_url, outlet=clean_line(outlet, 200),
                      published=published, published_source=published_source if published else None,
                      source_path=source_path, extra=extra)
    article.id = _article_id(id, article.content_hash, warnings, where)
    return article


def _sane(published: date | None, warnings: list[str], where: str) -> date | None:
    """``published`` when it can be a publication date, else None with a warning ("0001-01-01", "9999-12-31")."""
    if published is None or sane_published(published):
        return published
    warnings.append(f"{where}published {published.isoformat()!r} is outside {EARLIEST_PUBLISHED.isoformat()} "
                    f"to {latest_published().isoformat()}; ignored".strip())
    return None


def _storable(fields: dict[str, Any], extra: dict[str, Any], warnings: list[str],
              where: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``fields`` and ``extra`` with lone surrogates replaced (U+FFFD) and NaN/Infinity nulled, each repair named
    in a warning."""
    surrogates: list[str] = []
    numbers: list[str] = []
    out: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
    for part, values in zip(out, (fields, extra)):
        for key, value in values.items():
            problems: set[str] = set()
            clean_key = _repaired(key, problems)
            part[clean_key] = _repaired(value, problems)
            if "unicode" in problems:
                surrogates.append(str(clean_key))
            if "number" in problems:
                numbers.append(str(clean_key))
    if surrogates:
        warnings.append(f"{where}invalid Unicode (lone surrogate) in {', '.join(surrogates)}; replaced with U+FFFD"
                        .strip())
    if numbers:
        warnings.append(f"{where}not a finite number in {', '.join(numbers)}; stored as null".strip())
    return out


def _repaired(value: Any, problems: set[str]) -> Any:
    if isinstance(value, str):
        if has_surrogates(value):
            problems.add("unicode")
            return replace_surrogates(value)
        return value
    if isinstance(value, float) and not math.isfinite(value):
        problems.add("number")
        return None
    if isinstance(value, dict):
        return {_repaired(k, problems): _repaired(v, problems) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_repaired(v, problems) for v in value]
    return value


def _dateline_year(settings: dict) -> int | None:
    """``[ingest] dateline_year``: the year a user vouches for, for datelines written without one."""
    value = settings.get("dateline_year")
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _article_id(value: Any, content_hash: str, warnings: list[str], where: str) -> str:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        explicit = clean_line(value, 200)
        if explicit:
            return explicit
    if value is not None:
        warnings.append(f"{where}id {str(value)[:40]!r} is not usable; derived from the content".strip())
    return content_hash[:16]


# -- plain text -----------------------------------------------------------------------------------

def read_text(text: str, source_path: str, settings: dict) -> tuple[list[Article], list[str]]:
    """A ``.txt`` file is one article; a short first line is its headline."""
    warnings: list[str] = []
    article = make_article(text, source_path, settings, title=headline(clean_text(text)), warnings=warnings)
    return ([article] if article else []), warnings


def headline(text: str) -> str | None:
    """The first line when it reads as a headline: short, not a sentence or dateline, with more text after it."""
    first, _, rest = text.partition("\n")
    first = first.strip()
    if not rest.strip() or not first or len(first) > 150 or len(first.split()) > 20:
        return None
    if first[-1] in ".,;:-–—|" or not any(c.isalpha() for c in first):
        return None
    dateline = find_dateline(first)
    if dateline and dateline.start == 0:
        return None
    return first


# -- HTML -----------------------------------------------------------------------------------------

def read_html(text: str, source_path: str, settings: dict) -> tuple[list[Article], list[str]]:
    """One article per page: main text, title, date, site name and URL via trafilatura."""
    import trafilatura  # deferred: only HTML needs it

    document = trafilatura.bare_extraction(
        text, with_metadata=True, favor_recall=True, include_comments=False, include_tables=False,
        # Only dates the page's markup states; the text's own dates are the dateline's business.
        date_extraction_params={"extensive_search": False, "original_date": True})
    body = getattr(document, "text", None) if document is not None else None
    words = len(body.split()) if body else 0
    if words < int(settings.get("html_min_words", HTML_MIN_WORDS)):
        # A page of menus and scripts leaves a word or two of boilerplate: that is not an article.
        raise IngestError(f"HTML page with no article text ({words} word{'s' if words != 1 else ''} found)")
    warnings: list[str] = []
    published = parse_date(document.date)
    extra = {key: value for key in ("author", "hostname", "description")
             if isinstance(value := getattr(document, key, None), str) and value}
    article = make_article(body.replace("\n", "\n\n"), source_path, settings, title=document.title,
                           url=document.url, outlet=document.sitename, published=published,
                           published_source="html" if published else None, extra=extra, warnings=warnings)
    return ([article] if article else []), warnings


# -- JSON and JSON lines ------------------------------------------------------------------------

def read_jsonl(text: str, source_path: str, settings: dict) -> tuple[list[Article], list[str]]:
    """One JSON object per line; bad lines are reported by number and skipped, good lines kept.

    Lines end at ``\n``, ``\r\n`` or ``\r`` only: U+2028, U+2029 and the other characters
    :meth:`str.splitlines` breaks at are allowed raw inside JSON strings.
    """
    articles, warnings = [], []
    for number, line in enumerate(_LINE_END.split(text), start=1):
        if not line.strip(" \t"):
            continue    # a blank line; "\x1c" and the like are not blank to JSON (str.strip would drop them unsaid)
        where = f"line {number}: "
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            warnings.append(f"{where}invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        except RecursionError:
            warnings.append(f"{where}invalid JSON (nested too deeply)")
            continue
        except ValueError as exc:  # an integer of more digits than Python converts
            warnings.append(f"{where}invalid JSON ({_first_clause(exc)})")
            continue
        try:
            article = _from_record(record, source_path, settings, warnings, where)
        except RecursionError:
            warnings.append(f"{where}invalid JSON (nested too deeply)")
            continue
        if article:
            articles.append(article)
    return articles, warnings


def read_json(text: str, source_path: str, settings: dict) -> tuple[list[Article], list[str]]:
    """A JSON file holding one article object or a list of them."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(f"invalid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise IngestError(f"invalid JSON ({_first_clause(exc)})") from None
    records = data if isinstance(data, list) else [data]
    articles, warnings = [], []
    for number, record in enumerate(records, start=1):
        article = _from_record(record, source_path, settings, warnings, f"item {number}: " if len(records) > 1 else "")
        if article:
            articles.append(article)
    return articles, warnings


def _first_clause(exc: Exception) -> str:
    """An error message up to its advice ("…: value has 5000 digits; use sys.set_int_max_str_digits() …")."""
    return str(exc).split(";")[0][:160]


def _from_record(record: Any, source_path: str, settings: dict, warnings: list[str], where: str) -> Article | None:
    if not isinstance(record, dict):
        warnings.append(f"{where}not a JSON object".strip())
        return None
    if not isinstance(record.get("text"), str):
        warnings.append(f"{where}no text".strip())
        return None
    published = parse_date(record.get("published"))
    if published is None and record.get("published") not in (None, ""):
        warnings.append(f"{where}published {str(record['published'])[:40]!r} is not a date; ignored".strip())
    extra = {key: value for key, value in record.items() if key not in JSON_FIELDS}
    return make_article(record["text"], source_path, settings, id=record.get("id"), title=record.get("title"),
                        url=record.get("url"), outlet=record.get("outlet"), published=published,
                        published_source="field" if published else None, extra=extra, warnings=warnings,
                        where=where)


# -- RSS and Atom -------------------------------------------------------------------------------

def read_feed(text: str, source_path: str, settings: dict) -> tuple[list[Article], list[str]]:
    """Each feed item is an article; its text is ``content:encoded`` (or the summary) without markup."""
    import feedparser  # deferred: only feeds need it

    # The text is already decoded; re-encode as UTF-8 and say so, whatever the declaration claimed.
    data = _XML_DECLARATION.sub(r"\1\2utf-8\2", text, count=1).encode("utf-8")
    feed = feedparser.parse(io.BytesIO(data), response_headers={"content-type": "application/xml; charset=utf-8"},
                            resolve_relative_uris=False)
    if not feed.get("version"):
        problem = f" ({feed.bozo_exception})" if feed.get("bozo") else ""
        raise IngestError(f"not an RSS/Atom feed{str(problem)[:200]}")
    if not feed.entries:
        problem = f" ({feed.bozo_exception})" if feed.get("bozo") else ""
        raise IngestError(f"feed has no items{str(problem)[:200]}")
    outlet = feed.feed.get("title")
    articles, warnings = [], []
    for number, entry in enumerate(feed.entries, start=1):
        published = _entry_date(entry)
        extra = {key: entry[key] for key in ("id", "author") if isinstance(entry.get(key), str)}
        source = entry.get("source") or {}
        article = make_article(_entry_text(entry), source_path, settings, title=_entry_title(entry),
                               url=entry.get("link"), outlet=source.get("title") or outlet, published=published,
                               published_source="feed" if published else None, extra=extra, warnings=warnings,
                               where=f"item {number}: ")
        if article:
            articles.append(article)
    return articles, warnings


def _entry_title(entry: Any) -> str | None:
    title = entry.get("title")
    if isinstance(title, str) and "html" in ((entry.get("title_detail") or {}).get("type") or ""):
        return html_to_text(title)
    return title


def _entry_text(entry: Any) -> str:
    parts = [(c.get("value") or "", c.get("type") or "") for c in entry.get("content") or []]
    if entry.get("summary"):
        detail = entry.get("summary_detail") or {}
        parts.append((entry["summary"], detail.get("type") or "text/html"))
    if not parts:
        return ""
    value, kind = max(parts, key=lambda part: len(part[0]))
    return html_to_text(value) if "html" in kind else value


def _entry_date(entry: Any) -> date | None:
    """The item's own date as written (local to the publisher), falling back to feedparser's UTC reading."""
    for key in ("published", "updated"):
        raw = entry.get(key)
        if isinstance(raw, str) and raw.strip():
            try:
                return email.utils.parsedate_to_datetime(raw).date()
            except (TypeError, ValueError, IndexError):
                found = parse_date(raw)
                if found:
                    return found
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            try:
                return datetime(*parsed[:3]).date()
            except (TypeError, ValueError):
                pass
    return None


READERS: dict[str, Callable[[str, str, dict], tuple[list[Article], list[str]]]] = {
    "txt": read_text, "text": read_text,
    "html": read_html, "htm": read_html,
    "jsonl": read_jsonl, "ndjson": read_jsonl, "json": read_json,
    "xml": read_feed, "rss": read_feed, "atom": read_feed,
}
