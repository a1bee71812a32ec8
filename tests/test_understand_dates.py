"""Dates: our own rules against the publication date, ACLED time precision and history."""
from __future__ import annotations

from datetime import date

import pytest

from frontlines.model import Article
from frontlines.understand.dates import DateComponent, find_dates, resolve_expression
from frontlines.understand.sentences import split_sentences

DATES = DateComponent({})
MONDAY = date(2021, 8, 9)


def _dates(article: Article) -> Article:
    article.sentences = split_sentences(article.text)
    return DATES(article)


def _find(article: Article, text: str):
    return next(d for d in article.dates if d.text.lower() == text.lower())


def test_on_the_22nd_in_000(seed_articles):
    article = _dates(seed_articles["000"])
    mentions = [d for d in article.dates if d.text.lower() == "on the 22nd"]
    assert len(mentions) == 3
    assert {(d.date_start, d.date_end, d.precision, d.historical) for d in mentions} == \
        {(date(2021, 6, 22), date(2021, 6, 22), 1, False)}
    assert _find(article, "on Monday").date_start == date(2021, 6, 21)     # published Wednesday 23 June
    assert _find(article, "September 11").date_start == date(2021, 9, 11)  # the announced deadline


def test_over_the_weekend_in_001(seed_articles):
    article = _dates(seed_articles["001"])
    weekend = _find(article, "over the weekend")
    assert (weekend.date_start, weekend.date_end, weekend.precision) == (date(2021, 8, 7), date(2021, 8, 8), 2)
    assert _find(article, "On Monday").date_start == date(2021, 8, 9)      # the publication day itself
    assert (_find(article, "last month").date_start, _find(article, "last month").precision) == (date(2021, 7, 1), 3)


def test_on_friday_in_003(seed_articles):
    article = _dates(seed_articles["003"])
    fridays = [d for d in article.dates if d.text == "on Friday"]
    assert fridays and all(d.date_start == d.date_end == date(2021, 7, 30) and d.precision == 1 for d in fridays)
    overnight = _find(article, "overnight")
    assert (overnight.date_start, overnight.date_end) == (date(2021, 7, 30), date(2021, 7, 31))


@pytest.mark.parametrize("key,text", [
    ("001", "the 1980s"), ("001", "the late 1990s"), ("001", "in 2001"), ("001", "2015"), ("001", "in 2016"),
    ("001", "9/11"), ("002", "nearly 20 years ago"), ("003", "In November 2001"), ("003", "September 11, 2001"),
    ("003", "In February 2020"), ("004", "the mid-1990s"), ("004", "in 2018"),
])
def test_historical_references_are_history(seed_articles, key, text):
    assert _find(_dates(seed_articles[key]), text).historical


def test_recent_dates_are_not_history(seed_articles):
    article = _dates(seed_articles["004"])
    assert not any(d.historical for d in article.dates if d.text in ("in early May", "last month", "in May", "in recent weeks"))
    assert _find(article, "in early May").date_start == date(2021, 5, 1)


@pytest.mark.parametrize("text,published,expected", [
    ("on Monday", date(2021, 8, 9), (date(2021, 8, 9), date(2021, 8, 9), 1)),      # Monday article
    ("on Monday", date(2021, 8, 10), (date(2021, 8, 9), date(2021, 8, 9), 1)),     # Tuesday article
    ("last Monday", date(2021, 8, 9), (date(2021, 8, 2), date(2021, 8, 2), 1)),
    ("late on Thursday", date(2021, 8, 13), (date(2021, 8, 12), date(2021, 8, 12), 1)),
    ("on the 22nd", date(2021, 6, 23), (date(2021, 6, 22), date(2021, 6, 22), 1)),
    ("on the 22nd", date(2021, 6, 21), (date(2021, 5, 22), date(2021, 5, 22), 1)),  # never a future date
    ("on the 31st", date(2021, 7, 2), (date(2021, 5, 31), date(2021, 5, 31), 1)),   # June has no 31st
    ("over the weekend", date(2021, 8, 8), (date(2021, 8, 7), date(2021, 8, 8), 2)),
    ("over the weekend", date(2021, 8, 11), (date(2021, 8, 7), date(2021, 8, 8), 2)),
    ("yesterday", MONDAY, (date(2021, 8, 8), date(2021, 8, 8), 1)),
    ("last week", MONDAY, (date(2021, 8, 2), date(2021, 8, 8), 2)),
    ("last month", date(2021, 1, 15), (date(2020, 12, 1), date(2020, 12, 31), 3)),
    ("earlier this month", MONDAY, (date(2021, 8, 1), MONDAY, 3)),
    ("by the end of the month", MONDAY, (date(2021, 8, 1), date(2021, 8, 31), 3)),
    ("in recent weeks", MONDAY, (date(2021, 7, 12), MONDAY, 3)),
    ("earlier this year", MONDAY, (date(2021, 1, 1), MONDAY, 3)),        # vaguer than a month is still 3
    ("in April", MONDAY, (date(2021, 4, 1), date(2021, 4, 30), 3)),
    ("in November", date(2022, 2, 1), (date(2021, 11, 1), date(2021, 11, 30), 3)),
    ("by September", date(2021, 6, 19), (date(2021, 9, 1), date(2021, 9, 30), 3)),
    ("since early May", date(2021, 6, 19), (date(2021, 5, 1), date(2021, 5, 10), 3)),
    ("May 1", date(2021, 6, 23), (date(2021, 5, 1), date(2021, 5, 1), 1)),
    ("12 August 2021", None, (date(2021, 8, 12), date(2021, 8, 12), 1)),
    ("2021-06-19", None, (date(2021, 6, 19), date(2021, 6, 19), 1)),
])
def test_resolve_expression(text, published, expected):
    mention = resolve_expression(text, published)
    assert (mention.date_start, mention.date_end, mention.precision) == expected


