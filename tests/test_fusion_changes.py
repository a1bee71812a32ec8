"""Fusion of changes of hands: one event per real change, whatever day each report gives; its day by consensus."""
from __future__ import annotations

from datetime import date

from frontlines.fuse import consensus_day, fuse, mention_day
from test_fusion_store import HERAT, add, mention

REGAINS = "Government regains territory"
ARMY = "Military Forces of Afghanistan (2004-2021)"
AUGUST = (date(2021, 8, 1), date(2021, 8, 31))


def _events(store):
    return sorted(store.events(), key=lambda e: (e.event_date or date.min, e.sub_event_type))


def test_reports_a_few_days_apart_are_one_change_dated_by_the_most_sources(store):
    add(store, "a", mention(start=date(2021, 8, 6)))
    add(store, "b", mention(start=date(2021, 8, 6)))
    add(store, "c", mention(start=date(2021, 8, 9)))          # misread a range's end as the day
    fuse(store)
    [event] = store.events()
    assert event.event_date == date(2021, 8, 6) and event.alt_dates == ["2021-08-09"]


def test_reports_weeks_apart_stay_two_events(store):
    add(store, "a", mention(start=date(2021, 8, 6)))
    add(store, "b", mention(start=date(2021, 9, 20)))
    fuse(store)
    assert len(store.events()) == 2


def test_a_day_precise_report_outweighs_week_long_ones(store):
    add(store, "a", mention(start=date(2021, 8, 9)))
    for name in "bcd":   # "last week": they contain the day, they do not outvote it
        add(store, name, mention(start=date(2021, 8, 2), end=date(2021, 8, 8), precision=2))
    fuse(store)
    [event] = store.events()
    assert event.event_date == date(2021, 8, 9) and event.time_precision == 1 and event.source_count == 4


def test_week_long_reports_settle_a_tie_between_two_days(store):
    add(store, "a", mention(start=date(2021, 8, 8)))
    add(store, "b", mention(start=date(2021, 8, 9)))
    add(store, "c", mention(start=date(2021, 8, 9), end=date(2021, 8, 10), precision=2))
    fuse(store)
    [event] = store.events()
    assert event.event_date == date(2021, 8, 9) and event.alt_dates == ["2021-08-08"]


def test_a_month_is_no_day_and_joins_the_dated_change(store):
    add(store, "a", mention(start=AUGUST[0], end=AUGUST[1], precision=3))
    add(store, "b", mention(start=date(2021, 8, 13)))
    fuse(store)
    [event] = store.events()
    assert event.event_date == date(2021, 8, 13) and event.alt_dates == [] and event.article_ids == ["a", "b"]


def test_a_change_reported_only_by_month_is_not_dated_to_the_months_last_day(store):
    add(store, "a", mention(start=AUGUST[0], end=AUGUST[1], precision=3))
    add(store, "b", mention(start=date(2005, 1, 1), end=date(2005, 12, 31), precision=3, place=HERAT))
    fuse(store)
    assert [(e.event_date, e.time_precision, e.alt_dates) for e in store.events()] == [(None, 3, []), (None, 3, [])]
    assert mention_day(mention(start=AUGUST[0], end=AUGUST[1], precision=3)) is None


def test_undated_and_vague_reports_join_the_change_they_describe_in_any_run(store):
    add(store, "dated", mention(start=date(2021, 8, 8)))
    fuse(store)
    add(store, "undated", mention(start=None), published=None)
    add(store, "month", mention(start=AUGUST[0], end=AUGUST[1], precision=3))
    add(store, "weeks", mention(start=date(2021, 7, 12), end=date(2021, 8, 9), precision=3))
    fuse(store)
    [event] = store.events()
    assert event.event_date == date(2021, 8, 8) and event.article_ids == ["dated", "month", "undated", "weeks"]


def test_lost_then_retaken_then_lost_again_is_three_changes(store):
    add(store, "a", mention(start=date(2021, 8, 6)))
    add(store, "b", mention(start=date(2021, 8, 9), sub=REGAINS, actor1=ARMY, actor2="Taliban"))
    add(store, "c", mention(start=date(2021, 8, 12)))         # the Taliban again, after the army took it back
    add(store, "d", mention(start=date(2021, 8, 13)))
    fuse(store)
    assert [(e.event_date, e.actor1, e.article_ids) for e in _events(store)] == [
        (date(2021, 8, 6), "Taliban", ["a"]), (date(2021, 8, 9), ARMY, ["b"]),
        (date(2021, 8, 12), "Taliban", ["c", "d"])]


