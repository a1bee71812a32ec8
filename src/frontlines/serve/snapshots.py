"""What the server reads: a copy of the store, taken again after each run, so runs and the server share a store.

The server never holds the store file (see :mod:`frontlines.storage.snapshot`): it serves a copy, open read-only,
with a cursor per request (queries run side by side, no request waits behind another's connection). A thread
looks at the store's modification time every ``refresh_s`` seconds; when it changed and no writer holds the file
(a run has ended), it copies it again, opens the copy, prepares what the pages need once (date range, facets,
boundaries) and swaps it in. Requests under way finish on the copy they started with; it is closed and deleted
when the last of them is done.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Generic, Iterator, TypeVar

import duckdb

from frontlines.storage import Store, StoreError
from frontlines.storage.snapshot import copy_store, open_copy, signature

T = TypeVar("T")
REFRESH_S = 1.0
FOLDER_ENV = "FRONTLINES_SNAPSHOT_DIR"   # where copies go (default: the system's temporary folder)


@dataclass
class Generation(Generic[T]):
    """One copy of the store, open read-only, and what the app prepared from it."""
    number: int
    path: Path
    signature: tuple[int, ...]
    store: Store
    prepared: T
    taken_at: float = field(default_factory=time.time)
    users: int = 0
    retired: bool = False

    def discard(self) -> None:
        self.store.close()
        for path in (self.path, Path(f"{self.path}.wal")):
            path.unlink(missing_ok=True)


class Snapshots(Generic[T]):
    """The current copy of the store at ``db_path``; ``prepare(store)`` runs once per copy.

    Raises :class:`StoreError` when the file is missing, is not a DuckDB file, ``prepare`` fails on it, or a writer
    still holds it after ``wait_s`` seconds (``on_wait`` is called once when it starts waiting).
    """

    def __init__(self, db_path: str | Path, prepare: Callable[[Store], T], refresh_s: float = REFRESH_S,
                 wait_s: float = 0.0, on_wait: Callable[[], None] | None = None) -> None:
        self.db_path, self.prepare, self.refresh_s = Path(db_path), prepare, refresh_s
        if not self.db_path.is_file():
            raise StoreError(f"no store at {self.db_path}")
        self.folder = Path(tempfile.mkdtemp(prefix="frontlines-serve-", dir=os.environ.get(FOLDER_ENV) or None))
        atexit.register(shutil.rmtree, self.folder, True)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.refreshed, self.failures = 0, 0
        try:
            self._current = self._first(wait_s, on_wait)
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise

    # -- taking copies --------------------------------------------------------------------------------------
    def _first(self, wait_s: float, on_wait: Callable[[], None] | None) -> Generation[T]:
        deadline, told = time.monotonic() + wait_s, False
        while True:
            generation = self._take(1)
            if generation is not None:
                return generation
            if time.monotonic() >= deadline:
                raise StoreError(f"store {self.db_path} is being written by another process (a run or ingest): "
                                 "serve it when that has finished")
            if on_wait and not told:
                on_wait()
                told = True
            time.sleep(0.5)

    def _take(self, number: int) -> Generation[T] | None:
        """A new copy, open and prepared; None while a writer holds the store."""
        path = self.folder / f"store-{number}.duckdb"
        try:
            seen = copy_store(self.db_path, path)
        except (duckdb.Error, OSError) as exc:
            raise StoreError(f"{self.db_path} cannot be read as a frontlines store: {str(exc).splitlines()[0]}") from exc
        if seen is None:
            return None
        store = open_copy(path)
        try:
            prepared = self.prepare(store)
        except BaseException as exc:
            store.close()
            path.unlink(missing_ok=True)
            if isinstance(exc, StoreError):   # prepare's message is about the store, not about our copy of it
                raise StoreError(f"{self.db_path} {exc}") from exc
            raise
        return Generation(number, path, seen, store, prepared)

    def refresh(self) -> bool:
        """Take a new copy if the store changed since the last one and no writer holds it; True when it did."""
        current = self._current
        if signature(self.db_path) == current.signature:
            return False
        fresh = self._take(current.number + 1)
        if fresh is None:
            return False
        with self._lock:
            old, self._current = self._current, fresh
            old.retired = True
            done = old.users == 0
        if done:
            old.discard()
        self.refreshed += 1
        return True

    def _watch(self) -> None:
        while not self._stop.wait(self.refresh_s):
            try:
                self.refresh()
            except Exception:   # a store that vanished or broke: keep serving the last good copy
                self.failures += 1

    def start(self) -> None:
        """Begin refreshing in a background thread (idempotent)."""
        if self._thread is None and self.refresh_s > 0:
            self._thread = threading.Thread(target=self._watch, name="frontlines-snapshots", daemon=True)
            self._thread.start()

    # -- reading --------------------------------------------------------------------------------------------
    @property
    def current(self) -> Generation[T]:
        return self._current

    @contextmanager
    def reading(self) -> Iterator[tuple[Store, T]]:
        """A cursor on the current copy and what was prepared from it, for one request."""
        with self._lock:
            generation = self._current
            generation.users += 1
        cursor = generation.store.cursor()
        try:
            yield cursor, generation.prepared
        finally:
            cursor.close()
            with self._lock:
                generation.users -= 1
                done = generation.retired and generation.users == 0
            if done:
                generation.discard()

    def close(self) -> None:
        """Stop refreshing, close the copy and delete the folder."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        with self._lock:
            self._current.retired = True
            done = self._current.users == 0
        if done:
            self._current.discard()
        shutil.rmtree(self.folder, ignore_errors=True)
