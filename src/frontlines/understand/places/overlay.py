"""Places imported into a store (boundary districts, GeoNames dumps) on top of the shared gazetteer.

The shared index is never changed: a store with imports gets an overlay that reads the index for what it
lacks and keeps its own few places, names and sound keys in memory. :mod:`.boundaries` builds one per store
contents (:func:`.boundaries.gazetteer_for_store`).
"""
from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any, Iterator

from frontlines.model import Place
from frontlines.understand.places.build import add_place, decode
from frontlines.understand.places.gazetteer import Gazetteer
from frontlines.understand.places.index import (
    PLACE_COLUMNS, GazetteerIndexError, Members, cache_dir, check_whole, place_from_row, sound_block,
)
from frontlines.understand.places.names import sound_key


class OverlayPlaces:
    """The shared places, then the imported ones (indices from the shared count on), with changed copies."""

    def __init__(self, base: Any) -> None:
        self.base = base
        self.added: list[Place] = []
        self.replaced: dict[int, Place] = {}

    def __len__(self) -> int:
        return len(self.base) + len(self.added)

    def __getitem__(self, i: int) -> Place:
        if i in self.replaced:
            return self.replaced[i]
        shared = len(self.base)
        return self.base[i] if i < shared else self.added[i - shared]

    def __iter__(self) -> Iterator[Place]:
        for i, place in enumerate(self.base):
            yield self.replaced.get(i, place)
        shared = len(self.base)
        for i, place in enumerate(self.added, start=shared):
            yield self.replaced.get(i, place)

    def append(self, place: Place) -> None:
        self.added.append(place)


class OverlayIds(dict):
    """Place ids added on top of the shared index."""

    def __init__(self, base: Any) -> None:
        super().__init__()
        self.base = base

    def get(self, key: str, default: Any = None) -> Any:
        return dict.get(self, key) if dict.__contains__(self, key) else self.base.get(key, default)

    def __getitem__(self, key: str) -> int:
        return dict.get(self, key) if dict.__contains__(self, key) else self.base[key]

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self.base

    def __iter__(self) -> Iterator[str]:
        yield from self.base
        yield from dict.keys(self)


class OverlayNames(dict):
    """Name keys added on top of the shared names; lookups see both (the shared ones first)."""

    def __init__(self, base: Any) -> None:
        super().__init__()
        self.base = base

    def get(self, key: str, default: Any = None) -> Any:
        own, shared = dict.get(self, key), self.base.get(key)
        if own is None:
            return shared if shared is not None else default
        return (shared or []) + own

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self.base


class GazetteerOverlay(Gazetteer):
    """The shared gazetteer plus a store's imported places."""

    def __init__(self, base: Gazetteer) -> None:   # noqa: super().__init__ would open the index again
        self.__dict__.update(copy.copy(base.__dict__))
        self.shared_size = len(base.places)
        self.places = OverlayPlaces(base.places)
        self.index = OverlayIds(base.index)
        self.keys = OverlayNames(base.keys)
        self.exact_case = {key: set(cased) for key, cased in base.exact_case.items()}
        self.blocks = {}
        self.tries = list(base.tries)
        self.imported: set[str] = set()
        self.extra_keys: set[str] = set()

    def replace_place(self, place: Place) -> None:
        """Put a changed copy of a place (its district now known) in this gazetteer."""
        self.places.replaced[self.index[place.id]] = place

    def add_places(self, places: list[Place], names: dict[str, list[str]]) -> int:
        """Add places imported into a store (districts, GeoNames dumps); returns how many were new. A place's
        own name is its first; an Afghan district's names all count as its own (and their spelling variants),
        as for the curated tables."""
        import marisa_trie

        added = 0
        for place in places:
            if place.id in self.index:
                continue
            own = [place.name] + [n for n in names.get(place.id) or [] if n != place.name]
            self.extra_keys |= add_place(self, place, own, curated=place.country == "AF"
                                         and place.source.startswith("boundary:"))
            self.imported.add(place.id)
            added += 1
        if added:
            extra = marisa_trie.Trie(sorted(self.extra_keys))
            self.tries = self.tries[:1] + [(extra, max(map(len, self.extra_keys)))]
            self.blocks = {}   # rebuilt on first use with the new names
        return added


    def _make_blocks(self, country: str) -> None:
        """The shared block of ``country`` with the imported names' sound keys merged in (new ones last)."""
        sounds, members = sound_block(self.source, country)
        by_sound = {sound: set(found) for sound, found in zip(sounds, members)}
        for key, indices in dict.items(self.keys):
            mine = [i for i, _ in map(decode, indices) if self.places[i].country == country]
            if mine:
                by_sound.setdefault(sound_key(key), set()).update(mine)
        sounds = [s for s in by_sound if len(s) >= 4]
        self.blocks[country] = (sounds, Members([sorted(by_sound[s]) for s in sounds]))


# -- a store's imported places for processes that cannot open the store ---------------------------------------
IMPORTED_SOURCES = ("boundary:", "geonames-dump:")


