"""Modality: only asserted sentences may yield events, so history, threats, plans and predictions are marked."""
from __future__ import annotations

from datetime import date

import pytest

from frontlines.model import MODALITIES, Article
from frontlines.understand.dates import DateComponent
from frontlines.understand.modality import ModalityComponent, classify_sentence
from frontlines.understand.sentences import split_sentences

MODALITY = ModalityComponent({})

# Short news-like articles written for these tests (no text from the seed articles, which must not be copied into
# the repository). Each sentence reproduces a construction the seeds contain, in context: the publication date
# decides whether a date is relative ("On the 15th", "over the weekend") or historical ("In November 2001").
ARTICLES = {
    "offensive": (date(2021, 7, 16), (
        "The insurgents now say they hold some 60 of the 300 villages in the province. "
        "On the 15th, the insurgents seized a key river crossing on the road to the northern plains. "
        "Having overrun much of the countryside, the fighters also seized Tarnak, a market town near the frontier, "
        "on the 15th, and even surrounded the provincial capital, Darzab. "
        "The defence ministry said on Tuesday that its troops will complete the pullout before October 1 as "
        "planned, but given the offensive, it may slow the drawdown. "
        "A local report said that, with the fighting spreading, district chiefs started to call on villagers and "
        "former militiamen to take up arms again, though such appeals also raised the possibility of a return to "
        "open civil war.")),
    "capitals": (date(2021, 9, 13), (
        "The rebel movement seized three regional capitals over the weekend, two of them in the east. "
        "According to reports, the rebels are now targeting more eastern towns, among them Kalat, the biggest "
        "market in the region. "
        "The movement is a hardline armed group whose origins go back to the uprising against foreign troops in the "
        "1980s. "
        "It first ruled the country in the late 1990s and was driven out by a foreign-led invasion in 2001. "
        "The towns lost this month include Darzab, among the largest in the province, and the army has vowed "
        "to hold it.The rebels also held Darzab for a short time 2016 And in 2018, Each time giving it back to the "
        "army after a few days.")),
    "kalat": (date(2021, 8, 20), (
        "The rebels took Kalat, the second city of the region, and began to encircle the capital, as a foreign "
        "defence minister warned that the state could collapse once foreign troops are gone. "
        "Ties between the movement and foreign jihadists led to a foreign intervention nearly 15 years ago that "
        "removed it from power. "
        "The defence ministry will send a battalion of 2,000 reservists to the border in the next three days to "
        "keep the situation from getting worse. "
        "The UN envoy, Maria Santos, called for “a halt to the shelling of towns” and warned that "
        "“any government installed by force will be an outcast.”")),
    "valley": (date(2021, 8, 7), (
        "If it falls, all four other districts of the valley will be lost too, the governor said. "
        "Rebel fighters have now entered several parts of Kalat, Darzab and Tarnak. "
        "The United States keeps flying air raids in support of government troops trying to retake the district "
        "near the airfield. "
        "Veteran commander Rahim Zaman, who battled Soviet forces in the 1980s, has raised a militia to defend the "
        "town. "
        "Residents told a local radio station that the rebels had been forced back when they advanced close to "
        "the police headquarters on Friday. "
        "In November 2001, foreign forces and their regional partners drove the movement from power. "
        "In February 2020, the then US administration and its partners agreed with the rebels on the exit of "
        "foreign combat troops.")),
    "towns": (date(2021, 6, 26), (
        "The rebels are now active in nearly every district and are encircling several large towns — a tactic "
        "the rebels used in the mid-1990s as they swept across most of the country. "
        "The rebels' growing presence around Kalat has raised fears that the group is close to launching a fresh "
        "deadly attack on the town, as it did in 2019, when it burned the central market and killed dozens of "
        "people, a local paper reported. "
        "The rebels' battlefield gains have fuelled speculation that the group is preparing to launch a full-scale "
        "offensive on the towns once foreign troops pull out. "
        "According to the health ministry, over 100 civilians were hurt by rebel shelling in May alone, a claim "
        "the group rejected, a news agency said. "
        "In recent weeks, the rebels have taken three districts of Kalat province, which lies astride the main "
        "road south, a local outlet said.")),
}


def _article(key: str) -> Article:
    published, text = ARTICLES[key]
    return Article(id=key, text=text, published=published)


def _modalities(article: Article) -> Article:
    article.sentences = split_sentences(article.text)
    DateComponent({})(article)
    return MODALITY(article)


def _sentence(article: Article, fragment: str):
    return next(s for s in article.sentences if fragment in s.text)


