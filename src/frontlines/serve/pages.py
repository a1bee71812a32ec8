"""What each page shows, as plain data: the HTML templates and the JSON API render the same dictionaries."""
from __future__ import annotations

import importlib
import re
import tempfile
from collections import defaultdict
from dataclasses import asdict, fields, is_dataclass
from functools import lru_cache
from datetime import date
from typing import Any

from frontlines.model import Article
from frontlines.serve.highlight import Span, highlight, highlight_in_context
from frontlines.storage import Store
from frontlines.storage import web as queries

MAP_WIDTH, MAP_HEIGHT = 900, 640


class NotFound(LookupError):
    """The page names a record the store does not hold."""


class Unavailable(RuntimeError):
    """A stage the page needs (control, report, maps) is not installed in this build."""


def safe_url(url: str | None) -> str | None:
    """A source link fit for ``href``: http(s) only, never ``javascript:`` or ``data:``."""
    if not url:
        return None
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", url)
    return url.strip() if re.match(r"^https?://", cleaned, re.IGNORECASE) else None


def optional(module: str, name: str) -> Any:
    """``module.name`` when another stage has been built, else raise :class:`Unavailable`."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise Unavailable(f"{module}.{name} is not available in this build ({exc})") from exc


@lru_cache(maxsize=None)
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


def as_data(value: Any) -> Any:
    """A record (dataclass) as dicts and lists, like ``dataclasses.asdict`` without its deep copies (the records
    are fresh from the store; a page of events holds thousands of values)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {name: v if type(v) in _LEAVES else as_data(v)
                for name in _field_names(type(value)) for v in (getattr(value, name),)}
    if isinstance(value, (list, tuple)):
        return [v if type(v) in _LEAVES else as_data(v) for v in value]
    if isinstance(value, dict):
        return {k: v if type(v) in _LEAVES else as_data(v) for k, v in value.items()}
    return value


_LEAVES = frozenset({str, int, float, bool, type(None), date})   # returned as they are, without a look inside


# -- overview ------------------------------------------------------------------------------------------
def overview(store: Store) -> dict[str, Any]:
    first, last = queries.event_date_range(store)
    return {"counts": store.counts(), "first_event": first, "last_event": last}


