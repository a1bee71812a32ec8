"""A consistent copy of a store file, taken while no writer holds it: what the web server reads.

DuckDB lets one process write a file or any number of processes read it, never both at once. A server that kept
the file open would stop every run; a server that opened it per request would fail while a run writes (minutes).
So ``frontlines serve`` reads a copy: :func:`copy_store` takes DuckDB's read lock for the moment the file is
copied (a writer then holds nothing: the file is consistent), and a marker file beside the store tells a writer
that starts in that moment to wait for the copy instead of failing (see ``Store``).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from frontlines.storage import Store

MARKER_SUFFIX = ".serve-copy"
WAL_SUFFIX = ".wal"


def _marker(path: str | Path) -> Path:
    return Path(f"{path}{MARKER_SUFFIX}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def copy_in_progress(path: str | Path) -> bool:
    """Whether a live process is copying the store at ``path`` right now (a stale marker does not count)."""
    try:
        pid = int(_marker(path).read_text(encoding="ascii").strip() or 0)
    except (OSError, ValueError):
        return False
    return pid > 0 and _alive(pid)


def signature(path: str | Path) -> tuple[int, ...]:
    """What changes when a writer commits: modification time and size of the file and of its write-ahead log."""
    out: list[int] = []
    for candidate in (Path(path), Path(f"{path}{WAL_SUFFIX}")):
        try:
            st = candidate.stat()
            out += [st.st_mtime_ns, st.st_size]
        except OSError:
            out += [0, 0]
    return tuple(out)


def copy_store(source: str | Path, target: str | Path) -> tuple[int, ...] | None:
    """Copy the store at ``source`` (and its write-ahead log) to ``target`` under DuckDB's read lock.

    Returns the source's :func:`signature` at the time of the copy, or None when a writer holds the file (try
    again later). Other open problems raise ``duckdb.Error``.
    """
    source, target = Path(source), Path(target)
    marker = _marker(source)
    try:
        marker.write_text(str(os.getpid()), encoding="ascii")
    except OSError:
        marker = None   # a read-only folder: no writer can start there either
    try:
        try:
            con = duckdb.connect(str(source), read_only=True)
        except duckdb.Error as exc:
            if "Conflicting lock" in str(exc):
                return None
            raise
        try:
            seen = signature(source)
            shutil.copyfile(source, target)
            wal, target_wal = Path(f"{source}{WAL_SUFFIX}"), Path(f"{target}{WAL_SUFFIX}")
            if wal.exists():
                shutil.copyfile(wal, target_wal)
            elif target_wal.exists():
                target_wal.unlink()
        finally:
            con.close()
        return seen
    finally:
        if marker is not None:
            marker.unlink(missing_ok=True)


def open_copy(path: str | Path, threads: int = 1) -> Store:
    """A copy, open read-only for a server: each query on ``threads`` threads (many small queries at once
    gain nothing from splitting each of them, and pay for it: about a quarter more CPU, measured)."""
    store = Store(path, read_only=True)
    store.con.execute(f"SET threads = {int(threads)}")
    return store
