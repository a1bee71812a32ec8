"""The real-news sets: manifests and gold in the repository are well-formed and split by the written rule; the
texts (third-party) are only in the local cache, and no repository file copies a run of their words."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from frontlines.evaluate import load_gold
from frontlines.evaluate.gold import Quote
from frontlines.evaluate.realnews import (
    GOLD_DIR, MANIFEST, SPLITS, CacheError, article_id, cached_articles, check_cache, from_excerpt, load_manifest,
    split_of, text_hash,
)
from frontlines.evaluate.timeline import load_timeline
from test_no_seed_text import _repository_files, _shingles

REPO = Path(__file__).resolve().parents[1]
MANIFEST_ROWS = load_manifest(MANIFEST)
CONFLICTS = sorted({e.conflict for e in MANIFEST_ROWS})


def test_the_sets_are_as_large_as_promised():
    per_conflict = Counter(e.conflict for e in MANIFEST_ROWS)
    assert len(MANIFEST_ROWS) >= 400
    assert "afghanistan" in per_conflict and len(per_conflict) >= 5
    assert min(per_conflict.values()) >= 60, per_conflict


def test_manifest_rows_follow_the_split_rule_and_name_each_page_once():
    assert len({e.url for e in MANIFEST_ROWS}) == len({e.id for e in MANIFEST_ROWS}) == len(MANIFEST_ROWS)
    for e in MANIFEST_ROWS:
        assert e.split == split_of(e.url) and e.id == article_id(e.conflict, e.url)
        assert e.url.startswith(("http://", "https://")) and len(e.sha1) == 40
    for conflict in CONFLICTS:
        splits = Counter(e.split for e in MANIFEST_ROWS if e.conflict == conflict)
        assert all(splits[s] >= 20 for s in SPLITS), (conflict, splits)


def test_split_rule_is_fixed():
    # The rule must never change once sets are split (changing it would leak held-out articles into development).
    assert split_of("https://news.example.org/a") == "heldout"
    assert split_of("https://news.example.org/c") == "dev"


@pytest.mark.parametrize("conflict", CONFLICTS)
def test_every_article_has_gold_and_every_gold_source_is_an_article(conflict):
    ids = {e.id for e in MANIFEST_ROWS if e.conflict == conflict}
    gold = load_gold(GOLD_DIR / f"{conflict}.jsonl")
    assert {r.article_id for r in gold} == ids
    assert all(isinstance(item.sentence, Quote) for r in gold for item in [*r.events, *r.non_events, *r.claims])
    timeline = load_timeline(GOLD_DIR / f"{conflict}.timeline.json")
    sources = {s for town in timeline.towns for c in town.changes for s in c.sources}
    assert sources <= ids and sources, conflict


def test_an_excerpt_gives_its_date_and_text():
    text, published = from_excerpt(" date 2024-03-05 Our own words about a town.\n\n\n\nMore words. ")
    assert (text, published.isoformat()) == ("Our own words about a town.\n\nMore words.", "2024-03-05")
    assert from_excerpt(" date 2024-03 Month only.")[1] is None
    assert from_excerpt("No date line here.") == ("No date line here.", None)


# -- with the local cache (developer machines; skipped where it has not been rebuilt) ----------------

@pytest.fixture(scope="module")
def cache() -> dict:
    try:
        return cached_articles()
    except CacheError as exc:
        pytest.skip(str(exc))


def test_cached_texts_match_the_manifest_and_gold_offsets_resolve(cache):
    assert check_cache(MANIFEST_ROWS, cache) == {}
    for conflict in CONFLICTS:
        for record in load_gold(GOLD_DIR / f"{conflict}.jsonl"):
            text = cache[record.article_id]["text"]
            for item in [*record.events, *record.non_events, *record.claims]:
                assert item.sentence.resolved(text)


# Words an official name may hold besides capitalised ones ("Alliance of Patriots for a Free and Sovereign Congo").
NAME_WORDS = {"of", "for", "the", "a", "and", "in", "de", "la", "le", "du", "des", "et", "pour", "al", "el", "wal",
              "lid", "-", "–", ":", "&"}


def _prose(run: tuple[str, ...]) -> bool:
    """Is this run of words prose (a lower-case content word in it), not an organisation's official name that
    news and our actor dictionary both spell out?"""
    return any(w[:1].islower() and w.strip(",.;:()\"'") not in NAME_WORDS for w in run)


def test_no_repository_file_copies_a_run_of_real_news_words(cache):
    runs = {run for row in cache.values() for run in _shingles(row["text"].split()) if _prose(run)}
    copied = {}
    for path in _repository_files():
        found = _shingles(path.read_text(encoding="utf-8", errors="ignore").split()) & runs
        if found:
            copied[str(path.relative_to(REPO))] = len(found)
    assert not copied, f"real-news text copied into the repository: {copied}"


def test_names_are_not_prose_but_sentences_are():
    assert not _prose(tuple("Alliance of Patriots for a Free and Sovereign".split()))
    assert _prose(tuple("the first provincial capital to fall to the".split()))


def test_the_cache_is_outside_the_repository(cache):
    from frontlines.evaluate.realnews import cache_dir
    assert REPO not in cache_dir().resolve().parents


def test_the_benchmark_says_in_one_line_when_the_cache_is_missing(tmp_path):
    env = {**os.environ, "FRONTLINES_REALNEWS_CACHE": str(tmp_path / "nothing")}
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "realnews.py")], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "benchmarks/realnews/README.md" in done.stderr


def test_text_hash_is_sha1_of_the_text():
    assert text_hash("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d"
