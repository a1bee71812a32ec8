"""The web app under concurrent requests: a cursor per thread on the server's copy of the store, pages built side
by side that are the same as when built one at a time, a refresh seen by every request after it, and the JSON of
a page without its HTML fragments. (Speed is measured by benchmarks/web_latency.py --load, not here.)"""
from __future__ import annotations

import json
import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor

import duckdb
import httpx
import pytest

from frontlines.serve.app import prepare_view, to_json
from frontlines.serve.pages import Boundaries
from frontlines.serve.snapshots import Snapshots
from test_serve_cli import start_serve
from test_serve_monitoring import _add_event, _wait_for
from test_serve_store import build_fixture_store


# -- the JSON of a page ----------------------------------------------------------------------------------------
def test_json_drops_html_fragments_at_any_depth_and_keeps_text_that_looks_like_them():
    data = {"sources": [{"article_id": "a1", "html": ["<mark>x</mark>"], "evidence": [{"text": 'say "html": no'}]}],
            "text_html": ["<p>"], "tally_changes": [{"day": 1}], "xhtml": 1, "note": 'the key "html": stays text'}
    out = json.loads(to_json(data))
    assert out == {"sources": [{"article_id": "a1", "evidence": [{"text": 'say "html": no'}]}], "xhtml": 1,
                   "note": 'the key "html": stays text'}


def test_json_of_a_page_without_fragments_is_the_data_itself():
    data = {"events": [{"id": f"e{i}", "notes": 'a "quoted" html word', "fatalities": float("nan")} for i in range(3)]}
    assert json.loads(to_json(data)) == {"events": [{"id": f"e{i}", "notes": 'a "quoted" html word',
                                                     "fatalities": None} for i in range(3)]}


# -- the areas a control record speaks for ---------------------------------------------------------------------
def test_areas_for_a_row_are_worked_out_from_what_the_row_says():
    square = "POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))"
    boundaries = Boundaries([
        {"id": "d1", "name": "North", "kind": "district", "admin1": "P", "admin2": "North", "admin1_code": None,
         "admin2_code": None, "geometry": square},
        {"id": "d2", "name": "South", "kind": "district", "admin1": "P", "admin2": "South", "admin1_code": None,
         "admin2_code": None, "geometry": square.replace("2", "3")}])
    row = {"place_id": "town", "admin1": "P", "admin2": "North", "is_capital": False, "lat": 1.0, "lon": 1.0}
    assert [a["id"] for a in boundaries.areas_for(row)] == ["d1"]
    assert [a["id"] for a in boundaries.areas_for(row)] == ["d1"]   # asked again: the same
    assert [a["id"] for a in boundaries.areas_for({**row, "admin2": "South"})] == ["d2"]   # not the first row's
    boundaries.areas_for(row).clear()   # a caller's list is its own
    assert [a["id"] for a in boundaries.areas_for(row)] == ["d1"]


# -- a cursor per thread -------------------------------------------------------------------------------------------
def _cursor_of_a_thread(snapshots: Snapshots) -> object:
    found = []

    def read() -> None:
        with snapshots.reading() as (store, _):
            found.append(store)
            assert store.con.execute("SELECT count(*) FROM events").fetchone()[0] >= 8

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    return found[0]


def test_each_thread_keeps_its_own_cursor_and_those_of_ended_threads_are_closed(tmp_path):
    snapshots = Snapshots(build_fixture_store(tmp_path / "fixture.duckdb"), prepare_view, refresh_s=0)
    try:
        with snapshots.reading() as (first, _):
            pass
        with snapshots.reading() as (again, _):
            assert again is first   # the same thread, the same cursor
        other = _cursor_of_a_thread(snapshots)
        assert other is not first
        _cursor_of_a_thread(snapshots)   # a new thread: the ended one's cursor is closed
        with pytest.raises(duckdb.Error):
            other.con.execute("SELECT 1")
        assert len(snapshots.current.cursors) == 2   # this thread's and the last thread's
    finally:
        snapshots.close()


