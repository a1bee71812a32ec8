"""Queries fusion needs beyond the Store's own: which mentions are new, which events went stale."""
from __future__ import annotations

from datetime import date
from typing import Any, Iterator

from frontlines.model import EventMention
from frontlines.storage import Store, _mention_from_row


# fusion's order (``frontlines.fuse._order``): precise reports first, then narrow windows, then by date
FUSION_ORDER = """coalesce(nullif(time_precision, 0), 9),
    CASE WHEN date_start IS NOT NULL AND date_end IS NOT NULL THEN date_diff('day', date_start, date_end) ELSE 10000 END,
    coalesce(date_start, DATE '9999-12-31'), article_id, id"""


def _mentions(store: Store, where: str, params: list[Any], order: str = "article_id, id",
              limit: int | None = None) -> list[EventMention]:
    tail = f" LIMIT {int(limit)}" if limit is not None else ""
    rows = store._dicts(f"SELECT * FROM event_mentions WHERE {where} ORDER BY {order}{tail}", params)
    places = {p.id: p for p in store.places_by_id(list({r["place_id"] for r in rows if r["place_id"]}))}
    return [_mention_from_row(r, places) for r in rows]


def unlinked_mentions(store: Store, limit: int | None = None) -> list[EventMention]:
    """Mentions not (or no longer) part of a stored event: what fusion has to place, in fusion's order
    (the first ``limit`` of them)."""
    return _mentions(store, "event_id IS NULL OR event_id NOT IN (SELECT event_id_cnty FROM events)", [],
                     FUSION_ORDER, limit)


def events_near(store: Store, date_from: date | None, date_to: date | None,
                kinds_at: list[tuple[str, str]]) -> list[str]:
    """Stored events with a mention of one of these (sub-event type, place id) pairs whose date window overlaps
    [date_from, date_to] (undated mentions too): fusion's candidate events, without reading their mentions."""
    if not kinds_at:
        return []
    rows = store.con.execute("""
        SELECT DISTINCT event_id FROM event_mentions
        WHERE event_id IS NOT NULL
          AND (date_start IS NULL OR ? IS NULL OR (date_start <= ? AND coalesce(date_end, date_start) >= ?))
          AND list_contains(?, sub_event_type || chr(31) || place_id)
        ORDER BY 1""", [date_from, date_to, date_from, [f"{kind}\x1f{place}" for kind, place in kinds_at]]).fetchall()
    return [r[0] for r in rows]


def undated_events(store: Store) -> list[str]:
    """Stored events with an undated mention: the only ones an undated mention can join."""
    return [r[0] for r in store.con.execute(
        "SELECT DISTINCT event_id FROM event_mentions WHERE date_start IS NULL AND event_id IS NOT NULL ORDER BY 1").fetchall()]


def mentions_of_events(store: Store, event_ids: list[str]) -> list[tuple[str, EventMention]]:
    """(event id, mention) for every mention linked to one of ``event_ids``."""
    if not event_ids:
        return []
    links = mention_events(store, None, event_ids)
    mentions = _mentions(store, "list_contains(?, event_id)", [event_ids])
    return [(links[m.id], m) for m in mentions]


def event_signatures(store: Store, event_ids: list[str]) -> list[tuple[str, EventMention, int]]:
    """(event id, one mention, how many share it) for each distinct compatibility signature of each event:
    what fusion's index needs of a stored event, however many articles reported it."""
    if not event_ids:
        return []
    signature = "event_id, sub_event_type, place_id, date_start, date_end, actor1, actor2"
    rows = store._dicts(f"""
        SELECT * EXCLUDE (rank_in_signature) FROM (
            SELECT *, row_number() OVER (PARTITION BY {signature} ORDER BY id) AS rank_in_signature,
                   count(*) OVER (PARTITION BY {signature}) AS sharing
            FROM event_mentions WHERE list_contains(?, event_id))
        WHERE rank_in_signature = 1 ORDER BY event_id, id""", [event_ids])
    places = {p.id: p for p in store.places_by_id(list({r["place_id"] for r in rows if r["place_id"]}))}
    return [(r["event_id"], _mention_from_row(r, places), int(r["sharing"])) for r in rows]


def mention_events(store: Store, mention_ids: list[str] | None, event_ids: list[str] | None = None) -> dict[str, str]:
    """mention id -> event id, for the given mentions (or for every mention of the given events)."""
    if mention_ids is not None:
        if not mention_ids:
            return {}
        rows = store.con.execute("SELECT id, event_id FROM event_mentions WHERE list_contains(?, id) AND event_id IS NOT NULL",
                                 [mention_ids]).fetchall()
    else:
        rows = store.con.execute("SELECT id, event_id FROM event_mentions WHERE list_contains(?, event_id)",
                                 [event_ids or []]).fetchall()
    return dict(rows)


def stale_event_ids(store: Store) -> list[str]:
    """Events one of whose mentions is gone (its article was re-processed): they must be rebuilt."""
    rows = store.con.execute("""
        WITH listed AS (
            SELECT event_id_cnty, unnest(from_json(mention_ids, '["VARCHAR"]')) AS mention_id FROM events)
        SELECT DISTINCT listed.event_id_cnty FROM listed LEFT JOIN event_mentions m ON m.id = listed.mention_id
        WHERE m.id IS NULL OR m.event_id IS DISTINCT FROM listed.event_id_cnty
        ORDER BY 1""").fetchall()
    return [r[0] for r in rows]


def unlink_events(store: Store, event_ids: list[str]) -> None:
    """Detach the mentions of ``event_ids`` so fusion places them again."""
    if event_ids:
        store.con.execute("UPDATE event_mentions SET event_id = NULL WHERE list_contains(?, event_id)", [event_ids])


def article_sources(store: Store, article_ids: list[str]) -> dict[str, dict[str, Any]]:
    """article id -> {published, dup_group, outlet, url}: what an event's provenance needs."""
    if not article_ids:
        return {}
    rows = store._dicts("SELECT id, published, dup_group, outlet, url FROM articles WHERE list_contains(?, id)",
                        [article_ids])
    return {r["id"]: r for r in rows}


def events_csv_rows(store: Store) -> Iterator[dict[str, Any]]:
    """Every event row, in date order, streamed (for the exports)."""
    return store._dict_rows("SELECT * FROM events ORDER BY event_date NULLS LAST, event_id_cnty")
