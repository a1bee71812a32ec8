"""Done-when of issue 5 on the five seed articles run through the whole default pipeline, then fused."""
from __future__ import annotations

from datetime import date

import pytest

from frontlines.fuse import fuse, mention_day
from frontlines.storage import Store

OVERTAKES = "Non-state actor overtakes territory"
AFGHAN_STATE = {"Military Forces of Afghanistan (2004-2021)", "Police Forces of Afghanistan (2004-2021)",
                "Government of Afghanistan (2004-2021)"}
TERRITORY = {OVERTAKES, "Government regains territory", "Non-violent transfer of territory"}


@pytest.fixture(scope="module")
def seed_events(annotated_seeds):
    """The seeds' mentions fused in a throwaway store (the shared annotated articles are only read)."""
    store = Store(":memory:")
    for article in annotated_seeds.values():
        store.add_article(article)
        store.save_annotations(article)
    fuse(store)
    yield store.events()
    store.close()


def _mentions(annotated_seeds, key, place):
    return [m for m in annotated_seeds[key].mentions if m.place and m.place.name == place]


# (seed, place, words its evidence must contain, first and last possible day)
CAPTURES = [
    ("000", "Sher Khan Bandar", "Sikhambadar", date(2021, 6, 22), date(2021, 6, 22)),
    ("001", "Kunduz", "include Kunduz", date(2021, 8, 7), date(2021, 8, 8)),
    ("001", "Sheberghan", "stronghold Sheberghan", date(2021, 8, 7), date(2021, 8, 8)),
    ("002", "Kandahar", "occupied Kandahar", date(2021, 8, 6), date(2021, 8, 13)),
    ("002", "Herat", "occupation of Kandahar, Herat", date(2021, 8, 6), date(2021, 8, 13)),
    ("002", "Lashkar Gah", "occupied Lashkar Gah", date(2021, 8, 6), date(2021, 8, 13)),
]


@pytest.mark.parametrize("key, place, words, first, last", CAPTURES, ids=[c[1] for c in CAPTURES])
def test_each_capture_is_one_overtaking_by_the_taliban_from_state_forces(annotated_seeds, seed_events,
                                                                        key, place, words, first, last):
    [mention] = [m for m in _mentions(annotated_seeds, key, place) if m.sub_event_type == OVERTAKES]
    assert mention.actor1 == "Taliban" and mention.actor2 in AFGHAN_STATE
    assert first <= mention_day(mention, annotated_seeds[key].published) <= last
    assert any(words in e.text for e in mention.evidence)
    assert all(annotated_seeds[key].text[e.start:e.end] == e.text for e in mention.evidence)
    [event] = [e for e in seed_events if e.location == place and e.sub_event_type == OVERTAKES]
    assert first <= event.event_date <= last
    assert event.inter1 == 2 and event.inter2 == 1 and event.interaction == 12
    assert event.latitude is not None and event.admin1


@pytest.mark.parametrize("place", ["Herat", "Lashkar Gah", "Kandahar"])
def test_the_fighting_in_003_is_armed_clash(annotated_seeds, place):
    [mention] = [m for m in _mentions(annotated_seeds, "003", place) if m.actor1 == "Taliban"]
    assert mention.sub_event_type == "Armed clash" and mention.event_type == "Battles"
    assert mention.actor1 == "Taliban" and mention.actor2 in AFGHAN_STATE


def test_us_air_strikes_are_air_drone_strikes_by_us_forces(annotated_seeds):
    strikes = [m for a in annotated_seeds.values() for m in a.mentions if m.sub_event_type == "Air/drone strike"]
    assert {m.article_id[:3] for m in strikes} >= {"001"}
    assert all(m.actor1 == "Military Forces of the United States (2021-)" for m in strikes)
    assert any(m.place.name == "Kunduz" for m in strikes)


def test_kabul_mazar_and_jalalabad_are_not_captured(seed_events):
    taken = {e.location for e in seed_events if e.sub_event_type in TERRITORY}
    assert not taken & {"Kabul", "Mazar-i-Sharif", "Mazar-e Sharif", "Jalalabad"}
    assert taken == {"Sher Khan Bandar", "Kunduz", "Sheberghan", "Kandahar", "Herat", "Lashkar Gah"}


def test_no_event_before_2021_and_no_battles_outside_afghanistan(seed_events):
    assert seed_events and all(e.event_date and e.event_date >= date(2021, 1, 1) for e in seed_events)
    assert all(e.country == "Afghanistan" for e in seed_events if e.event_type == "Battles")


def test_no_event_from_the_shafaqna_overview(annotated_seeds):
    """004 speaks of districts taken "in Ghazni" and cities encircled: aggregates and sieges, no event."""
    assert annotated_seeds["004"].mentions == []