def save_imported(store: Any) -> str | None:
    """Write the places imported into ``store`` (boundary districts with their outlines, GeoNames dumps) to a
    small index file beside the gazetteer's, for the worker processes and Ray actors of a run (they cannot open
    the store the run writes); its path, or None when the store has none. Written once per store contents."""
    import hashlib
    import sqlite3

    rows = [p for prefix in IMPORTED_SOURCES for p in store.places(source_prefix=prefix)]
    if not rows:
        return None
    origin, fingerprint = str(getattr(store, "path", "")), store.table_hash("places")
    digest = hashlib.sha256(f"{origin}\0{fingerprint}".encode()).hexdigest()[:16]
    path = cache_dir() / "imported" / f"imported-{digest}.sqlite"
    if path.exists():
        return str(path)
    _forget_old(path.parent)
    names = store.place_names([p.id for p in rows])
    geometries = store.place_geometries("boundary:")

    def write(tmp: Path) -> None:
        db = sqlite3.connect(tmp)
        try:
            db.executescript(_IMPORTED_SCHEMA)
            db.executemany("INSERT INTO meta VALUES (?,?)", [("origin", origin), ("fingerprint", fingerprint)])
            db.executemany(f"INSERT INTO places VALUES (?,{','.join('?' * len(PLACE_COLUMNS))},?)",
                           ((n, *(getattr(p, c) for c in PLACE_COLUMNS), geometries.get(p.id)) for n, p in enumerate(rows)))
            db.executemany("INSERT INTO names VALUES (?,?,?)",
                           ((pid, n, name) for pid, found in names.items() for n, name in enumerate(found)))
            db.commit()
        finally:
            db.close()
    return str(write_whole(path, write))


def _forget_old(folder: Path, days: float = 7.0) -> None:
    """Files of imported places written more than a week ago (every change to a store's places writes one)."""
    import time

    for old in folder.glob("imported-*.sqlite"):
        try:
            if time.time() - old.stat().st_mtime > days * 86400:
                old.unlink()
        except OSError:
            continue


_IMPORTED_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE places (n INTEGER PRIMARY KEY, id TEXT, name TEXT, kind TEXT, country TEXT, admin1 TEXT, admin2 TEXT,
                     admin1_code TEXT, admin2_code TEXT, lat REAL, lon REAL, population INTEGER, is_capital INTEGER,
                     source TEXT, geometry TEXT);
CREATE TABLE names (place_id TEXT, n INTEGER, name TEXT, PRIMARY KEY (place_id, n));
"""


def write_whole(path: Path, write: Any) -> Path:
    """Write ``path`` with ``write(tmp)`` into a temporary file renamed into place: whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    write(tmp)
    os.replace(tmp, path)
    return path


class ImportedPlaces:
    """A store's imported places read from the file :func:`save_imported` wrote. It answers the few store calls
    :func:`.boundaries.gazetteer_for_store` makes, so a worker's gazetteer is the one the run's store gives."""

    def __init__(self, path: str | Path) -> None:
        import sqlite3

        try:
            check_whole(Path(path))
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                meta = dict(db.execute("SELECT name, value FROM meta"))
                places = db.execute(f"SELECT {', '.join(PLACE_COLUMNS)}, geometry FROM places ORDER BY n").fetchall()
                names = db.execute("SELECT place_id, name FROM names ORDER BY place_id, n").fetchall()
            finally:
                db.close()
        except (GazetteerIndexError, sqlite3.DatabaseError) as exc:
            raise GazetteerIndexError(f"the run's imported places cannot be read: {exc}") from None
        self.path, self.fingerprint = meta["origin"], meta["fingerprint"]
        self.rows = [place_from_row(row[:-1]) for row in places]
        self.geometries = {row[0]: row[-1] for row in places if row[-1] is not None}
        self.names: dict[str, list[str]] = {}
        for place_id, name in names:
            self.names.setdefault(place_id, []).append(name)

    def places(self, source_prefix: str | None = None, kind: str | None = None) -> list[Place]:
        return [p for p in self.rows if (source_prefix is None or p.source.startswith(source_prefix))
                and (kind is None or p.kind == kind)]

    def place_names(self, place_ids: list[str] | None = None) -> dict[str, list[str]]:
        wanted = self.names if place_ids is None else {i: self.names[i] for i in place_ids if i in self.names}
        return {place_id: list(found) for place_id, found in wanted.items()}

    def place_geometries(self, source_prefix: str | None = None) -> dict[str, str]:
        return dict(self.geometries)   # only boundary places have outlines

    def table_hash(self, table: str) -> str:
        return self.fingerprint


def hand_over(store: Any, portable: bool = False) -> dict[str, Any] | None:
    """What a run gives its workers of the store's imported places: the path of their index file (and, for
    Ray actors that may run on other machines, its bytes); None when the store has none."""
    path = save_imported(store)
    if path is None:
        return None
    return {"file": path, "data": Path(path).read_bytes() if portable else None}


def take_over(handed: dict[str, Any]) -> ImportedPlaces:
    """The imported places a run handed over (written to this machine's cache dir first when not there)."""
    path = Path(handed["file"])
    if not path.exists() and handed.get("data"):
        path = write_whole(cache_dir() / "imported" / path.name, lambda tmp: tmp.write_bytes(handed["data"]))
    return ImportedPlaces(path)
