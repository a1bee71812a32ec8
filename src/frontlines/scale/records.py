"""Articles as flat records that can cross a process boundary or be written to Parquet.

A record has one string column per :class:`~frontlines.model.Article` field (the spaCy ``doc``
is dropped: it is transient and expensive to move): text fields as they are, dates in ISO form,
and annotation lists (and ``extra``) as the JSON of ``dataclasses.asdict``. A record is thus plain
text any engine can carry or write to Parquet, and :func:`article_from_record` rebuilds the
dataclasses (dates included) from the model's type hints. Values inside ``Article.extra``
round-trip as JSON: a date stored there comes back as its ISO string.
"""
from __future__ import annotations

import json
import types
import typing
from dataclasses import asdict, fields, is_dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Union

from frontlines.model import Article

# Article fields a record carries, in order: everything except the transient spaCy Doc.
RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Article) if f.name != "doc")


class RecordError(ValueError):
    """An article cannot be turned into a record, or a record into an article."""


def article_to_record(article: Article) -> dict[str, str | None]:
    """One string per article field (``doc`` dropped): safe to pickle, send to Ray, or write as Parquet."""
    hints = _hints(Article)
    record: dict[str, str | None] = {}
    for name in RECORD_FIELDS:
        value = getattr(article, name)
        try:
            record[name] = _field_to_text(hints[name], value)
        except (TypeError, ValueError) as exc:
            raise RecordError(f"article {article.id!r}: field {name!r} cannot be serialised: {exc}") from exc
    return record


def article_from_record(record: dict[str, Any]) -> Article:
    """Rebuild an :class:`Article` (with every annotation as its dataclass) from :func:`article_to_record`."""
    hints = _hints(Article)
    values = {}
    for name in RECORD_FIELDS:
        if name not in record:
            continue
        try:
            values[name] = _field_from_text(hints[name], record[name])
        except (TypeError, ValueError, KeyError) as exc:
            raise RecordError(f"record {record.get('id', '?')!r}: field {name!r} is malformed: {exc}") from exc
    if not isinstance(values.get("id"), str) or not isinstance(values.get("text"), str):
        raise RecordError("a record needs at least 'id' and 'text'")
    return Article(**values)


def _field_to_text(kind: Any, value: Any) -> str | None:
    if value is None:
        return None
    if _plain(kind) is str:
        if not value.isascii():
            value.encode("utf-8")   # lone surrogates: fail here, clearly, not later inside Arrow
        return value
    if _plain(kind) in (date, datetime):
        return value.isoformat()
    if isinstance(value, list):
        value = [asdict(item) if is_dataclass(item) else item for item in value]
    elif is_dataclass(value):
        value = asdict(value)
    return json.dumps(value, default=_json_default, ensure_ascii=False, sort_keys=True)


def _field_from_text(kind: Any, text: str | None) -> Any:
    if text is None:
        return None
    if _plain(kind) is str:
        return text
    if _plain(kind) in (date, datetime):
        return _rebuild(kind, text)
    return _rebuild(kind, json.loads(text))


def _plain(kind: Any) -> Any:
    """``str | None`` -> ``str``; anything else unchanged."""
    if typing.get_origin(kind) in (Union, types.UnionType):
        options = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return options[0] if len(options) == 1 else kind
    return kind


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if is_dataclass(value):
        return asdict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _rebuild(kind: Any, value: Any) -> Any:
    """Turn JSON ``value`` back into an instance of the annotated type ``kind``."""
    if value is None or kind is Any:
        return value
    origin = typing.get_origin(kind)
    if origin in (Union, types.UnionType):
        options = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return _rebuild(options[0], value) if len(options) == 1 else value
    if origin is list:
        (item,) = typing.get_args(kind) or (Any,)
        return [_rebuild(item, v) for v in value]
    if origin is tuple:
        return tuple(_rebuild(t, v) for t, v in zip(typing.get_args(kind), value))
    if origin is dict:
        return value
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{f.name: _rebuild(hints[f.name], value[f.name]) for f in fields(kind) if f.name in value})
    return value