@pytest.mark.parametrize("text", ["on Monday", "on the 22nd", "over the weekend", "last month", "overnight", "in April"])
def test_without_publication_date_relative_dates_stay_unresolved(text):
    mention = resolve_expression(text, None)
    assert mention is not None and mention.date_start is None and mention.date_end is None


def test_may_the_verb_is_not_a_month():
    assert resolve_expression("it may slow the drawdown", MONDAY) is None
    assert resolve_expression("May the fighting end", MONDAY) is None
    assert resolve_expression("in May alone", MONDAY).date_start == date(2021, 5, 1)


def test_numbers_are_not_years():
    assert resolve_expression("3,000 soldiers", MONDAY) is None
    assert resolve_expression("2,500 people", MONDAY) is None


def test_dates_carry_sentence_and_offsets(seed_articles):
    article = _dates(seed_articles["002"])
    for mention in article.dates:
        assert article.text[mention.start:mention.end] == mention.text
        assert article.sentences[mention.sentence].start <= mention.start


def test_hostile_text():
    assert resolve_expression("", MONDAY) is None
    article = _dates(Article(id="x", text="on the 99th \x00 of Smarch " * 200, published=MONDAY))
    assert article.dates == []


TUESDAY = date(2021, 8, 10)


@pytest.mark.parametrize("sentence,expected", [
    # ranges: the window, precision 2 up to a week, 3 beyond
    ("Fighters held the pass from Aug. 6 to Aug. 8.", (date(2021, 8, 6), date(2021, 8, 8), 2)),
    ("Fighting raged between 6 and 8 August.", (date(2021, 8, 6), date(2021, 8, 8), 2)),
    ("Clashes on Aug 6-8 left dozens dead.", (date(2021, 8, 6), date(2021, 8, 8), 2)),
    ("Clashes on 6\u20138 August left dozens dead.", (date(2021, 8, 6), date(2021, 8, 8), 2)),
    ("Raids from 6 to 8 August emptied the valley.", (date(2021, 8, 6), date(2021, 8, 8), 2)),
    ("The siege lasted from 30 July to 2 August 2021.", (date(2021, 7, 30), date(2021, 8, 2), 2)),
    ("The offensive ran from July 1 to July 20.", (date(2021, 7, 1), date(2021, 7, 20), 3)),
    ("Shelling went on between Dec. 30 and Jan. 2.", (date(2020, 12, 30), date(2021, 1, 2), 2)),
    ("Fighting from Friday to Sunday emptied the town.", (date(2021, 8, 6), date(2021, 8, 8), 2)),
    # nights are their first day
    ("The town fell on the night of 6 to 7 August.", (date(2021, 8, 6), date(2021, 8, 6), 1)),
    ("The town fell on the night of Saturday to Sunday.", (date(2021, 8, 7), date(2021, 8, 7), 1)),
    ("The town fell on the night of Aug. 7.", (date(2021, 8, 7), date(2021, 8, 7), 1)),
    ("Rebels attacked at dawn on Monday.", (date(2021, 8, 9), date(2021, 8, 9), 1)),
    ("The base was overrun overnight.", (date(2021, 8, 9), date(2021, 8, 10), 1)),
    # spans back from publication
    ("The rebels seized three towns in the past three days.", (date(2021, 8, 7), TUESDAY, 2)),
    ("Two towns fell in the past 24 hours.", (date(2021, 8, 9), TUESDAY, 1)),
    ("Two towns fell over the last 48 hours.", (date(2021, 8, 8), TUESDAY, 2)),
    ("Five districts fell in the past week.", (date(2021, 8, 3), TUESDAY, 2)),
    ("Ten districts fell over the past two months.", (date(2021, 6, 11), TUESDAY, 3)),
    ("The town fell two days ago.", (date(2021, 8, 8), date(2021, 8, 8), 1)),
    ("The town fell a week ago.", (date(2021, 8, 3), date(2021, 8, 3), 2)),
    ("The town fell over the weekend.", (date(2021, 8, 7), date(2021, 8, 8), 2)),
    ("They took the town this week.", (date(2021, 8, 9), TUESDAY, 2)),
    ("They took the town last week.", (date(2021, 8, 2), date(2021, 8, 8), 2)),
    ("They took the town early last week.", (date(2021, 8, 2), date(2021, 8, 4), 2)),
    ("They took the town earlier this month.", (date(2021, 8, 1), TUESDAY, 3)),
    ("They took the town late last month.", (date(2021, 7, 21), date(2021, 7, 31), 3)),
    ("They took the town at the end of last month.", (date(2021, 7, 21), date(2021, 7, 31), 3)),
    ("The town fell a month ago.", (date(2021, 7, 1), date(2021, 7, 31), 3)),
    # a month or a year is never a day, and a month or year still running ends at publication
    ("The town fell in August.", (date(2021, 8, 1), TUESDAY, 3)),
    ("The town fell in July.", (date(2021, 7, 1), date(2021, 7, 31), 3)),
    ("The town fell in 2021.", (date(2021, 1, 1), TUESDAY, 3)),
    ("The town fell in 2005.", (date(2005, 1, 1), date(2005, 12, 31), 3)),
    ("He was governor from 2005 to 2013.", (date(2005, 1, 1), date(2013, 12, 31), 3)),
    ("He was governor between 2005 and 2013.", (date(2005, 1, 1), date(2013, 12, 31), 3)),
    ("He was governor in 2005-2013.", (date(2005, 1, 1), date(2013, 12, 31), 3)),
])
def test_constructions_resolve_against_a_tuesday_article(sentence, expected):
    [mention] = find_dates(sentence, TUESDAY)
    assert (mention.date_start, mention.date_end, mention.precision) == expected