def test_a_failed_query_costs_the_thread_its_cursor_not_the_next_request(tmp_path):
    snapshots = Snapshots(build_fixture_store(tmp_path / "fixture.duckdb"), prepare_view, refresh_s=0)
    try:
        with pytest.raises(duckdb.Error):
            with snapshots.reading() as (broken, _):
                broken.con.execute("BEGIN TRANSACTION")
                broken.con.execute("SELECT * FROM no_such_table")
        with snapshots.reading() as (store, _):
            assert store is not broken
            assert store.con.execute("SELECT count(*) FROM events").fetchone()[0] == 8
    finally:
        snapshots.close()


def test_a_refresh_closes_the_old_copy_with_every_cursor_on_it(tmp_path):
    db = build_fixture_store(tmp_path / "fixture.duckdb")
    snapshots = Snapshots(db, prepare_view, refresh_s=0)
    try:
        old = snapshots.current
        with snapshots.reading() as (cursor, _):
            _add_event(db, "AFG950")
            assert snapshots.refresh()
            assert cursor.con.execute("SELECT count(*) FROM events").fetchone()[0] == 8   # in use: still open
        assert not old.path.exists()
        with pytest.raises(duckdb.Error):
            cursor.con.execute("SELECT 1")
        with snapshots.reading() as (store, _):
            assert store.con.execute("SELECT count(*) FROM events").fetchone()[0] == 9
    finally:
        snapshots.close()


# -- a real server, many requests at once ----------------------------------------------------------------------
@pytest.fixture()
def served(tmp_path):
    db = build_fixture_store(tmp_path / "fixture.duckdb")
    base, _, process = start_serve(db)
    yield db, base
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(10)


def _pages(base: str) -> list[str]:
    ids = [e["event_id_cnty"] for e in httpx.get(f"{base}/events.json").json()["events"]]
    return ["/events.json", "/events.json?event_type=Battles", "/events.json?q=kunduz", "/index.json",
            "/map.json?as_of=2021-08-10", "/map.svg?as_of=2021-08-14", "/timeline.json", "/articles.json",
            *[f"/events/{i}.json" for i in ids]]


def _get_all(base: str, paths: list[str], workers: int = 16) -> list[httpx.Response]:
    local = threading.local()

    def get(path: str) -> httpx.Response:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base, timeout=30)
        return local.client.get(path)

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(get, paths))


def _uncached(path: str, n: int) -> str:
    """The same page under another address (a parameter no page reads): not answered from the server's cache."""
    return f"{path}{'&' if '?' in path else '?'}n={n}"


def test_pages_built_at_once_are_the_pages_built_one_at_a_time(served):
    _, base = served
    pages = [p for p in _pages(base) if p != "/index.json"]   # the overview shows when the copy was taken
    alone = {p: httpx.get(f"{base}{p}").content for p in pages}
    asked = [(p, _uncached(p, n)) for n in range(8) for p in pages]
    answers = _get_all(base, [url for _, url in asked])
    for (page, url), response in zip(asked, answers):
        assert response.status_code == 200, (url, response.text[:300])
        assert response.content == alone[page], url
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"


def test_after_a_run_every_request_sees_the_new_copy(served):
    db, base = served
    assert httpx.get(f"{base}/events.json").json()["total"] == 8
    _add_event(db, "AFG951")
    _wait_for(lambda: httpx.get(f"{base}/events.json?seen=1").json()["total"] == 9)
    answers = _get_all(base, [_uncached("/events.json", n) for n in range(40)] + ["/events/AFG951.json"] * 10
                       + ["/events.json"] * 10)
    assert all(r.status_code == 200 for r in answers)
    assert {r.json()["total"] for r in answers[:40] + answers[50:]} == {9}
    assert {r.json()["event"]["event_id_cnty"] for r in answers[40:50]} == {"AFG951"}
