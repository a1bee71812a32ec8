"""`frontlines serve`: a real server process on loopback over the fixture store."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from test_serve_store import build_fixture_store

FRONTLINES = Path(sys.executable).with_name("frontlines")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(db: Path) -> tuple[str, int, subprocess.Popen]:
    """`frontlines serve --db DB` on a free loopback port, once it answers: (base url, port, process)."""
    port = _free_port()
    process = subprocess.Popen([str(FRONTLINES), "serve", "--db", str(db), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/index.json", timeout=2)
            return base, port, process
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"frontlines serve did not start: {process.communicate()[1][-2000:]}")
            time.sleep(0.1)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    db = build_fixture_store(tmp_path_factory.mktemp("cli") / "fixture.duckdb")
    base, port, process = start_serve(db)
    yield base, port, process.pid
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(10)


def test_serve_listens_on_loopback_only_by_default(served):
    base, port, pid = served
    assert httpx.get(f"{base}/index.json").json()["counts"]["events"] == 8
    listening = {c.laddr.ip for c in psutil.Process(pid).net_connections(kind="inet")
                 if c.status == psutil.CONN_LISTEN and c.laddr.port == port}
    assert listening == {"127.0.0.1"}


def test_serve_refuses_a_foreign_host_header(served):
    base, _, _ = served
    assert httpx.get(f"{base}/", headers={"host": "attacker.example"}).status_code == 400  # DNS rebinding
    assert httpx.get(f"{base}/", headers={"host": "localhost"}).status_code == 200


def test_serve_without_a_store_says_so(tmp_path):
    result = subprocess.run([str(FRONTLINES), "serve", "--db", str(tmp_path / "none.duckdb")], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert "no store at" in result.stderr and "Traceback" not in result.stderr
