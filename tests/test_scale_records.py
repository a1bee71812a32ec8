"""Articles survive the trip to another process or to Parquet exactly (records.py)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from frontlines.model import (
    ActorMention, Article, Claim, DateMention, EventMention, Evidence, Place, PlaceMention, Quantity, Sentence,
)
from frontlines.scale import RECORD_FIELDS, RecordError, article_from_record, article_to_record


def _annotated() -> Article:
    kunduz = Place(id="af:kunduz", name="Kunduz", kind="city", country="AF", admin1="Kunduz", lat=36.72, lon=68.86,
                   population=268893, is_capital=True, source="curated")
    text = "On Sunday the Taliban captured Kunduz. Eleven soldiers were killed."
    killed = Quantity(start=39, end=45, sentence=1, text="Eleven", kind="killed", low=11, best=11, high=11, subject="soldiers")
    return Article(
        id="a1", text=text, title="Kunduz falls", outlet="Test Wire", published=date(2021, 8, 8), published_source="field",
        ingested_at=datetime(2021, 8, 9, 10, 30, 5), extra={"lang": "en", "tags": ["north", 2]},
        sentences=[Sentence(0, 0, 38, text[:38]), Sentence(1, 39, 67, text[39:], paragraph=0, modality="asserted")],
        places=[PlaceMention(31, 37, 0, "Kunduz", place=kunduz, score=0.93, reason="capital", geo_precision=1),
                PlaceMention(0, 2, 0, "On")],
        actors=[ActorMention(14, 21, 0, "Taliban", "taliban")],
        dates=[DateMention(3, 9, 0, "Sunday", date(2021, 8, 8), date(2021, 8, 8), precision=1, rule="weekday")],
        quantities=[killed],
        claims=[Claim("a1", 1, 39, 67, text[39:], claimant=None, metric="soldiers_killed", count=11.0, as_of=date(2021, 8, 8))],
        mentions=[EventMention("a1", "Battles", "Armed clash", "taliban", "afghan_forces", place=kunduz, geo_precision=1,
                               date_start=date(2021, 8, 8), date_end=date(2021, 8, 8), time_precision=1, fatalities=killed,
                               confidence=0.8, evidence=[Evidence("a1", 0, 0, 38, text[:38])], id="a1:m0")],
        doc=object(),   # stands in for a spaCy Doc: must not travel
    )


def test_round_trip_rebuilds_every_annotation_as_its_dataclass():
    original = _annotated()
    back = article_from_record(article_to_record(original))
    assert back.doc is None
    original.doc = None
    assert back == original
    assert isinstance(back.mentions[0].place, Place) and isinstance(back.mentions[0].fatalities, Quantity)
    assert back.mentions[0].evidence[0] == Evidence("a1", 0, 0, 38, original.text[:38])
    assert back.published == date(2021, 8, 8) and back.claims[0].as_of == date(2021, 8, 8)
    assert type(back.ingested_at) is datetime


def test_record_is_one_string_per_field_without_the_doc():
    record = article_to_record(_annotated())
    assert tuple(record) == RECORD_FIELDS and "doc" not in record
    assert all(isinstance(value, str) or value is None for value in record.values())
    assert record["id"] == "a1" and record["published"] == "2021-08-08" and record["url"] is None


def test_record_keeps_control_characters_and_markup_verbatim():
    text = "nul \x00 and \u202e override </script><b>"
    record = article_to_record(Article(id="x", text=text))
    assert record["text"] == text and article_from_record(record).text == text


def test_lone_surrogate_is_a_clear_error_not_an_arrow_traceback():
    with pytest.raises(RecordError, match="'text'"):
        article_to_record(Article(id="x", text="bad \udcff bytes", content_hash="given"))


def test_seed_article_round_trips(seed_articles):
    for article in seed_articles.values():
        assert article_from_record(article_to_record(article)) == article


def test_unserialisable_extra_is_a_clear_error():
    with pytest.raises(RecordError, match="'extra'"):
        article_to_record(Article(id="x", text="t", extra={"handle": object()}))


@pytest.mark.parametrize("record", [{}, {"id": "x"}, {"id": "x", "text": "t", "places": "not json"},
                                    {"id": "x", "text": "t", "published": "2021-13-45"},
                                    {"id": "x", "text": "t", "sentences": '[{"start": 0}]'}])
def test_malformed_record_is_a_clear_error(record):
    with pytest.raises(RecordError):
        article_from_record(record)
