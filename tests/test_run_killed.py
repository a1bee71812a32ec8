"""kill -9 at any point of a real `frontlines run`, ingest included, and the next run ends with the identical store.

A watcher wraps the store's connection in a real `frontlines run` process and names every write on stderr before
making it; stopped before a chosen write, the process is killed with SIGKILL by this test, and a plain run over the
same input resumes. The store (every table but the run records; the ingest log as a multiset of lines) and the
outputs must then be exactly those of a run never interrupted. The points are chosen from the uninterrupted run's
own list of writes: inside ingest transactions, while logging a bad file, between and inside per-article batches,
in duplicate grouping, fusion, control, the exports and the run record.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from frontlines.storage import Store

from conftest import EXAMPLES

pytestmark = pytest.mark.slow   # about 20 runs of the full pipeline

WATCHER = r'''
import os, sys, time, traceback
from frontlines.storage import Store

STOP_AT = int(os.environ.get("FRONTLINES_STOP_AT", "0"))
WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "COMMIT", "COPY")
seen = 0


def where():
    for frame in reversed(traceback.extract_stack()[:-2]):
        path = frame.filename.replace(os.sep, "/")
        if "/frontlines/" in path and "/frontlines/storage/" not in path:
            return path.split("/frontlines/", 1)[1] + ":" + frame.name
    return "?"


class Watched:
    def __init__(self, con):
        self._con = con

    def _write(self, sql):
        global seen
        if isinstance(sql, str) and sql.lstrip().upper().startswith(WRITES):
            seen += 1
            print(f"WRITE {seen} {where()} {' '.join(sql.split())[:60]}", file=sys.stderr, flush=True)
            if seen == STOP_AT:
                print("STOPPED", file=sys.stderr, flush=True)
                time.sleep(600)

    def execute(self, sql, *args, **kwargs):
        self._write(sql)
        return self._con.execute(sql, *args, **kwargs)

    def executemany(self, sql, *args, **kwargs):
        self._write(sql)
        return self._con.executemany(sql, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._con, name)


opened = Store.__init__


def watched(self, *args, **kwargs):
    opened(self, *args, **kwargs)
    self.con = Watched(self.con)


Store.__init__ = watched
from frontlines.cli import main
sys.argv = ["frontlines", *sys.argv[1:]]
main()
'''

# (where, what the write begins with, which occurrence): each names one write to kill the run before.
POINTS = [
    ("ingest/corpus.py:store_articles", "INSERT INTO articles", 1),     # ingest: the first file, nothing written yet
    ("ingest/corpus.py:store_articles", "INSERT INTO ingest_log", 2),  # ingest: inside a file's transaction
    ("ingest/corpus.py:store_articles", "INSERT INTO sources_read", 4),
    ("ingest/corpus.py:store_articles", "COMMIT", 3),                  # ingest: a file's commit
    ("ingest/corpus.py:_log_failure", "INSERT INTO ingest_log", 1),    # ingest: logging a bad file
    ("ingest/corpus.py:store_articles", "COMMIT", -1),                 # ingest: the last file's commit
    ("run.py:save_batch", "INSERT INTO date_mentions", 1),             # analysis: inside the first batch
    ("run.py:save_batch", "COMMIT", 3),                                # analysis: a later batch's commit
    ("ingest/duplicates.py:_sign_new_articles", "INSERT INTO minhash_bands", 1),
    ("ingest/duplicates.py:group_duplicates_stage", "UPDATE articles", 2),
    ("fuse/__init__.py:fuse", "UPDATE event_mentions", 1),
    ("control/__init__.py:control_stage", "INSERT INTO control_intervals", 1),
    ("report/exports.py:write_outputs", "COPY", 5),
    ("run.py:run_corpus", "INSERT INTO runs", 1),
]
OUTPUTS = ("events.csv", "claims.csv", "control.csv", "events.geojson")


def corpus(folder: Path) -> Path:
    """The example corpus, a file with a bad line and a binary file: ingest logs failures as well as articles."""
    shutil.copytree(EXAMPLES, folder)
    (folder / "bad.jsonl").write_text('{"id": "x1", "text": "Kabul fell to the Taliban on Sunday."}\n{broken\n',
                                      encoding="utf-8")
    (folder / "noise.txt").write_bytes(bytes(range(256)) * 4)
    return folder


def config(folder: Path) -> Path:
    """The default pipeline in batches of 8 articles, so the analysis commits several times."""
    from frontlines.pipeline import DEFAULT_CONFIG

    path = folder / "killed.toml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace("batch_size = 64", "batch_size = 8", 1)
    assert "batch_size = 8" in text
    path.write_text(text, encoding="utf-8")
    return path


def start(work: Path, inputs: Path, out: Path, stop_at: int = 0) -> subprocess.Popen:
    script = work / "watched.py"
    script.write_text(WATCHER, encoding="utf-8")
    args = [sys.executable, str(script), "run", str(inputs), "--out", str(out), "--config", str(work / "killed.toml"),
            "--profile", "afghanistan-2021", "--json"]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "FRONTLINES_STOP_AT": str(stop_at), "PYTHONUNBUFFERED": "1"})


def writes(lines: list[str]) -> list[tuple[str, str]]:
    return [(line.split(" ", 3)[2], line.split(" ", 3)[3]) for line in lines if line.startswith("WRITE ")]


def snapshot(out: Path) -> dict[str, object]:
    with Store(out / "frontlines.duckdb", read_only=True) as store:
        tables = {t: (store.count(t), store.table_hash(t)) for t in store.tables()
                  if t not in ("runs", "ingest_log", "schema_version")}
        logged = sorted((r["path"], r["status"], r["reason"] or "", r["articles"]) for r in store.ingest_log())
        runs = store.count("runs")
    files = {name: (out / name).read_bytes() for name in OUTPUTS}
    return {"tables": tables, "ingest_log": logged, "runs": runs, "outputs": files}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    if not EXAMPLES.exists():
        pytest.skip("examples/afghanistan-2021 is not there")
    work = tmp_path_factory.mktemp("killed")
    inputs = corpus(work / "corpus")
    config(work)
    process = start(work, inputs, work / "whole")
    _, err = process.communicate(timeout=600)
    assert process.returncode == 0, err[-3000:]
    return work, inputs, writes(err.splitlines()), snapshot(work / "whole")


def point_index(listed: list[tuple[str, str]], where: str, what: str, occurrence: int) -> int:
    """The 1-based number of the write named by (where, what, occurrence); -1 is the last such write."""
    found = [n for n, (w, sql) in enumerate(listed, start=1) if w == where and sql.startswith(what)]
    assert found, f"no write {what!r} in {where} (the run's writes changed: choose the points again)"
    return found[occurrence - 1] if occurrence > 0 else found[occurrence]


def test_the_points_cover_ingest_and_every_stage(uninterrupted):
    _, _, listed, _ = uninterrupted
    points = sorted(point_index(listed, *p) for p in POINTS)
    assert len(set(points)) == len(POINTS) >= 10
    stages = {listed[n - 1][0].split(":")[0] for n in points}
    assert stages == {"ingest/corpus.py", "run.py", "ingest/duplicates.py", "fuse/__init__.py",
                      "control/__init__.py", "report/exports.py"}


@pytest.mark.parametrize("point", POINTS, ids=[f"{w.split(':')[1]}-{s.split()[0].lower()}-{n}" for w, s, n in POINTS])
def test_kill_9_then_resume_gives_the_store_of_an_uninterrupted_run(uninterrupted, point, tmp_path):
    work, inputs, listed, whole = uninterrupted
    out = tmp_path / "out"
    process = start(work, inputs, out, stop_at=point_index(listed, *point))
    for line in process.stderr:
        if line.strip() == "STOPPED":
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL, "the run ended before the point it was to be killed at"
    resumed = start(work, inputs, out)
    _, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, err[-3000:]
    again = snapshot(out)
    assert again["tables"] == whole["tables"]
    assert again["ingest_log"] == whole["ingest_log"]
    assert again["outputs"] == whole["outputs"]
    assert again["runs"] == 1   # the killed run never recorded itself
