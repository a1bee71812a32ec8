"""The shared static map module: SVG and PNG, escaped, robust to bad shapes and empty input."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from frontlines.report.maps import (STATUS_COLOURS, MapArea, MapPoint, render_map_png, render_map_svg, safe_href,
                                   side_styles)

SQUARE = "POLYGON ((60 30, 62 30, 62 32, 60 32, 60 30))"
HOLED = "POLYGON ((63 30, 66 30, 66 33, 63 33, 63 30), (64 31, 65 31, 65 32, 64 32, 64 31))"
SVG = "{http://www.w3.org/2000/svg}"


def test_areas_are_filled_by_status_and_points_marked():
    """A side's colour and legend label come from the profile (the control rules' sides), any number of them."""
    from frontlines.control import rules_for
    from frontlines.profiles import load_profile

    styles = side_styles(rules_for(load_profile("sahel-2023")))
    assert styles["held:jnim"] == ("held by JNIM", "#b2182b") and len(styles) == 4
    svg = render_map_svg([MapPoint(34.5, 69.2, "Kabul", "held:jnim", href="/places/kabul", id="af:kabul")],
                         [MapArea(SQUARE, "Zaranj", "contested", id="adm2:AF2001"), MapArea(HOLED, "Farah", "held:azawad")],
                         title="Control", styles=styles)
    root = ET.fromstring(svg)                                       # well-formed XML
    paths = root.findall(f".//{SVG}path")
    assert [p.get("fill") for p in paths] == [STATUS_COLOURS["contested"], "#e08214"]
    assert paths[0].get("data-id") == "adm2:AF2001"
    assert paths[1].get("d").count("M") == 2                        # the hole is drawn as a second ring
    circle = root.find(f".//{SVG}circle")
    assert circle.get("fill") == "#b2182b" and circle.get("data-id") == "af:kabul"
    assert "held by the Azawad movements" in svg and "held by JNIM" in svg
    assert root.find(f".//{SVG}a").get("href") == "/places/kabul"


def test_every_label_is_escaped_and_script_links_are_dropped():
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    svg = render_map_svg([MapPoint(34.0, 66.0, evil, 'x" onload="alert(3)', href="javascript:alert(4)", id='"><script>')],
                         [MapArea(SQUARE, evil, id=evil)], title=evil)
    ET.fromstring(svg)
    assert "<script" not in svg and "<img" not in svg and "javascript:" not in svg
    assert 'onload="' not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_unsafe_hrefs():
    assert safe_href("java\nscript:alert(1)") is None and safe_href("data:text/html,x") is None
    assert safe_href("https://example.org/a?b=c") == "https://example.org/a?b=c" and safe_href("events/1") == "events/1"


def test_bad_shapes_and_points_are_skipped_not_fatal():
    svg = render_map_svg([MapPoint(float("nan"), 66.0, "nowhere"), MapPoint(95.0, 66.0, "off the globe"),
                          MapPoint(34.0, 66.0, "ok")],
                         [MapArea("POLYGON ((not wkt", "broken"), MapArea("", "empty"), MapArea(SQUARE, "fine")])
    root = ET.fromstring(svg)
    assert len(root.findall(f".//{SVG}path")) == 1 and len(root.findall(f".//{SVG}circle")) == 1


def test_an_empty_map_still_renders():
    root = ET.fromstring(render_map_svg([], None, width=300, height=200))
    assert root.get("width") == "300" and root.get("viewBox") == "0 0 300 200"


def test_bbox_places_points_inside_the_frame():
    root = ET.fromstring(render_map_svg([MapPoint(31.0, 61.0, "sw"), MapPoint(38.0, 75.0, "ne")], width=800, height=600))
    for circle in root.findall(f".//{SVG}circle"):
        assert 0 <= float(circle.get("cx")) <= 800 and 0 <= float(circle.get("cy")) <= 600
    south_west, north_east = root.findall(f".//{SVG}circle")
    assert float(south_west.get("cx")) < float(north_east.get("cx")) and float(south_west.get("cy")) > float(north_east.get("cy"))


def test_png(tmp_path):
    path = render_map_png([MapPoint(34.5, 69.2, "Kabul $\\frac{", "held:taliban")], [MapArea(SQUARE, "a", "contested")],
                          path=tmp_path / "sub" / "map.png", width=400, height=300)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
