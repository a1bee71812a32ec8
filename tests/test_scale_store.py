"""Saving a batch of articles leaves the store exactly as saving them one by one."""
from __future__ import annotations

import copy

import pytest

from frontlines.model import Article
from frontlines.pipeline import load_config
from frontlines.scale import process_local, runnable_config
from frontlines.storage import Store
from frontlines.storage.schema import ARTICLE_TABLES
from test_scale_records import _annotated


@pytest.fixture(scope="module")
def annotated(seeds_dir):
    from conftest import load_seed_articles

    config, _ = runnable_config(load_config())
    articles = [a for a in process_local(list(load_seed_articles().values()), config, workers=1)]
    for article in articles:
        article.doc = None
    hand = _annotated()
    hand.doc = None
    return articles + [hand]


def _stores(articles: list[Article]) -> tuple[Store, Store]:
    one, many = Store(), Store()
    for store in (one, many):
        for article in articles:
            store.add_article(copy.deepcopy(article))
    return one, many


def _fingerprints(store: Store) -> dict[str, str]:
    return {table: store.table_hash(table) for table in (*ARTICLE_TABLES, "places", "articles")}


def test_batch_save_matches_article_by_article(annotated):
    one, many = _stores(annotated)
    for article in annotated:
        one.save_annotations(article)
    many.save_annotations(annotated)
    assert _fingerprints(many) == _fingerprints(one)
    assert many.count("sentences") == sum(len(a.sentences) for a in annotated) > 0
    assert many.article_ids(unprocessed_only=True) == []


def test_batch_save_replaces_earlier_annotations(annotated):
    one, many = _stores(annotated)
    for article in annotated:
        one.save_annotations(article)
    stale = copy.deepcopy(annotated)
    for article in stale:
        article.sentences = article.sentences[:1]
        article.actors = []
    many.save_annotations(stale)
    many.save_annotations(annotated)
    assert _fingerprints(many) == _fingerprints(one)


def test_mixed_types_fall_back_to_row_inserts(annotated):
    one, many = _stores(annotated[-1:])
    odd = copy.deepcopy(annotated[-1])
    odd.actors[0].via = 7        # an int where text is expected: Arrow refuses, DuckDB casts
    one.save_annotations(odd)
    many.save_annotations([odd])
    assert _fingerprints(many) == _fingerprints(one)


def test_empty_batch_is_a_no_op():
    store = Store()
    store.save_annotations([])
    assert store.count("sentences") == 0
