"""The coder reading the dependency parse: agent, patient, "from" side and place by grammatical relation.

Each sentence is ours. The annotations (places, actors, dates) are placed by hand as in test_events_coding; the
parse is the shipped model's, so these tests also catch a model or pipes change that loses the parser.
"""
from __future__ import annotations


from datetime import date

import pytest

from frontlines.coding import EventCoder, load_actor_index, load_patterns, load_taxonomy
from frontlines.coding.grammar import Grammar
from frontlines.model import Place
from frontlines.understand.language import load_model
from test_events_coding import HERAT, KUNDUZ, annotate

NIMROZ = Place("t:nimroz-p", "Nimroz", "province", "AF", admin1="Nimroz")
ZARANJ = Place("t:zaranj", "Zaranj", "city", "AF", admin1="Nimroz", lat=30.96, lon=61.86, is_capital=True)
GHAZNI = Place("t:ghazni", "Ghazni", "city", "AF", admin1="Ghazni", lat=33.55, lon=68.42, is_capital=True)
KABUL = Place("t:kabul", "Kabul", "city", "AF", admin1="Kabul", lat=34.53, lon=69.17, is_capital=True)
TALOQAN = Place("t:taloqan", "Taloqan", "city", "AF", admin1="Takhar", lat=36.74, lon=69.53, is_capital=True)
SAR_E_PUL = Place("t:sar-e-pul", "Sar-e Pul", "city", "AF", admin1="Sar-e Pul", lat=36.22, lon=65.93, is_capital=True)
ARMY = "Military Forces of Afghanistan (2004-2021)"


@pytest.fixture(scope="module")
def coder() -> EventCoder:
    return EventCoder(load_patterns(), load_taxonomy(), load_actor_index(), "AF")


@pytest.fixture(scope="module")
def nlp():
    return load_model()


def parsed(nlp, text: str, places: dict[str, Place], **kwargs):
    article = annotate(text, places, **kwargs)
    article.doc = nlp(text)
    return article


def test_the_model_we_ship_parses(nlp):
    assert "parser" in nlp.pipe_names and nlp("The Taliban took Kunduz.").has_annotation("DEP")


def test_passive_with_apposition_is_the_town_not_its_province(coder, nlp):
    text = "Zaranj, the capital of Nimroz, was captured by the Taliban on Friday."
    [mention] = coder.code(parsed(nlp, text, {"Zaranj": ZARANJ, "Nimroz": NIMROZ}))
    assert (mention.place, mention.actor1) == (ZARANJ, "Taliban")


def test_a_relative_clause_does_not_lend_its_actor_to_the_main_verb(coder, nlp):
    # the token window takes the last actor before the verb ("Afghan forces"); the subject is the Taliban
    text = "The Taliban, who had fought Afghan forces for weeks, captured Kunduz on Sunday."
    [mention] = coder.code(parsed(nlp, text, {"Kunduz": KUNDUZ}))
    assert (mention.actor1, mention.actor2) == ("Taliban", ARMY)
    assert mention.sub_event_type == "Non-state actor overtakes territory"


def test_coordinated_objects_are_one_capture_each(coder, nlp):
    text = "The Taliban captured Kunduz, Sar-e Pul and Taloqan on Sunday."
    places = {"Kunduz": KUNDUZ, "Sar-e Pul": SAR_E_PUL, "Taloqan": TALOQAN}
    mentions = coder.code(parsed(nlp, text, places))
    assert sorted(m.place.name for m in mentions) == ["Kunduz", "Sar-e Pul", "Taloqan"]
    assert {m.actor1 for m in mentions} == {"Taliban"}


def test_a_reference_point_in_the_object_is_not_taken(coder, nlp):
    text = "The Taliban took Ghazni, 150 km south-west of Kabul, on Thursday."
    [mention] = coder.code(parsed(nlp, text, {"Ghazni": GHAZNI, "Kabul": KABUL}))
    assert mention.place is GHAZNI


def test_the_side_named_after_from_is_the_loser(coder, nlp):
    text = "The Taliban took control of Herat from Afghan forces on Friday."
    [mention] = coder.code(parsed(nlp, text, {"Herat": HERAT}))
    assert (mention.place, mention.actor1, mention.actor2) == (HERAT, "Taliban", ARMY)


def test_fell_to_names_the_taker_after_the_verb(coder, nlp):
    text = "Pul-e-Khumri and Kunduz fell to the Taliban on Tuesday evening."
    [mention] = coder.code(parsed(nlp, text, {"Kunduz": KUNDUZ}))
    assert (mention.place, mention.actor1) == (KUNDUZ, "Taliban")


