"""The scorer on small hand-made events: a right one, a wrong place, a wrong date, a false alarm, a miss."""
from __future__ import annotations

from datetime import date

import pytest

from frontlines.evaluate import (
    evaluate, from_events, from_mentions, haversine_km, parse_record, to_markdown,
)
from frontlines.model import Claim, Event, EventMention, Evidence, Place

TAKES = ("Battles", "Non-state actor overtakes territory")
TALIBAN, ARMY = "Taliban", "Military Forces of Afghanistan (2004-2021)"


def gold_event(place: str, lat: float, lon: float, day: str, sentence: str, **extra) -> dict:
    return {"event_type": TAKES[0], "sub_event_type": TAKES[1], "actor1": TALIBAN, "actor2": ARMY,
            "place": place, "lat": lat, "lon": lon, "tolerance_km": 25, "date_from": day, "date_to": day,
            "sentence": sentence, **extra}


def system_event(eid: str, article: str, place: str, lat: float, lon: float, day: date, sentence: str,
                 sub_event: str = TAKES[1], actor1: str = TALIBAN, actor2: str | None = ARMY) -> Event:
    event_type = "Battles" if sub_event in (TAKES[1], "Armed clash") else "Explosions/Remote violence"
    return Event(event_id_cnty=eid, event_date=day, time_precision=1, event_type=event_type, sub_event_type=sub_event,
                 actor1=actor1, actor2=actor2, location=place, latitude=lat, longitude=lon, article_ids=[article],
                 evidence=[Evidence(article_id=article, sentence=0, start=0, end=len(sentence), text=sentence)])


@pytest.fixture()
def gold():
    return [parse_record({
        "article_id": "a1", "published": "2021-08-09",
        "events": [
            gold_event("Kunduz", 36.729, 68.857, "2021-08-08", "captured Kunduz"),
            gold_event("Sheberghan", 36.668, 65.753, "2021-08-07", "took Sheberghan"),
            gold_event("Taloqan", 36.736, 69.535, "2021-08-08", "Taloqan fell"),
            gold_event("Sar-e Pul", 36.215, 65.932, "2021-08-08", "Sar-e Pul was overrun"),
        ],
        "claims": [{"claimant": "Taliban", "metric": "districts", "count": 200, "comparator": "more_than",
                    "denominator": 421, "sentence": "more than 200"}],
        "non_events": [{"sentence": "besieged Kandahar", "reason": "siege"}],
    })]


@pytest.fixture()
def system():
    return [
        # right: place, date and actors as in gold
        system_event("E1", "a1", "Kunduz", 36.72895, 68.857, date(2021, 8, 8), "The Taliban captured Kunduz on Sunday."),
        # wrong place: Sheberghan coded at Mazar-i-Sharif (about 125 km east)
        system_event("E2", "a1", "Mazar-i-Sharif", 36.709, 67.111, date(2021, 8, 7), "The Taliban took Sheberghan."),
        # wrong date: Taloqan dated a week late
        system_event("E3", "a1", "Taloqan", 36.736, 69.534, date(2021, 8, 15), "Taloqan fell to the Taliban."),
        # false alarm: a siege coded as a capture
        system_event("E4", "a1", "Kandahar", 31.613, 65.710, date(2021, 8, 8), "Fighters besieged Kandahar."),
        # Sar-e Pul is missed altogether; an event from an article without gold is not scored
        system_event("E5", "zz", "Kabul", 34.528, 69.172, date(2021, 8, 15), "Kabul fell."),
    ]


def test_right_event_matches_and_the_rest_are_errors(gold, system):
    result = evaluate(gold, from_events(system))
    assert (result.overall.tp, result.overall.fp, result.overall.fn) == (1, 3, 3)
    assert result.matches[0]["place"] == "Kunduz" and result.matches[0]["ref"] == "E1"
    assert result.overall.precision == pytest.approx(0.25)
    assert result.overall.recall == pytest.approx(0.25)
    assert result.f1 == pytest.approx(0.25)
    assert result.unscored_events == 1


def test_near_misses_say_which_field_is_wrong(gold, system):
    misses = {m["place"]: m for m in evaluate(gold, from_events(system)).misses}
    assert misses["Sheberghan"]["near_miss"] == "E2"
    assert misses["Sheberghan"]["wrong"][0].startswith("place (")
    assert misses["Taloqan"]["wrong"] == ["date"]
    assert "near_miss" not in misses["Sar-e Pul"]          # nothing resembles it: a plain miss


