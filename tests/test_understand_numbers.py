"""Numbers: ACLED's conservative reading of vague amounts, UCDP low/best/high, and what was counted."""
from __future__ import annotations

from datetime import date

import pytest

from frontlines.model import Article
from frontlines.understand.dates import DateComponent
from frontlines.understand.numbers import QuantityComponent, parse_amount, parse_number
from frontlines.understand.sentences import split_sentences

QUANTITIES = QuantityComponent({})


def _quantities(text: str):
    article = Article(id="q", text=text, published=date(2021, 8, 9))
    article.sentences = split_sentences(text)
    DateComponent({})(article)
    return [(q.text, q.kind, q.low, q.best, q.high, q.subject) for q in QUANTITIES(article).quantities]


@pytest.mark.parametrize("text,expected", [
    ("14", (14, 14, 14)), ("3,000", (3000, 3000, 3000)), ("twenty-five", (25, 25, 25)),
    ("two hundred", (200, 200, 200)), ("1.5 million", (1500000, 1500000, 1500000)), ("a dozen", (12, 12, 12)),
    ("several", (3, 3, None)), ("dozens", (12, 12, None)), ("dozens of", (12, 12, None)),
    ("hundreds", (100, 100, None)), ("scores of", (20, 20, None)), ("tens", (10, 10, None)),
    ("tens of thousands of", (10000, 10000, None)),
    ("at least 14", (14, 14, None)), ("more than 80", (81, 81, None)), ("nearly 30", (None, 30, 30)),
    ("up to 10", (None, 10, 10)), ("about 50", (None, 50, None)),
    ("5 to 10", (5, 5, 10)), ("10-12", (10, 10, 12)), ("between five and ten", (5, 5, 10)),
])
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["", "half", "many", "none of them", "x" * 10_000])
def test_parse_number_rejects_what_is_not_an_amount(text):
    assert parse_number(text) is None


def test_parse_amount_keeps_the_comparator():
    assert parse_amount("more than 250") == ((251, 251, None), "more_than")
    assert parse_amount("nearly 30") == ((None, 30, 30), "nearly")


def test_casualties_alone_are_not_deaths(seed_articles):
    article = seed_articles["004"]
    article.sentences = split_sentences(article.text)
    DateComponent({})(article)
    found = [(q.text, q.kind, q.low, q.best, q.subject) for q in QUANTITIES(article).quantities]
    assert ("more than 250", "casualties", 251, 251, "civilians") in found
    assert ("scores of", "killed", 20, 20, "civilians") in found   # "killing scores of civilians"
    assert not [f for f in found if f[1] == "killed" and f[0] == "more than 250"]


def test_killed_injured_and_counts():
    assert _quantities("At least 12 soldiers were killed and 20 wounded.") == [
        ("At least 12", "killed", 12, 12, None, "soldiers"), ("20", "injured", 20, 20, 20, None)]
    assert _quantities("Dozens of civilians died.") == [("Dozens of", "killed", 12, 12, None, "civilians")]
    assert _quantities("The Pentagon will send 3,000 soldiers.") == [("3,000", "count", 3000, 3000, 3000, "soldiers")]


def test_numbers_that_count_nothing_are_ignored():
    assert _quantities("The clashes were the worst in 20 years, within two kilometers, in 2015.") == []


def test_an_absurdly_long_number_is_no_count_and_no_crash():
    from frontlines.understand.numbers import _amount, load_vocabulary

    assert _amount("9" * 400, load_vocabulary()) is None
    assert _amount("3,000", load_vocabulary()) == 3000
