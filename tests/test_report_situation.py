"""The situation report: fallen capitals with dates and sources, Kabul, citations, escaping, the map."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from typer.testing import CliRunner

import frontlines.control as control
from frontlines.control import control_stage
from frontlines.model import Place
from frontlines.report.maps import STATUS_COLOURS
from frontlines.report.situation import build_report, write_report
from frontlines.storage import Store
from test_control_world import CAPITALS, build_world, world  # noqa: F401  (a fixture)

FALLEN_BY_13 = {name: day for name, _, _, _, day in CAPITALS if day is not None and day <= 13}


def test_report_of_13_august_names_each_fallen_capital_with_its_date_and_sources(world):
    report = build_report(world, date(2021, 8, 13))
    assert {row.name: row.since.day for row in report.capitals} == FALLEN_BY_13
    assert len(report.capitals) == 18 and all(row.cites for row in report.capitals)
    numbers = {s.number: s for s in report.sources}
    kunduz = next(row for row in report.capitals if row.name == "Kunduz")
    assert [numbers[n].title for n in kunduz.cites] == ["Capitals fall in the north"]
    assert "18 of the 34 provincial capitals were held by the Taliban" in report.headline[0].text
    assert "Kabul" not in {row.name for row in report.capitals}
    assert all(s.cites for s in report.headline)


def test_report_of_16_august_shows_kabul_fallen(world, tmp_path):
    written = write_report(world, date(2021, 8, 16), tmp_path, since=date(2021, 8, 14))
    report = build_report(world, date(2021, 8, 16), since=date(2021, 8, 14))
    kabul = next(row for row in report.capitals if row.name == "Kabul")
    assert kabul.since == date(2021, 8, 15) and kabul.holder == "Taliban"
    assert any(s.text.startswith("On 15 August 2021, Taliban took Kabul from") for s in report.changes)
    markdown = written["report.md"].read_text(encoding="utf-8")
    assert re.search(r"\| Kabul \| Kabul \| Taliban \| 15 August 2021 \| \[\d+\] \|", markdown)
    assert "33 of 34" in markdown


def test_every_statement_cites_a_listed_source(world):
    report = build_report(world, date(2021, 8, 16))
    listed = {s.number for s in report.sources}
    statements = report.headline + report.numbers + report.changes + report.claims + report.casualties + [
        s for _, group in report.regions for s in group]
    assert statements and all(s.cites and set(s.cites) <= listed for s in statements)
    assert all(s.quote_cite in listed for s in statements if s.quote)
    assert sorted(listed) == list(range(1, len(listed) + 1))


def test_claims_are_quoted_with_their_claimant_and_compared(world):
    report = build_report(world, date(2021, 8, 13))
    taliban = next(s for s in report.claims if s.text.startswith("Taliban claimed more than 80 of 421 districts"))
    assert taliban.quote == "The Taliban claim more than 80 of the 421 districts." and taliban.quote_cite in taliban.cites
    assert "not consistent with the claim" in taliban.text
    assert any("5 killed" in s.text for s in report.casualties)


def test_html_and_markdown_escape_article_text(world, tmp_path):
    written = write_report(world, date(2021, 8, 13), tmp_path)
    html = written["report.html"].read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in html and "&lt;img src=x onerror=alert(1)&gt;" in html   # the title, as text
    assert "onerror=alert(2)&gt;" in html                                                     # the quoted text
    assert not re.search(r"<\s*script", html, re.I) and not re.search(r"<\s*img[^>]*onerror", html, re.I)
    assert "<b>Service" not in html
    markdown = written["report.md"].read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)<", markdown) and "\\<script\\>" in markdown and "\\<img src=x onerror=alert(2)\\>" in markdown
    assert "&lt;" not in markdown and "&#39;" not in markdown                # escaped for Markdown, not for HTML
    assert {"map.svg", "map.png", "tallies.png", "tallies.svg"} <= set(written)


def test_map_colours_districts_when_boundaries_were_imported(store, geo_dir, monkeypatch):
    from shapely.geometry import shape

    monkeypatch.setattr(control, "_component_capitals", lambda *a: [])
    world = build_world(store)

    collection = json.loads((geo_dir / "afg_adm2_ocha_simplified.geojson").read_text(encoding="utf-8"))
    districts, geometry = [], {}
    for feature in collection["features"]:
        p = feature["properties"]
        place = Place(id=f"adm2:{p['ADM2_PCODE']}", name=p["ADM2_EN"], kind="district", country="AF", admin1=p["ADM1_EN"],
                      admin2=p["ADM2_EN"], admin2_code=p["ADM2_PCODE"], source="boundary:afg_adm2_ocha_simplified.geojson")
        districts.append(place)
        geometry[place.id] = shape(feature["geometry"]).wkt
    world.save_places(districts, geometry=geometry)
    report = build_report(world, date(2021, 8, 10))
    assert report.map_kind == "areas"
    root = ET.fromstring(report.map_svg)
    fills = {p.get("data-id"): p.get("fill") for p in root.iter("{http://www.w3.org/2000/svg}path")}
    assert len(fills) == len(districts)
    kunduz = next(d.id for d in districts if _feature_shape(collection, d.admin2_code).contains(_point(68.86, 36.73)))
    assert fills[kunduz] == "#b2182b"   # the Taliban's colour in the Afghanistan profile
    herat = next(d.id for d in districts if _feature_shape(collection, d.admin2_code).contains(_point(62.20, 34.35)))
    assert fills[herat] == STATUS_COLOURS["contested"]
    assert list(fills.values()).count(STATUS_COLOURS["unknown"]) > 300


def _point(lon: float, lat: float):
    from shapely.geometry import Point
    return Point(lon, lat)


def _feature(collection: dict, code: str) -> dict:
    return next(f for f in collection["features"] if f["properties"]["ADM2_PCODE"] == code)


def _feature_shape(collection: dict, code: str):
    from shapely.geometry import shape
    return shape(_feature(collection, code)["geometry"])


def test_without_boundaries_the_map_shows_points(world):
    report = build_report(world, date(2021, 8, 10))
    root = ET.fromstring(report.map_svg)
    assert report.map_kind == "points" and not list(root.iter("{http://www.w3.org/2000/svg}path"))
    circles = list(root.iter("{http://www.w3.org/2000/svg}circle"))
    by_status = {}
    for circle in circles:
        status = circle.get("class").split("status-")[1]
        by_status[status] = by_status.get(status, 0) + 1
    # 8 fallen capitals and Sher Khan Bandar, Herat contested, the other 25 capitals grey for context
    assert by_status == {"held-taliban": 9, "contested": 1, "unknown": 25}


def test_an_empty_store_gives_a_report_not_a_traceback(store, tmp_path, monkeypatch):
    monkeypatch.setattr(control, "_component_capitals", lambda *a: [])
    written = write_report(store, date(2021, 8, 13), tmp_path)
    html = written["report.html"].read_text(encoding="utf-8")
    assert "no evidence that any of the regional capitals had changed hands" in html and "No claims are recorded" in html


def test_cli_control_and_report(tmp_path, monkeypatch):
    from frontlines.cli import app

    monkeypatch.setattr(control, "_component_capitals", lambda *a: [])
    db = tmp_path / "w.duckdb"
    with Store(db) as store:
        build_world(store)
        control_stage(store, None)
    runner = CliRunner()
    result = runner.invoke(app, ["control", "--as-of", "2021-08-15", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert sum(r["kind"] == "capital" and r["side"] == "taliban" for r in rows) == 33
    result = runner.invoke(app, ["report", "--as-of", "2021-08-16", "--out", str(tmp_path / "out"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "report.html").exists() and (tmp_path / "out" / "report.md").exists()
    bad = runner.invoke(app, ["control", "--as-of", "15/08/2021", "--db", str(db)])
    assert bad.exit_code == 2 and "must be a date" in bad.output and "Traceback" not in bad.output
    missing = runner.invoke(app, ["report", "--as-of", "2021-08-16", "--out", str(tmp_path), "--db", str(tmp_path / "no.duckdb")])
    assert missing.exit_code == 2 and "No store" in missing.output
    import duckdb
    duckdb.connect(str(tmp_path / "other.duckdb")).close()
    other = runner.invoke(app, ["control", "--as-of", "2021-08-16", "--db", str(tmp_path / "other.duckdb")])
    assert other.exit_code == 2 and "not a frontlines store" in " ".join(other.output.split())   # rich wraps lines


def test_pdf_when_weasyprint_is_installed(world, tmp_path):
    pytest.importorskip("weasyprint")
    written = write_report(world, date(2021, 8, 16), tmp_path)
    assert written["report.pdf"].read_bytes()[:5] == b"%PDF-"