def test_accuracy_is_measured_over_matches_and_near_misses(gold, system):
    result = evaluate(gold, from_events(system))
    # aligned pairs: Kunduz (match), Sheberghan (wrong place), Taloqan (wrong date)
    assert result.accuracy["place"] == {"correct": 2, "total": 3}
    assert result.accuracy["date_exact"] == {"correct": 2, "total": 3}
    assert result.accuracy["actors"] == {"correct": 3, "total": 3}


def test_false_alarm_on_a_siege_is_a_non_event_violation(gold, system):
    result = evaluate(gold, from_events(system))
    assert [v["ref"] for v in result.violations] == ["E4"]
    assert result.violations[0]["reason"] == "siege"
    assert "Kandahar" in [fa["place"] for fa in result.false_alarms]


def test_per_sub_event_counts_separate_types(gold):
    strike = system_event("S1", "a1", "Kunduz", 36.73, 68.86, date(2021, 8, 8), "US air strikes in Kunduz",
                          sub_event="Air/drone strike", actor1="Military Forces of the United States (2021-)")
    result = evaluate(gold, from_events([strike]))
    assert result.by_sub_event["Air/drone strike"].fp == 1
    assert result.by_sub_event[TAKES[1]].fn == 4
    assert result.accuracy["sub_event_type"]["correct"] == 0     # aligned as a near miss of the Kunduz capture


def test_date_within_one_day_still_matches_but_is_not_exact(gold):
    late = system_event("E1", "a1", "Kunduz", 36.73, 68.86, date(2021, 8, 9), "captured Kunduz")
    result = evaluate(gold, from_events([late]))
    assert result.overall.tp == 1
    assert result.accuracy["date_exact"] == {"correct": 0, "total": 1}
    assert result.accuracy["date_within_1_day"] == {"correct": 1, "total": 1}


def test_wrong_actor_matches_but_lowers_actor_accuracy(gold):
    wrong = system_event("E1", "a1", "Kunduz", 36.73, 68.86, date(2021, 8, 8), "captured Kunduz",
                         actor1=ARMY, actor2=TALIBAN)
    result = evaluate(gold, from_events([wrong]))
    assert result.overall.tp == 1
    assert result.accuracy["actor1"] == {"correct": 0, "total": 1}
    assert result.accuracy["actors"]["correct"] == 0


def test_actor_ids_compare_equal_to_names(gold):
    by_id = system_event("E1", "a1", "Kunduz", 36.73, 68.86, date(2021, 8, 8), "captured Kunduz",
                         actor1="taliban", actor2="afghan_forces")
    result = evaluate(gold, from_events([by_id]), actor_names={"taliban": TALIBAN, "afghan_forces": ARMY})
    assert result.accuracy["actors"] == {"correct": 1, "total": 1}


def test_one_fused_event_is_judged_in_every_article_it_cites():
    gold = [parse_record({"article_id": a, "events": [gold_event("Kunduz", 36.73, 68.86, "2021-08-08", "Kunduz")]})
            for a in ("a1", "a2")]
    fused = system_event("E1", "a1", "Kunduz", 36.73, 68.86, date(2021, 8, 8), "Kunduz fell")
    fused.article_ids = ["a1", "a2"]
    fused.evidence.append(Evidence(article_id="a2", sentence=3, start=0, end=10, text="Kunduz was captured"))
    result = evaluate(gold, from_events([fused]))
    assert (result.overall.tp, result.overall.fp, result.overall.fn) == (2, 0, 0)


def test_mentions_use_their_place_and_date_window(gold):
    kunduz = Place(id="gn:1135689", name="Kunduz", kind="city", country="AF", lat=36.72895, lon=68.857)
    mention = EventMention(article_id="a1", event_type=TAKES[0], sub_event_type=TAKES[1], actor1=TALIBAN, actor2=ARMY,
                           place=kunduz, date_start=date(2021, 8, 7), date_end=date(2021, 8, 8), id="a1:m0",
                           evidence=[Evidence("a1", 2, 0, 20, "captured Kunduz over the weekend")])
    result = evaluate(gold, from_mentions([mention]))
    assert result.overall.tp == 1
    assert result.accuracy["date_exact"]["correct"] == 0         # the weekend is wider than the gold day


