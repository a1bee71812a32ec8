"""Import the boundary files users download: geoBoundaries (GeoJSON/TopoJSON) and OCHA COD-AB (GeoJSON).

Imported districts (and provinces) become places with polygons (WKT in the store); every point place
of the same country then gets its ``admin1``/``admin2`` by point-in-polygon.
"""
from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator

from frontlines.model import Place
from frontlines.understand.places.gazetteer import POINT_KINDS
from frontlines.understand.places.names import name_key
from frontlines.understand.places.sources import read_provinces

MAX_BYTES = 200_000_000
NEAR_DEGREES = 0.05  # a point this close (about 5 km) to a polygon it is not inside belongs to it


class BoundaryError(ValueError):
    """A boundary file that cannot be read or is not of a known shape."""


def import_boundaries(path: str | Path, store: Any) -> dict[str, Any]:
    """Read a boundary file into ``store``; return a summary (features, places imported, points assigned)."""
    path = Path(path)
    features, fmt = read_features(path)
    schema, level = _schema(features)
    areas: list[tuple[Place, Any, list[str]]] = []
    skipped = 0
    for properties, geometry in features:
        built = _area(properties, geometry, schema, level, path.name)
        if built is None:
            skipped += 1
        else:
            areas.append(built)
    if not areas:
        raise BoundaryError(f"{path.name}: no usable features ({skipped} skipped)")
    from frontlines.understand.places.component import load_gazetteer
    gazetteer = load_gazetteer()
    if level == "adm2":
        _fill_admin1(areas, gazetteer, store)
    store.save_places([a[0] for a in areas], replace=True, names={a[0].id: a[2] for a in areas},
                      geometry={a[0].id: a[1].wkt for a in areas})
    countries = {a[0].country for a in areas}
    points = [replace(p) for p in gazetteer.places if p.country in countries and p.kind in POINT_KINDS and p.lat is not None]
    assigned = assign_admin(points, [(a[0], a[1]) for a in areas], level)
    store.save_places([p for p in points if p.id in assigned], replace=True)
    return {"file": path.name, "format": fmt, "schema": schema, "level": level, "features": len(features),
            "imported": len(areas), "skipped": skipped, "points_assigned": len(assigned),
            "country": sorted({a[0].country for a in areas})}


