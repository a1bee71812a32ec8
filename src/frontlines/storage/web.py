"""Read queries the web app needs beyond :class:`Store`'s own (all parameterised, read-only)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from frontlines.storage import Store

FACET_COLUMNS = ("event_type", "sub_event_type", "admin1", "admin2")


def event_date_range(store: Store) -> tuple[date | None, date | None]:
    """The first and last event date in the store (``(None, None)`` when there are no dated events)."""
    first, last = store.con.execute("SELECT min(event_date), max(event_date) FROM events").fetchone()
    return first, last


def event_facets(store: Store, limit: int = 500) -> dict[str, list[str]]:
    """Distinct values of the filterable columns, most frequent first (the table's drop-downs)."""
    out = {}
    for column in FACET_COLUMNS:
        # Column names come from FACET_COLUMNS, never from a request.
        rows = store.con.execute(
            f'SELECT "{column}", count(*) AS n FROM events WHERE "{column}" IS NOT NULL AND "{column}" <> \'\' '
            f'GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?', [limit]).fetchall()
        out[column] = [r[0] for r in rows]
    return out


def map_events(store: Store, as_of: date, days: int = 30, limit: int = 2000) -> tuple[list[dict[str, Any]], int]:
    """Located events in the ``days`` up to and including ``as_of``, newest first, and how many there are in all."""
    since = as_of - timedelta(days=days - 1) if (as_of - date.min).days >= days else date.min
    where = "latitude IS NOT NULL AND longitude IS NOT NULL AND event_date <= ? AND event_date >= ?"
    params: list[Any] = [as_of, since]
    rows = store._dicts(
        "SELECT event_id_cnty, event_date, event_type, sub_event_type, actor1, actor2, location, admin1, admin2, "
        f"latitude, longitude, fatalities, source_count, count(*) OVER () AS total FROM events WHERE {where} "
        "ORDER BY event_date DESC, event_id_cnty LIMIT ?", params + [limit])
    total = rows[0]["total"] if rows else 0
    for row in rows:
        del row["total"]
    return rows, total


def control_as_of(store: Store, as_of: date | None, geometry: bool = False) -> list[dict[str, Any]]:
    """Control intervals in force on ``as_of`` (every interval when None) with their place's point, and its boundary
    (WKT) when ``geometry`` (a district's outline can be large: the map reads boundaries once, not per day)."""
    shape = ", p.geometry" if geometry else ""
    where = "WHERE (c.valid_from IS NULL OR c.valid_from <= ?) AND (c.valid_to IS NULL OR c.valid_to > ?)"
    return store._dicts(
        f"""SELECT c.place_id, c.place_name, c.status, c.holder, c.valid_from, c.valid_to, c.admin1, c.admin2,
                  c.admin1_code, c.admin2_code, c.evidence_event_ids, p.kind, p.is_capital, p.lat, p.lon{shape}
           FROM control_intervals c LEFT JOIN places p ON p.id = c.place_id
           {where if as_of is not None else ""}
           ORDER BY c.place_name, c.valid_from""", [as_of, as_of] if as_of is not None else [])


def events_citing(store: Store, article_id: str, limit: int = 500) -> list[dict[str, Any]]:
    """Fused events that list ``article_id`` among their sources."""
    return store._dicts(
        """SELECT event_id_cnty, event_date, event_type, sub_event_type, location, source_count
           FROM events WHERE list_contains(from_json(article_ids, '["VARCHAR"]'), ?)
           ORDER BY event_date, event_id_cnty LIMIT ?""", [article_id, limit])


def article_list(store: Store, limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Articles without their text (newest publication first) and the total count."""
    total = store.con.execute("SELECT count(*) FROM articles").fetchone()[0]
    rows = store._dicts(
        """SELECT a.id, a.title, a.outlet, a.url, a.published, a.published_source, a.dup_group, a.word_count,
                  a.processed_at, (SELECT count(*) FROM event_mentions m WHERE m.article_id = a.id) AS mentions,
                  (SELECT count(*) FROM claims c WHERE c.article_id = a.id) AS claims
           FROM articles a ORDER BY a.published DESC NULLS LAST, a.id LIMIT ? OFFSET ?""", [limit, offset])
    return rows, total


def claims_table(store: Store, limit: int = 1000) -> list[dict[str, Any]]:
    """Claims with their article's title, outlet and publication date, by date."""
    return store._dicts(
        """SELECT c.id, c.article_id, c.sentence, c.start, c."end", c.text, c.claimant, c.metric, c.count,
                  c.comparator, c.denominator, coalesce(c.as_of, a.published) AS as_of, c.since,
                  a.title, a.outlet, a.published
           FROM claims c LEFT JOIN articles a ON a.id = c.article_id
           ORDER BY coalesce(c.as_of, a.published) NULLS LAST, c.id LIMIT ?""", [limit])


def boundary_areas(store: Store) -> list[dict[str, Any]]:
    """Imported boundaries (places from a ``boundary:`` file with a WKT geometry): districts when there are any,
    else provinces. The map colours them by the control status of the places they stand for."""
    rows = store._dicts(
        """SELECT id, name, kind, admin1, admin2, admin1_code, admin2_code, geometry FROM places
           WHERE starts_with(source, 'boundary:') AND geometry IS NOT NULL AND kind IN ('district', 'province')
           ORDER BY id""")
    districts = [r for r in rows if r["kind"] == "district"]
    return districts or rows


def located_extent(store: Store) -> tuple[float, float, float, float] | None:
    """(min_lon, min_lat, max_lon, max_lat) of located events and controlled places, or None if nothing is located."""
    row = store.con.execute(
        """SELECT min(lon), min(lat), max(lon), max(lat) FROM (
               SELECT longitude AS lon, latitude AS lat FROM events
               WHERE latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180
               UNION ALL
               SELECT p.lon, p.lat FROM places p JOIN control_intervals c ON c.place_id = p.id
               WHERE p.lat BETWEEN -90 AND 90 AND p.lon BETWEEN -180 AND 180)""").fetchone()
    return None if row[0] is None else tuple(row)


def control_date_range(store: Store) -> tuple[date | None, date | None]:
    """The first and last date a control interval starts."""
    return store.con.execute("SELECT min(valid_from), max(valid_from) FROM control_intervals").fetchone()


def load_event_columns(store: Store, columns: dict[str, list[Any]]) -> int:
    """Append events given column by column (names from ``EVENT_COLUMNS``; JSON columns as JSON text) in one
    Arrow insert: for benchmarks and bulk imports, where ``Store.save_events`` (row by row) is too slow.

    The events must be new: nothing is replaced. Missing columns are left NULL.
    """
    import pyarrow as pa

    from frontlines.storage import EVENT_COLUMNS

    unknown = set(columns) - set(EVENT_COLUMNS)
    if unknown:
        raise ValueError(f"not event columns: {sorted(unknown)}")
    sizes = {len(values) for values in columns.values()}
    if len(sizes) > 1:
        raise ValueError("every column needs the same number of values")
    if not columns or sizes == {0}:
        return 0
    table = pa.table({name: pa.array(values) for name, values in columns.items()})
    quoted = ", ".join(f'"{c}"' for c in columns)
    with store.transaction():
        store.con.register("incoming_events", table)
        try:
            store.con.execute(f"INSERT INTO events ({quoted}) SELECT {quoted} FROM incoming_events")
        finally:
            store.con.unregister("incoming_events")
    return sizes.pop()


def events_per_day(store: Store) -> list[dict[str, Any]]:
    """Dated events counted by day and event type (the timeline), oldest first."""
    return store._dicts(
        """SELECT event_date AS day, coalesce(nullif(event_type, ''), 'Unknown') AS event_type, count(*) AS n
           FROM events WHERE event_date IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2""")


def control_changes(store: Store) -> list[dict[str, Any]]:
    """Each day a place's control status began (the timeline's marks), oldest first."""
    return store._dicts(
        """SELECT valid_from AS day, place_id, place_name, status, holder FROM control_intervals
           WHERE valid_from IS NOT NULL ORDER BY valid_from, place_name""")


def last_profile(store: Store) -> str | None:
    """The conflict profile the latest run used (its name, from the run journal), or None."""
    row = store.con.execute(
        """SELECT json_extract_string(summary, '$.profile.name') FROM runs
           WHERE json_extract_string(summary, '$.profile.name') IS NOT NULL
           ORDER BY coalesce(finished_at, started_at) DESC LIMIT 1""").fetchone()
    return row[0] if row else None


def events_per_day_by_actor(store: Store) -> list[dict[str, Any]]:
    """Dated events counted by day and first actor (the timeline by side), oldest first."""
    return store._dicts(
        """SELECT event_date AS day, actor1, count(*) AS n FROM events WHERE event_date IS NOT NULL
           GROUP BY 1, 2 ORDER BY 1, 2""")