def test_claims_match_on_metric_and_figure(gold):
    right = Claim(article_id="a1", sentence=1, start=0, end=5, text="more than 200 of 421", claimant="taliban",
                  metric="districts", count=200, comparator="more_than", denominator=421)
    wrong = Claim(article_id="a1", sentence=2, start=0, end=5, text="85 percent", claimant="taliban",
                  metric="territory_share", count=0.85)
    result = evaluate(gold, [], [right, wrong], actor_names={})
    assert (result.claims.tp, result.claims.fp, result.claims.fn) == (1, 1, 0)
    assert result.claim_accuracy["comparator"] == {"correct": 1, "total": 1}
    assert result.claim_false_alarms[0]["metric"] == "territory_share"


def test_missing_article_counts_every_gold_event_as_missed(gold):
    result = evaluate(gold, [], article_ids={"a1": None})
    assert result.articles_missing == ["a1"]
    assert result.overall.fn == 4 and result.f1 == 0.0


def test_haversine_matches_a_known_distance():
    # One degree of latitude along a meridian is 111.2 km; a point is 0 km from itself.
    assert haversine_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(111.2, abs=0.1)
    assert haversine_km(36.7, 68.8, 36.7, 68.8) == 0.0


def test_markdown_escapes_article_text(gold):
    hostile = system_event("X", "a1", "<script>alert(1)</script>", 31.6, 65.7, date(2021, 8, 8),
                           "| <img src=x onerror=alert(1)> [link](javascript:x)")
    text = to_markdown(evaluate(gold, from_events([hostile])))
    assert "<script>" not in text and "<img" not in text and "](javascript" not in text
    assert "&lt;script&gt;" in text


def test_optional_event_is_neither_found_nor_missed():
    record = parse_record({"article_id": "a1", "events": [
        gold_event("Kunduz", 36.73, 68.86, "2021-08-08", "captured Kunduz"),
        gold_event("Zaranj", 30.96, 61.86, "2021-08-06", "after Zaranj on Friday", optional=True)]})
    kunduz = system_event("E1", "a1", "Kunduz", 36.73, 68.86, date(2021, 8, 8), "captured Kunduz")
    recalled = system_event("E2", "a1", "Zaranj", 30.96, 61.86, date(2021, 8, 6), "after Zaranj on Friday")
    both = evaluate([record], from_events([kunduz, recalled]))
    only = evaluate([record], from_events([kunduz]))
    assert (both.overall.tp, both.overall.fp, both.overall.fn) == (1, 0, 0)
    assert (only.overall.tp, only.overall.fp, only.overall.fn) == (1, 0, 0)


def test_null_gold_actor_is_not_judged():
    record = parse_record({"article_id": "a1", "events": [
        gold_event("Herat", 34.35, 62.20, "2021-07-30", "guard was killed", actor1=None, actor2=None)]})
    found = system_event("E1", "a1", "Herat", 34.35, 62.20, date(2021, 7, 30), "guard was killed",
                         actor1="Unidentified Armed Group (Afghanistan)")
    result = evaluate([record], from_events([found]))
    assert result.overall.tp == 1
    assert result.accuracy["actor1"]["total"] == 0 and result.accuracy["actors"] == {"correct": 1, "total": 1}


def test_fusion_check_counts_a_capture_split_across_two_system_events():
    gold = [parse_record({"article_id": a, "events": [gold_event("Kunduz", 36.73, 68.86, day, "Kunduz"),
                                                      gold_event("Taloqan", 36.736, 69.535, "2021-08-08", "Taloqan")]})
            for a, day in (("a1", "2021-08-08"), ("a2", "2021-08-08"), ("a3", "2021-08-09"))]
    one = system_event("K1", "a1", "Kunduz", 36.73, 68.86, date(2021, 8, 8), "Kunduz")
    one.article_ids = ["a1", "a2"]
    other = system_event("K2", "a3", "Kunduz", 36.73, 68.86, date(2021, 8, 8), "Kunduz")      # should have fused with K1
    taloqan = system_event("T1", "a1", "Taloqan", 36.736, 69.535, date(2021, 8, 8), "Taloqan")
    taloqan.article_ids = ["a1", "a2", "a3"]
    fusion = evaluate(gold, from_events([one, other, taloqan])).fusion
    assert fusion["reported_by_several"] == 2 and fusion["fused"] == 1
    assert fusion["not_fused"][0]["place"] == "Kunduz"
    assert fusion["not_fused"][0]["system_events"] == ["K1", "K2"]