def test_an_attack_on_an_army_post_is_a_battle_and_on_a_village_an_attack_on_civilians(coder, nlp):
    battle = parsed(nlp, "The Taliban attacked an army post in Kunduz on Monday.", {"Kunduz": KUNDUZ})
    [mention] = coder.code(battle)
    assert (mention.sub_event_type, mention.actor1, mention.actor2) == ("Armed clash", "Taliban", ARMY)
    village = parsed(nlp, "The Taliban attacked a village in Kunduz on Monday.", {"Kunduz": KUNDUZ})
    [mention] = coder.code(village)
    assert (mention.sub_event_type, mention.actor1) == ("Attack", "Taliban")
    assert mention.actor2 == "Civilians (Afghanistan)"


def test_an_attack_on_something_neither_armed_nor_civilian_is_not_coded(coder, nlp):
    article = parsed(nlp, "The Taliban attacked the proposal in Kunduz on Monday.", {"Kunduz": KUNDUZ})
    assert coder.code(article) == []


def test_roles_in_character_ranges():
    nlp = load_model()
    text = "The capture of Kunduz by the Taliban stunned the capital."
    roles = Grammar(nlp(text)).roles(text.index("capture"), text.index("capture") + len("capture"))
    assert [text[a:b] for a, b in roles.patient] == ["Kunduz"]
    assert [text[a:b] for a, b in roles.agent] == ["the Taliban"]
    negated = "The Taliban did not capture Kunduz."
    assert Grammar(nlp(negated)).roles(negated.index("capture"), negated.index("capture") + 7).negated


def test_without_a_parse_the_token_window_still_codes(coder):
    article = annotate("Kunduz was captured by the Taliban.", {"Kunduz": KUNDUZ})
    assert article.doc is None
    [mention] = coder.code(article)
    assert (mention.place, mention.actor1) == (KUNDUZ, "Taliban")


def test_a_parse_of_other_text_is_never_trusted_blindly(coder, nlp):
    """An article whose Doc is unparsed (a user's model without a parser) codes by the window."""
    article = annotate("Kunduz was captured by the Taliban.", {"Kunduz": KUNDUZ})
    article.doc = load_model(pipes=("tok2vec", "ner"))(article.text)
    [mention] = coder.code(article)
    assert (mention.place, mention.actor1) == (KUNDUZ, "Taliban")


@pytest.mark.parametrize("text", [
    "Kunduz has not witnessed clashes between the Taliban and Afghan forces this year.",
    "The Taliban did not capture Kunduz on Sunday.",
    "Kunduz never fell to the Taliban.",
])
def test_denied_events_are_not_coded(coder, nlp, text):
    assert coder.code(parsed(nlp, text, {"Kunduz": KUNDUZ})) == []


def test_a_year_never_dates_an_event(coder, nlp):
    text = "In 2021 the Taliban captured Kunduz."
    article = parsed(nlp, text, {"Kunduz": KUNDUZ}, published=None,
                     dates=[("2021", date(2021, 1, 1), date(2021, 12, 31), 3)])
    [mention] = coder.code(article)
    assert mention.date_start is None and mention.date_end is None


def test_a_participle_used_as_an_adjective_reports_nothing(coder, nlp):
    text = "A captured Afghan forces truck stood by the road into Kunduz."
    assert coder.code(parsed(nlp, text, {"Kunduz": KUNDUZ})) == []


def test_the_province_in_an_apposition_is_where_the_town_is_not_a_second_place(coder, nlp):
    herat_province = Place("t:herat-p", "Herat Province", "district", "AF", admin1="Herat Province")
    text = "The Taliban seized Herat, the provincial capital of Herat Province, on Friday."
    [mention] = coder.code(parsed(nlp, text, {"Herat,": HERAT, "Herat Province": herat_province}))
    assert mention.place is HERAT


def test_entering_a_town_is_not_taking_it(coder, nlp):
    assert coder.code(parsed(nlp, "The Taliban entered Kunduz on Sunday.", {"Kunduz": KUNDUZ})) == []


def test_an_apposition_after_the_verb_names_what_fell_and_the_verb_is_no_part_of_it(coder, nlp):
    text = "Another pair of cities fell to the Taliban in the north that day: Kunduz and Herat."
    mentions = coder.code(parsed(nlp, text, {"Kunduz": KUNDUZ, "Herat": HERAT}))
    assert sorted(m.place.name for m in mentions) == ["Herat", "Kunduz"]
    assert {m.actor1 for m in mentions} == {"Taliban"}


def test_an_organisation_the_dictionary_does_not_know_fights_as_itself(coder, nlp):
    from frontlines.understand.actors import ActorMatcher, load_actors

    text = "Zumbo Valley insurgents attacked an army base in Kunduz on Monday."
    article = parsed(nlp, text, {"Kunduz": KUNDUZ})
    article.actors = ActorMatcher(load_actors()).find(article)
    [mention] = coder.code(article)
    assert (mention.sub_event_type, mention.actor1, mention.actor2) == ("Armed clash", "Zumbo Valley Insurgents", ARMY)


def test_a_strike_on_positions_near_a_town_is_located_by_the_town(coder, nlp):
    text = "Afghan forces aircraft struck Taliban positions near Kunduz on Saturday."
    [mention] = coder.code(parsed(nlp, text, {"Kunduz": KUNDUZ}))
    assert (mention.sub_event_type, mention.place) == ("Air/drone strike", KUNDUZ)


