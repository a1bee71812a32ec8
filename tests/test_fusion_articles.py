"""Fusion end to end on short articles of our own: reports of one change of hands, dated, undated, vaguely dated or
looking back, become one event; a place lost and retaken is one event per change."""
from __future__ import annotations

from datetime import date

import pytest

from frontlines.fuse import fuse
from frontlines.model import TERRITORY, Article
from frontlines.storage import Store

pytestmark = pytest.mark.slow

# (id, published, text)
REPORTS = [
    ("friday", date(2021, 8, 7), "Taliban fighters captured Zaranj, the capital of Nimroz province, on Friday, "
     "officials said."),
    ("range", date(2021, 8, 10), "The Taliban seized Zaranj from Aug. 6 to Aug. 8 after government forces fled, "
     "a local official said."),
    ("earlier", date(2021, 8, 9), "The Taliban had earlier captured Zaranj, the capital of Nimroz province."),
    ("undated", None, "Taliban fighters captured Zaranj, the capital of Nimroz province, officials said."),
    ("month", date(2021, 9, 3), "The Taliban captured Zaranj in August, the first provincial capital to fall."),
]
RETAKEN = [
    ("retaken", date(2021, 8, 18), "Afghan government forces recaptured Zaranj from the Taliban on Tuesday, "
     "the defence ministry said."),
    ("again", date(2021, 8, 21), "Taliban fighters captured Zaranj again on Friday after government forces "
     "withdrew, officials said."),
]


def _changes(pipeline, reports) -> list:
    store = Store(":memory:")
    articles = [Article(id=i, text=t, published=p) for i, p, t in reports]
    for article in pipeline.pipe(articles):
        store.add_article(article)
        store.save_annotations(article)
    fuse(store)
    changes = [e for e in store.events() if e.sub_event_type in TERRITORY and e.location == "Zaranj"]
    store.close()
    return sorted(changes, key=lambda e: e.event_date or date.max)


def test_every_report_of_one_fall_is_one_event_on_the_day_the_precise_reports_give(pipeline):
    [event] = _changes(pipeline, REPORTS)
    assert event.event_date == date(2021, 8, 6) and event.actor1 == "Taliban"
    assert event.article_ids == sorted(i for i, _, _ in REPORTS)


def test_lost_then_retaken_then_lost_again_is_three_changes(pipeline):
    changes = _changes(pipeline, REPORTS + RETAKEN)
    assert [(e.event_date, e.actor1) for e in changes] == [
        (date(2021, 8, 6), "Taliban"), (date(2021, 8, 17), "Military Forces of Afghanistan (2004-2021)"),
        (date(2021, 8, 20), "Taliban")]