# -- events ----------------------------------------------------------------------------------------------
def event_list(store: Store, filters: dict[str, Any], page: int, size: int) -> dict[str, Any]:
    """One page of filtered events and the total count."""
    events, total = store.query_events(**filters, limit=size, offset=(page - 1) * size)
    return {"filters": {k: v for k, v in filters.items() if v is not None}, "page": page, "size": size,
            "total": total, "pages": max(1, -(-total // size)), "events": [as_data(e) for e in events]}


MAX_SOURCES_SHOWN = 60   # source texts on one event page


def event_detail(store: Store, event_id: str) -> dict[str, Any]:
    """An event's fields, its sources, and each source's text with the evidence marked."""
    found = store.events(ids=[event_id])
    if not found:
        raise NotFound(f"no event {event_id!r}")
    event = found[0]
    every = list(dict.fromkeys([e.article_id for e in event.evidence] + event.article_ids))
    ids = every[:MAX_SOURCES_SHOWN]   # those with evidence first; an event reported thousands of times lists the rest
    articles = {a.id: a for a in store.articles(ids)}
    sources = []
    for article_id in ids:
        article = articles.get(article_id)
        spans = [Span(e.start, e.end, "evidence", f"sentence {e.sentence}") for e in event.evidence
                 if e.article_id == article_id]
        sources.append({
            "article_id": article_id, "missing": article is None,
            "title": article.title if article else None, "outlet": article.outlet if article else None,
            "published": article.published if article else None, "url": safe_url(article.url) if article else None,
            "evidence": [as_data(e) for e in event.evidence if e.article_id == article_id],
            "html": highlight_in_context(article.text, spans) if article else [],
        })
    return {"event": as_data(event), "sources": sources, "more_sources": every[MAX_SOURCES_SHOWN:]}


# -- articles --------------------------------------------------------------------------------------------
def article_index(store: Store, page: int, size: int) -> dict[str, Any]:
    rows, total = queries.article_list(store, limit=size, offset=(page - 1) * size)
    for row in rows:
        row["url"] = safe_url(row["url"])
    return {"page": page, "size": size, "total": total, "pages": max(1, -(-total // size)), "articles": rows}


MAX_SENTENCES = 2000  # the explain view of a huge article shows its beginning, and says so


def _by_sentence(items: list) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for item in items:
        out[item.sentence].append(item)
    return out


def _spans(places: list, actors: list, dates: list, quantities: list) -> list[Span]:
    spans = [Span(m.start, m.end, "place", m.place.name if m.place else "unresolved place") for m in places]
    spans += [Span(m.start, m.end, "actor", f"{m.actor_id} ({m.via})") for m in actors]
    spans += [Span(m.start, m.end, "date", str(m.date_start or "unresolved date")) for m in dates]
    spans += [Span(m.start, m.end, "number", f"{m.kind} {m.best if m.best is not None else ''}".strip())
              for m in quantities]
    return spans


def article_explain(store: Store, article_id: str) -> dict[str, Any]:
    """Everything extracted from one article, sentence by sentence (the ``explain`` view)."""
    article = store.article(article_id, annotations=True)
    if article is None:
        raise NotFound(f"no article {article_id!r}")
    kinds = {"places": article.places, "actors": article.actors, "dates": article.dates,
             "quantities": article.quantities, "claims": article.claims}
    grouped = {kind: _by_sentence(items) for kind, items in kinds.items()}
    sentences = []
    for s in article.sentences[:MAX_SENTENCES]:
        found = {kind: grouped[kind].get(s.index, []) for kind in kinds}
        spans = _spans(found["places"], found["actors"], found["dates"], found["quantities"])
        sentences.append({
            "index": s.index, "start": s.start, "end": s.end, "paragraph": s.paragraph, "modality": s.modality,
            "modality_cue": s.modality_cue, "html": highlight(article.text[s.start:s.end], spans, offset=s.start),
            **{kind: [as_data(m) for m in items] for kind, items in found.items()},
        })
    meta = {k: getattr(article, k) for k in ("id", "title", "outlet", "published", "published_source",
                                              "content_hash", "dup_group", "source_path")}
    meta["url"] = safe_url(article.url)
    return {"article": meta, "sentences": sentences, "sentences_left_out": max(0, len(article.sentences) - MAX_SENTENCES),
            "text_html": [] if sentences else highlight_in_context(article.text, []),
            "mentions": [as_data(m) for m in article.mentions], "events": queries.events_citing(store, article.id)}


# -- map ------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _rules() -> Any:
    return optional("frontlines.control.rules", "load_rules")()


class Sides:
    """The sides that colour the map: the control rules of the store's conflict profile (the one its latest run
    used) when it has one, else the bundled rules; colours from the profile (``side_colours``) when given."""

    def __init__(self, rules: Any = None, colours: dict[str, str] | None = None) -> None:
        self.rules, self.colours = rules, dict(colours or {})
        self._keys: dict[tuple[str | None, str | None], str] = {}

    @classmethod
    def of(cls, store: Store) -> "Sides":
        try:
            rules = optional("frontlines.control.rules", "rules_for")(
                optional("frontlines.profiles", "store_profile")(store))   # its path or name, from the run journal
            return cls(rules, rules.side_colours)
        except Unavailable:
            return cls()
        except Exception:   # a profile that is gone or broken: the bundled rules
            return cls(_rules_or_none())

    def status(self, row: dict[str, Any]) -> str:
        """The map's status key, ``held:<side>`` when the rules know the holder's side."""
        key = (row["status"], row.get("holder"))
        if key not in self._keys:
            self._keys[key] = self._status_key(*key)
        return self._keys[key]

    def _status_key(self, status: str | None, holder: str | None) -> str:
        if self.rules is not None:
            return self.rules.status_key(status, holder)
        if status == "held":
            return f"held:{holder or 'other'}"
        return status or "unknown"

    def legend(self) -> list[dict[str, str]]:
        """Map keys with label and colour: one per side (the profile's colour, else the report map's, else a
        palette), then held by others, contested, unknown."""
        try:
            report_colours = optional("frontlines.report.maps", "STATUS_COLOURS")
        except Unavailable:
            report_colours = {}
        out = []
        sides = list(self.rules.sides) if self.rules is not None else []
        for i, side in enumerate(sides):
            colour = self.colours.get(side) or report_colours.get(f"held:{side}") or PALETTE[i % len(PALETTE)]
            out.append({"key": f"held:{side}", "label": f"held by {self.rules.side_name(side)}", "colour": colour})
        for key, (label, colour) in FIXED.items():
            out.append({"key": key, "label": label, "colour": colour})
        return out


def _rules_or_none() -> Any:
    try:
        return _rules()
    except Unavailable:
        return None


@lru_cache(maxsize=1)
def _bundled_sides() -> Sides:
    return Sides(_rules_or_none())


def _status(row: dict[str, Any], sides: Sides | None = None) -> str:
    """The map's status key, ``held:<side>`` when the control rules know the holder's side."""
    return (sides or _bundled_sides()).status(row)


def map_data(store: Store, as_of: date, days: int, limit: int = 1000,
             record: "ControlRecord | None" = None) -> dict[str, Any]:
    """Events in the ``days`` up to ``as_of`` (at most ``limit``, newest first) and the control status that day."""
    events, total = queries.map_events(store, as_of, days, limit)
    control = control_on(store, as_of, record)
    statuses: dict[str, int] = {}
    for row in control:
        statuses[row["status_key"]] = statuses.get(row["status_key"], 0) + 1
    return {"as_of": as_of, "days": days, "events": events, "events_total": total, "events_shown": len(events),
            "control": control, "control_counts": statuses}


def _fold(name: str | None) -> str:
    return (name or "").strip().casefold()


class Boundaries:
    """Imported boundary areas (read once), indexed by id, code and name, with a spatial index for points."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        from shapely import STRtree, wkt
        from shapely.errors import ShapelyError

        self.rows, self.shapes = [], []
        for row in rows:
            try:
                shape = wkt.loads(row["geometry"])
            except (ShapelyError, ValueError, TypeError, AttributeError):
                continue  # a bad boundary is left out, as the map module does
            self.rows.append(row)
            self.shapes.append(shape)
        self.tree = STRtree(self.shapes) if self.shapes else None
        self.by_id = {r["id"]: r for r in self.rows}
        self.index: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for r in self.rows:
            level = "admin2" if r["kind"] == "district" else "admin1"
            for key in ((level, "code:" + (r.get(f"{level}_code") or "")), (level, "name:" + _fold(r["name"]))):
                if not key[1].endswith(":"):
                    self.index.setdefault(key, []).append(r)
        self._found: dict[tuple, tuple[dict[str, Any], ...]] = {}   # areas_for, by what it reads of a row

    def containing(self, lat: float | None, lon: float | None) -> list[dict[str, Any]]:
        """The areas a point lies in."""
        if self.tree is None or lat is None or lon is None:
            return []
        from shapely import Point
        return [self.rows[i] for i in self.tree.query(Point(lon, lat), predicate="within")]

    def bounds(self) -> list[tuple[float, float, float, float]]:
        return [shape.bounds for shape in self.shapes]

    def areas_for(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        """The areas a control interval speaks for: its own, its district (by code, else by name within its
        province), and for a provincial capital its province (by code or name) and every area it lies in
        (names are spelt differently from one source to the next). Worked out once per place and row: the map
        asks for every place in force, day after day."""
        key = (row["place_id"], row.get("admin1"), row.get("admin2"), row.get("admin1_code"), row.get("admin2_code"),
               bool(row.get("is_capital")), row.get("lat"), row.get("lon"))
        if key not in self._found:
            self._found[key] = tuple(self._areas_for(row))
        return list(self._found[key])

    def _areas_for(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        found = [self.by_id[row["place_id"]]] if row["place_id"] in self.by_id else []
        found += self.index.get(("admin2", f"code:{row.get('admin2_code') or ''}"), [])
        found += [a for a in self.index.get(("admin2", f"name:{_fold(row.get('admin2'))}"), [])
                  if not row.get("admin1") or not a.get("admin1") or _fold(a["admin1"]) == _fold(row["admin1"])]
        if row.get("is_capital"):
            found += self.index.get(("admin1", f"code:{row.get('admin1_code') or ''}"), [])
            found += self.index.get(("admin1", f"name:{_fold(row.get('admin1'))}"), [])
            found += self.containing(row.get("lat"), row.get("lon"))
        return found


def control_on(store: Store, as_of: date, record: "ControlRecord | None" = None) -> list[dict[str, Any]]:
    """The control intervals in force on ``as_of``, each with its map status key (``status_key``); from ``record``
    (read once per copy of the store) when given, else from the store."""
    if record is not None:
        return record.on(as_of)
    rows = queries.control_as_of(store, as_of)
    for row in rows:
        row["status_key"] = _status(row)
    return rows


class ControlRecord:
    """Every control interval with its place's point and status key, read once (the slider asks for day after
    day; a store's control table is small: one row per place and change). Rows are shared: read, never change."""

    def __init__(self, store: Store, sides: Sides | None = None) -> None:
        self.sides = sides
        self.rows = queries.control_as_of(store, None)
        for row in self.rows:
            row["status_key"] = _status(row, sides)

    def on(self, as_of: date) -> list[dict[str, Any]]:
        return [r for r in self.rows if (r["valid_from"] is None or r["valid_from"] <= as_of)
                and (r["valid_to"] is None or r["valid_to"] > as_of)]


def area_statuses(boundaries: Boundaries, control: list[dict[str, Any]]) -> dict[str, str]:
    """Status of each boundary area from the control intervals in force (the latest to start wins)."""
    out: dict[str, str] = {}
    for row in sorted(control, key=lambda r: r["valid_from"] or date.min):
        for area in boundaries.areas_for(row):
            out[area["id"]] = row["status_key"]
    return out


def map_layers(store: Store, as_of: date, boundaries: Boundaries,
               record: "ControlRecord | None" = None) -> tuple[list, list]:
    """Control as map layers: boundary areas coloured by status, and the controlled places as points.

    Read from the store alone (no gazetteer), so the first map is as quick as the next.
    """
    MapPoint = optional("frontlines.report.maps", "MapPoint")
    MapArea = optional("frontlines.report.maps", "MapArea")
    control = control_on(store, as_of, record)
    statuses = area_statuses(boundaries, control)
    areas = []
    for area in boundaries.rows:
        status = statuses.get(area["id"], "unknown")
        areas.append(MapArea(area["geometry"], f"{area['name']}: {status.replace('held:', 'held by ')}", status, area["id"]))
    points = []
    for row in control:
        label = f"{row['place_name']}: {row['status_key'].replace('held:', 'held by ')}"
        if row.get("lat") is not None and row.get("lon") is not None and row.get("kind") not in ("district", "province"):
            points.append(MapPoint(row["lat"], row["lon"], label, row["status_key"], None, row["place_id"]))
    return points, areas


def map_svg(store: Store, as_of: date, days: int, limit: int, boundaries: Boundaries, bbox: tuple | None,
            record: "ControlRecord | None" = None) -> str:
    """The map as SVG, drawn by the shared map module (``frontlines.report.maps``): control, then events on top."""
    render = optional("frontlines.report.maps", "render_map_svg")
    MapPoint = optional("frontlines.report.maps", "MapPoint")
    points, areas = map_layers(store, as_of, boundaries, record)
    events, _ = queries.map_events(store, as_of, days, limit)
    for e in reversed(events):  # oldest first, so the newest are drawn on top
        label = f"{e['event_date']} {e['sub_event_type'] or e['event_type']}: {e['location'] or ''}"
        points.append(MapPoint(e["latitude"], e["longitude"], label, "event", f"/events/{e['event_id_cnty']}",
                               e["event_id_cnty"]))
    sides = record.sides if record is not None and record.sides is not None else Sides.of(store)
    styles = optional("frontlines.report.maps", "side_styles")(sides.rules) if sides.rules is not None else None
    return render(points, areas, width=MAP_WIDTH, height=MAP_HEIGHT, title=f"As of {as_of.isoformat()}", bbox=bbox,
                  styles=styles)



# -- legend, boundaries and timeline for the interactive map ----------------------------------------------------
PALETTE = ["#c0392b", "#2471a3", "#1e8449", "#d35400", "#7d3c98", "#b7950b", "#117a65", "#884ea0"]
FIXED = {"held:other": ("held by others", "#7f8c8d"), "contested": ("contested", "#f39c12"),
         "unknown": ("unknown", "#d5d8dc")}


def legend(sides: Sides | None = None) -> list[dict[str, str]]:
    """The map's legend (see :meth:`Sides.legend`); the bundled rules' when ``sides`` is None."""
    return (sides or _bundled_sides()).legend()


def areas_geojson(boundaries: Boundaries, tolerance: float = 0.005) -> dict[str, Any]:
    """Imported boundary areas as GeoJSON (simplified to ``tolerance`` degrees), for the interactive map."""
    from shapely.geometry import mapping

    features = []
    for row, shape in zip(boundaries.rows, boundaries.shapes):
        features.append({"type": "Feature", "id": row["id"],
                         "properties": {"id": row["id"], "name": row["name"], "kind": row["kind"]},
                         "geometry": mapping(shape.simplify(tolerance, preserve_topology=True))})
    return {"type": "FeatureCollection", "features": features}


def timeline(store: Store, sides: Sides | None = None) -> dict[str, Any]:
    """Events per day by type (for a stacked chart) and the days control changed, with the types in order of size."""
    rows = queries.events_per_day(store)
    totals: dict[str, int] = {}
    days: dict[str, dict[str, int]] = {}
    for row in rows:
        day = row["day"].isoformat()
        days.setdefault(day, {})[row["event_type"]] = row["n"]
        totals[row["event_type"]] = totals.get(row["event_type"], 0) + row["n"]
    changes = [{**r, "day": r["day"].isoformat(), "status_key": _status(r, sides)} for r in queries.control_changes(store)]
    by_side, side_totals = _per_day_by_side(store, sides or _bundled_sides())
    return {"types": sorted(totals, key=lambda t: (-totals[t], t)), "totals": totals,
            "days": [{"day": d, "counts": c, "total": sum(c.values()), "by_side": by_side.get(d, {})}
                     for d, c in sorted(days.items())],
            "sides": [{"key": k, "label": label, "events": side_totals.get(k, 0)}
                      for k, label in _side_labels(sides or _bundled_sides()) if side_totals.get(k)],
            "control_changes": changes}


def _side_labels(sides: Sides) -> list[tuple[str, str]]:
    known = [(k, sides.rules.side_name(k)) for k in sides.rules.sides] if sides.rules is not None else []
    return known + [("other", "others or unknown")]


def _per_day_by_side(store: Store, sides: Sides) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Events per day by the side of their first actor ("other" when the rules know none)."""
    per_day: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for row in queries.events_per_day_by_actor(store):
        side = (sides.rules.side_of(row["actor1"]) if sides.rules is not None else None) or "other"
        day = per_day.setdefault(row["day"].isoformat(), {})
        day[side] = day.get(side, 0) + row["n"]
        totals[side] = totals.get(side, 0) + row["n"]
    return per_day, totals


# -- claims and tallies ------------------------------------------------------------------------------------
def claims_page(store: Store, as_of: date) -> dict[str, Any]:
    """Every claim, and the tally claims beside the tallies computed from the control picture (when built)."""
    out: dict[str, Any] = {"as_of": as_of, "claims": queries.claims_table(store), "compared": [], "tallies": [],
                           "tally_changes": [], "message": None}
    if store.count("control_intervals") == 0:
        out["message"] = "The store holds no control record yet (the control stage has not run): no tallies to compare."
        return out
    try:
        rules = Sides.of(store).rules
        compared = optional("frontlines.control.tallies", "claimed_tallies")(store, as_of=as_of, rules=rules)
        daily = optional("frontlines.control.tallies", "daily_tallies")(store, as_of, rules=rules)
    except Unavailable as exc:
        out["message"] = f"Computed tallies are not available: {exc}"
        return out
    except Exception as exc:  # another stage's failure must not take the page down
        out["message"] = f"Computed tallies could not be made: {type(exc).__name__}: {exc}"
        return out
    out["compared"] = [{"claim_id": t.claim.id, "article_id": t.claim.article_id, "day": t.day, "metric": t.metric,
                        "claimant": t.claimant, "comparator": t.claim.comparator, "count": t.claim.count,
                        "denominator": t.claim.denominator, "observed": t.observed, "agrees": t.agrees,
                        "text": t.claim.text} for t in compared]
    out["tallies"] = [asdict(t) for t in daily]
    out["tally_changes"] = [t for i, t in enumerate(out["tallies"])
                            if i == 0 or {**t, "day": None} != {**out["tallies"][i - 1], "day": None}]
    return out


def tally_chart_svg(store: Store, as_of: date) -> str:
    """The control engineer's tally chart (observed lines, claimed markers) as SVG text."""
    rules = Sides.of(store).rules
    claimed = optional("frontlines.control.tallies", "claimed_tallies")(store, as_of=as_of, rules=rules)
    daily = optional("frontlines.control.tallies", "daily_tallies")(store, as_of, rules=rules)
    render = optional("frontlines.report.charts", "render_tallies_chart")
    with tempfile.TemporaryDirectory(prefix="frontlines-chart-") as folder:
        written = render(daily, claimed, folder, stem="tallies", rules=rules)
        svg = [p for p in written if str(p).endswith(".svg")]
        if not svg:
            raise Unavailable("the chart module wrote no SVG")
        return svg[0].read_text(encoding="utf-8")


# -- situation report --------------------------------------------------------------------------------------
def situation(store: Store, as_of: date, since: date | None) -> dict[str, Any]:
    """The situation report for ``as_of`` from the report stage, or a clear message when it is not built."""
    out: dict[str, Any] = {"as_of": as_of, "since": since, "report": None, "message": None}
    if store.count("events") == 0 and store.count("control_intervals") == 0:
        out["message"] = "The store holds no events and no control record yet: there is nothing to report."
        return out
    try:
        build = optional("frontlines.report.situation", "build_report")
        report = build(store, as_of=as_of, since=since)
    except Unavailable as exc:
        out["message"] = f"The situation report is not available: {exc}"
        return out
    except Exception as exc:  # another stage's failure must not take the page down
        out["message"] = f"The report could not be made: {type(exc).__name__}: {exc}"
        return out
    data = asdict(report)
    data.pop("map_svg", None)  # the page shows /map.svg instead (same layers, plus events)
    data.pop("files", None)
    for source in data.get("sources", []):
        source["url"] = safe_url(source.get("url"))
    out["report"] = data
    return out
