"""The CI gate: event F1 on the team's gold must not drop below the level measured when evaluation landed.

Each gold set is run through the whole pipeline (the session's one pipeline, so spaCy and the gazetteer load once)
into its own in-memory store, then fused, then scored at the level users see: fused events.
Raise a floor when the system improves; never lower one to make a change pass.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from frontlines.evaluate import evaluate_store, load_gold
from frontlines.storage import Store

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
# Measured on 2026-11-22 at 16:05 UTC: event F1 seeds 0.957 (11 of 12 found, no false alarm), examples 0.978
# (67 of 70, no false alarm); claim F1 seeds 0.875, examples 0.750. Each floor leaves about one error's slack
# below the measured figure (seeds: one more miss; examples: about three).
MIN_F1 = {"seeds": 0.90, "examples": 0.95}
MIN_CLAIM_F1 = {"seeds": 0.80, "examples": 0.70}


def _build_store(pipeline, inputs: list[Path]) -> Store:
    from frontlines.ingest import ingest_paths
    from frontlines.run import new_run_id, run_corpus_stages

    store = Store(":memory:")
    ingest_paths(inputs, store, pipeline.config, new_run_id())
    for article in pipeline.pipe(store.articles(store.article_ids(unprocessed_only=True))):
        article.doc = None
        store.save_annotations(article)
    run_corpus_stages(store, pipeline.config)
    return store


@pytest.fixture(scope="module")
def scored(pipeline, seeds_dir):
    out = {}
    for name, inputs in (("seeds", [seeds_dir / "seeds.jsonl"]), ("examples", [REPO / "examples" / "afghanistan-2021"])):
        store = _build_store(pipeline, inputs)
        out[name] = evaluate_store(load_gold(REPO / "gold" / f"{name}.jsonl"), store)
        store.close()
    return out


@pytest.mark.parametrize("name", ["seeds", "examples"])
def test_event_f1_does_not_regress(scored, name):
    result = scored[name]
    misses = [f"{m['article_id']} {m['sub_event_type']} {m['place']}" for m in result.misses]
    assert result.f1 >= MIN_F1[name], f"{name}: event F1 {result.f1:.3f} < {MIN_F1[name]}; misses: {misses}"


@pytest.mark.parametrize("name", ["seeds", "examples"])
def test_claim_f1_does_not_regress(scored, name):
    assert (scored[name].claims.f1 or 0.0) >= MIN_CLAIM_F1[name]


def test_every_gold_article_is_found_in_the_store(scored):
    assert scored["seeds"].articles_missing == [] and scored["examples"].articles_missing == []
