"""Import a GeoNames dump a user downloads (a country's ``XX.txt`` or ``XX.zip`` from download.geonames.org, or
``allCountries``): the villages, quarters, valleys, passes, rivers, airports and bases that the registry's
``cities500`` lacks. Conflict events happen in villages of a few hundred people; this is how they get a point.

Imported places live in the store (source ``geonames-dump:<file>``) and join the gazetteer as an overlay
(:func:`frontlines.understand.places.boundaries.gazetteer_for_store`); the shared gazetteer is never changed.
"""
from __future__ import annotations

import io
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, TextIO

from frontlines.model import Place
from frontlines.understand.places.sources import geonames_names, read_curated, read_provinces, town_kind

SOURCE = "geonames-dump:"
COLUMNS = 19
MAX_PLACES = 1_000_000   # allCountries holds ~13 million: import the countries you cover, one file each
MAX_BYTES = 2_000_000_000
# feature class and code -> kind; what is not listed (administrative areas, which come from the registry
# packages and boundary files; roads, spots, undersea features) is not imported
_KINDS = {
    ("S", "AIRP"): "airport", ("S", "AIRB"): "airport", ("S", "AIRF"): "airport", ("S", "MILB"): "base",
    ("S", "INSM"): "base", ("S", "PSTB"): "border_crossing",
    ("T", "MT"): "region", ("T", "MTS"): "region", ("T", "PASS"): "region", ("T", "VAL"): "region",
    ("T", "VALS"): "region", ("T", "DSRT"): "region", ("T", "PLAT"): "region", ("T", "PLN"): "region",
    ("H", "STM"): "river", ("H", "STMI"): "river", ("H", "LK"): "sea", ("H", "LKS"): "sea", ("H", "RSV"): "sea",
    ("L", "RGN"): "region", ("L", "AREA"): "region", ("L", "OAS"): "region",
}
_GONE = {"PPLQ", "PPLH", "PPLW", "PPLCH"}   # abandoned, historical, destroyed: not where news happens now


class DumpError(ValueError):
    """A file that is not a GeoNames dump, or too large to import whole."""


def is_geonames_dump(path: Path) -> bool:
    """Does the file look like a GeoNames dump (19 tab-separated columns, a numeric id first)?"""
    try:
        with _open(path) as handle:
            first = handle.readline()
    except (DumpError, OSError, UnicodeDecodeError):
        return False
    fields = first.rstrip("\n").split("\t")
    return len(fields) == COLUMNS and fields[0].isdigit()


def import_geonames(path: str | Path, store: Any, gazetteer: Any) -> dict[str, Any]:
    """Read a GeoNames dump into ``store``; return a summary (rows read, places imported, rows skipped)."""
    path = Path(path)
    known = {f"gn:{row['geonameid']}" for row in read_curated() if row["geonameid"]} | set(gazetteer.index)
    admin1 = _admin1_names(gazetteer)
    places: list[Place] = []
    names: dict[str, list[str]] = {}
    rows = skipped = already = 0
    with _open(path) as handle:
        try:
            for line in handle:
                rows += 1
                built = _place(line, admin1, path.name)
                if built is None:
                    skipped += 1
                    continue
                place, place_names = built
                if place.id in known:
                    already += 1
                    continue
                places.append(place)
                names[place.id] = place_names
                if len(places) > MAX_PLACES:
                    raise DumpError(f"{path.name}: more than {MAX_PLACES:,} places; import one country file at a time")
        except UnicodeDecodeError as exc:
            raise DumpError(f"{path.name}: line {rows} is not UTF-8 ({exc.reason}); nothing was imported") from exc
    if not places:
        raise DumpError(f"{path.name}: no places to import ({rows} rows read, {skipped} skipped, "
                        f"{already} already in the gazetteer)")
    store.save_places(places, replace=True, names=names)
    return {"file": path.name, "rows": rows, "imported": len(places), "skipped": skipped, "already": already,
            "countries": sorted({p.country for p in places})}


@contextmanager
def _open(path: Path) -> Iterator[TextIO]:
    """The dump's text, from a .txt or from the one .txt inside a .zip."""
    if not path.is_file():
        raise DumpError(f"{path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise DumpError(f"{path.name}: larger than {MAX_BYTES:,} bytes")
    if not zipfile.is_zipfile(path):
        with open(path, encoding="utf-8") as handle:
            yield handle
        return
    with zipfile.ZipFile(path) as archive:
        inside = [n for n in archive.namelist() if n.endswith(".txt") and not n.lower().startswith("readme")]
        if len(inside) != 1:
            raise DumpError(f"{path.name}: expected one dump .txt inside, found {len(inside)}")
        with io.TextIOWrapper(archive.open(inside[0]), encoding="utf-8") as handle:
            yield handle


def _place(line: str, admin1: dict[str, tuple[str, str]], filename: str) -> tuple[Place, list[str]] | None:
    fields = line.rstrip("\n").split("\t")
    if len(fields) != COLUMNS or not fields[0].isdigit():
        return None
    geonameid, name, ascii_name, alternates, lat, lon, feature_class, code, country = fields[:9]
    kind = _kind(feature_class, code, fields[14])
    if kind is None or not name or len(country) != 2:
        return None
    try:
        latitude, longitude = float(lat), float(lon)
        population = int(fields[14] or 0)
    except ValueError:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    area_name, area_code = admin1.get(f"{country}.{fields[10]}", (None, None))
    place = Place(id=f"gn:{geonameid}", name=name, kind=kind, country=country, admin1=area_name,
                  admin1_code=area_code, lat=latitude, lon=longitude, population=max(population, 0),
                  source=f"{SOURCE}{filename}")
    place_names = geonames_names([name, ascii_name], alternates.split(","), country)
    return place, [n for n in dict.fromkeys(place_names) if n]


def _kind(feature_class: str, code: str, population: str) -> str | None:
    if feature_class == "P":
        return None if code in _GONE else town_kind(int(population) if population.isdigit() else 0)
    return _KINDS.get((feature_class, code))


def _admin1_names(gazetteer: Any) -> dict[str, tuple[str, str]]:
    """GeoNames admin1 code ("AF.24") -> (province name, code the gazetteer uses for it)."""
    out: dict[str, tuple[str, str]] = {}
    for place in gazetteer.places:
        if place.admin1 and place.admin1_code and place.source == "geonames":
            out.setdefault(place.admin1_code, (place.admin1, place.admin1_code))
    for row in read_provinces():   # Afghan places use the curated province names and ISO codes
        out[f"AF.{row['geonames_admin1']}"] = (row["name"], row["iso_code"])
    return out