@pytest.mark.parametrize("key,fragment,modality", [
    # A relative day of the month ("On the 15th", the day before publication) is not history.
    ("offensive", "On the 15th, the insurgents seized a key river crossing", "asserted"),
    ("offensive", "the fighters also seized Tarnak", "asserted"),
    # "may" (prediction) outranks the plan "will complete" and the statement "said".
    ("offensive", "it may slow the drawdown", "prediction"),
    # "started to call on" (appeal) outranks "said" and the weak prediction "possibility".
    ("offensive", "started to call on villagers and former militiamen", "appeal"),
    ("capitals", "seized three regional capitals over the weekend", "asserted"),
    ("capitals", "the rebels are now targeting more eastern towns", "threat"),
    # "whose" without a comma opens no aside: the 1980s make the sentence history.
    ("capitals", "whose origins go back to the uprising against foreign troops", "history"),
    ("capitals", "It first ruled the country in the late 1990s", "history"),
    # Glued to the previous sentence ("hold it.The"), which the splitter must cut off: that one is a plan, this one
    # is history from the bare year 2016 and "in 2018".
    ("capitals", "the army has vowed", "plan"),
    ("capitals", "The rebels also held Darzab for a short time 2016 And in 2018", "history"),
    ("kalat", "the state could collapse", "prediction"),
    ("kalat", "led to a foreign intervention nearly 15 years ago", "history"),
    ("kalat", "The defence ministry will send a battalion", "plan"),
    ("kalat", "called for “a halt to the shelling of towns”", "appeal"),
    ("valley", "If it falls, all four other districts", "conditional"),
    ("valley", "Rebel fighters have now entered several parts", "asserted"),
    # "States" in "the United States" is not the verb "states" (and the sentence has no event word to save it).
    ("valley", "The United States keeps flying air raids", "asserted"),
    # The 1980s inside a "who ..." clause describe the commander: the sentence is not history.
    ("valley", "who battled Soviet forces in the 1980s, has raised a militia", "asserted"),
    # Reported speech about an event ("forced back") is an event report, not a statement.
    ("valley", "Residents told a local radio station that the rebels had been forced back", "asserted"),
    ("valley", "In November 2001, foreign forces", "history"),
    ("valley", "In February 2020, the then US administration", "history"),
    ("towns", "in the mid-1990s as they swept across most of the country", "history"),
    # The historical date outranks the threat "close to launching" and the prediction "fears that".
    ("towns", "as it did in 2019", "history"),
    # The plan "preparing to" outranks the weak prediction "speculation".
    ("towns", "the group is preparing to launch a full-scale offensive", "plan"),
    ("towns", "a claim the group rejected", "denial"),
    ("towns", "the rebels have taken three districts of Kalat", "asserted"),
])
def test_article_sentences(key, fragment, modality):
    sentence = _sentence(_modalities(_article(key)), fragment)
    assert sentence.modality == modality, (sentence.modality, sentence.modality_cue, sentence.text)
    assert (sentence.modality_cue is None) == (modality == "asserted")


@pytest.mark.parametrize("text,modality,cue", [
    ("The army has vowed to hold the city.", "plan", "vowed to"),
    ("The rebels vowed to capture the airport.", "threat", "vowed to capture"),
    ("The rebels are now targeting two more towns.", "threat", "are now targeting"),
    ("It may slow the drawdown.", "prediction", "may"),
    ("The state could collapse into chaos.", "prediction", "could"),
    ("If the town falls, the whole district will be lost.", "conditional", "If"),
    ("The militia denied killing the detainees.", "denial", "denied"),
    ("Will the capital hold?", "question", "?"),
    ("The envoy said: “We have to face reality.”", "statement", "said"),
    ("Villagers said the rebels captured the district.", "asserted", None),
    ("They captured Tarnak on the 15th.", "asserted", None),
    ("Fighting took place in May.", "asserted", None),
])
def test_cues(text, modality, cue):
    assert classify_sentence(text) == (modality, cue)


def test_history_from_a_historical_date_mention():
    article = _modalities(Article(id="h", text="The rebels captured Darzab in 2015.", published=date(2021, 8, 9)))
    assert (article.sentences[0].modality, article.sentences[0].modality_cue) == ("history", "in 2015")
    recent = _modalities(Article(id="r", text="The rebels captured Darzab on Sunday.", published=date(2021, 8, 9)))
    assert recent.sentences[0].modality == "asserted"


def test_every_modality_is_one_of_the_model(seed_articles):
    for article in seed_articles.values():
        assert {s.modality for s in _modalities(article).sentences} <= set(MODALITIES)
