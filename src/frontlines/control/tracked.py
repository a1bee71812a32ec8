"""Tracked places: the seats of a conflict's first-level divisions, whose control the tallies count ("N of M").

A profile may list its tracked places; by default they are the first-level administrative seats of its countries,
read from the gazetteer, so the count comes from the data (34 for Afghanistan, 18 for Sudan, 15 for Myanmar). The
gazetteer's GeoNames extract carries no feature codes (PPLA, PPLC), so a seat is found as GeoNames would mark it
most of the time: the hand-checked capitals of ``data/places/places.csv`` where a country has them (Afghanistan's
34), else for each GeoNames first-level division the national capital when it lies there, else the largest town
named like its division and at least a fifth of its size ("Inhambane" in Inhambane), else its largest town. Without a profile the countries are those the
events are in.
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Iterable

from frontlines.model import Event, Place

TOWN_KINDS = ("city", "town", "village")
_DIVISION_WORDS = ("state", "province", "region", "governorate", "muhafazat", "oblast", "department", "district",
                   "division", "prefecture", "county", "city", "misto", "of", "the", "al", "ash", "as", "ad", "an")


def _fold(text: str | None) -> str:
    from frontlines.understand.text import fold
    return fold(text or "")


def _bare(division: str | None) -> str:
    """A division's name without its kind words: "Northern Darfur State" -> "northern darfur"."""
    return " ".join(w for w in _fold(division).replace("-", " ").split() if w not in _DIVISION_WORDS)


@lru_cache(maxsize=64)
def admin_seats(country: str) -> tuple[Place, ...]:
    """The first-level administrative seats of one country (ISO alpha-2), by division; empty when the gazetteer
    has no towns there."""
    curated = _curated_capitals(country)
    if curated:
        return tuple(curated)
    from frontlines.understand.places.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    by_division: dict[str, list[tuple[int, Place]]] = defaultdict(list)
    for i, place in gazetteer.places.of_country({country}):
        if place.kind in TOWN_KINDS and place.admin1_code:
            by_division[place.admin1_code].append((i, place))
    seats = [_seat(towns, gazetteer.national_capitals) for towns in by_division.values()]
    return tuple(sorted(seats, key=lambda p: (_fold(p.admin1 or p.name), p.id)))


def _seat(towns: list[tuple[int, Place]], national: set[int]) -> Place:
    capital = [p for i, p in towns if i in national]
    if capital:
        return capital[0]
    largest = max((p for _, p in towns), key=lambda p: (p.population, p.id))
    division = _bare(largest.admin1)
    # a town named like its division and not much smaller than the largest ("Tillaberi", not "Boyaca" village)
    named = [p for _, p in towns if division and _bare(p.name) == division and 5 * p.population >= largest.population]
    return max(named, key=lambda p: (p.population, p.id)) if named else largest


def _curated_capitals(country: str) -> list[Place]:
    """The hand-checked provincial capitals of ``data/places/places.csv`` in this country (Afghanistan's 34)."""
    try:
        from frontlines.understand.places import provincial_capitals
        return [p for p in provincial_capitals() if p.country == country]
    except Exception:  # noqa: BLE001  the places component is optional here
        return []


def tracked_places(countries: Iterable[str], listed: Iterable[str] = ()) -> list[Place]:
    """The places a conflict tracks: ``listed`` (place ids, or names looked up in its countries) when given, else
    the first-level seats of ``countries``."""
    countries = sorted({c.upper() for c in countries if c})
    listed = [str(p) for p in listed]
    if listed:
        return list(_listed(tuple(listed), tuple(countries)))
    return [p for c in countries for p in admin_seats(c)]


@lru_cache(maxsize=32)
def _listed(listed: tuple[str, ...], countries: tuple[str, ...]) -> tuple[Place, ...]:
    from frontlines.understand.places.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    out: list[Place] = []
    for item in listed:
        place = gazetteer.place(item)
        if place is None:
            found = [c.place for c in gazetteer.candidates(item) if not countries or c.place.country in countries]
            place = found[0] if found else None
        if place is not None and place.id not in {p.id for p in out}:
            out.append(place)
    return tuple(out)


def unknown_places(listed: Iterable[str], countries: Iterable[str]) -> list[str]:
    """The entries of a profile's tracked places the gazetteer does not know (for a one-line error)."""
    countries = sorted({c.upper() for c in countries})
    return [item for item in listed if not _listed((str(item),), tuple(countries))]


@lru_cache(maxsize=1)
def _by_numeric() -> dict[int, str]:
    from frontlines.understand.countries import load_countries

    return {c.numeric: c.iso2 for c in load_countries().values() if c.numeric is not None}


def countries_of(events: Iterable[Event]) -> list[str]:
    """The ISO alpha-2 codes of the countries the events are in (from their ISO numeric codes)."""
    by_numeric = _by_numeric()
    return sorted({by_numeric[e.iso] for e in events if e.iso in by_numeric})


def event_country(event: Event) -> str | None:
    """An event's country as ISO alpha-2, or None."""
    return _by_numeric().get(event.iso) if event.iso is not None else None