def test_clashes_west_of_a_town_are_located_by_it_and_a_neighbouring_province_is_its_own_event(coder, nlp):
    takhar = Place("t:takhar-p", "Takhar", "province", "AF", admin1="Takhar", lat=36.7, lon=69.8)
    text = "Residents heard clashes between the Taliban and Afghan forces west of Kunduz and in the neighbouring Takhar province."
    mentions = coder.code(parsed(nlp, text, {"Kunduz": KUNDUZ, "Takhar": takhar}))
    assert sorted((m.sub_event_type, m.place.name) for m in mentions) == [("Armed clash", "Kunduz"),
                                                                          ("Armed clash", "Takhar")]


def test_an_attack_on_a_town_is_fighting_for_it(coder, nlp):
    text = "At dawn on Monday Taliban fighters began an attack on Kunduz town."
    [mention] = coder.code(parsed(nlp, text, {"Kunduz": KUNDUZ}))
    assert (mention.sub_event_type, mention.actor1, mention.actor2) == ("Armed clash", "Taliban", ARMY)


@pytest.mark.parametrize("text", [
    "Families kept leaving Kunduz since the clashes started two weeks ago.",
    "Shops in Kunduz stayed shut amid clashes between the Taliban and Afghan forces.",
    "Reporters interviewed residents of Kunduz about fighting between the Taliban and Afghan forces.",
])
def test_a_clash_named_as_the_backdrop_is_not_an_event(coder, nlp, text):
    assert coder.code(parsed(nlp, text, {"Kunduz": KUNDUZ})) == []


def test_storming_a_displacement_camp_is_an_attack_on_civilians(coder, nlp):
    text = "Taliban fighters stormed a displacement camp outside Kunduz on Monday."
    [mention] = coder.code(parsed(nlp, text, {"Kunduz": KUNDUZ}))
    assert (mention.sub_event_type, mention.actor2) == ("Attack", "Civilians (Afghanistan)")


def test_forces_abandoning_a_town_leave_it_to_their_opponent(coder, nlp):
    text = "On Monday, government forces abandoned Kunduz, leaving its police headquarters empty."
    article = parsed(nlp, text, {"Kunduz": KUNDUZ}, dates=[("On Monday", date(2021, 8, 9), date(2021, 8, 9), 1)])
    [mention] = [m for m in coder.code(article) if m.sub_event_type != "Armed clash"]
    assert (mention.sub_event_type, mention.actor1, mention.actor2) == \
        ("Non-state actor overtakes territory", "Taliban", ARMY)


def test_announcing_control_of_a_town_is_a_capture_claimed_by_its_announcer(coder, nlp):
    text = "The Taliban announced their control of Kunduz on Sunday."
    [mention] = coder.code(parsed(nlp, text, {"Kunduz": KUNDUZ}))
    assert (mention.sub_event_type, mention.actor1, mention.claimed_by) == \
        ("Non-state actor overtakes territory", "Taliban", "Taliban")


def test_unnamed_rebels_are_never_the_state_the_article_names_most(coder, nlp):
    text = ("Afghan forces held the north for years. Afghan forces said on Monday that armed rebels had seized "
            "Kunduz.")
    mentions = coder.code(parsed(nlp, text, {"Kunduz": KUNDUZ}))
    assert "Government regains territory" not in [m.sub_event_type for m in mentions]


def test_foreign_forces_leaving_a_base_is_no_capture_by_the_enemy(coder, nlp):
    bagram = Place("t:bagram", "Bagram", "airport", "AF", admin1="Parwan", lat=34.95, lon=69.27)
    text = "The Taliban watched as United States forces withdrew from Bagram on Friday."
    assert [m for m in coder.code(parsed(nlp, text, {"Bagram": bagram}))
            if m.sub_event_type == "Non-state actor overtakes territory"] == []


@pytest.mark.parametrize("text", [
    "Officials said on Tuesday that the Taliban had earlier captured Kunduz.",
    "Earlier, the Taliban captured Kunduz, officials said on Tuesday.",
])
def test_an_event_said_to_be_earlier_is_not_dated_by_the_saying(coder, nlp, text):
    article = parsed(nlp, text, {"Kunduz": KUNDUZ}, dates=[("on Tuesday", date(2021, 8, 10), date(2021, 8, 10), 1)])
    [mention] = coder.code(article)
    assert mention.date_start is None


def test_an_unresolved_date_of_the_sentence_is_never_replaced_by_its_paragraphs(coder, nlp):
    text = "The Taliban besieged the north in January 2021. On August 15, the Taliban captured Kunduz."
    article = parsed(nlp, text, {"Kunduz": KUNDUZ}, published=None,
                     dates=[("January 2021", date(2021, 1, 1), date(2021, 1, 31), 3),
                            ("On August 15", None, None, 1)])
    [mention] = coder.code(article)
    assert mention.date_start is None
