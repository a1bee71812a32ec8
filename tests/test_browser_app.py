"""The web app in a real browser: Debian's chromium driven by Playwright against a live server on loopback.

Set FRONTLINES_SCREENSHOTS=1 to also write docs/screenshots/map.png (the README's picture), and
FRONTLINES_SCREENSHOT_DB=out/demo/frontlines.duckdb to draw it from the demo's store rather than the fixture.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from sudan_store import MADANI_SENTENCE, build_sudan_store
from test_serve_store import KUNDUZ_SENTENCE, PLACES, build_fixture_store

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (make browser)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db: Path) -> Iterator[str]:
    """The app over ``db``, served by uvicorn in a thread on a free loopback port."""
    import uvicorn

    from frontlines.serve import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not web.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        web.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(build_fixture_store(tmp_path_factory.mktemp("browser") / "fixture.duckdb")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, server):
    """A fresh page that records console errors, page errors and every request it makes."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=server)
    tab = context.new_page()
    tab.problems, tab.requests = [], []
    tab.on("console", lambda m: tab.problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.problems.append(str(e)))
    tab.on("request", lambda r: tab.requests.append(r.url))
    yield tab
    context.close()


def _shown(page, day: str) -> None:
    page.wait_for_function(f"() => document.body.dataset.shownAsOf === '{day}'")


def _status_of(page, place: str) -> str | None:
    return page.eval_on_selector_all(
        "path.control-marker", f"(ps) => (ps.find((p) => p.dataset.place === {place!r}) || {{dataset: {{}}}}).dataset.status || null")


def test_map_loads_and_the_slider_changes_the_day(page, server):
    page.goto("/map")
    _shown(page, "2021-08-15")  # the last event's day by default
    assert page.text_content("#as-of-label") == "2021-08-15"
    assert "held by the Taliban" in page.text_content("#control-counts")
    # The country outline is there without any import (Natural Earth, vendored).
    page.wait_for_function("() => document.querySelector('#map').dataset.countries === '250'")
    assert page.locator(".leaflet-countries-pane path").count() > 0
    assert "AFGHANISTAN" in page.text_content(".leaflet-countries-pane").upper()

    slider = page.locator("#as-of-slider")
    slider.focus()
    page.keyboard.press("Home")  # the slider starts with the control record: 1 June 2021
    _shown(page, "2021-06-01")
    assert page.text_content("#events-count") == "0"
    assert "held by the government: 5" in page.text_content("#control-counts")  # the five capitals on record
    assert _status_of(page, "Kabul") == "held:government"
    blue = page.eval_on_selector_all("path.control-marker", "(ps) => ps.find((p) => p.dataset.place === 'Kabul').getAttribute('fill')")

    for _ in range(21):
        page.keyboard.press("ArrowRight")  # to 22 June: Sher Khan Bandar falls
    _shown(page, "2021-06-22")
    assert page.text_content("#as-of-label") == "2021-06-22"
    assert "as_of=2021-06-22" in page.get_attribute("#map-svg-link", "href")
    assert page.text_content("#events-count") == "1"
    assert "Sher Khan Bandar" in page.text_content("#map-events")
    assert page.url.endswith("/map?as_of=2021-06-22&days=30")  # the address keeps the day

    page.keyboard.press("End")
    _shown(page, "2021-08-15")
    assert "Kabul" in page.text_content("#map-events")
    assert "held by the Taliban: 6" in page.text_content("#control-counts")  # Kabul fell on the 15th
    assert _status_of(page, "Kabul") == "held:taliban"  # the place changed colour
    red = page.eval_on_selector_all("path.control-marker", "(ps) => ps.find((p) => p.dataset.place === 'Kabul').getAttribute('fill')")
    assert red != blue and red == page.get_attribute("#legend li[data-key='held:taliban'] .swatch", "data-colour")
    assert page.problems == []  # no CSP violation, no script error
    assert all(url.startswith(server) for url in page.requests)  # offline: nothing but the app itself


def _evidence_from_marker(page, event_id: str) -> str | None:
    """Click the event's marker, follow its popup to the event page, and read the first source sentence."""
    marker = page.locator(f"path.event-marker[data-event='{event_id}']")
    marker.wait_for()
    # on top of any marker drawn over it (what Leaflet's bringToFront does), so that the click lands on this one
    marker.evaluate("el => el.parentNode.appendChild(el)")
    marker.click(force=True)
    page.locator(".leaflet-popup .event-link").click()
    page.wait_for_url(re.compile(rf"/events/{event_id}$"))
    return page.locator("mark.evidence").first.text_content()


