"""Wire copies and near-duplicates are grouped; different reports are not."""
from __future__ import annotations

from pathlib import Path

import pytest

from frontlines.ingest import ingest_paths
from frontlines.ingest.duplicates import group_duplicates, group_duplicates_stage, shingles
from frontlines.pipeline import PipelineContext, load_config

WIRE = Path(__file__).parent / "fixtures" / "ingest" / "wire"


def test_wire_copy_with_other_header_and_footer_is_grouped_and_a_different_story_is_not(store):
    config = load_config()
    ingest_paths([WIRE], store, config, run_id="r1")
    ids = {Path(a.source_path).name: a.id for a in store.articles()}
    summary = group_duplicates_stage(store, PipelineContext(config, store))
    groups = {Path(a.source_path).name: a.dup_group for a in store.articles()}
    pair = sorted([ids["original.txt"], ids["copy_with_header.txt"]])
    assert groups["original.txt"] == groups["copy_with_header.txt"] == pair[0]  # named by its smallest id
    assert groups["different.txt"] == ids["different.txt"]  # a singleton is its own group
    assert summary == {"groups": 1, "grouped_articles": 2, "independent_reports": 2, "articles": 3, "changed": 3}
    # Running again changes nothing.
    assert group_duplicates_stage(store, PipelineContext(config, store))["changed"] == 0


def test_groups_do_not_depend_on_arrival_order():
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(WIRE.iterdir())]
    assert group_duplicates(texts) == group_duplicates(list(reversed(texts)))


def test_copies_chain_into_one_group_and_short_texts_are_handled():
    body = " ".join(f"word{i}" for i in range(200))
    articles = [("c", body + " tail one two three"), ("a", "intro words here " + body), ("b", body), ("z", "Kabul"),
                ("y", ""), ("x", "Kabul")]
    groups = group_duplicates(articles)
    assert groups["a"] == groups["b"] == groups["c"] == "a"
    assert groups["x"] == groups["z"] == "x"  # identical short texts
    assert groups["y"] == "y"


def test_threshold_comes_from_the_config(store):
    strict = load_config(overrides={"ingest": {"duplicate_threshold": 0.95}})
    ingest_paths([WIRE], store, strict, run_id="r1")
    assert group_duplicates_stage(store, PipelineContext(strict, store))["groups"] == 0


def test_shingles_ignore_case_and_punctuation():
    assert shingles("The Taliban, took KUNDUZ on Sunday!") == shingles("the taliban took kunduz on sunday")
    assert len(shingles("one two three four five six")) == 2


def _stored(store, articles) -> None:
    from frontlines.model import Article

    for article_id, text in articles:
        store.add_article(Article(id=article_id, text=text))


CHAIN = " ".join(f"word{i}" for i in range(200))
CORPUS = [("c", CHAIN + " tail one two three"), ("a", "intro words here " + CHAIN), ("b", CHAIN), ("z", "Kabul"),
          ("x", "Kabul."), ("w", "Herat fell on Friday after weeks of fighting in the city and around the airport."),
          ("e", " ".join(CHAIN.split()[:180] + [f"other{i}" for i in range(20)]))]


def test_the_stage_groups_as_the_in_memory_grouping_does_and_hashes_each_article_once(store, monkeypatch):
    import frontlines.ingest.duplicates as duplicates

    _stored(store, CORPUS)
    config = load_config()
    summary = group_duplicates_stage(store, PipelineContext(config, store))
    expected = group_duplicates(CORPUS)
    assert {a.id: a.dup_group for a in store.articles()} == expected
    assert expected["a"] == expected["b"] == expected["c"] == "a" and expected["x"] == expected["z"] == "x"
    assert summary == {"groups": 2, "grouped_articles": 6, "independent_reports": 3, "articles": 7, "changed": 7}

    hashed = []
    real = duplicates.signature
    monkeypatch.setattr(duplicates, "signature", lambda text, n: hashed.append(text) or real(text, n))
    _stored(store, [("d", CHAIN + " and one more sentence at the end")])
    summary = group_duplicates_stage(store, PipelineContext(config, store))
    assert hashed == [CHAIN + " and one more sentence at the end"]        # only the new article
    assert store.articles(["d"])[0].dup_group == "a" and summary["changed"] == 1


def test_a_new_threshold_rebands_the_stored_signatures_without_hashing_again(store, monkeypatch):
    import frontlines.ingest.duplicates as duplicates

    expected = group_duplicates(CORPUS, threshold=0.95)
    _stored(store, CORPUS)
    group_duplicates_stage(store, PipelineContext(load_config(), store))
    monkeypatch.setattr(duplicates, "signature", lambda text, n: pytest.fail("hashed again"))
    strict = load_config(overrides={"ingest": {"duplicate_threshold": 0.95}})
    group_duplicates_stage(store, PipelineContext(strict, store))
    groups = {a.id: a.dup_group for a in store.articles()}
    assert groups == expected
    assert groups["e"] == "e" and groups["a"] == groups["b"] == "a" and groups["x"] == groups["z"]


def test_a_crowded_bucket_of_copies_is_linked_through_its_first_article(store):
    from frontlines.storage import minhash

    copies = [(f"s{i}", f"{CHAIN} (copy {i})") for i in range(6)]
    _stored(store, copies)
    config = load_config()
    group_duplicates_stage(store, PipelineContext(config, store))
    full = minhash.similar_pairs(store, 128, minhash.banded_schemes(store)[0], 0.7)
    hubbed = minhash.similar_pairs(store, 128, minhash.banded_schemes(store)[0], 0.7, crowded=1)
    assert len(hubbed) < len(full) == 15   # star links, not all 15 pairs ...
    linked = {"s0"}
    for _ in copies:
        linked |= {x for a, b in hubbed if a in linked or b in linked for x in (a, b)}
    assert linked == {i for i, _ in copies}   # ... that still join every copy into one group
    assert {a.id: a.dup_group for a in store.articles()} == group_duplicates(copies)
