"""Done-when on the bundled example corpus: each provincial capital's fall is one event, on the real day,
with every article that reports it in its own words among its sources."""
from __future__ import annotations

from datetime import date

import pytest


OVERTAKES = "Non-state actor overtakes territory"
# The day each fell (2021), written by hand from the public record; two days where reports straddle midnight.
FALLS = {
    "Zaranj": [date(2021, 8, 6)], "Sheberghan": [date(2021, 8, 7)], "Kunduz": [date(2021, 8, 8)],
    "Sar-e Pul": [date(2021, 8, 8)], "Taloqan": [date(2021, 8, 8)], "Aybak": [date(2021, 8, 9)],
    "Farah": [date(2021, 8, 10)], "Pul-e Khumri": [date(2021, 8, 10)], "Faizabad": [date(2021, 8, 11)],
    "Ghazni": [date(2021, 8, 12)], "Herat": [date(2021, 8, 12)], "Qala-i-Naw": [date(2021, 8, 12)],
    "Kandahar": [date(2021, 8, 12), date(2021, 8, 13)], "Lashkar Gah": [date(2021, 8, 13)],
    "Chaghcharan": [date(2021, 8, 13)], "Tarinkot": [date(2021, 8, 13)], "Qalat": [date(2021, 8, 13)],
    "Pul-e Alam": [date(2021, 8, 13)], "Mazar-i-Sharif": [date(2021, 8, 14)], "Maymana": [date(2021, 8, 14)],
    "Sharana": [date(2021, 8, 14)], "Gardez": [date(2021, 8, 14)], "Asadabad": [date(2021, 8, 14)],
    "Kabul": [date(2021, 8, 15)], "Maidan Shahr": [date(2021, 8, 15)],
}


@pytest.fixture(scope="module")
def example_events(example_store):
    return example_store.events(), {a.id: a for a in example_store.articles()}


@pytest.mark.parametrize("capital", sorted(FALLS))
def test_each_capitals_fall_is_one_event_on_the_real_day(example_events, capital):
    events, _ = example_events
    falls = [e for e in events if e.location == capital and e.sub_event_type == OVERTAKES]
    assert len(falls) == 1, [(e.event_date, e.article_ids) for e in falls]
    assert falls[0].event_date in FALLS[capital]
    assert falls[0].actor1 == "Taliban" and falls[0].actor2 == "Military Forces of Afghanistan (2004-2021)"


def test_every_article_naming_a_capture_is_a_source_of_it(example_events):
    """Articles that say "<city> fell" / "captured <city>" (not a passing mention) are among the sources."""
    events, articles = example_events
    by_place = {e.location: set(e.article_ids) for e in events if e.sub_event_type == OVERTAKES}
    expected = {"Kunduz": 4, "Sheberghan": 2, "Zaranj": 3, "Herat": 2, "Lashkar Gah": 2, "Mazar-i-Sharif": 2,
                "Kabul": 2, "Ghazni": 2, "Qala-i-Naw": 2, "Sher Khan Bandar": 2}
    for place, count in expected.items():
        assert len(by_place[place]) >= count, (place, sorted(by_place[place]))


def test_jalalabad_was_handed_over_and_no_event_falls_outside_2021_or_afghanistan(example_events):
    events, _ = example_events
    [jalalabad] = [e for e in events if e.location == "Jalalabad"]
    assert jalalabad.sub_event_type == "Non-violent transfer of territory"
    assert all(e.event_date is None or e.event_date.year == 2021 for e in events)
    assert all(e.country == "Afghanistan" for e in events if e.event_type == "Battles")
