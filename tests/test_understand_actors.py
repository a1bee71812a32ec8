"""Actors: dictionary, aliases, noisy variants, generic references and pronouns, on the seeds and alone."""
from __future__ import annotations

from datetime import date

import pytest

from frontlines.coding import load_actor_index
from frontlines.model import Article
from frontlines.understand.actors import ActorComponent, load_actors
from frontlines.understand.sentences import split_sentences

ACTORS = ActorComponent({})
INDEX = load_actor_index()

# Every actor mention in the seed articles, by its text, with the canonical actor it must resolve to in
# Afghanistan in 2021 (checked by hand against the articles; a generic "government forces" is named for the
# country and day). Missing or extra mentions fail too.
EXPECTED = {
    "000": {"United States": "us_forces", "NATO": "nato", "Taliban": "taliban", "Taliban’s": "taliban",
            "Afghan government forces": "afghan_forces", "they": "taliban", "Afghan government soldiers": "afghan_forces",
            "UN Secretary-General": "united_nations", "UN Security Council": "united_nations",
            "Afghan government officials": "afghan_government",
            "civilians and militia members": "pro_government_militia", "government forces": "afghan_forces",
            "US Department of Defense": "us_forces"},
    "001": {"Taliban": "taliban", "Kabul government": "afghan_government", "US troops": "us_forces",
            "militant Islamic group": "taliban", "government security forces": "afghan_forces",
            "Taliban fighters": "taliban", "militant organization": "taliban", "US-led": "us_forces",
            "Al Qaeda": "al_qaeda", "American troops": "us_forces", "Ashraf Ghani’s government": "afghan_government",
            "Islamists": "taliban", "security forces": "afghan_forces", "the government": "afghan_government",
            "The militant group": "taliban", "Abdul Rashid Dostum": "dostum_militia", "United States": "us_forces",
            "Atta Mohamed Nur": "atta_noor_militia", "Militia Leaders": "pro_government_militia",
            "The Islamists": "taliban", "they": "taliban", "Afghan army": "afghan_forces",
            "U.S. defense official": "us_forces", "U.S.": "us_forces", "Afghan security forces": "afghan_forces"},
    "002": {"Taliban": "taliban", "United States": "us_forces", "Islamic militias": "taliban",
            "the government": "afghan_government", "al-Qaeda": "al_qaeda", "Al-Qaida": "al_qaeda", "al Qaeda": "al_qaeda",
            "U.S.": "us_forces", "U.K.": "uk_forces", "The Pentagon": "us_forces", "UK": "uk_forces",
            "British army": "uk_forces", "Islamists": "taliban", "Islamic radicals": "taliban",
            "Taliban representatives": "taliban", "Taliban leaders": "taliban", "the rebel groups": "taliban"},
    "003": {"Taliban militants": "taliban", "government forces": "afghan_forces", "Taliban fighters": "taliban",
            "They": "taliban", "government troops": "afghan_forces", "Islamist militias": "taliban", "Taliban": "taliban",
            "they": "taliban", "civilian population": "civilians", "the militants": "taliban", "United States": "us_forces",
            "Afghan troops": "afghan_forces", "UN": "united_nations", "Residents": "civilians",
            "Ismail Khan": "ismail_khan_militia", "Rebels": "taliban", "Afghan military": "afghan_forces",
            "Islamic Emirate": "taliban", "Taliban’s": "taliban", "US military": "us_forces", "NATO": "nato",
            "The group": "taliban", "Osama bin Laden": "al_qaeda", "al-Qaeda": "al_qaeda",
            "Afghan government forces": "afghan_forces", "Tullivan": "taliban"},
    "004": {"American troops": "us_forces", "Taliban": "taliban", "NATO": "nato", "The militant group": "taliban",
            "Afghan government": "afghan_government", "Taliban commanders": "taliban", "US troops": "us_forces",
            "Afghan forces": "afghan_forces", "Taliban fighters": "taliban", "Afghan troops": "afghan_forces",
            "militants": "taliban", "US": "us_forces", "They": "taliban", "the militants": "taliban", "they": "taliban",
            "Taliban’s": "taliban", "the Americans": "us_forces", "the insurgents": "taliban", "civilians": "civilians",
            "Afghanistan’s Interior Ministry": "afghan_government", "civilian": "civilians", "the group": "taliban",
            "locals": "civilians", "NATO allies": "nato", "UK": "uk_forces", "Afghan Government": "afghan_government",
            "ISIS": "iskp", "central government": "afghan_government",
            "Afghan National Security Forces": "afghan_forces"},
}