def test_an_undated_report_of_a_place_taken_twice_joins_one_and_makes_no_third(store):
    add(store, "a", mention(start=date(2021, 8, 6)))
    add(store, "b", mention(start=date(2021, 8, 9), sub=REGAINS, actor1=ARMY, actor2="Taliban"))
    add(store, "c", mention(start=date(2021, 8, 12)))
    add(store, "c2", mention(start=date(2021, 8, 12)))
    add(store, "u", mention(start=None), published=None)
    fuse(store)
    taliban = [e for e in store.events() if e.actor1 == "Taliban"]
    assert len(taliban) == 2 and ["c", "c2", "u"] in [e.article_ids for e in taliban]


def test_another_place_or_holder_is_another_change(store):
    add(store, "a", mention(start=date(2021, 8, 6)))
    add(store, "b", mention(start=date(2021, 8, 8), place=HERAT))
    add(store, "c", mention(start=date(2021, 8, 8), actor1="Islamic State (Afghanistan)"))
    fuse(store)
    assert len(store.events()) == 3


def test_consensus_counts_wire_copies_once():
    reports = [mention(start=date(2021, 8, 9)), mention(start=date(2021, 8, 8)), mention(start=date(2021, 8, 8))]
    for i, m in enumerate(reports):
        m.article_id = f"r{i}"
    wire = {"r1": {"dup_group": "w"}, "r2": {"dup_group": "w"}}
    assert consensus_day(reports, wire) == date(2021, 8, 8)          # a one-one tie: the earlier
    reports.append(mention(start=date(2021, 8, 9)))
    reports[-1].article_id = "r3"
    assert consensus_day(reports, wire) == date(2021, 8, 9)
    assert consensus_day([mention(start=None)], {}) is None


def test_a_report_that_gives_no_day_dates_the_change_by_its_publication_day(store):
    # the article says the town fell, not when: by the day it was published, it had
    add(store, "a", mention(start=date(2021, 7, 10), end=date(2021, 8, 9), precision=2), published=date(2021, 8, 9))
    add(store, "b", mention(place=HERAT, start=AUGUST[0], end=AUGUST[1], precision=3), published=date(2021, 9, 3))
    # "in August" in an article of 20 August ends at publication, and is still a month, not that day
    add(store, "c", mention(place=HERAT, start=AUGUST[0], end=date(2021, 8, 20), precision=3, actor1=ARMY,
                            sub=REGAINS), published=date(2021, 8, 20))
    fuse(store)
    assert sorted((e.location, e.event_date or date.min) for e in store.events()) == [
        ("Herat", date.min), ("Herat", date.min), ("Kunduz", date(2021, 8, 9))]


def test_fighting_dated_only_by_a_month_stands_mid_month_never_on_its_last_day(store):
    add(store, "a", mention(sub="Armed clash", start=AUGUST[0], end=AUGUST[1], precision=3, actor2=ARMY))
    fuse(store)
    [event] = store.events()
    assert (event.event_date, event.time_precision) == (date(2021, 8, 16), 3)


def test_on_a_tie_the_report_the_coder_is_surer_of_wins(store):
    add(store, "a", mention(start=date(2021, 8, 8), confidence=0.6))   # a day borrowed from the paragraph
    add(store, "b", mention(start=date(2021, 8, 9), confidence=0.8))   # the sentence's own day
    fuse(store)
    [event] = store.events()
    assert event.event_date == date(2021, 8, 9) and event.alt_dates == ["2021-08-08"]


def test_reports_that_read_one_change_as_different_kinds_are_one_event_of_the_kind_most_sources_give(store):
    add(store, "a", mention(start=date(2021, 8, 6)))
    add(store, "b", mention(start=date(2021, 8, 6)))
    add(store, "c", mention(start=date(2021, 8, 6), sub="Non-violent transfer of territory"))   # "without a fight"
    fuse(store)
    [event] = store.events()
    assert event.sub_event_type == "Non-state actor overtakes territory" and event.article_ids == ["a", "b", "c"]
    assert event.event_type == "Battles"


def test_another_kind_days_apart_is_another_claim(store):
    add(store, "a", mention(start=date(2021, 8, 6)))
    add(store, "b", mention(start=date(2021, 8, 11), sub="Non-violent transfer of territory"))
    fuse(store)
    assert len(store.events()) == 2
