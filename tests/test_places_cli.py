"""`frontlines geocode`, `geoparse` and `places import` from the command line."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from frontlines.cli import app

runner = CliRunner()


def test_geocode_json_ranks_city_and_province(tmp_path):
    result = runner.invoke(app, ["geocode", "Kandahar", "--country", "AF", "--context", "Kandahar province",
                                 "--json", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0]["id"] == "af:prov:kandahar" and rows[1]["id"] == "af:kandahar"
    assert {"lat", "lon", "admin1", "admin2", "kind", "score", "reason"} <= rows[0].keys()
    assert not (tmp_path / "none.duckdb").exists()  # a lookup never creates a store


def test_geocode_unknown_name_exits_nonzero(tmp_path):
    result = runner.invoke(app, ["geocode", "Zzqxw", "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 1 and "No place found" in result.output


def test_geoparse_lists_offsets_and_escapes_markup(tmp_path):
    text = "[bold]Fighting[/bold] in Sikhambadar and near Kunduz city; Ismail Khan spoke in Herat."
    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["geoparse", str(path), "--json", "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output[result.output.index("["):])
    assert [(r["text"], r["place_id"]) for r in rows if r["place_id"]] == [
        ("Sikhambadar", "af:sher-khan-bandar"), ("Kunduz", "af:kunduz"), ("Herat", "af:herat")]
    for r in rows:
        assert text[r["start"]:r["end"]] == r["text"]
    table = runner.invoke(app, ["geoparse", str(path), "--db", str(tmp_path / "x.duckdb")])
    assert table.exit_code == 0 and "3 toponyms in 1 article(s)" in table.output


def test_geoparse_binary_file_is_a_clear_error(tmp_path):
    path = tmp_path / "junk.txt"
    path.write_bytes(b"\x00\xff\x00\xfe" * 100)
    result = runner.invoke(app, ["geoparse", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_places_import_reports_and_rejects(tmp_path, geo_dir):
    db = str(tmp_path / "store.duckdb")
    result = runner.invoke(app, ["places", "import", str(geo_dir / "afg_adm1_ocha_simplified.geojson"), "--db", db])
    assert result.exit_code == 0, result.output
    assert "Imported 34 adm1 areas" in result.output
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = runner.invoke(app, ["places", "import", str(bad), "--db", db])
    assert result.exit_code == 2 and "not a JSON file" in result.output
