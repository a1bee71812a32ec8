"""Control intervals: captures, recaptures, clashes, capitals standing for their seat, the real August sequence."""
from __future__ import annotations

import csv
from datetime import date

import pytest

import frontlines.control as control
from frontlines.control import (
    UnitResolver, compute_control, control_stage, control_table, current_intervals, load_rules, unit_of,
    write_control_csv,
)
from frontlines.control.derive import unit_history
from frontlines.model import Event, Place
from test_control_world import ARMY, TALIBAN, build_world, capital_places

RULES = load_rules()


@pytest.fixture()
def store_capitals(monkeypatch):
    """Use the capitals in the store, not the places component's list, so the tests see their own names."""
    monkeypatch.setattr(control, "_component_capitals", lambda *a: [])


@pytest.fixture()
def world(store, store_capitals):
    return build_world(store)


def _event(eid: str, day: str, sub: str, actor1: str, actor2: str | None = None, place_id: str = "p",
           lat: float | None = None, lon: float | None = None, location: str | None = None) -> Event:
    return Event(event_id_cnty=eid, event_date=date.fromisoformat(day), time_precision=1, event_type="Battles",
                 sub_event_type=sub, actor1=actor1, actor2=actor2, place_id=place_id, location=location,
                 latitude=lat, longitude=lon)


TAKE, REGAIN, CLASH = "Non-state actor overtakes territory", "Government regains territory", "Armed clash"
UNIT = unit_of(Place(id="p", name="Imam Sahib", kind="district", country="AF", admin1="Kunduz"))


def test_a_recapture_counts_as_much_as_a_fall():
    history = unit_history(UNIT, [_event("e2", "2021-07-02", REGAIN, ARMY, TALIBAN), _event("e1", "2021-06-20", TAKE, TALIBAN, ARMY)], RULES)
    assert [(c.status, c.holder, c.valid_from, c.valid_to) for c in history] == [
        ("held", ARMY, None, date(2021, 6, 20)),            # before the fall: held by the side it was taken from
        ("held", TALIBAN, date(2021, 6, 20), date(2021, 7, 2)),
        ("held", ARMY, date(2021, 7, 2), None),
    ]
    assert history[1].evidence_event_ids == ["e1"] and history[2].evidence_event_ids == ["e2"]


def test_a_clash_makes_a_place_contested_until_the_next_capture():
    history = unit_history(UNIT, [_event("c1", "2021-07-30", CLASH, TALIBAN, ARMY), _event("c2", "2021-08-01", CLASH, TALIBAN, ARMY),
                                  _event("t1", "2021-08-12", TAKE, TALIBAN, ARMY)], RULES)
    assert [(c.status, c.holder, c.valid_from) for c in history] == [
        ("contested", None, date(2021, 7, 30)), ("held", TALIBAN, date(2021, 8, 12))]
    assert history[0].evidence_event_ids == ["c1", "c2"]   # a second clash extends, it does not split


def test_a_clash_at_a_held_place_keeps_the_holder_but_contests_it():
    history = unit_history(UNIT, [_event("t1", "2021-06-20", TAKE, TALIBAN, ARMY), _event("c1", "2021-06-25", CLASH, ARMY, TALIBAN)], RULES)
    assert (history[-1].status, history[-1].holder, history[-1].valid_from) == ("contested", TALIBAN, date(2021, 6, 25))


def test_two_different_captures_the_same_day_are_contested_not_guessed():
    history = unit_history(UNIT, [_event("a", "2021-07-01", TAKE, TALIBAN, ARMY), _event("b", "2021-07-01", REGAIN, ARMY, TALIBAN)], RULES)
    assert [(c.status, c.holder) for c in history] == [("contested", None)]


def test_a_capital_stands_for_its_province_seat():
    capitals = capital_places()
    province = Place(id="iso:AF-KAN", name="Kandahar", kind="province", country="AF", admin1="Kandahar")
    helmand = Place(id="iso:AF-HEL", name="Helmand", kind="province", country="AF", admin1="Helmand")
    resolver = UnitResolver(capitals, {province.id: province, helmand.id: helmand}, RULES)
    # another gazetteer's id for the same city, 1 km away
    assert resolver.capital_for("gn:123", "Kondoz", None, 36.735, 68.87).name == "Kunduz"
    assert resolver.capital_for(province.id, "Kandahar", "Kandahar", None, None).name == "Kandahar"
    assert resolver.capital_for(helmand.id, "Helmand", "Helmand", None, None) is None   # not named like its capital
    assert resolver.capital_for("gn:9", "Spin Boldak", "Kandahar", 31.00, 66.40) is None   # 100 km away


