"""Generic actors named for the country and day of an event (sentences and places of our own)."""
from __future__ import annotations

from datetime import date

from frontlines.coding import load_actor_index
from frontlines.model import Article
from frontlines.understand.actors import ActorComponent
from frontlines.understand.countries import country
from frontlines.understand.sentences import split_sentences

INDEX = load_actor_index()


def _named(actor_id: str, iso2: str, day: date | None) -> tuple[str, str]:
    actor = INDEX[INDEX.specific(actor_id, iso2, day)]
    return actor.name, actor.type_on(day)


def test_the_army_is_the_state_forces_of_the_events_country_and_day():
    assert _named("state_forces", "SD", date(2024, 5, 1)) == ("Military Forces of Sudan (2019-)", "State forces")
    assert _named("state_forces", "SD", date(2018, 5, 1))[0] == "Military Forces of Sudan (1989-2019)"
    assert _named("state_forces", "ML", date(2023, 11, 14))[0] == "Military Forces of Mali (2021-)"
    assert _named("state_forces", "CD", date(2025, 1, 27))[0] == "Military Forces of the Democratic Republic of Congo (2019-)"
    assert _named("state_forces", "TD", None)[0] == "Military Forces of Chad (2021-)"
    assert _named("state_forces", "AF", date(2021, 8, 1))[0] == "Military Forces of Afghanistan (2004-2021)"
    assert _named("civilians", "MM", date(2024, 1, 1)) == ("Civilians (Myanmar)", "Civilians")
    assert _named("civilians", "CD", date(2024, 1, 1))[0] == "Civilians (Democratic Republic of Congo)"
    assert _named("state_police", "NG", date(2024, 1, 1))[0] == "Police Forces of Nigeria (2023-)"


def test_a_named_countrys_forces_abroad_are_an_external_force():
    assert _named("state_forces:RW", "CD", date(2025, 1, 27)) == ("Military Forces of Rwanda (1994-)", "External/Other forces")
    assert _named("state_forces:RW", "RW", date(2025, 1, 27))[1] == "State forces"


def test_a_country_word_before_a_force_word_names_that_countrys_forces():
    component = ActorComponent({})
    text = ("Sudanese troops shelled the market. Mali's junta closed the border. The Myanmar military bombed a "
            "village, and Congolese civilians fled. The US government said nothing.")
    article = Article(id="g", text=text, published=date(2024, 3, 1))
    article.sentences = split_sentences(text)
    found = {m.text: m.actor_id for m in component(article).actors}
    assert found["Sudanese troops"] == "state_forces:SD"
    assert found["Mali's junta"] == "state_forces:ML"
    assert found["Myanmar military"] == "state_forces:MM"
    assert found["Congolese civilians"] == "civilians:CD"
    assert "US government" not in found   # a blocked phrase stays blocked


def test_every_country_has_acled_fields():
    assert (country("SD").numeric, country("SD").iso3, country("SD").region) == (729, "SDN", "Northern Africa")
    assert country("CD").name == "Democratic Republic of Congo" and country("MM").region == "Southeast Asia"


def test_fusion_gives_country_actors_their_acled_inter_codes():
    from frontlines.fuse import _inter

    assert _inter({}, "Military Forces of Sudan (2019-)", None) == 1
    assert _inter({}, "Civilians (Democratic Republic of Congo)", None) == 7
    assert _inter({}, "Unidentified Armed Group (Mali)", None) == 3
    assert _inter({}, "Nobody We Know", None) is None


def _actors_of(text: str, places: list[tuple[str, str]] = ()) -> list[tuple[str, str | None, str | None]]:
    from frontlines.coding import load_actor_index
    from frontlines.model import Article, Place, PlaceMention
    from frontlines.understand.actors import ActorMatcher, load_actors
    from frontlines.understand.sentences import split_sentences

    article = Article(id="o1", text=text)
    article.sentences = split_sentences(text)
    for name, country_code in places:
        at = text.index(name)
        article.places.append(PlaceMention(at, at + len(name), 0, name, place=Place(f"t:{name}", name, "town", country_code)))
    index = load_actor_index()
    return [(m.text, index[m.actor_id].name, index[m.actor_id].type_on(None))
            for m in ActorMatcher(load_actors()).find(article)]


def test_an_organisation_the_dictionary_does_not_know_is_an_actor_of_its_cue_words_type():
    found = _actors_of("Zumbo Valley insurgents attacked a checkpoint; the Ngala Hills militia stayed away.")
    assert ("Zumbo Valley insurgents", "Zumbo Valley Insurgents", "Rebel group") in found
    assert ("Ngala Hills militia", "Ngala Hills Militia", "Political militia") in found


def test_a_place_or_a_country_before_the_cue_word_is_not_an_organisation():
    found = _actors_of("Near Dorvak fighters clashed with Sudanese militias and some rebels.", [("Dorvak", "SD")])
    assert all(not name.startswith(("Dorvak", "Sudanese", "Some")) for _, name, _ in found), found


def test_they_opening_a_sentence_continues_the_previous_sentences_subject():
    found = _actors_of("The Taliban seized Kunduz on Monday while United States forces were leaving the country. "
                       "They seized Taloqan on Tuesday.")
    assert found[-1][0] == "They" and found[-1][1] == "Taliban", found
