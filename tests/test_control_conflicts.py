"""One store, two wars: the stored control record keeps both; `control` and the report show one at a time, by
profile or by country, each with its own sides and tracked places."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from typer.testing import CliRunner

from frontlines.cli import app
from frontlines.control import compute_control, control_stage, control_table, rules_for
from frontlines.model import Article, Event, Place
from frontlines.profiles import load_profile
from frontlines.report.situation import build_report
from frontlines.storage import Store

DAY = date(2024, 9, 1)
RSF, SAF = "Rapid Support Forces", "Military Forces of Sudan (2019-)"
MNDAA, TATMADAW = "MNDAA: Myanmar National Democratic Alliance Army", "Military Forces of Myanmar (2021-)"


def _take(eid: str, day: str, actor1: str, actor2: str, place: Place, iso: int, article: str) -> Event:
    return Event(event_id_cnty=eid, event_date=date.fromisoformat(day), time_precision=1, event_type="Strategic developments",
                 sub_event_type="Non-state actor overtakes territory", actor1=actor1, actor2=actor2, iso=iso,
                 country="", admin1=place.admin1, location=place.name, place_id=place.id, latitude=place.lat,
                 longitude=place.lon, article_ids=[article], source_count=1)


@pytest.fixture()
def two_wars(tmp_path):
    madani = Place("t:madani", "Wad Madani", "city", "SD", "Al Jazirah", lat=14.40, lon=33.52)
    lashio = Place("t:lashio", "Lashio", "city", "MM", "Shan", lat=22.94, lon=97.75)
    db = tmp_path / "two.duckdb"
    with Store(db) as store:
        store.save_places([madani, lashio])
        for article_id, day in (("sd", date(2023, 12, 19)), ("mm", date(2024, 8, 4))):
            store.add_article(Article(id=article_id, text="Our own words.", published=day))
        store.save_events([_take("SDN1", "2023-12-18", RSF, SAF, madani, 729, "sd"),
                           _take("MMR1", "2024-08-03", MNDAA, TATMADAW, lashio, 104, "mm")])
        store.record_run("r", datetime(2024, 9, 1), [], {"profile": load_profile("sudan-2023").config_overrides()["profile"]})
        control_stage(store, None)
    return db


def test_the_stored_record_keeps_both_wars(two_wars):
    with Store(two_wars, read_only=True) as store:
        held = {(c.place_name, c.holder) for c in store.control() if c.valid_from is not None}
    assert held == {("Wad Medani", RSF), ("Lashio", MNDAA)}   # Wad Madani stands for the gazetteer's state seat


def test_each_profile_sees_its_own_war_with_its_own_sides(two_wars):
    with Store(two_wars, read_only=True) as store:
        sudan = control_table(store, DAY, rules_for(load_profile("sudan-2023")))
        myanmar = control_table(store, DAY, rules_for(load_profile("myanmar-2023")))
        generic = compute_control(store, rules_for(None), as_of=DAY)
    assert [(r.kind, r.side, r.holder) for r in sudan] == [("capital", "rsf", RSF)]   # Wad Madani: a state seat
    assert [(r.place, r.side) for r in myanmar] == [("Lashio", "resistance")]
    assert len({c.place_id for c in generic}) == 2


def test_control_and_report_take_a_country_or_a_profile(two_wars, tmp_path):
    runner = CliRunner()
    shown = runner.invoke(app, ["control", "--as-of", str(DAY), "--db", str(two_wars), "--country", "MM", "--json"])
    assert shown.exit_code == 0, shown.output
    assert [r["place"] for r in json.loads(shown.stdout)] == ["Lashio"]
    bad = runner.invoke(app, ["control", "--as-of", str(DAY), "--db", str(two_wars), "--country", "XX"])
    assert bad.exit_code == 2 and "XX" in bad.output
    unknown = runner.invoke(app, ["report", "--as-of", str(DAY), "--db", str(two_wars), "--out", str(tmp_path / "r"),
                                  "--profile", "no-such-war"])
    assert unknown.exit_code == 2 and "unknown profile 'no-such-war'" in unknown.output
    with Store(two_wars, read_only=True) as store:
        report = build_report(store, DAY, rules=rules_for(load_profile("myanmar-2023")))
    text = " ".join(s.text for group in report.regions for s in group[1]) + " ".join(s.text for s in report.numbers)
    assert "Lashio" in text and "Wad Madani" not in text and "Rapid Support" not in text
    assert report.tracked_label == "state and region capitals" and report.capitals_total >= 14