def test_events_without_a_usable_place_or_date_are_left_out(store, store_capitals):
    store.save_events([_event("x1", "2021-08-01", TAKE, TALIBAN, ARMY, place_id=None),
                       Event(event_id_cnty="x2", event_date=None, time_precision=None, event_type="Battles",
                             sub_event_type=TAKE, actor1=TALIBAN, actor2=ARMY, location="Kunduz")])
    assert compute_control(store) == []


def test_control_as_of_10_and_15_august_follows_the_real_sequence(world):
    control_stage(world, None)
    on_10 = {r.admin1 for r in control_table(world, date(2021, 8, 10)) if r.kind == "capital" and r.side == "taliban"}
    assert on_10 == {"Nimroz", "Jowzjan", "Kunduz", "Sar-e Pul", "Takhar", "Samangan", "Farah", "Baghlan"}
    rows_15 = control_table(world, date(2021, 8, 15))
    on_15 = {r.admin1 for r in rows_15 if r.kind == "capital" and r.side == "taliban"}
    assert len(on_15) == 33 and "Kabul" in on_15 and "Panjshir" not in on_15
    herat_on_10 = [r for r in control_table(world, date(2021, 8, 10)) if r.place == "Herat"]
    assert [(r.status, r.evidence_event_ids) for r in herat_on_10] == [("contested", ["AFG-herat-clash"])]
    imam = [r for r in rows_15 if r.place == "Imam Sahib"][0]
    assert (imam.kind, imam.side, imam.since) == ("district", "government", date(2021, 7, 2))


def test_control_as_of_a_day_ignores_later_events(world):
    rows = control_table(world, date(2021, 8, 7))
    assert "Kabul" not in {r.place for r in rows}          # Kabul's fall on the 15th says nothing on the 7th
    assert all("AFG15" not in e for r in rows for e in r.evidence_event_ids)


def test_control_csv_lists_intervals_with_evidence(world, tmp_path):
    control_stage(world, None)
    path = write_control_csv(world, tmp_path / "control.csv")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert list(rows[0]) == ["place_id", "place", "kind", "admin1", "admin1_code", "admin2", "admin2_code", "status",
                             "holder", "from", "to", "evidence_event_ids"]
    kabul = [r for r in rows if r["place"] == "Kabul"]
    assert [(r["holder"], r["from"], r["to"]) for r in kabul] == [(ARMY, "", "2021-08-15"), (TALIBAN, "2021-08-15", "")]
    assert all(r["evidence_event_ids"] for r in rows)


def test_control_csv_neutralises_spreadsheet_formulas(store, store_capitals, tmp_path):
    place = Place(id="evil", name="=HYPERLINK(\"http://x\")", kind="town", country="AF", lat=34.0, lon=66.0)
    store.save_places([place])
    store.save_events([_event("e", "2021-07-01", TAKE, TALIBAN, ARMY, place_id="evil")])
    control_stage(store, None)
    text = write_control_csv(store, tmp_path / "c.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_the_places_component_capitals_match_by_proximity(store):
    """With the gazetteer's own capitals (other ids, other spellings), the same events still land on the capitals."""
    found = control.capitals()
    if len(found) != 34:
        pytest.skip("the places component does not offer the 34 capitals here")
    build_world(store)
    current = current_intervals(compute_control(store, as_of=date(2021, 8, 15)), date(2021, 8, 15))
    kinds = control.unit_kinds(store, [c.place_id for c in current])
    assert len({c.admin1 for c in current if kinds[c.place_id] == "capital" and c.holder == TALIBAN}) == 33


def test_the_stored_table_is_what_was_derived_and_reruns_change_nothing(world):
    derived = compute_control(world)
    control_stage(world, None)
    first = world.table_hash("control_intervals")
    key = lambda c: (c.place_id, c.valid_from or date.min)  # noqa: E731
    assert sorted(world.control(), key=key) == sorted(derived, key=key)   # None dates and evidence lists round-trip
    control_stage(world, None)
    assert world.table_hash("control_intervals") == first and world.count("control_intervals") == len(derived)


def test_capitals_come_from_a_small_file_once_the_gazetteer_was_built(tmp_path, monkeypatch):
    import frontlines.understand.places.component as component

    monkeypatch.setenv("FRONTLINES_CACHE_DIR", str(tmp_path))
    first = component.provincial_capitals()
    assert len(first) == 34 and list(tmp_path.glob("capitals-*.json"))

    def no_gazetteer():
        raise AssertionError("the control stage must not load the whole gazetteer for 34 capitals")

    monkeypatch.setattr(component, "default_gazetteer", no_gazetteer)
    again = component.provincial_capitals()
    assert again == first and all(p.lat is not None and p.admin1 for p in again)
    next(tmp_path.glob("capitals-*.json")).write_text("{not json", encoding="utf-8")
    with pytest.raises(AssertionError):   # a damaged file is rebuilt from the gazetteer, not trusted
        component.provincial_capitals()
