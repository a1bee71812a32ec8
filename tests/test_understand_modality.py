"""Modality: only asserted sentences may yield events, so history, threats, plans and predictions are marked."""
from __future__ import annotations

from datetime import date

import pytest

from frontlines.model import MODALITIES, Article
from frontlines.understand.dates import DateComponent
from frontlines.understand.modality import ModalityComponent, classify_sentence
from frontlines.understand.sentences import split_sentences

MODALITY = ModalityComponent({})


def _modalities(article: Article) -> Article:
    article.sentences = split_sentences(article.text)
    DateComponent({})(article)
    return MODALITY(article)


def _sentence(article: Article, fragment: str):
    return next(s for s in article.sentences if fragment in s.text)


@pytest.mark.parametrize("key,fragment,modality", [
    ("000", "On the 22nd, they captured an important border passage", "asserted"),
    ("000", "they also captured Sikhambadar", "asserted"),
    ("000", "it may slow down the pace of withdrawal", "prediction"),
    ("000", "began to call on civilians and militia members", "appeal"),
    ("001", "occupied five Afghan provincial capitals over the weekend", "asserted"),
    ("001", "the Taliban are now targeting other northern cities", "threat"),
    ("001", "roots lie in the armed resistance to Soviet occupation in the 1980s", "history"),
    ("001", "It came to power in the late 1990s", "history"),
    # One sentence for the splitter ("defend it.The"): the past capture in 2015 and 2016 makes it history.
    ("001", "The Taliban also briefly occupied the city 2015 And in 2016", "history"),
    ("002", "could become a failed country", "prediction"),
    ("002", "prompted an invasion led by the United States nearly 20 years ago", "history"),
    ("002", "The Pentagon will send a reserve detachment", "plan"),
    ("002", "called for “an immediate cessation of attacks on cities”", "appeal"),
    ("003", "If it falls, the other five or six states", "conditional"),
    ("003", "Taliban fighters have entered parts of Herat", "asserted"),
    ("003", "The United States is still conducting airstrikes", "asserted"),
    ("003", "who fought the Soviet army in the 1980s, launched an armed movement", "asserted"),
    ("003", "Local sources told the BBC that the Taliban had been forced back", "asserted"),
    ("003", "In November 2001, the US military and its NATO", "history"),
    ("003", "In February 2020, then-US President Donald Trump", "history"),
    ("004", "in the mid-1990s when they overran most of Afghanistan", "history"),
    ("004", "as they did in 2018", "history"),
    ("004", "preparing to launch an all-out assault", "plan"),
    ("004", "a charge rejected by the group", "denial"),
    ("004", "the Taliban have taken two districts in Ghazni", "asserted"),
])
def test_seed_sentences(seed_articles, key, fragment, modality):
    sentence = _sentence(_modalities(seed_articles[key]), fragment)
    assert sentence.modality == modality, (sentence.modality, sentence.modality_cue, sentence.text)
    assert (sentence.modality_cue is None) == (modality == "asserted")


@pytest.mark.parametrize("text,modality,cue", [
    ("The government has vowed to defend it.", "plan", "vowed to"),
    ("The Taliban vowed to capture the city.", "threat", "vowed to capture"),
    ("The Taliban are now targeting other cities.", "threat", "are now targeting"),
    ("It may slow down the pace of withdrawal.", "prediction", "may"),
    ("Afghanistan could become a failed country.", "prediction", "could"),
    ("If it falls, the province will be lost.", "conditional", "If"),
    ("The Taliban denied killing the prisoners.", "denial", "denied"),
    ("Will the city fall?", "question", "?"),
    ("Lyons said: “We must accept this fact.”", "statement", "said"),
    ("Local sources said the Taliban captured the district.", "asserted", None),
    ("They captured Sikhambadar on the 22nd.", "asserted", None),
    ("Fighting took place in May.", "asserted", None),
])
def test_cues(text, modality, cue):
    assert classify_sentence(text) == (modality, cue)


def test_history_from_a_historical_date_mention():
    article = _modalities(Article(id="h", text="The Taliban captured Kunduz in 2015.", published=date(2021, 8, 9)))
    assert (article.sentences[0].modality, article.sentences[0].modality_cue) == ("history", "in 2015")
    recent = _modalities(Article(id="r", text="The Taliban captured Kunduz on Sunday.", published=date(2021, 8, 9)))
    assert recent.sentences[0].modality == "asserted"


def test_every_modality_is_one_of_the_model(seed_articles):
    for article in seed_articles.values():
        assert {s.modality for s in _modalities(article).sentences} <= set(MODALITIES)
