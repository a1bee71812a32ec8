"""What the server reads: a copy of the store, taken again after each run, so runs and the server share a store.

The server never holds the store file (see :mod:`frontlines.storage.snapshot`): it serves a copy, open read-only,
through a cursor per thread (queries run side by side, no request waits behind another's connection; a thread
keeps its cursor from one request to the next, as opening and closing one per request cost more). A thread
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
    cursors: dict[int, tuple[threading.Thread, Store]] = field(default_factory=dict)   # by thread id
    lock: threading.Lock = field(default_factory=threading.Lock)

    def cursor(self) -> Store:
        """This thread's cursor on the copy, opened on its first request (those of threads that have ended are
        closed then: a thread pool replaces idle threads, and the copy may be served for days)."""
        me = threading.current_thread()
        with self.lock:
            mine = self.cursors.get(me.ident or 0)
            if mine is not None and mine[0] is me:
                return mine[1]
            ended = [key for key, (thread, _) in self.cursors.items() if not thread.is_alive() or key == me.ident]
            gone = [self.cursors.pop(key)[1] for key in ended]
            cursor = self.store.cursor()
            self.cursors[me.ident or 0] = (me, cursor)
        for old in gone:
            old.close()
        return cursor

    def forget_cursor(self) -> None:
        """Close this thread's cursor (a query failed on it): its next request opens a new one."""
        with self.lock:
            mine = self.cursors.pop(threading.get_ident(), None)
        if mine is not None:
            mine[1].close()

    def discard(self) -> None:
        """Close the copy (no request is using it) and delete it."""
        with self.lock:
            cursors, self.cursors = [c for _, c in self.cursors.values()], {}
        for cursor in cursors:
            cursor.close()
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
        """This thread's cursor on the current copy and what was prepared from it, for one request."""
        with self._lock:
            generation = self._current
            generation.users += 1
        try:
            yield generation.cursor(), generation.prepared
        except duckdb.Error:
            generation.forget_cursor()
            raise
        finally:
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
