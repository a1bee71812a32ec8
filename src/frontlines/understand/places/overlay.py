"""Places imported into a store (boundary districts, GeoNames dumps) on top of the shared gazetteer.

The shared index is never changed: a store with imports gets an overlay that reads the index for what it
lacks and keeps its own few places, names and sound keys in memory. :mod:`.boundaries` builds one per store
contents (:func:`.boundaries.gazetteer_for_store`).
"""
from __future__ import annotations

import copy
from typing import Any, Iterator

from frontlines.model import Place
from frontlines.understand.places.build import decode
from frontlines.understand.places.gazetteer import Gazetteer
from frontlines.understand.places.index import sound_block
from frontlines.understand.places.names import name_key, sound_key, variants


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
            self.extra_keys |= self._add(place, own, curated=place.country == "AF"
                                         and place.source.startswith("boundary:"))
            self.imported.add(place.id)
            added += 1
        if added:
            extra = marisa_trie.Trie(sorted(self.extra_keys))
            self.tries = self.tries[:1] + [(extra, max(map(len, self.extra_keys)))]
            self.blocks = {}   # rebuilt on first use with the new names
        return added

    def _add(self, place: Place, names: list[str], curated: bool = False) -> set[str]:
        if place.id in self.index:
            return set()
        i = len(self.places)
        self.places.append(place)
        self.index[place.id] = i
        names = [n for n in names if n]
        primary: set[str] = set()
        keys: set[str] = set()
        for n, name in enumerate(names):
            self._keep_case(name)
            found = variants(name) if curated else {name_key(name)}
            keys |= found
            if curated or place.kind == "country" or n == 0:
                primary |= found
        keys = {k for k in keys if len(k) >= 2}
        for key in keys:
            dict.setdefault(self.keys, key, []).append(i if key in primary else ~i)
        return keys

    def _keep_case(self, name: str) -> None:
        if name.replace(".", "").isupper() and len(name.replace(".", "")) <= 4:
            self.exact_case.setdefault(name_key(name), set()).add(name.rstrip("."))

    def _make_blocks(self, country: str) -> None:
        """The shared block of ``country`` with the imported names' sound keys merged in (new ones last)."""
        sounds, members = sound_block(self.source, country)
        by_sound = {sound: set(found) for sound, found in zip(sounds, members)}
        for key, indices in dict.items(self.keys):
            mine = [i for i, _ in map(decode, indices) if self.places[i].country == country]
            if mine:
                by_sound.setdefault(sound_key(key), set()).update(mine)
        sounds = [s for s in by_sound if len(s) >= 4]
        self.blocks[country] = (sounds, [sorted(by_sound[s]) for s in sounds])
