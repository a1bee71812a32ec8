"""Scoring changes of control and control by day against a gold timeline (towns and events we make up)."""
from __future__ import annotations

import json
from datetime import date

import pytest

from frontlines.evaluate import GoldError, compare, parse_record
from frontlines.evaluate.score import SystemEvent
from frontlines.evaluate.timeline import Change, Timeline, Town, load_timeline, score_changes, score_control_by_day
from frontlines.model import ControlInterval, Event, Place

STATE = "Military Forces of Ruritania (2019-)"
REBELS = "Northern Front"
TOWN = Town("Alderford", 10.0, 20.0, STATE,
            [Change(date(2024, 3, 10), [date(2024, 3, 11)], REBELS, "Non-state actor overtakes territory", ["a1", "a2"]),
             Change(date(2024, 5, 1), [], STATE, "Government regains territory", ["a3"])])
STANDING = Town("Brockham", 11.0, 21.0, STATE, [])


def timeline(*towns: Town) -> Timeline:
    return Timeline("ruritania", date(2024, 3, 1), date(2024, 5, 31), list(towns))


def event(ref: str, day: date | None, actor1: str, sub: str = "Non-state actor overtakes territory",
          lat: float = 10.01, lon: float = 20.01) -> Event:
    return Event(ref, day, 1, "Battles", sub, actor1, None, latitude=lat, longitude=lon, article_ids=["a1"])


def test_a_capture_on_the_right_day_is_found_once():
    score = score_changes(timeline(TOWN), [event("E1", date(2024, 3, 11), REBELS),
                                           event("E2", date(2024, 5, 2), "Police Forces of Ruritania (2019-)",
                                                 "Government regains territory")])
    assert (score.gold, score.found, score.date_within_1_day, score.right_type) == (2, 2, 2, 2)
    assert score.events_on_found == 2 and score.spurious == 0


def test_duplicates_wrong_days_and_wrong_holders_are_counted():
    events = [event("E1", date(2024, 3, 10), REBELS), event("E2", None, REBELS),       # one change, two events
              event("E3", date(2024, 3, 20), REBELS),                                 # nine days off: found, wrong day
              event("E4", date(2021, 1, 1), REBELS),                                  # years before: spurious
              event("E5", date(2024, 3, 10), "Some Other Militia")]                   # nobody on that side took it
    score = score_changes(timeline(TOWN), events).as_dict()
    assert score["found"] == 1 and score["recall"] == 0.5
    assert score["events_per_change"] == 3.0
    assert score["spurious"] == 2
    assert [m["date"] for m in score["missed"]] == ["2024-05-01"]


def test_an_event_far_from_the_town_does_not_count():
    score = score_changes(timeline(TOWN), [event("E1", date(2024, 3, 10), REBELS, lat=12.0)])
    assert score.found == 0 and score.spurious == 0


def test_control_by_day_counts_fallen_and_standing_towns_apart():
    places = {"p1": Place("p1", "Alderford", "city", "RU", lat=10.0, lon=20.0),
              "p2": Place("p2", "Brockham", "city", "RU", lat=11.0, lon=21.0)}
    intervals = [ControlInterval("p1", "Alderford", "held", REBELS, date(2024, 3, 10), None),
                 ControlInterval("p2", "Brockham", "held", REBELS, date(2024, 5, 1), None)]
    score = score_control_by_day(timeline(TOWN, STANDING), intervals, places).as_dict()
    # Alderford: 92 days, 10-11 March disputed (skipped): 90 scored; wrong from 1 May (system never saw the
    # recapture): 31 days wrong.
    assert score["fallen"] == {"days": 90, "right": 59, "accuracy": 59 / 90}
    # Brockham: never changed hands; the system's capture on 1 May makes its last 31 days wrong.
    assert score["standing"]["days"] == 92 and score["standing"]["right"] == 61


def test_no_interval_means_no_change_known():
    score = score_control_by_day(timeline(STANDING), [], {})
    assert score.standing_right == score.standing_days == 92


def test_state_forces_police_and_government_of_one_country_are_one_side():
    t = timeline()
    assert t.side(STATE) == t.side("Police Forces of Ruritania (2021-)") == t.side("Government of Ruritania")
    assert t.side(STATE) != t.side("Military Forces of Freedonia (2019-)")
    assert Timeline("x", date(2024, 1, 1), date(2024, 1, 2), [], {"Northern Front": ["NF rebels"]}).side("NF rebels") \
        == "northern front"


def test_scope_keeps_changes_the_articles_report_and_standing_towns():
    scoped = timeline(TOWN, STANDING).in_scope({"a3"})
    assert [(t.place, len(t.changes)) for t in scoped.towns] == [("Alderford", 1), ("Brockham", 0)]
    assert timeline(TOWN).in_scope({"zz"}).towns == []


def test_a_bad_timeline_is_a_gold_error(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"conflict": "x", "period": {"from": "2024-01-01", "to": "2024-02-01"},
                                "towns": [{"place": "A", "lat": 1, "lon": 2, "initial_holder": "B",
                                           "changes": [{"date": "2024-01-05", "new_holder": "C",
                                                        "sub_event_type": "Armed clash"}]}]}), encoding="utf-8")
    with pytest.raises(GoldError, match="t.json"):
        load_timeline(path)


def test_an_undated_gold_event_matches_whatever_the_day():
    record = parse_record({"article_id": "u1", "published": None, "events": [
        {"event_type": "Battles", "sub_event_type": "Armed clash", "actor1": None, "actor2": None, "place": "Alderford",
         "lat": 10.0, "lon": 20.0, "date_from": None, "date_to": None, "sentence": "fighting went on"}]})
    gold = record.events[0]
    assert not gold.dated
    check = compare(gold, SystemEvent("u1", "Battles", "Armed clash", None, None, "Alderford", 10.0, 20.0,
                                      date(2024, 3, 3), date(2024, 3, 3)))
    assert check.match and check.date_exact is None and "date" not in check.wrong()
