"""Boundary import: the files users download become districts with polygons; points get their district."""
from __future__ import annotations

import json

import pytest

from frontlines.understand.places import geocode, import_boundaries
from frontlines.understand.places.boundaries import BoundaryError, read_features


def test_ocha_districts_import_and_points_get_their_district(geo_dir, store):
    summary = import_boundaries(geo_dir / "afg_adm2_ocha_simplified.geojson", store)
    assert (summary["schema"], summary["level"], summary["features"], summary["skipped"]) == ("ocha", "adm2", 399, 0)
    assert summary["points_assigned"] >= 300
    districts = store.places(source_prefix="boundary:", kind="district")
    assert len(districts) == 399
    assert len(store.place_geometries("boundary:")) == 399
    imam_sahib = [p for p in districts if p.name == "Imam Sahib"][0]
    assert (imam_sahib.admin1, imam_sahib.admin1_code, imam_sahib.admin2_code) == ("Kunduz", "AF-KDZ", "AF1905")
    kunduz = geocode("Kunduz", country="AF", store=store)[0].place
    assert (kunduz.id, kunduz.admin1, kunduz.admin2) == ("af:kunduz", "Kunduz", "Kunduz")
    # A border crossing on the simplified border still gets its district.
    crossing = geocode("Sher Khan Bandar", country="AF", store=store)[0].place
    assert crossing.admin2 == "Imam Sahib" and crossing.admin2_code == "AF1905"
    # Imported districts are places too.
    district = geocode("Spin Boldak district", country="AF", store=store)
    assert any(c.place.kind == "district" and c.place.admin1 == "Kandahar" for c in district)


def test_geoboundaries_topojson_districts_take_their_province(geo_dir, store):
    summary = import_boundaries(geo_dir / "geoBoundaries-AFG-ADM2_simplified.topojson", store)
    assert (summary["format"], summary["schema"], summary["imported"]) == ("topojson", "geoboundaries", 398)
    by_name = {p.name: p for p in store.places(source_prefix="boundary:")}
    assert by_name["Chaghcharan"].admin1 == "Ghor"
    assert by_name["Spin Boldak"].admin1 == "Kandahar"
    assert by_name["Spin Boldak"].kind == "district" and by_name["Spin Boldak"].country == "AF"


def test_topojson_and_geojson_decode_to_the_same_shapes(geo_dir):
    topo, _ = read_features(geo_dir / "geoBoundaries-AFG-ADM2_simplified.topojson")
    geo, _ = read_features(geo_dir / "geoBoundaries-AFG-ADM2_simplified.geojson")
    from shapely.geometry import shape
    a = {p["shapeName"]: shape(g).representative_point() for p, g in topo}
    b = {p["shapeName"]: shape(g) for p, g in geo}
    assert sum(b[name].buffer(0.05).contains(point) for name, point in a.items()) >= 0.95 * len(a)


@pytest.mark.parametrize("content,message", [
    (b"\x00\x01\x02binary", "not a JSON file"),
    (b"[1, 2, 3]", "not GeoJSON or TopoJSON"),
    (json.dumps({"type": "FeatureCollection", "features": []}).encode(), "no polygon features"),
    (json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"NAME": "x"},
     "geometry": {"type": "Point", "coordinates": [1, 2]}}]}).encode(), "unknown boundary properties"),
])
def test_bad_files_are_clear_errors(tmp_path, store, content, message):
    path = tmp_path / "bad.geojson"
    path.write_bytes(content)
    with pytest.raises(BoundaryError, match=message):
        import_boundaries(path, store)
    assert store.count("places") == 0


def test_a_store_with_boundaries_does_not_change_the_shared_gazetteer(geo_dir, store):
    from frontlines.understand.places.gazetteer import default_gazetteer
    before = default_gazetteer().place("af:lashkar-gah")
    import_boundaries(geo_dir / "afg_adm2_ocha_simplified.geojson", store)
    assert geocode("Lashkar Gah", country="AF", store=store)[0].place.admin2_code == "AF3001"
    assert default_gazetteer().place("af:lashkar-gah") is before and before.admin2_code is None
    assert geocode("Lashkar Gah", country="AF")[0].place.admin2_code is None
