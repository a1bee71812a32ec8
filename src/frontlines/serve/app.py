"""The web app: every page over the store as HTML and as JSON (Datasette's rule), read-only.

``/events`` is HTML for a browser and JSON for ``Accept: application/json``; ``/events.json`` is always JSON.
The JSON routes are the documented API (``/openapi.json``); the HTML routes render the same data.
"""
from __future__ import annotations

import json
import math
import os
import threading
from collections import OrderedDict
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, AsyncIterator, Callable
from urllib.parse import parse_qsl, urlencode

import duckdb
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from frontlines.serve import pages
from frontlines.serve.cache import ResponseCache
from frontlines.serve.snapshots import REFRESH_S, Snapshots
from frontlines.storage import Store, StoreError
from frontlines.storage import web as queries

HERE = Path(__file__).parent
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
DATE_MARGIN = timedelta(days=366)
SERVE_THREADS = 20   # threads building pages at once ($FRONTLINES_SERVE_THREADS)
HTML_ONLY_KEYS = {"html", "text_html", "tally_changes"}


# -- parameters ------------------------------------------------------------------------------------------
def _printable(value: str) -> str:
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError("must not contain control characters")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_printable)]
Ident = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_printable)]


class EventQuery(BaseModel):
    """Filters of the events table; empty parameters mean "no filter"."""
    model_config = ConfigDict(extra="ignore")

    date_from: date | None = Field(None, description="First event date (YYYY-MM-DD), inclusive")
    date_to: date | None = Field(None, description="Last event date (YYYY-MM-DD), inclusive")
    event_type: Text | None = Field(None, description="ACLED event type, e.g. Battles")
    sub_event_type: Text | None = Field(None, description="ACLED sub-event type, e.g. Armed clash")
    actor: Text | None = Field(None, description="Part of any actor's name (actor1, actor2 or associated)")
    province: Text | None = Field(None, description="admin1, exactly")
    district: Text | None = Field(None, description="admin2, exactly")
    q: Text | None = Field(None, description="Text search in notes, location and evidence sentences")
    min_sources: int | None = Field(None, ge=0, le=10_000, description="At least this many source articles")
    page: int = Field(1, ge=1, le=1_000_000)
    size: int = Field(50, ge=1, le=500, description="Events per page")

    @model_validator(mode="after")
    def _dates_in_order(self) -> "EventQuery":
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from must be on or before date_to")
        return self

    def store_filters(self) -> dict[str, Any]:
        return {"date_from": self.date_from, "date_to": self.date_to, "event_type": self.event_type,
                "sub_event_type": self.sub_event_type, "actor": self.actor, "admin1": self.province,
                "admin2": self.district, "text": self.q, "min_sources": self.min_sources}


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    page: int = Field(1, ge=1, le=1_000_000)
    size: int = Field(50, ge=1, le=500)


class MapQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    as_of: date | None = Field(None, description="Show the picture on this day (default: the last event date)")
    days: int = Field(30, ge=1, le=3660, description="Events of this many days up to as_of")
    limit: int = Field(1000, ge=1, le=5000, description="At most this many events, newest first")


class AsOfQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    as_of: date | None = Field(None, description="The day (default: the last event date)")


class ReportQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    as_of: date | None = Field(None, description="Report date (default: the last event date)")
    since: date | None = Field(None, description="Report what changed since this date")

    @model_validator(mode="after")
    def _dates_in_order(self) -> "ReportQuery":
        if self.as_of and self.since and self.since > self.as_of:
            raise ValueError("since must be on or before as_of")
        return self


