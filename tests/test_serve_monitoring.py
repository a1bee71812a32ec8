"""Serving a store that runs write: the app reads a copy taken again after each write, never holds the file,
answers while a writer holds it, and a writer that starts while the app copies waits for the copy."""
from __future__ import annotations

import subprocess
import sys
import time
from datetime import date

import pytest
from fastapi.testclient import TestClient

from frontlines.model import Article, Event
from frontlines.serve import create_app
from frontlines.storage import Store
from frontlines.storage.snapshot import MARKER_SUFFIX, copy_in_progress
from frontlines.understand.sentences import split_sentences
from test_serve_store import build_fixture_store

HOLD = ("import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro'); "
        "print('ready', flush=True); sys.stdin.read()")


def _hold(db, mode: str = "rw") -> subprocess.Popen:
    """Another process holding the store (a run: read-write; a reader: read-only) until its stdin closes."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db), mode], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "ready"
    return holder


def _release(holder: subprocess.Popen) -> None:
    holder.stdin.close()
    holder.wait(timeout=30)


def _wait_for(check, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.05)


def _add_event(db, event_id: str) -> None:
    with Store(db) as store:
        store.save_events([Event(event_id_cnty=event_id, event_date=date(2021, 8, 14), time_precision=1, event_type="Battles",
                                 sub_event_type="Armed clash", actor1="Taliban", actor2=None, country="Afghanistan",
                                 admin1="Kunduz", location="Kunduz", latitude=36.7, longitude=68.9)])


def test_the_app_never_holds_the_store_file(tmp_path):
    db = build_fixture_store(tmp_path / "fixture.duckdb")
    with TestClient(create_app(db, refresh_s=0)) as client:
        assert client.get("/events.json").json()["total"] == 8
        _add_event(db, "AFG900")   # would raise "Conflicting lock" if the app held the file


def test_new_events_appear_without_a_restart(tmp_path):
    db = build_fixture_store(tmp_path / "fixture.duckdb")
    with TestClient(create_app(db, refresh_s=0.1)) as client:
        assert client.get("/events.json").json()["total"] == 8
        _add_event(db, "AFG901")
        _wait_for(lambda: client.get("/events.json").json()["total"] == 9)
        assert client.get("/events/AFG901.json").status_code == 200


def test_requests_are_answered_while_a_writer_holds_the_store(tmp_path):
    db = build_fixture_store(tmp_path / "fixture.duckdb")
    app = create_app(db, refresh_s=0.05)
    with TestClient(app) as client:
        holder = _hold(db)
        try:
            for _ in range(20):   # the watcher keeps failing to copy meanwhile; requests never notice
                assert client.get("/events.json").status_code == 200
                assert client.get("/map.json").status_code == 200
                time.sleep(0.02)
            assert app.state.snapshots.refreshed == 0
        finally:
            _release(holder)


def test_a_writer_that_starts_during_a_copy_waits_for_it(tmp_path):
    db = build_fixture_store(tmp_path / "fixture.duckdb")
    copier = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, os, pathlib, sys, time; con = duckdb.connect(sys.argv[1], read_only=True); "
         "m = pathlib.Path(sys.argv[1] + sys.argv[2]); m.write_text(str(os.getpid())); print('ready', flush=True); "
         "time.sleep(1.0); con.close(); m.unlink()", str(db), MARKER_SUFFIX],
        stdout=subprocess.PIPE, text=True)
    assert copier.stdout.readline().strip() == "ready"
    assert copy_in_progress(db)
    started = time.monotonic()
    _add_event(db, "AFG902")   # waits for the copy rather than failing
    assert time.monotonic() - started > 0.5
    copier.wait(10)
    assert not copy_in_progress(db)


def test_a_stale_copy_marker_does_not_make_a_writer_wait(tmp_path):
    db = build_fixture_store(tmp_path / "fixture.duckdb")
    (tmp_path / f"fixture.duckdb{MARKER_SUFFIX}").write_text("999999999")
    assert not copy_in_progress(db)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = build_fixture_store(tmp_path_factory.mktemp("monitoring") / "fixture.duckdb")
    text = "Fighting was reported near Kunduz on Saturday, officials said."
    article = Article(id="feeds/2021/08/kunduz-report", text=text, title="A feed item", published=date(2021, 8, 14))
    article.sentences = split_sentences(text)
    with Store(db) as store:
        store.add_article(article)
    with TestClient(create_app(db, allowed_hosts=["127.0.0.1", "testserver"]), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("as_of", ["9999-12-31", "0", "0001-01-01"])
def test_the_chart_refuses_a_day_outside_the_record_with_422(client, as_of):
    response = client.get(f"/claims/chart.svg?as_of={as_of}")
    assert response.status_code == 422, response.text
    assert "as_of" in response.text


def test_an_article_id_with_slashes_is_reachable(client):
    assert client.get("/articles/feeds/2021/08/kunduz-report.json").json()["article"]["id"] == "feeds/2021/08/kunduz-report"
    page = client.get("/articles/feeds/2021/08/kunduz-report")
    assert page.status_code == 200 and "A feed item" in page.text
    assert client.get("/articles/feeds/2021/08/missing.json").status_code == 404


def test_the_host_check_refusal_carries_the_security_headers(client):
    response = client.get("/", headers={"host": "attacker.example"})
    assert response.status_code == 400
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


# -- watch: which files are new ------------------------------------------------------------------------------
def test_intervals():
    from frontlines.watch import parse_interval

    assert [parse_interval(t) for t in ("90", "30s", "10m", "1.5h", "1d")] == [90, 30, 600, 5400, 86400]
    for bad in ("soon", "-1m", "0", "10 parsecs"):
        with pytest.raises(ValueError):
            parse_interval(bad)


def test_the_watcher_hands_out_new_and_changed_files_once(tmp_path):
    import os

    from frontlines.watch import Watcher

    old = time.time() - 60
    (tmp_path / "a.jsonl").write_text("{}\n")
    (tmp_path / "notes.pdf").write_text("not an input")
    os.utime(tmp_path / "a.jsonl", (old, old))
    watcher = Watcher([tmp_path])
    assert watcher.changed() == [tmp_path / "a.jsonl"]
    assert watcher.changed() == []
    (tmp_path / "b.txt").write_text("fresh")            # written this second: may be half written, waits
    assert watcher.changed() == []
    os.utime(tmp_path / "b.txt", (old, old))
    (tmp_path / "a.jsonl").write_text("{}\n{}\n")
    os.utime(tmp_path / "a.jsonl", (old + 1, old + 1))
    assert sorted(watcher.changed()) == [tmp_path / "a.jsonl", tmp_path / "b.txt"]
    watcher.forget([tmp_path / "b.txt"])
    assert watcher.changed() == [tmp_path / "b.txt"]


def test_a_server_started_during_a_run_waits_for_it_then_serves(tmp_path):
    import threading

    db = build_fixture_store(tmp_path / "fixture.duckdb")
    holder = _hold(db)
    told, made = [], []
    thread = threading.Thread(target=lambda: made.append(create_app(db, refresh_s=0, wait_s=30,
                                                                    on_wait=lambda: told.append(True))))
    thread.start()
    _wait_for(lambda: told)          # it said it is waiting, once
    assert not made
    _release(holder)
    thread.join(30)
    with TestClient(made[0]) as client:
        assert client.get("/events.json").json()["total"] == 8
    assert told == [True]


def test_a_writer_that_never_lets_go_is_one_clear_error(tmp_path):
    from frontlines.storage import StoreError

    db = build_fixture_store(tmp_path / "fixture.duckdb")
    holder = _hold(db)
    try:
        with pytest.raises(StoreError, match="being written by another process"):
            create_app(db, refresh_s=0, wait_s=0.5)
    finally:
        _release(holder)


# -- the map's and the timeline's data -------------------------------------------------------------------------
def test_timeline_map_legend_and_areas_as_json(tmp_path):
    db = build_fixture_store(tmp_path / "fixture.duckdb")
    with TestClient(create_app(db, refresh_s=0)) as client:
        timeline = client.get("/timeline.json").json()
        shown = client.get("/map.json?as_of=2021-08-15&days=30").json()
        areas = client.get("/map/areas.json").json()
        table = client.get("/timeline")
    assert sum(d["total"] for d in timeline["days"]) == 8 and timeline["types"][0] in timeline["totals"]
    assert sum(sum(d["by_side"].values()) for d in timeline["days"]) == 8
    assert {s["key"] for s in timeline["sides"]} == {"taliban"}   # every fixture event's first actor
    kabul = [c for c in timeline["control_changes"] if c["place_name"] == "Kabul"]
    assert [(c["day"], c["status_key"]) for c in kabul] == [("2021-06-01", "held:government"), ("2021-08-15", "held:taliban")]
    keys = [item["key"] for item in shown["legend"]]
    assert keys[:2] == ["held:taliban", "held:government"] and "contested" in keys
    assert shown["area_status"] == {"t:nimroz": "held:taliban"}   # the boundary of Nimroz, whose capital fell
    assert areas["features"][0]["id"] == "t:nimroz" and areas["features"][0]["geometry"]["type"] == "Polygon"
    assert table.status_code == 200 and "Kabul" in table.text
