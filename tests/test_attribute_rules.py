"""The model's attribute rules matched by lookup (understand/attribute_rules.py) give every token the attributes
spaCy's own AttributeRuler gives it: POS, morphology and lemma exceptions, on text that exercises the rules of one
token, of two (contractions), the IN / NOT_IN / REGEX ones, and whitespace tokens."""
from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

from frontlines.understand.attribute_rules import KeyedRules, speed_up  # noqa: E402
from frontlines.understand.language import DEFAULT_MODEL, load_model  # noqa: E402

TEXTS = [
    "Militia fighters ain't gonna leave the district, the governor said on Monday; y'all know that.",
    "There are 12 checkpoints on the road and there's no way through, because it was mined.",
    "She didn't say whether the troops had withdrawn, though they'd been seen near the bridge.",
    "Let's go: we're gotta hold the line,  c'mon!\n\nNothin' is left of the market  after the shelling.",
    "I told you it was them. Give it to me, he said, as if that settled it.",
    "Do they have enough fuel? The convoy does have supplies, and it has done so since May.",
    "The ones who did it were never caught.  \n  Which group claimed the attack remains unclear.",
]


def attributes(doc):
    return [(t.text, t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in doc]


def test_the_keyed_rules_give_the_same_attributes_as_the_models_attribute_ruler():
    keyed = load_model()   # the language component's model: its ruler has the keyed match
    assert isinstance(keyed.get_pipe("attribute_ruler").match, KeyedRules)
    stock = spacy.load(DEFAULT_MODEL)
    stock.select_pipes(enable=keyed.pipe_names)
    for text in TEXTS:
        assert attributes(keyed(text)) == attributes(stock(text)), text


def test_every_rule_of_the_english_model_is_matched_by_lookup_and_a_rule_with_an_operator_is_not():
    nlp = spacy.load(DEFAULT_MODEL)
    ruler = nlp.get_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "rebel"}, {"LOWER": "held", "OP": "?"}]], {"LEMMA": "rebel-held"})
    speed_up(nlp)
    rules = ruler.match
    assert len(rules.others) == 1 and len(rules.rules) == sum(len(rule["patterns"]) for rule in ruler.patterns) - 1
    doc = nlp("The rebel held town and the rebel town.")
    assert [t.lemma_ for t in doc if t.lower_ == "rebel"] == ["rebel-held", "rebel-held"]