# -- middleware --------------------------------------------------------------------------------------------
class Hardening:
    """Adds the security headers to every response and drops empty query parameters (an empty form field)."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        raw = scope.get("query_string", b"").decode("latin-1")
        if raw:
            kept = [(k, v) for k, v in parse_qsl(raw, keep_blank_values=True) if v.strip()]
            scope = dict(scope, query_string=urlencode(kept).encode("latin-1", "replace"))

        async def send_hardened(message: dict) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in names]
                message = dict(message, headers=list(message.get("headers", [])) + extra)
            await send(message)

        await self.app(scope, receive, send_hardened)


# -- rendering ------------------------------------------------------------------------------------------------
def wants_json(request: Request) -> bool:
    if request.url.path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


_NESTED = (dict, list, tuple)


def plain(value: Any) -> Any:
    """JSON-ready data without the pre-rendered HTML fragments (and NaN or infinity as null: JSON has neither).
    Leaves are looked at in place, not through a call each (a map holds thousands of them)."""
    if isinstance(value, dict):
        return {k: plain(v) if isinstance(v, _NESTED) else None if type(v) is float and not math.isfinite(v) else v
                for k, v in value.items() if k not in HTML_ONLY_KEYS}
    if isinstance(value, (list, tuple)):
        return [plain(v) if isinstance(v, _NESTED) else None if type(v) is float and not math.isfinite(v) else v
                for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# What the JSON of a fragment's key ends with ('html":' covers "text_html" too); not starting at the quote,
# which is everywhere in JSON and makes the search crawl.
_HTML_KEY_MARKS = tuple(sorted({b'html":'} | {f'{key}":'.encode() for key in HTML_ONLY_KEYS if "html" not in key}))


def to_json(data: Any) -> bytes:
    """The JSON of a page: orjson (dates, dataclasses, NaN as null, in C: a map's JSON in a fifth of the time),
    without the pre-rendered HTML fragments; the standard library for what orjson refuses (lone surrogates).

    Most pages hold no fragment: their data is encoded as it is, and walked (``drop_html``) only when the JSON
    may hold one of the keys (``html":`` can only end a key: inside a JSON string the quote is escaped; a key
    such as ``xhtml`` merely takes the longer way). Walking a map's thousands of values took more of the
    server's time under load than anything else."""
    import orjson

    try:
        out = orjson.dumps(data, default=_json_value, option=orjson.OPT_NON_STR_KEYS)
        if any(mark in out for mark in _HTML_KEY_MARKS):
            out = orjson.dumps(drop_html(data), default=_json_value, option=orjson.OPT_NON_STR_KEYS)
        return out
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(plain(data), default=_json_value, ensure_ascii=False).encode("utf-8")


def drop_html(value: Any) -> Any:
    """``value`` without the pre-rendered HTML fragments (``HTML_ONLY_KEYS``), copying only the dicts that hold one."""
    if isinstance(value, dict):
        if HTML_ONLY_KEYS.isdisjoint(value) and not any(isinstance(v, (dict, list)) for v in value.values()):
            return value
        return {k: drop_html(v) if isinstance(v, (dict, list)) else v for k, v in value.items() if k not in HTML_ONLY_KEYS}
    if isinstance(value, list):
        if not any(isinstance(v, (dict, list)) for v in value):
            return value
        return [drop_html(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


def local_url(request: Request, path: str | None = None, **params: Any) -> str:
    """A relative link to ``path`` (default: this page) with this page's query changed by ``params``."""
    query = dict(request.query_params)
    query.update({k: v for k, v in params.items() if v is not None})
    for key in [k for k, v in params.items() if v is None]:
        query.pop(key, None)
    target = path or request.url.path
    return f"{target}?{urlencode(query)}" if query else target


def json_url(request: Request) -> str:
    path = request.url.path.rstrip("/") or "/index"
    return local_url(request, path if path.endswith(".json") else f"{path}.json")


def _json_value(value: Any) -> Any:
    """What ``json`` cannot encode by itself: dates, dataclasses, bytes."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _shown(value: Any) -> Any:
    """A value as a cell shows it: nothing for None, 200 rather than 200.0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def make_environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)   # no stat() of templates per page
    env.filters["fmt"] = _shown
    return env


@dataclass
class View:
    """What the pages need from one copy of the store, worked out once per copy (the copy never changes)."""
    first: date | None
    last: date | None
    boundaries: pages.Boundaries
    bbox: tuple[float, float, float, float] | None
    facets: dict[str, list[str]]
    sides: pages.Sides
    control: pages.ControlRecord
    svgs: "Memo" = field(default_factory=lambda: Memo(256))
    charts: "Memo" = field(default_factory=lambda: Memo(64))
    parts: "Memo" = field(default_factory=lambda: Memo(8))   # the timeline, the areas' GeoJSON

    @property
    def default_day(self) -> date:
        return self.last or date.today()

    def day(self, day: date | None, name: str = "as_of") -> date:
        """The requested day, or the last day on record; a day far outside the record is refused (422), because
        per-day computations (tallies, the report) would otherwise walk through centuries."""
        if day is None:
            return self.default_day
        earliest, latest = (self.first or self.default_day) - DATE_MARGIN, self.default_day + DATE_MARGIN
        if not earliest <= day <= latest:
            raise RequestValidationError([{"loc": ("query", name), "msg": f"must be between {earliest} and {latest} "
                                           "(the store's dates, give or take a year)", "type": "value_error"}])
        return day


class Memo:
    """At most ``size`` results by key (the SVGs of one copy of the store), the oldest forgotten first."""

    def __init__(self, size: int) -> None:
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = make()
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


def prepare_view(store: Store) -> View:
    """Check that ``store`` is a frontlines store and read what every page needs from it."""
    try:
        if store.schema_version() < 1:
            raise StoreError("is not a frontlines store (no schema)")
        first, last = queries.event_date_range(store)
        control_first, control_last = queries.control_date_range(store)
        boundaries = pages.Boundaries(queries.boundary_areas(store))
        extent = queries.located_extent(store)
        facets = queries.event_facets(store)
        sides = pages.Sides.of(store)
        control = pages.ControlRecord(store, sides)
    except duckdb.Error as exc:
        raise StoreError(f"cannot be read as a frontlines store: {exc}") from exc
    first = min([d for d in (first, control_first) if d], default=None)
    last = max([d for d in (last, control_last) if d], default=None)
    return View(first, last, boundaries, _bbox(extent, boundaries.bounds()), facets, sides, control)


def create_app(db_path: Path, allowed_hosts: list[str] | None = None, refresh_s: float = REFRESH_S,
               wait_s: float = 0.0, on_wait: Callable[[], None] | None = None) -> FastAPI:
    """The web app over the store at ``db_path``, read-only, through a copy refreshed after each run
    (:mod:`frontlines.serve.snapshots`): runs may write the store while the app serves it.

    ``allowed_hosts`` limits the Host header the app answers to (``frontlines serve`` passes the loopback names
    when it binds to loopback, so a web page cannot reach the store by DNS rebinding). ``refresh_s``: how often
    to look for a newer store (0: never). ``wait_s``: how long to wait for a writer at start.
    Raises :class:`StoreError` when the file is missing or is not a frontlines store.
    """
    snapshots = Snapshots(Path(db_path), prepare_view, refresh_s=refresh_s, wait_s=wait_s, on_wait=on_wait)
    snapshots.start()
    env = make_environment()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        # A page is mostly DuckDB's work, done outside the GIL on a thread's own cursor: while some threads wait
        # for the store, others build pages. Under 20 requests at once (benchmarks/web_latency.py --load, 8 paired
        # runs on a shared 2-core machine) 20 threads gave p50 99 ms and p99 368 ms (medians) against 139 and
        # 390 ms with 4 threads and 196 requests/s against 167. (With a cursor opened per request and pages' JSON
        # walked in Python, 4 threads had beaten anyio's 40.)
        threads = int(os.environ.get("FRONTLINES_SERVE_THREADS", str(SERVE_THREADS)) or SERVE_THREADS)
        if threads > 0:
            anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        yield
        snapshots.close()

    app = FastAPI(title="frontlines", version="0.1.0", docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="Read-only API over a frontlines store: events with their sources and evidence, "
                              "articles with everything extracted from them, claims, control and the situation report. "
                              "Every HTML page is also JSON: add `.json` to the path or send `Accept: application/json`.")
    app.state.snapshots = snapshots
    app.add_middleware(ResponseCache, generation=lambda: snapshots.current.number)   # innermost: after the checks
    if allowed_hosts:   # inside the hardening middleware, so its 400 carries the security headers too
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    app.add_middleware(Hardening)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def read(fn: Callable, *args: Any) -> Any:
        with snapshots.reading() as (store, _):
            return fn(store, *args)

    def view() -> View:
        return snapshots.current.prepared

    def respond(request: Request, template: str, data: dict[str, Any], status: int = 200) -> Response:
        if wants_json(request):
            return Response(to_json(data), status_code=status,
                            media_type="application/json")
        shown = view()
        html = env.get_template(template).render(
            data=data, request_path=request.url.path, json_url=json_url(request),
            url=lambda path=None, **kw: local_url(request, path, **kw), first_day=shown.first, last_day=shown.last)
        return HTMLResponse(html, status_code=status)

    # -- errors: a message, never a traceback -----------------------------------------------------------
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"param": ".".join(str(p) for p in e.get("loc", ())[1:]) or "query", "message": e.get("msg", "invalid")}
                  for e in exc.errors()]
        return respond(request, "error.html", {"status": 422, "error": "Invalid parameters", "errors": errors}, 422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return respond(request, "error.html", {"status": exc.status_code, "error": str(exc.detail), "errors": []},
                       exc.status_code)

    @app.exception_handler(pages.NotFound)
    async def not_found(request: Request, exc: pages.NotFound) -> Response:
        return respond(request, "error.html", {"status": 404, "error": str(exc), "errors": []}, 404)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        return respond(request, "error.html", {"status": 500, "error": "Internal error: the server could not build "
                                               "this page", "errors": []}, 500)

    @app.exception_handler(duckdb.Error)
    async def store_error(request: Request, exc: duckdb.Error) -> Response:
        return respond(request, "error.html", {"status": 400, "error": "The store could not answer this request",
                                               "errors": [{"param": "query", "message": type(exc).__name__}]}, 400)

    # -- pages -----------------------------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    @app.get("/index.json", summary="Row counts and the date range of the store", tags=["overview"])
    def index(request: Request) -> Response:
        data = read(pages.overview)
        data["snapshot"] = {"taken_at": datetime.fromtimestamp(snapshots.current.taken_at).isoformat(timespec="seconds"),
                            "refreshed": snapshots.refreshed}
        return respond(request, "index.html", data)

    @app.get("/map", include_in_schema=False)
    @app.get("/map.json", summary="Events and control status as of a day", tags=["map"])
    def map_page(request: Request, query: Annotated[MapQuery, Query()]) -> Response:
        with snapshots.reading() as (store, shown):
            as_of = shown.day(query.as_of)
            data = pages.map_data(store, as_of, query.days, query.limit, shown.control)
        first, last = shown.first or as_of, shown.last or as_of
        data["svg_url"] = f"/map.svg?as_of={as_of.isoformat()}&days={query.days}"
        data["range"] = {"first": first, "last": last, "offset": max(0, (as_of - first).days)}
        data["range"]["length"] = max(data["range"]["offset"], (last - first).days)
        data["legend"] = shown.sides.legend()
        data["area_status"] = pages.area_statuses(shown.boundaries, data["control"]) if shown.boundaries.rows else {}
        data["bbox"] = shown.bbox
        return respond(request, "map.html", data)

    @app.get("/map/areas.json", summary="Imported boundary areas as GeoJSON (the map colours them by area_status)",
             tags=["map"])
    def map_areas() -> Response:
        with snapshots.reading() as (_, shown):
            body = shown.parts.get("areas", lambda: json.dumps(pages.areas_geojson(shown.boundaries)))
        return Response(body, media_type="application/geo+json")

    @app.get("/timeline", include_in_schema=False)
    @app.get("/timeline.json", summary="Events per day by type, and the days control changed", tags=["map"])
    def timeline(request: Request) -> Response:
        with snapshots.reading() as (store, shown):
            data = shown.parts.get("timeline", lambda: pages.timeline(store, shown.sides))
        return respond(request, "timeline.html", data)

    @app.get("/map.svg", summary="The map as SVG (shared map module)", tags=["map"],
             response_class=Response, responses={200: {"content": {"image/svg+xml": {}}}})
    def map_svg(query: Annotated[MapQuery, Query()]) -> Response:
        with snapshots.reading() as (store, shown):
            key = (shown.day(query.as_of), query.days, query.limit)
            try:
                svg = shown.svgs.get(key, lambda: pages.map_svg(store, *key, shown.boundaries, shown.bbox, shown.control))
            except pages.Unavailable as exc:
                raise HTTPException(503, str(exc)) from exc
        return Response(svg, media_type="image/svg+xml", headers={"cache-control": "max-age=60"})

    @app.get("/events", include_in_schema=False)
    @app.get("/events.json", summary="Events, filtered and paginated", tags=["events"])
    def events(request: Request, query: Annotated[EventQuery, Query()]) -> Response:
        with snapshots.reading() as (store, shown):
            data = pages.event_list(store, query.store_filters(), query.page, query.size)
        data["query"] = query.model_dump(exclude_none=True)
        if wants_json(request):
            data["next_url"] = local_url(request, page=query.page + 1) if query.page < data["pages"] else None
        else:
            data["facets"] = shown.facets
        return respond(request, "events.html", data)

    @app.get("/events/{event_id}", include_in_schema=False)
    @app.get("/events/{event_id}.json", summary="One event, its sources and evidence", tags=["events"])
    def event(request: Request, event_id: Ident) -> Response:
        return respond(request, "event.html", read(pages.event_detail, event_id))

    @app.get("/articles", include_in_schema=False)
    @app.get("/articles.json", summary="Articles (without text), newest first", tags=["articles"])
    def articles(request: Request, query: Annotated[PageQuery, Query()]) -> Response:
        return respond(request, "articles.html", read(pages.article_index, query.page, query.size))

    @app.get("/articles/{article_id:path}", include_in_schema=False)
    @app.get("/articles/{article_id:path}.json", summary="One article and everything extracted from it "
             "(an id may hold `/`)", tags=["articles"])
    def article(request: Request, article_id: Ident) -> Response:
        return respond(request, "article.html", read(pages.article_explain, article_id))

    @app.get("/claims", include_in_schema=False)
    @app.get("/claims.json", summary="Claims beside the computed tallies", tags=["claims"])
    def claims(request: Request, query: Annotated[AsOfQuery, Query()]) -> Response:
        with snapshots.reading() as (store, shown):
            return respond(request, "claims.html", pages.claims_page(store, shown.day(query.as_of)))

    @app.get("/claims/chart.svg", summary="Observed tallies (lines) and claimed tallies (markers) as SVG",
             tags=["claims"], response_class=Response, responses={200: {"content": {"image/svg+xml": {}}}})
    def claims_chart(query: Annotated[AsOfQuery, Query()]) -> Response:
        with snapshots.reading() as (store, shown):
            as_of = shown.day(query.as_of)   # a bad day is the caller's error (422), not the chart's
            try:
                svg = shown.charts.get(as_of, lambda: pages.tally_chart_svg(store, as_of))
            except pages.Unavailable as exc:
                raise HTTPException(503, str(exc)) from exc
            except Exception as exc:  # the chart belongs to another stage: its failure is reported, not a crash
                raise HTTPException(503, f"The tally chart could not be drawn: {type(exc).__name__}") from exc
        return Response(svg, media_type="image/svg+xml")

    @app.get("/report", include_in_schema=False)
    @app.get("/report.json", summary="The situation report as of a day", tags=["report"])
    def report(request: Request, query: Annotated[ReportQuery, Query()]) -> Response:
        with snapshots.reading() as (store, shown):
            as_of, since = shown.day(query.as_of), query.since and shown.day(query.since, "since")
            data = pages.situation(store, as_of, since)
        return respond(request, "report.html", data)

    @app.get("/api", include_in_schema=False)
    def api(request: Request) -> Response:
        return respond(request, "api.html", {"schema": app.openapi()})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return RedirectResponse("/static/favicon.svg")

    return app


def _bbox(extent: tuple | None, shapes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float] | None:
    """A fixed frame for every date, so the map does not jump as the slider moves."""
    boxes = ([extent] if extent else []) + shapes
    if not boxes:
        return None
    xs = [b[0] for b in boxes] + [b[2] for b in boxes]
    ys = [b[1] for b in boxes] + [b[3] for b in boxes]
    pad_x, pad_y = max((max(xs) - min(xs)) * 0.04, 0.2), max((max(ys) - min(ys)) * 0.04, 0.2)
    return (min(xs) - pad_x, min(ys) - pad_y, max(xs) + pad_x, max(ys) + pad_y)
