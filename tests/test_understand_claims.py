"""Claims: the seed tallies with claimant, count, comparator, denominator and dates."""
from __future__ import annotations

from datetime import date

import pytest

from frontlines.model import Article
from frontlines.pipeline import Pipeline
from frontlines.understand.claims import find_claims

UNDERSTAND = Pipeline(components=["sentences", "actors", "dates", "quantities", "claims", "modality"])


def _claims(article: Article) -> list[tuple]:
    UNDERSTAND(article)
    return [(c.text, c.claimant, c.metric, c.count, c.comparator, c.denominator, c.as_of, c.since)
            for c in article.claims]


def _words(article: Article, first: str, last: str, count: int) -> str:
    """The ``count`` words of the article from ``first`` to the end of the next ``last``: the exact span a claim
    must cover, read from the seed at run time (the seeds' text is not copied into the repository)."""
    start = article.text.index(first)
    span = article.text[start:article.text.index(last, start) + len(last)]
    assert len(span.split()) == count, span
    return span


def test_taliban_claim_80_of_421_regions(seed_articles):
    article = seed_articles["000"]
    assert _claims(article) == [
        (_words(article, "more than 80", "regions", 7), "taliban", "districts", 80, "more_than", 421,
         date(2021, 6, 23), None)]


def test_more_than_half_of_400_regions_is_200_districts(seed_articles):
    # "half" of a counted whole is recorded in the metric's unit: 0.5 x 400 = 200 districts, denominator 400.
    article = seed_articles["001"]
    assert _claims(article) == [
        (_words(article, "more than half", "400 regions", 8), "Financial Times", "districts", 200, "more_than", 400,
         date(2021, 8, 9), None)]


def test_at_least_14_of_34_provincial_capitals(seed_articles):
    article = seed_articles["002"]
    claims = _claims(article)
    assert (_words(article, "at least 14", "provincial capitals", 8), "Financial Times", "provincial_capitals", 14,
            "at_least", 34, date(2021, 8, 13), None) in claims
    assert (_words(article, "more than half", "territory", 7), "Financial Times", "territory_share", 0.5, "more_than",
            None, date(2021, 8, 13), None) in claims


def test_nearly_30_districts_since_early_may_and_interior_ministry_casualties(seed_articles):
    assert _claims(seed_articles["004"]) == [
        ("nearly 30 districts", "taliban", "districts", 30, "nearly", None, date(2021, 6, 19), date(2021, 5, 1)),
        ("more than 250 civilian casualties", "Interior Ministry", "civilian_casualties", 250, "more_than", None,
         date(2021, 5, 31), date(2021, 5, 1)),
    ]


def test_up_to_half_of_the_territory(seed_articles):
    article = seed_articles["003"]
    assert _claims(article) == [
        (_words(article, "up to half", "territory", 7), "BBC News", "territory_share", 0.5, "up_to", None,
         date(2021, 7, 31), None)]


@pytest.mark.parametrize("text, expected", [
    ("The Taliban claim to control more than 90 of the 407 regions.",
     ("more than 90 of the 407 regions", "taliban", "districts", 90, "more_than", 407)),
    ("Rebel fighters now hold more than half of the nation’s 380 regions.",
     ("more than half of the nation’s 380 regions", "Wire", "districts", 190, "more_than", 380)),
    ("Insurgents now hold at least 17 of the 34 provincial capitals.",
     ("at least 17 of the 34 provincial capitals", "Wire", "provincial_capitals", 17, "at_least", 34)),
    ("The movement may already hold up to half of the whole country’s territory.",
     ("up to half of the whole country’s territory", "Wire", "territory_share", 0.5, "up_to", None)),
])
def test_the_same_tally_shapes_in_sentences_of_our_own(text, expected):
    article = Article(id="o", text=text, published=date(2021, 8, 9), outlet="Wire")
    assert [claim[:6] for claim in _claims(article)] == [expected]
    assert article.claims[0].as_of == date(2021, 8, 9)


def test_an_event_report_is_not_a_claim():
    article = Article(id="a", text="The Taliban captured five provincial capitals over the weekend.",
                      published=date(2021, 8, 9))
    assert _claims(article) == []


def test_claims_have_ids_offsets_and_no_publication_date_means_no_as_of():
    article = Article(id="b", text="Officials said the Taliban now control 150 districts.")
    claims = UNDERSTAND(article).claims
    assert [(c.id, c.metric, c.count, c.as_of) for c in claims] == [("b:c0", "districts", 150, None)]
    assert article.text[claims[0].start:claims[0].end] == claims[0].text


def test_find_claims_needs_no_other_component():
    article = Article(id="c", text="Rebels hold at least 3 of the 10 border crossings.", published=date(2021, 8, 9))
    UNDERSTAND.get("sentences")(article)
    (claim,) = find_claims(article, article.sentences[0])
    assert (claim.metric, claim.count, claim.comparator, claim.denominator, claim.claimant) == \
        ("border_crossings", 3, "at_least", 10, None)


def test_the_full_pipeline_keeps_actors_dates_claims_and_modality(annotated_seeds):
    article = annotated_seeds["004"]
    assert [(c.claimant, c.metric, c.count, c.comparator) for c in article.claims] == [
        ("taliban", "districts", 30, "nearly"), ("Interior Ministry", "civilian_casualties", 250, "more_than")]
    assert ("Tullivan", "taliban") in {(m.text, m.actor_id) for m in annotated_seeds["003"].actors}
    weekend = next(d for d in annotated_seeds["001"].dates if d.text == "over the weekend")
    assert (weekend.date_start, weekend.date_end, weekend.precision) == (date(2021, 8, 7), date(2021, 8, 8), 2)
    assert next(s for s in article.sentences if "as they did in 2018" in s.text).modality == "history"
