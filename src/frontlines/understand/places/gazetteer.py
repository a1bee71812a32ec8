"""The gazetteer at work: finding place names in a text, looking them up and ranking their readings.

The places and names live in an on-disk index (:mod:`.index`), built once from the registry packages and the
curated tables (:mod:`.build`) and opened, not loaded, by every process: a place record or a name is read
when a text asks for it. Places imported into a store (boundaries, GeoNames dumps) join as an overlay
(:mod:`.overlay`).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from frontlines.model import Place
from frontlines.understand.places import sources
from frontlines.understand.places.build import AREA_KINDS, decode as _decode
from frontlines.understand.text import fold
from frontlines.understand.places.index import (  # noqa: F401  (cache_dir & co. are imported from here)
    GazetteerIndex, GazetteerIndexError, NameTable, PlaceIds, PlaceTable, cache_dir, data_fingerprint,
    open_index, sound_block, write_cache_file,
)
from frontlines.understand.places.names import match_form, name_key, sound_key

POINT_KINDS = {"city", "town", "village", "border_crossing", "airport", "base"}


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


class Gazetteer:
    """Places and their names, with linear-time matching and ranked lookup, over an open index."""

    def __init__(self, index: GazetteerIndex) -> None:
        self.source = index
        self.places: Any = PlaceTable(index)            # places[i] -> Place, read on demand
        self.index: Any = PlaceIds(index)               # place id -> i
        self.keys: Any = NameTable(index)               # name key -> place indices; ~i marks an alternate name
        small = index.small
        self.demonyms: dict[str, list[int]] = small["demonyms"]
        self.exact_case: dict[str, set[str]] = {k: set(v) for k, v in small["exact_case"].items()}
        self.never: set[str] = set(small["never"])
        self.listed: set[str] = set(small["listed"])    # names extra_names.csv gives a place ("European Union")
        self.common: set[str] = set(small["common"])
        self.national_capitals: set[int] = set(small["national_capitals"])
        self.blocks: dict[str, tuple[list[str], Any]] = {}   # country -> (sound keys, places under each)
        self.tries: list[tuple[Any, int]] = [(index.trie, index.longest_key)]   # every name key, for find()

    @classmethod
    def load(cls, rebuild: bool = False) -> "Gazetteer":
        """The gazetteer of the current sources, its index built first when missing or stale."""
        return cls(open_index(rebuild=rebuild))

    def place(self, place_id: str) -> Place | None:
        i = self.index.get(place_id)
        return self.places[i] if i is not None else None

    def _make_blocks(self, country: str) -> None:
        """The fuzzy-matching block of one country: sound keys of its places' names."""
        self.blocks[country] = sound_block(self.source, country)

    def overlay(self) -> "Gazetteer":
        """A view to add a store's imported places to, reading the shared index for the rest."""
        from frontlines.understand.places.overlay import GazetteerOverlay
        return GazetteerOverlay(self)

    # -- matching ---------------------------------------------------------------------------------------
    def find(self, text: str) -> list[Match]:
        """Gazetteer names in ``text``: whole words, capitalised, longest first, never overlapping."""
        folded = match_form(text)
        found: list[Match] = []
        for trie, longest in self.tries:
            for start, end, key in _names_in(folded, text, trie, longest):
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
        seats = {(self.places[i].country, self.places[i].admin1) for i, quality in found   # a town named like its area
                 if quality == 1.0 and self.places[i].kind not in AREA_KINDS and self.places[i].admin1
                 and fold(self.places[i].admin1) == fold(self.places[i].name)}
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
            if place.kind == "province" and place.source != "curated" and (place.country, place.admin1) in seats:
                raw -= SEAT_NAMESAKE
                reasons.append("named like its own seat, which is meant unless a cue says the area")
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


CUES = sources.read_cues()
_DESIGNATOR = re.compile(r"-\d")


def _inner_capitals(name: str) -> bool:
    """Capitals inside a word ("LaFayette", "McAllen", "DeKalb"), in a name not written all in capitals."""
    return not name.isupper() and any(c.isupper() for word in name.split() for c in word[1:])


# what each cue adds to a reading of each kind: "Heathrow airport" is the airport, "Kabul airport" Kabul's
_CUE = 0.45
# "Kidal", "Gao", "Sennar": a first-level area named like its seat is less often meant than the town (curated areas,
# Afghanistan's, carry their own priors).
SEAT_NAMESAKE = 0.1
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


def _strip_kind_word(name: str) -> tuple[str, str | None]:
    """'Spin Boldak district' -> ('Spin Boldak', 'district'); the word says which kind is meant."""
    words = name.split()
    if len(words) > 1:
        for kind, cue in CUES.get("kinds", {}).items():
            if name_key(words[-1]) in {name_key(w) for w in cue.get("after") or [] if " " not in w}:
                return " ".join(words[:-1]), kind
    return name, None


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


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The process-wide gazetteer (its index opened once per process)."""
    return Gazetteer.load()


def _names_in(folded: str, text: str, trie: Any, longest: int) -> list[tuple[int, int, str]]:
    """(start, end, key) of every name key starting at a capital or digit of ``text``, in the order an
    Aho-Corasick pass over ``folded`` reports them: by end, the longer first."""
    hits = []
    for start, char in enumerate(text):
        if char.isupper() or char.isdigit():
            for key in trie.prefixes(folded[start:start + longest]):
                hits.append((start + len(key), -len(key), start, key))
    hits.sort()
    return [(start, end, key) for end, _, start, key in hits]