def read_features(path: Path) -> tuple[list[tuple[dict, dict]], str]:
    """(properties, GeoJSON geometry) of every feature in a GeoJSON or TopoJSON file."""
    if not path.is_file():
        raise BoundaryError(f"{path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise BoundaryError(f"{path.name}: larger than {MAX_BYTES // 1_000_000} MB")
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoundaryError(f"{path.name}: not a JSON file ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise BoundaryError(f"{path.name}: not GeoJSON or TopoJSON")
    if data.get("type") == "Topology":
        return list(_topojson_features(data)), "topojson"
    if data.get("type") == "FeatureCollection":
        return [(f.get("properties") or {}, f.get("geometry")) for f in data.get("features") or []
                if isinstance(f, dict) and f.get("geometry")], "geojson"
    raise BoundaryError(f"{path.name}: not GeoJSON or TopoJSON (type {str(data.get('type'))[:40]!r})")


def _topojson_features(topology: dict) -> Iterator[tuple[dict, dict]]:
    arcs = _decode_arcs(topology)

    def ring(indices: list[int]) -> list[list[float]]:
        points: list[list[float]] = []
        for index in indices:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc if not points else arc[1:])
        return points

    for obj in (topology.get("objects") or {}).values():
        for geometry in obj.get("geometries") or [obj]:
            kind = geometry.get("type")
            if kind == "Polygon":
                coords = [ring(r) for r in geometry["arcs"]]
            elif kind == "MultiPolygon":
                coords = [[ring(r) for r in polygon] for polygon in geometry["arcs"]]
            else:
                continue
            yield geometry.get("properties") or {}, {"type": kind, "coordinates": coords}


def _decode_arcs(topology: dict) -> list[list[list[float]]]:
    transform = topology.get("transform")
    out = []
    for arc in topology.get("arcs") or []:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x, y = x + dx, y + dy
                points.append([x * sx + tx, y * sy + ty])
            out.append(points)
        else:
            out.append([list(p[:2]) for p in arc])
    return out


def _schema(features: list[tuple[dict, dict]]) -> tuple[str, str]:
    if not features:
        raise BoundaryError("the file has no polygon features")
    keys = set(features[0][0])
    if "ADM2_EN" in keys:
        return "ocha", "adm2"
    if "ADM1_EN" in keys:
        return "ocha", "adm1"
    if "shapeName" in keys:
        level = str(features[0][0].get("shapeType") or "ADM2").lower()
        return "geoboundaries", level if level in ("adm1", "adm2") else "adm2"
    raise BoundaryError(f"unknown boundary properties {sorted(keys)[:8]}: expected OCHA COD-AB (ADM2_EN …) "
                        "or geoBoundaries (shapeName)")


def _area(properties: dict, geometry: dict, schema: str, level: str, filename: str) -> tuple[Place, Any, list[str]] | None:
    from shapely.geometry import shape
    try:
        polygon = shape(geometry)
        if not polygon.is_valid:
            polygon = polygon.buffer(0)
    except Exception:  # a broken geometry: skip the feature, not the file
        return None
    if polygon.is_empty:
        return None
    point = polygon.representative_point()
    lat, lon = properties.get("rep_lat"), properties.get("rep_lon")
    lat, lon = (float(lat), float(lon)) if lat is not None and lon is not None else (point.y, point.x)
    provinces = _province_lookup()
    source = f"boundary:{filename}"
    if schema == "ocha":
        country = str(properties.get("ADM0_PCODE") or properties.get("ADM1_PCODE") or "")[:2].upper() or "AF"
        row = provinces.get(name_key(str(properties.get("ADM1_EN") or "")))
        admin1 = row["name"] if row else properties.get("ADM1_EN")
        admin1_code = row["iso_code"] if row else properties.get("ADM1_PCODE")
        if level == "adm1":
            pid = row["id"] if row else f"adm1:{properties.get('ADM1_PCODE')}"
            place = Place(id=pid, name=admin1 or "", kind="province", country=country, admin1=admin1,
                          admin1_code=admin1_code, lat=lat, lon=lon, source=source)
            return place, polygon, _latin([admin1, properties.get("ADM1_EN")])
        name, code = properties.get("ADM2_EN"), properties.get("ADM2_PCODE")
        if not name or not code:
            return None
        place = Place(id=f"adm2:{code}", name=name, kind="district", country=country, admin1=admin1, admin2=name,
                      admin1_code=admin1_code, admin2_code=code, lat=lat, lon=lon, source=source)
        return place, polygon, _latin([name])
    name = properties.get("shapeName")
    if not name:
        return None
    country = _alpha2(str(properties.get("shapeGroup") or ""))
    slug = re.sub(r"[^a-z0-9]+", "-", name_key(name)).strip("-")
    kind = "province" if level == "adm1" else "district"
    place = Place(id=f"gb:{country.lower()}:{level}:{slug}", name=name, kind=kind, country=country,
                  admin2=name if kind == "district" else None, admin1=name if kind == "province" else None,
                  admin2_code=properties.get("shapeID") if kind == "district" else None,
                  lat=lat, lon=lon, source=source)
    return place, polygon, _latin([name])


def _fill_admin1(areas: list[tuple[Place, Any, list[str]]], gazetteer: Any, store: Any) -> None:
    """Districts without a province (geoBoundaries ADM2) take the province most of their places are in."""
    from collections import Counter
    from shapely import STRtree
    from shapely.geometry import Point

    missing = [a for a in areas if not a[0].admin1]
    if not missing:
        return
    points = [p for p in gazetteer.places if p.country == missing[0][0].country and p.admin1 and p.lat is not None
              and p.kind != "province"]
    tree = STRtree([Point(p.lon, p.lat) for p in points])
    codes = {row["name"]: row["iso_code"] for row in read_provinces()}
    for place, polygon, _ in missing:
        votes = Counter(points[i].admin1 for i in tree.query(polygon, predicate="contains"))
        if not votes:
            nearest = tree.nearest(polygon.representative_point())
            votes = Counter([points[int(nearest)].admin1])
        place.admin1 = votes.most_common(1)[0][0]
        place.admin1_code = codes.get(place.admin1)


def assign_admin(points: list[Place], areas: list[tuple[Place, Any]], level: str) -> set[str]:
    """Set admin2 (or admin1 for a province file) of each point from the polygon containing it."""
    from shapely import STRtree
    from shapely.geometry import Point

    if not areas or not points:
        return set()
    tree = STRtree([polygon for _, polygon in areas])
    assigned = set()
    for point in points:
        where = Point(point.lon, point.lat)
        hits = tree.query(where, predicate="intersects")
        if len(hits) == 0:
            # border crossings sit on the line that simplified polygons pull back from
            nearest = tree.nearest(where)
            if nearest is None or areas[int(nearest)][1].distance(where) > NEAR_DEGREES:
                continue
            hits = [nearest]
        area = areas[int(min(hits))][0]
        if level == "adm1":
            point.admin1, point.admin1_code = area.admin1, area.admin1_code
        else:
            point.admin2, point.admin2_code = area.name, area.admin2_code
            if not point.admin1:
                point.admin1, point.admin1_code = area.admin1, area.admin1_code
        assigned.add(point.id)
    return assigned


_VIEWS: dict[tuple[str, int, str], Any] = {}


def gazetteer_for_store(gazetteer: Any, store: Any) -> Any:
    """The gazetteer plus the places imported into ``store`` (GeoNames dumps, boundary districts), its points
    given their districts.

    The shared gazetteer is never changed: a store with imports gets an overlay, built once per store
    contents and reused.
    """
    from frontlines.understand.places.geonames_dump import SOURCE as DUMP

    try:
        areas = [p for p in store.places(source_prefix="boundary:") if p.kind == "district"]
        dumped = store.places(source_prefix=DUMP)
    except Exception:  # a store without our places table: nothing to add
        return gazetteer
    if not areas and not dumped:
        return gazetteer
    key = (str(getattr(store, "path", id(store))), len(areas) + len(dumped), store.table_hash("places"))
    if key in _VIEWS:
        return _VIEWS[key]
    from shapely import wkt   # only for a store with imports

    view = gazetteer.overlay()
    view.add_places(dumped + areas, store.place_names([p.id for p in dumped + areas]))
    geometries = store.place_geometries("boundary:")
    shapes = [(p, wkt.loads(geometries[p.id])) for p in areas if p.id in geometries]
    countries = {p.country for p, _ in shapes}
    points = [replace(p) for p in view.places if p.country in countries and p.kind in POINT_KINDS and p.lat is not None]
    assigned = assign_admin(points, shapes, "adm2")
    for place in points:
        if place.id in assigned:
            view.replace_place(place)
    if len(_VIEWS) > 8:
        _VIEWS.clear()
    _VIEWS[key] = view
    return view


def _province_lookup() -> dict[str, dict[str, str]]:
    out = {}
    for row in read_provinces():
        for name in [row["name"]] + row["aliases"].split("|"):
            if name:
                out[name_key(name)] = row
    return out


def _alpha2(alpha3: str) -> str:
    import pycountry
    found = pycountry.countries.get(alpha_3=alpha3.upper()) if len(alpha3) == 3 else None
    return found.alpha_2 if found else alpha3[:2].upper()


def _latin(names: list[Any]) -> list[str]:
    return [str(n) for n in dict.fromkeys(names) if n and str(n).isascii()]