def test_click_an_event_marker_to_reach_its_source_sentence(page):
    page.goto("/map?as_of=2021-08-13&days=60")
    _shown(page, "2021-08-13")
    # Sher Khan Bandar and Kunduz city are close: at this zoom they are one cluster; a click opens it.
    if page.locator("path.event-marker[data-event='AFG005']").count() == 0:
        page.locator(".marker-cluster").first.click()
    assert _evidence_from_marker(page, "AFG005") == KUNDUZ_SENTENCE
    assert page.problems == []


def test_brushing_the_timeline_filters_the_map_and_the_list(page):
    page.goto("/map?as_of=2021-08-15&days=30")
    _shown(page, "2021-08-15")
    chart = page.locator(".timeline-chart")
    chart.wait_for()
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 2, y)   # from the first day (1 June) ...
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.45, y, steps=5)   # ... to mid July
    page.mouse.up()
    page.wait_for_function("() => document.querySelector('#timeline').dataset.range")
    first, last = page.get_attribute("#timeline", "data-range").split("/")
    assert first == "2021-06-01" and "2021-06-22" < last < "2021-07-29"
    _shown(page, last)
    assert page.text_content("#events-count") == "1"   # only Sher Khan Bandar in that range
    assert "Sher Khan Bandar" in page.text_content("#map-events")
    assert f"date_from={first}&date_to={last}" in page.get_attribute("#events-table-link", "href")
    page.check("input[name=timeline-by][value=side]")   # the same days stacked by side
    page.wait_for_function("() => document.querySelector('#timeline').dataset.mode === 'side'")
    assert "the Taliban" in page.text_content("#timeline-key")
    page.click("#events-table-link")
    page.wait_for_url(re.compile(r"/events\?date_from="))
    assert page.locator("#events-table tbody tr").count() == 1
    assert page.problems == []


def test_the_map_fits_a_phone(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server, is_mobile=True,
                                  has_touch=True)
    tab = context.new_page()
    tab.goto("/map?as_of=2021-08-13&days=60")
    _shown(tab, "2021-08-13")
    width = tab.evaluate("() => document.documentElement.scrollWidth")
    map_box = tab.locator("#map").bounding_box()
    assert width <= 390 and map_box["width"] >= 340 and map_box["height"] >= 300
    if os.environ.get("FRONTLINES_SCREENSHOTS"):
        tab.wait_for_function("() => document.querySelector('#map').dataset.countries")
        tab.screenshot(path=str(REPO / "docs" / "screenshots" / "map-phone.png"), full_page=True)
    context.close()


@pytest.mark.skipif(not os.environ.get("FRONTLINES_SCREENSHOTS"), reason="set FRONTLINES_SCREENSHOTS=1 to write it")
def test_write_the_map_screenshot(browser, geo_dir, tmp_path):
    """docs/screenshots/map.png: a copy of FRONTLINES_SCREENSHOT_DB (e.g. the demo's store; default: the fixture
    store) with the provinces of ../shared/geo imported as boundaries."""
    db = tmp_path / "screenshot.duckdb"
    source = os.environ.get("FRONTLINES_SCREENSHOT_DB")
    if source:
        shutil.copyfile(source, db)
    else:
        build_fixture_store(db)
    add_provinces(db, geo_dir / "afg_adm1_ocha_simplified.geojson")
    with serving(db) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 860}, base_url=url)
        tab = context.new_page()
        tab.goto("/map?as_of=2021-08-13&days=60")
        _shown(tab, "2021-08-13")
        tab.wait_for_function("() => document.querySelector('#map').dataset.countries")
        tab.wait_for_timeout(500)
        target = REPO / "docs" / "screenshots" / "map.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(target))
        context.close()
    assert target.stat().st_size > 10_000