def _understand(article: Article) -> Article:
    article.sentences = split_sentences(article.text)
    return ACTORS(article)


def _article(text: str) -> Article:
    return _understand(Article(id="t", text=text, published=date(2021, 8, 9)))


def _found(text: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.actor_id, m.via) for m in _article(text).actors]


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_every_seed_actor_mention_resolves_to_its_canonical_actor(seed_articles, key):
    article = _understand(seed_articles[key])
    found = {}
    for mention in article.actors:
        assert article.text[mention.start:mention.end] == mention.text
        assert article.sentences[mention.sentence].start <= mention.start < article.sentences[mention.sentence].end
        named = _named_in_afghanistan(mention.actor_id, article.published)
        assert _name(EXPECTED[key].get(mention.text)) == named, (key, mention)
        found[mention.text] = named
    assert found == {text: _name(actor_id) for text, actor_id in EXPECTED[key].items()}


def _named_in_afghanistan(actor_id: str, day: date | None) -> str:
    return INDEX[INDEX.specific(actor_id, "AF", day)].name


def _name(actor_id: str | None) -> str | None:
    return _named_in_afghanistan(actor_id, date(2021, 8, 1)) if actor_id else None


def test_tullivan_and_generic_references_resolve_to_the_taliban(seed_articles):
    article = _understand(seed_articles["003"])
    by_text = {(m.text, m.via): m.actor_id for m in article.actors}
    assert by_text[("Tullivan", "alias")] == "taliban"
    assert by_text[("Rebels", "context")] == "taliban"         # glued: "of Lashkar GahRebels"
    assert by_text[("The group", "context")] == "taliban"      # not al-Qaeda, named later in the sentence


def test_they_after_coordinated_actors_stays_unresolved(seed_articles):
    article = _understand(seed_articles["002"])
    assert not [m for m in article.actors if m.text.lower() == "they"]   # "they" right after "U.S. and U.K." is either


def test_they_on_the_22nd_is_the_taliban(seed_articles):
    article = _understand(seed_articles["000"])
    sentence = next(s for s in article.sentences if s.text.startswith("On the 22nd, they captured"))
    assert [(m.text, m.actor_id, m.via) for m in article.in_sentence(article.actors, sentence.index)] == \
        [("they", "taliban", "coreference")]


def test_acronyms_match_their_case_only():
    assert _found("Let us go with the un-named men.") == []
    assert ("US", "us_forces", "alias") in _found("The US said it would help.")


def test_blocked_phrases_are_not_actors():
    assert _found("US President Joe Biden spoke about anti-Taliban fighters.") == []


def test_islamic_state_needs_its_capitals():
    assert _found("They want a so-called Islamic state.") == []
    assert _found("The Islamic State claimed it.")[0][:2] == ("Islamic State", "islamic_state")


def test_fuzzy_spelling_of_taliban():
    assert ("Talibaan", "taliban", "fuzzy") in _found("The Talibaan captured the town.")
    assert _found("An Italian journalist arrived.") == []


def test_generic_reference_without_a_named_armed_group_stays_unresolved():
    assert _found("The militants captured the town.") == []


def test_generic_reference_follows_the_dominant_group_nearby():
    found = _found("ISIS fighters attacked a mosque. The militants fled.")
    assert ("The militants", "islamic_state", "context") in found


def test_dictionary_api():
    actors = load_actors()
    taliban = actors.get("taliban")
    assert taliban.name == "Taliban"
    assert taliban.type_on(date(2021, 8, 15)) == "Rebel group"  # Kabul fell to an insurgent on the 15th
    assert taliban.type_on(date(2021, 8, 16)) == "State forces"
    assert actors.by_name("Tullivan").id == "taliban"
    assert actors.by_name("Military Forces of Afghanistan (2004-2021)").id == "afghan_forces"
    assert actors.by_name("no such actor") is None
    ids = {a.id for a in actors.all()}
    assert {"taliban", "afghan_forces", "afghan_police", "afghan_government", "pro_government_militia",
            "ismail_khan_militia", "atta_noor_militia", "dostum_militia", "us_forces", "nato", "uk_forces",
            "al_qaeda", "iskp", "united_nations", "civilians"} <= ids
    assert actors.get("pro_government_militia").type_on(None) == "Political militia"


def test_hostile_text_is_handled():
    assert _found("") == []
    assert _found("\x00\ufffd" * 1000 + " Taliban") == [("Taliban", "taliban", "alias")]
