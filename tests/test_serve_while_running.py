"""Monitoring: a real `frontlines serve` answers without a failure while `frontlines run` and `frontlines watch`
write the same store, and shows their new events without a restart."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from test_serve_cli import start_serve

FRONTLINES = Path(sys.executable).with_name("frontlines")
pytestmark = pytest.mark.slow

# Our own sentences, in the shape of wire reports.
FIRST = {"id": "mon-1", "title": "Fighters seize Kunduz", "published": "2021-08-08", "outlet": "Test Wire",
         "text": "Fighters seize Kunduz\n\nTaliban fighters captured the city of Kunduz on Sunday after days of "
                 "fighting, officials said. Government forces withdrew to the airport outside the city."}
SECOND = [
    {"id": "mon-2", "title": "Zaranj falls", "published": "2021-08-06", "outlet": "Test Wire",
     "text": "Zaranj falls\n\nThe Taliban entered Zaranj, the capital of Nimroz province, on Friday without "
             "resistance, a local official said."},
    {"id": "mon-3", "title": "Clash in Herat", "published": "2021-08-05", "outlet": "Test Wire",
     "text": "Clash in Herat\n\nGovernment forces clashed with Taliban fighters on the outskirts of Herat city on "
             "Thursday, officials said. Five soldiers were killed."},
]
THIRD = {"id": "mon-4", "title": "Lashkar Gah attacked", "published": "2021-08-03", "outlet": "Test Wire",
         "text": "Lashkar Gah attacked\n\nTaliban fighters attacked Lashkar Gah, the capital of Helmand province, "
                 "on Tuesday, and heavy fighting went on near the governor's office, officials said."}


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(FRONTLINES), *args], capture_output=True, text=True, timeout=timeout)


class Poller:
    """Asks the server for its pages over and over in a thread, keeping every status and the event counts seen."""

    PATHS = ("/events.json", "/map.json", "/", "/events", "/articles.json", "/claims.json")

    def __init__(self, base: str) -> None:
        self.base, self.failures, self.totals, self.requests = base, [], [], 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as client:
            while not self.stop.is_set():
                for path in self.PATHS:
                    try:
                        response = client.get(path)
                        if response.status_code != 200:
                            self.failures.append(f"{path}: {response.status_code}")
                        elif path == "/events.json":
                            self.totals.append(response.json()["total"])
                    except httpx.HTTPError as exc:
                        self.failures.append(f"{path}: {type(exc).__name__}")
                    self.requests += 1
                time.sleep(0.05)

    def __enter__(self) -> "Poller":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(60)

    def wait_for_total(self, above: int, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.totals and self.totals[-1] > above:
                return self.totals[-1]
            time.sleep(0.1)
        pytest.fail(f"no new events over HTTP within {timeout} s (last totals {self.totals[-5:]})")


@pytest.fixture()
def served_store(tmp_path):
    """A store with one article's events, served by `frontlines serve`; yields (base url, store, outputs)."""
    db, out = tmp_path / "desk.duckdb", tmp_path / "out"
    first = _cli("run", str(_jsonl(tmp_path / "first.jsonl", [FIRST])), "--out", str(out), "--db", str(db))
    assert first.returncode == 0, first.stderr[-2000:]
    base, _, server = start_serve(db)
    yield base, db, out
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(10)


def test_run_adds_events_while_the_server_answers(served_store, tmp_path):
    base, db, out = served_store
    before = httpx.get(f"{base}/events.json").json()["total"]
    assert before >= 1
    with Poller(base) as poller:
        result = _cli("run", str(_jsonl(tmp_path / "second.jsonl", SECOND)), "--out", str(out), "--db", str(db))
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        after = poller.wait_for_total(before)
    assert poller.failures == []
    assert poller.requests > 20
    titles = {a["title"] for a in httpx.get(f"{base}/articles.json").json()["articles"]}
    assert {"Zaranj falls", "Clash in Herat"} <= titles
    assert after > before


def test_watch_picks_up_a_new_file_and_the_server_shows_it(served_store, tmp_path):
    base, db, out = served_store
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    before = httpx.get(f"{base}/articles.json").json()["total"]
    watcher = subprocess.Popen([str(FRONTLINES), "watch", str(inbox), "--every", "1s", "--db", str(db), "--out", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        with Poller(base) as poller:
            time.sleep(1.5)
            _jsonl(inbox / "new.jsonl", [THIRD])
            deadline = time.monotonic() + 120
            while httpx.get(f"{base}/articles.json").json()["total"] <= before:
                assert watcher.poll() is None, watcher.stdout.read()[-2000:]
                assert time.monotonic() < deadline, "the watched file never reached the server"
                time.sleep(0.2)
        assert poller.failures == []
        titles = {a["title"] for a in httpx.get(f"{base}/articles.json").json()["articles"]}
        assert "Lashkar Gah attacked" in titles
    finally:
        os.killpg(watcher.pid, signal.SIGINT)
        output = watcher.communicate(timeout=30)[0]
    assert "1 new or changed file(s): 1 new article(s)" in output
    assert "Traceback" not in output


def test_watch_rejects_a_bad_interval(tmp_path):
    result = _cli("watch", str(tmp_path), "--every", "soon", "--db", str(tmp_path / "x.duckdb"))
    assert result.returncode == 2
    assert "--every" in result.stdout and "Traceback" not in result.stdout + result.stderr