def add_provinces(db: Path, geojson: Path) -> None:
    """Import province polygons into the store as a boundary file would (read at test time, never copied)."""
    import json

    from shapely.geometry import shape

    from frontlines.model import Place
    from frontlines.storage import Store

    features = json.loads(geojson.read_text(encoding="utf-8"))["features"]
    places, geometry = [], {}
    for f in features:
        props = f["properties"]
        pid = f"adm1:{props['ADM1_PCODE']}"
        places.append(Place(pid, props["ADM1_EN"], "province", "AF", props["ADM1_EN"], admin1_code=props["ADM1_PCODE"],
                            lat=props.get("rep_lat"), lon=props.get("rep_lon"), source="boundary:afg_adm1_ocha"))
        geometry[pid] = shape(f["geometry"]).wkt
    with Store(db) as store:
        store.save_places(places, geometry=geometry)
        if store.places_by_id([PLACES["nimroz"].id]):
            store.save_places([PLACES["nimroz"]])  # the fixture's made-up rectangle gives way to the real boundary


def test_filter_the_table_then_open_an_event_with_its_sentence_marked(page):
    page.goto("/events")
    assert page.locator("#events-table tbody tr").count() == 8
    page.select_option("#filter-province", "Kunduz")
    page.click("#apply-filters")
    page.wait_for_url(re.compile(r"province=Kunduz"))
    rows = page.locator("#events-table tbody tr")
    assert rows.count() == 2  # Sher Khan Bandar (22 June) and Kunduz city (8 August)
    assert "2 events" in page.text_content("h1")

    page.fill("#filter-q", "captured the city")
    page.click("#apply-filters")
    page.wait_for_url(re.compile(r"q=captured"))
    assert rows.count() == 1
    page.click("#events-table tbody tr a")
    page.wait_for_url(re.compile(r"/events/AFG005$"))
    marked = page.locator("mark.evidence")
    assert marked.count() == 1 and marked.first.is_visible()
    assert marked.first.text_content() == KUNDUZ_SENTENCE
    # The mark sits inside the article's own text, with the words around it.
    context = page.text_content(".article-text")
    assert context.index(KUNDUZ_SENTENCE) > 0 and "withdrew to the airport" in context
    assert page.problems == []


def test_script_and_onerror_in_an_article_never_run(page):
    for path in ("/articles/hostile-1", "/events/AFG007", "/articles", "/map?as_of=2021-08-14", "/report?as_of=2021-08-14"):
        page.goto(path)
        page.wait_for_load_state("load")
        assert page.evaluate("() => window.__pwned === undefined"), path
        assert page.locator("img[src='x']").count() == 0, path
        assert page.locator("main script").count() == 0, path
    page.goto("/articles/hostile-1")
    assert "<script>" in page.text_content("#article-title")  # shown as text
    assert "onerror" in page.text_content("#sentences")
    assert page.locator("a[href^='javascript']").count() == 0
    assert not any(url.endswith("/x") for url in page.requests)  # the <img src=x> was never requested


# -- a store of another conflict: Sudan, with a profile of its own ---------------------------------------------
def test_a_store_of_another_conflict_has_its_country_sides_and_sources(browser, tmp_path):
    with serving(build_sudan_store(tmp_path)) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=url)
        tab = context.new_page()
        problems: list[str] = []
        tab.on("pageerror", lambda e: problems.append(str(e)))
        tab.goto("/map?as_of=2023-12-01&days=60")
        _shown(tab, "2023-12-01")
        tab.wait_for_function("() => document.querySelector('#map').dataset.countries === '250'")
        assert "SUDAN" in tab.text_content(".leaflet-countries-pane").upper()
        legend = tab.text_content("#legend")
        assert "held by the Rapid Support Forces" in legend and "held by the Sudanese Armed Forces" in legend
        assert _status_of(tab, "Wad Madani") == "held:saf"
        tab.fill("#as-of-date", "2023-12-20")
        tab.click("#map-form button")   # the form: a plain page load for the day
        _shown(tab, "2023-12-20")
        assert _status_of(tab, "Wad Madani") == "held:rsf"
        assert "held by the Rapid Support Forces: 2" in tab.text_content("#control-counts")
        fill = tab.eval_on_selector_all("path.control-marker", "(ps) => ps.find((p) => p.dataset.place === 'Wad Madani').getAttribute('fill')")
        assert fill == "#b9770e"   # the profile's colour for its side
        if os.environ.get("FRONTLINES_SCREENSHOTS"):
            tab.wait_for_timeout(500)
            tab.screenshot(path=str(REPO / "docs" / "screenshots" / "map-sudan.png"))
        assert _evidence_from_marker(tab, "SDN002") == MADANI_SENTENCE
        assert problems == []
        context.close()
