"""The event exports: ACLED's columns in ACLED's order, safe cells, valid GeoJSON, Parquet of every table."""
from __future__ import annotations

import csv
import json
from datetime import date

import pyarrow.parquet as pq

from frontlines.fuse import fuse
from frontlines.model import Article, Claim, EventMention, Evidence, Place
from frontlines.report.exports import safe_cell, write_outputs

ACLED_HEADER = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
                "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
                "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
                "tags,timestamp,fatalities_low,fatalities_high,source_count,article_ids,evidence,confidence,tier,claimed_by,alt_dates")
HOSTILE = '=HYPERLINK("http://evil.example","x") <script>alert(1)</script>'


def _stored_event(store) -> None:
    place = Place("t:kunduz", "@Kunduz", "city", "AF", admin1="+Kunduz", lat=36.73, lon=68.86, is_capital=True)
    article = Article(id="a1", text=HOSTILE + " The Taliban captured Kunduz.", published=date(2021, 8, 9), outlet="-Wire")
    article.mentions = [EventMention(
        article_id="a1", event_type="Battles", sub_event_type="Non-state actor overtakes territory", actor1="Taliban",
        actor2="Military Forces of Afghanistan (2004-2021)", place=place, geo_precision=1,
        date_start=date(2021, 8, 8), date_end=date(2021, 8, 8), time_precision=1, confidence=0.8, id="a1:m0",
        evidence=[Evidence("a1", 0, 0, len(article.text), article.text)])]
    article.claims = [Claim("a1", 0, 0, 10, "=1+1", "taliban", "districts", 30.0)]
    store.add_article(article)
    store.save_annotations(article)
    fuse(store)


def test_write_outputs_writes_every_file(store, tmp_path):
    _stored_event(store)
    written = write_outputs(store, tmp_path)
    names = {p.name for p in written}
    assert {"events.csv", "events.geojson", "claims.csv", "events.parquet", "event_mentions.parquet"} <= names
    assert pq.read_table(tmp_path / "parquet" / "events.parquet").num_rows == 1


def test_events_csv_has_acled_columns_in_acled_order_then_ours(store, tmp_path):
    _stored_event(store)
    write_outputs(store, tmp_path)
    lines = (tmp_path / "events.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ACLED_HEADER
    [row] = list(csv.DictReader(open(tmp_path / "events.csv", encoding="utf-8")))
    assert row["event_date"] == "2021-08-08" and row["year"] == "2021"
    assert row["sub_event_type"] == "Non-state actor overtakes territory" and row["interaction"] == "12"
    assert row["article_ids"] == "a1" and row["source_count"] == "1"


def test_no_cell_starts_like_a_formula(store, tmp_path):
    _stored_event(store)
    write_outputs(store, tmp_path)
    for name in ("events.csv", "claims.csv"):
        for row in csv.reader(open(tmp_path / name, encoding="utf-8")):
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), (name, row)
    [row] = list(csv.DictReader(open(tmp_path / "events.csv", encoding="utf-8")))
    assert row["location"] == "'@Kunduz" and row["admin1"] == "'+Kunduz" and row["source"] == "'-Wire"
    assert row["evidence"].startswith("[a1:0-")
    assert safe_cell(-3.5) == -3.5 and safe_cell(None) == ""


def test_geojson_is_a_feature_collection_of_points(store, tmp_path):
    _stored_event(store)
    write_outputs(store, tmp_path)
    data = json.loads((tmp_path / "events.geojson").read_text(encoding="utf-8"))
    [feature] = data["features"]
    assert data["type"] == "FeatureCollection"
    assert feature["geometry"] == {"type": "Point", "coordinates": [68.86, 36.73]}
    assert feature["properties"]["evidence"][0]["article_id"] == "a1"


def test_empty_store_writes_headers_only(store, tmp_path):
    write_outputs(store, tmp_path)
    assert (tmp_path / "events.csv").read_text(encoding="utf-8").strip() == ACLED_HEADER
    assert json.loads((tmp_path / "events.geojson").read_text())["features"] == []