def test_a_day_and_a_number_after_it_are_no_range():
    [mention] = find_dates("On Aug. 6 and 8 people died.", TUESDAY)
    assert (mention.date_start, mention.date_end, mention.precision) == (date(2021, 8, 6), date(2021, 8, 6), 1)


def test_an_abbreviated_month_before_its_day_is_a_day_not_the_month():
    assert [(m.text, m.precision) for m in find_dates("It fell from Aug. 6 on.", TUESDAY)] == [("Aug. 6", 1)]


def test_years_and_months_are_never_day_precision():
    for sentence in ("It fell in 2005.", "Fighting in 2019 and 2020.", "In August the town fell.", "by the 1990s",
                     "nearly 20 years ago", "earlier this year", "last year", "in recent months"):
        assert all(m.precision == 3 for m in find_dates(sentence, TUESDAY)), sentence


def test_a_history_year_range_is_history():
    [mention] = find_dates("He was minister from 2005 to 2013.", TUESDAY)
    assert mention.historical


def test_a_day_far_ahead_of_publication_is_last_years():
    [mention] = find_dates("The town fell on Dec. 30.", date(2022, 1, 3))
    assert mention.date_start == date(2021, 12, 30)


def test_an_undated_article_gives_a_day_its_year_from_its_own_text():
    text = "Talks began in January 2021. On August 15, the rebels took the capital. On Monday they held a parade."
    found = {m.text: m for m in find_dates(text, None)}
    assert found["On August 15"].date_start == date(2021, 8, 15)
    assert found["On Monday"].date_start is None                 # a weekday needs a publication day
    text = "Talks were set for December 15th, 2024. Since the beginning of 2025 they advanced. They took it on January 23rd."
    assert {m.text: m for m in find_dates(text, None)}["on January 23rd"].date_start == date(2025, 1, 23)


def test_an_undated_article_without_a_year_keeps_its_days_unresolved():
    [mention] = find_dates("On August 15, the rebels took the capital.", None)
    assert mention.date_start is None


def test_an_undated_article_takes_the_year_its_address_files_it_under():
    article = Article(id="u", text="The district had fallen on June 08.", url="https://news.example/2021/06/district-falls")
    [mention] = _dates(article).dates
    assert mention.date_start == date(2021, 6, 8)


def test_a_range_longer_than_a_month_keeps_its_two_days():
    found = find_dates("Fighting went on from April 24 to June 14.", TUESDAY)
    assert [(m.date_start, m.precision) for m in found] == [(date(2021, 4, 24), 1), (date(2021, 6, 14), 1)]


@pytest.mark.parametrize("url", ["https://news.example/2021/08/10/town-falls/", "https://news.example/town-falls-2021-08-10",
                                 "https://news.example/10-08-2021/town-falls"])
def test_an_undated_article_filed_under_a_day_is_read_as_published_that_day(url):
    article = _dates(Article(id="u", text="The town fell on Monday.", url=url))
    assert article.dates[0].date_start == date(2021, 8, 9) and article.published is None
