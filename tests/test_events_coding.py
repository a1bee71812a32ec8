"""Event coding on hand-built annotated articles: each test is one rule of the codebook."""
from __future__ import annotations

import re
from datetime import date

import pytest

from frontlines.coding import EventCoder, EventCodingComponent, load_actor_index, load_patterns, load_taxonomy
from frontlines.coding.patterns import PATTERNS_FILE
from frontlines.model import ActorMention, Article, DateMention, Place, PlaceMention, Quantity, Sentence
from frontlines.understand.sentences import split_sentences

KUNDUZ = Place("t:kunduz", "Kunduz", "city", "AF", admin1="Kunduz", lat=36.73, lon=68.86, is_capital=True)
KUNDUZ_PROVINCE = Place("t:kunduz-p", "Kunduz", "province", "AF", admin1="Kunduz")
SHER_KHAN = Place("t:skb", "Sher Khan Bandar", "town", "AF", admin1="Kunduz", admin2="Imam Sahib", lat=37.33, lon=68.83)
HERAT = Place("t:herat", "Herat", "city", "AF", admin1="Herat", lat=34.35, lon=62.2, is_capital=True)
GHAZNI_PROVINCE = Place("t:ghazni-p", "Ghazni", "province", "AF", admin1="Ghazni")
AFGHANISTAN = Place("t:af", "Afghanistan", "country", "AF")
DUSHANBE = Place("t:dushanbe", "Dushanbe", "city", "TJ", lat=38.5, lon=68.8)

ALIASES = {"Taliban": "taliban", "Afghan forces": "afghan_forces", "United States": "us_forces",
           "government forces": "afghan_forces", "civilians": "civilians", "Dostum": "dostum_militia"}


@pytest.fixture(scope="module")
def coder() -> EventCoder:
    return EventCoder(load_patterns(), load_taxonomy(), load_actor_index(), "AF")


def annotate(text: str, places: dict[str, Place] | None = None, dates: list[tuple] = (),
             published: date | None = date(2021, 8, 9), modality: dict[int, str] | None = None,
             quantities: list[tuple] = ()) -> Article:
    """An article with the annotations the upstream components would give it, placed by hand."""
    article = Article(id="a1", text=text, published=published)
    article.sentences = split_sentences(text)
    for index, value in (modality or {}).items():
        article.sentences[index].modality = value

    def sentence_of(offset: int) -> int:
        return article.sentence_at(offset).index

    for name, place in (places or {}).items():
        for m in re.finditer(re.escape(name), text):
            article.places.append(PlaceMention(m.start(), m.end(), sentence_of(m.start()), name, place=place))
    for alias, actor_id in ALIASES.items():
        for m in re.finditer(re.escape(alias), text):
            article.actors.append(ActorMention(m.start(), m.end(), sentence_of(m.start()), alias, actor_id))
    for phrase, start, end, precision, *historical in dates:
        m = re.search(re.escape(phrase), text)
        article.dates.append(DateMention(m.start(), m.end(), sentence_of(m.start()), phrase, start, end, precision,
                                         historical=bool(historical and historical[0])))
    for phrase, low in quantities:
        m = re.search(re.escape(phrase), text)
        article.quantities.append(Quantity(m.start(), m.end(), sentence_of(m.start()), phrase, "killed", low, low, low))
    article.places.sort(key=lambda p: p.start)
    article.actors.sort(key=lambda a: a.start)
    return article


def test_capture_reaches_the_named_town_but_not_the_besieged_city(coder):
    text = "The Taliban captured Sher Khan Bandar on the 22nd, then surrounded Kunduz, the provincial capital."
    article = annotate(text, {"Sher Khan Bandar": SHER_KHAN, "Kunduz": KUNDUZ},
                       dates=[("on the 22nd", date(2021, 6, 22), date(2021, 6, 22), 1)], published=date(2021, 6, 23))
    [mention] = coder.code(article)
    assert mention.sub_event_type == "Non-state actor overtakes territory"
    assert mention.event_type == "Battles"
    assert mention.place is SHER_KHAN
    assert (mention.actor1, mention.actor2) == ("Taliban", "Military Forces of Afghanistan (2004-2021)")
    assert (mention.date_start, mention.time_precision) == (date(2021, 6, 22), 1)
    assert mention.evidence[0].text == text and mention.evidence[0].start == 0


def test_aggregate_stays_a_claim_and_a_later_named_capital_shares_its_date(coder):
    text = ("The Taliban occupied five provincial capitals over the weekend, most of them northern.\n\n"
            "Analysts were surprised.\n\n"
            "Provincial capitals captured in the north so far include Kunduz, a large city.")
    weekend = (date(2021, 8, 7), date(2021, 8, 8))
    article = annotate(text, {"Kunduz": KUNDUZ}, dates=[("over the weekend", *weekend, 2)])
    [mention] = coder.code(article)
    assert mention.place is KUNDUZ and mention.actor1 == "Taliban"
    assert (mention.date_start, mention.date_end, mention.time_precision) == (*weekend, 2)
    assert [e.sentence for e in mention.evidence] == [0, 2]


def test_list_of_places_after_one_trigger_gives_one_event_each_and_stops_at_only(coder):
    text = "Since the occupation of Herat, Kandahar and Kunduz, only Mazar has held out."
    mazar = Place("t:mazar", "Mazar", "city", "AF", admin1="Balkh", is_capital=True)
    kandahar = Place("t:kandahar", "Kandahar", "city", "AF", admin1="Kandahar", is_capital=True)
    article = annotate(text, {"Kandahar": kandahar, "Herat": HERAT, "Kunduz": KUNDUZ, "Mazar": mazar})
    article.actors = [ActorMention(0, 0, 0, "", "taliban", via="context")]   # the article is about the Taliban
    places = [m.place.name for m in coder.code(article)]
    assert places == ["Herat", "Kandahar", "Kunduz"]


@pytest.mark.parametrize("text", [
    "The Taliban are trying to capture Kunduz from government forces.",
    "The Taliban besieged Kunduz.",
    "The Taliban are approaching Kunduz.",
    "The Taliban have taken three more districts of Ghazni.",
    "The Taliban occupied most of rural Afghanistan.",
])
def test_attempts_sieges_and_areas_are_not_captures(coder, text):
    article = annotate(text, {"Kunduz": KUNDUZ, "Ghazni": GHAZNI_PROVINCE, "Afghanistan": AFGHANISTAN})
    assert [m.sub_event_type for m in coder.code(article)] == []


@pytest.mark.parametrize("modality", ["history", "threat", "plan", "denial", "statement", "conditional"])
def test_only_asserted_sentences_yield_events(coder, modality):
    article = annotate("The Taliban captured Kunduz.", {"Kunduz": KUNDUZ}, modality={0: modality})
    assert coder.code(article) == []


def test_a_dated_past_capture_is_history_not_news(coder):
    text = "The Taliban had briefly occupied Kunduz in 2015."
    article = annotate(text, {"Kunduz": KUNDUZ}, dates=[("2015", date(2015, 1, 1), date(2015, 12, 31), 3)])
    assert coder.code(article) == []


def test_passive_capture_finds_the_place_before_and_the_agent_after(coder):
    article = annotate("Kunduz was captured by the Taliban.", {"Kunduz": KUNDUZ})
    [mention] = coder.code(article)
    assert mention.place is KUNDUZ and mention.actor1 == "Taliban"


def test_fell_to(coder):
    [mention] = coder.code(annotate("Kunduz fell to the Taliban on Sunday.", {"Kunduz": KUNDUZ}))
    assert mention.sub_event_type == "Non-state actor overtakes territory" and mention.actor1 == "Taliban"


def test_state_forces_retaking_a_town_regain_territory(coder):
    [mention] = coder.code(annotate("Afghan forces retook Kunduz from the Taliban.", {"Kunduz": KUNDUZ}))
    assert mention.sub_event_type == "Government regains territory"
    assert (mention.actor1, mention.actor2) == ("Military Forces of Afghanistan (2004-2021)", "Taliban")


def test_the_taliban_taking_a_city_on_15_august_is_still_an_overtaking(coder):
    article = annotate("The Taliban captured Kunduz on Sunday.", {"Kunduz": KUNDUZ}, published=date(2021, 8, 16),
                       dates=[("on Sunday", date(2021, 8, 15), date(2021, 8, 15), 1)])
    [mention] = coder.code(article)
    assert mention.sub_event_type == "Non-state actor overtakes territory"


def test_a_militia_named_as_the_towns_owner_is_assoc_actor_2(coder):
    article = annotate("The Taliban also occupied Dostum stronghold Kunduz.", {"Kunduz": KUNDUZ})
    [mention] = coder.code(article)
    assert mention.actor2 == "Military Forces of Afghanistan (2004-2021)"
    assert mention.assoc_actor_2 == "Abdul Rashid Dostum Militia"


def test_air_strikes_are_coded_for_forces_that_fly_and_helped_parties_are_not_the_target(coder):
    article = annotate("Overnight the United States flew air strikes over Kunduz to help the Afghan forces.",
                       {"Kunduz": KUNDUZ})
    [mention] = coder.code(article)
    assert mention.sub_event_type == "Air/drone strike" and mention.event_type == "Explosions/Remote violence"
    # No opponent is named and none is guessed: a foreign force's strike has no default target (in Somalia or
    # Syria it would not be the Taliban either).
    assert (mention.actor1, mention.actor2) == ("Military Forces of the United States (2021-)", None)
    assert coder.code(annotate("The Taliban bombed Kunduz.", {"Kunduz": KUNDUZ})) == []


def test_fighting_in_the_city_takes_the_one_place_of_the_sentence_before(coder):
    text = "Taliban fighters entered parts of Herat.\nStreet fighting in the city went on through the night."
    mentions = coder.code(annotate(text, {"Herat": HERAT}))
    assert [(m.sub_event_type, m.place.name) for m in mentions] == [("Armed clash", "Herat")]
    assert [e.sentence for e in mentions[0].evidence] == [0, 1]


def test_a_capture_outranks_the_fighting_for_the_same_place(coder):
    mentions = coder.code(annotate("After fierce fighting the Taliban captured Kunduz.", {"Kunduz": KUNDUZ}))
    assert [m.sub_event_type for m in mentions] == ["Non-state actor overtakes territory"]


def test_no_battles_are_coded_outside_the_country_of_focus(coder):
    assert coder.code(annotate("Taliban fighters clashed with government forces in Dushanbe.",
                               {"Dushanbe": DUSHANBE})) == []


def test_undated_article_gives_an_undated_mention_never_an_invented_date(coder):
    [mention] = coder.code(annotate("The Taliban captured Kunduz.", {"Kunduz": KUNDUZ}, published=None))
    assert (mention.date_start, mention.date_end, mention.time_precision) == (None, None, None)


def test_undated_report_is_dated_to_publication_with_week_precision(coder):
    [mention] = coder.code(annotate("The Taliban captured Kunduz.", {"Kunduz": KUNDUZ}))
    assert mention.date_end == date(2021, 8, 9) and mention.time_precision == 2
    assert mention.date_start < mention.date_end


def test_a_date_after_publication_is_a_plan_not_the_event_date(coder):
    article = annotate("The Taliban captured Kunduz, officials said, ahead of talks on Friday.", {"Kunduz": KUNDUZ},
                       dates=[("on Friday", date(2021, 8, 13), date(2021, 8, 13), 1)])
    [mention] = coder.code(article)
    assert mention.date_end == date(2021, 8, 9)


def test_fatalities_take_the_lowest_figure(coder):
    text = "Taliban fighters clashed with Afghan forces in Kunduz, killing 12 to 20 people."
    article = annotate(text, {"Kunduz": KUNDUZ}, quantities=[("12 to 20", 12)])
    article.quantities.append(Quantity(0, 1, 0, "20", "killed", 20, 20, 20))
    [mention] = coder.code(article)
    assert mention.fatalities.low == 12
    assert (mention.actor1, mention.actor2) == ("Taliban", "Military Forces of Afghanistan (2004-2021)")


def test_the_same_event_in_two_sentences_is_one_mention_with_both_as_evidence(coder):
    text = "The Taliban captured Kunduz.\nThe capture of Kunduz shocked Kabul."
    [mention] = coder.code(annotate(text, {"Kunduz": KUNDUZ}))
    assert [e.sentence for e in mention.evidence] == [0, 1]
    assert mention.id == "a1:m0"


def test_patterns_are_data_a_user_can_extend(tmp_path):
    custom = tmp_path / "patterns.yaml"
    text = PATTERNS_FILE.read_text(encoding="utf-8")
    custom.write_text(text.replace("      - captured\n", "      - captured\n      - liberated\n"), encoding="utf-8")
    component = EventCodingComponent({"patterns": str(custom)}, None)
    article = component(annotate("The Taliban liberated Kunduz.", {"Kunduz": KUNDUZ}))
    assert [m.sub_event_type for m in article.mentions] == ["Non-state actor overtakes territory"]


def test_hostile_input_gives_no_events_and_no_traceback(coder):
    for text in ["", "\x00\x01" * 50, "captured " * 5000, "Kunduz " * 3000]:
        article = annotate(text, {"Kunduz": KUNDUZ}) if text.strip("\x00\x01") else Article(id="a1", text=text)
        article.sentences = article.sentences or split_sentences(text)
        assert isinstance(coder.code(article), list)


def test_a_history_cue_in_a_later_clause_does_not_erase_the_capture_before_it(coder):
    text = ("Capitals seized in recent weeks include Kunduz, a city of several hundred thousand, "
            "and the army has promised to hold it. Taliban fighters had briefly held the city in 2015.")
    text = text.replace("it. Taliban", "it.Taliban")      # machine translation glued two sentences into one
    article = annotate(text, {"Kunduz": KUNDUZ})
    article.sentences = [Sentence(0, 0, len(text), text, modality="history", modality_cue="2015")]
    for item in article.places + article.actors:
        item.sentence = 0
    article.actors.append(ActorMention(0, 0, 0, "", "taliban", via="context"))
    assert [m.place.name for m in coder.code(article)] == ["Kunduz"]
    article.sentences[0].modality_cue = "recent"       # a cue before the trigger governs it
    assert coder.code(article) == []


MAIDAN_SHAHR = Place("t:maidan", "Maidan Shahr", "city", "AF", admin1="Wardak", admin2="Maidan Shahr", is_capital=True)
WARDAK = Place("t:wardak", "Wardak", "province", "AF", admin1="Wardak")
KABUL = Place("t:kabul", "Kabul", "city", "AF", admin1="Kabul", admin2="Kabul", is_capital=True)
TARINKOT = Place("t:tarinkot", "Tarinkot", "city", "AF", admin1="Uruzgan", admin2="Tarinkot", is_capital=True)
URUZGAN_TOWN = Place("t:uruzgan", "Uruzg\u0101n", "town", "AF", admin1="Uruzgan")
JALALABAD = Place("t:jalalabad", "Jalalabad", "city", "AF", admin1="Nangarhar", is_capital=True)
QALA_I_NAW = Place("t:qala", "Qala-i-Naw", "city", "AF", admin1="Badghis", admin2="Qala-i-Naw", is_capital=True)


def test_a_passive_subject_is_the_place_opening_the_clause_not_the_last_one_named(coder):
    text = "Maidan Shahr, the capital of Wardak province west of Kabul, also fell to the Taliban on Sunday."
    article = annotate(text, {"Maidan Shahr": MAIDAN_SHAHR, "Wardak": WARDAK, "Kabul": KABUL})
    assert [m.place.name for m in coder.code(article)] == ["Maidan Shahr"]


def test_a_town_named_as_where_another_is_is_not_a_second_capture(coder):
    text = "The Taliban occupied the Tirinkot of Uruzgan, the Qala-i-Naw of Badghis."
    article = annotate(text, {"Tirinkot": TARINKOT, "Uruzgan": URUZGAN_TOWN, "Qala-i-Naw": QALA_I_NAW})
    assert [m.place.name for m in coder.code(article)] == ["Tarinkot", "Qala-i-Naw"]


def test_a_wire_dateline_neither_dates_nor_places_the_event(coder):
    text = "KABUL, Aug 7 (Wire) - Taliban fighters captured Kunduz on Friday."
    article = annotate(text, {"KABUL": KABUL, "Kunduz": KUNDUZ}, published=date(2021, 8, 7),
                       dates=[("Aug 7", date(2021, 8, 7), date(2021, 8, 7), 1),
                              ("on Friday", date(2021, 8, 6), date(2021, 8, 6), 1)])
    [mention] = coder.code(article)
    assert mention.place is KUNDUZ and mention.date_start == date(2021, 8, 6)


def test_a_capture_without_a_fight_is_a_non_violent_transfer(coder):
    article = annotate("Hours earlier the Taliban took Jalalabad without a fight.", {"Jalalabad": JALALABAD})
    [mention] = coder.code(article)
    assert mention.sub_event_type == "Non-violent transfer of territory"
    assert mention.event_type == "Strategic developments" and mention.actor1 == "Taliban"


def test_a_day_after_shifts_the_date(coder):
    text = "The Taliban captured Kunduz on Wednesday, a day after seizing Herat."
    article = annotate(text, {"Kunduz": KUNDUZ, "Herat": HERAT},
                       dates=[("on Wednesday", date(2021, 8, 11), date(2021, 8, 11), 1)], published=date(2021, 8, 11))
    days = {m.place.name: m.date_start for m in coder.code(article)}
    assert days == {"Kunduz": date(2021, 8, 11), "Herat": date(2021, 8, 10)}


def test_a_trailing_attribution_reports_an_event_a_leading_one_is_a_statement(coder):
    trailing = annotate("The Taliban captured Kunduz on Friday, officials said.", {"Kunduz": KUNDUZ},
                        modality={0: "statement"})
    trailing.sentences[0].modality_cue = "said"
    assert len(coder.code(trailing)) == 1
    leading = annotate("Officials said the Taliban captured Kunduz on Friday.", {"Kunduz": KUNDUZ},
                       modality={0: "statement"})
    leading.sentences[0].modality_cue = "said"
    assert coder.code(leading) == []


@pytest.mark.parametrize("text", ["The Taliban took part in talks in Kunduz.", "Families took refuge in Kunduz.",
                                  "Thousands displaced by the fighting reached Kunduz.",
                                  "Afghan forces, backed by air strikes, held Kunduz."])
def test_phrases_that_only_look_like_events(coder, text):
    assert coder.code(annotate(text, {"Kunduz": KUNDUZ})) == []


def test_pushing_the_enemy_out_of_a_town_regains_it(coder):
    text = "Afghan forces pushed Taliban fighters out of Qala-i-Naw on Thursday."
    [mention] = coder.code(annotate(text, {"Qala-i-Naw": QALA_I_NAW}))
    assert mention.sub_event_type == "Government regains territory"
    assert mention.actor2 == "Taliban"


def test_the_un_reporting_a_clash_is_not_a_party_to_it(coder):
    text = "Taliban fighters and Afghan forces fought in Kunduz, the United Nations said."
    article = annotate(text, {"Kunduz": KUNDUZ})
    article.actors.append(ActorMention(text.index("United Nations"), text.index("United Nations") + 14, 0,
                                       "United Nations", "united_nations"))
    article.actors.sort(key=lambda a: a.start)
    [mention] = coder.code(article)
    assert {mention.actor1, mention.actor2} == {"Taliban", "Military Forces of Afghanistan (2004-2021)"}


def test_places_after_a_companion_phrase_share_the_capture(coder):
    d = date(2021, 8, 8)
    text = "Kunduz fell to the Taliban on 8 August, on the same day as Herat. The Taliban captured Kunduz, but near Herat fighting went on."
    article = annotate(text, {"Kunduz": KUNDUZ, "Herat": HERAT}, dates=[("on 8 August", d, d, 1)])
    coded = [(m.sub_event_type, m.place.name, m.date_start) for m in coder.code(article)]
    assert ("Non-state actor overtakes territory", "Herat", d) in coded
    # "but near Herat" is a new clause and a stop: no capture of Herat from the second sentence.
    assert [p for s, p, _ in coded if s == "Non-state actor overtakes territory"].count("Herat") == 1


def test_partial_control_is_fighting_not_a_fall(coder):
    for text in ("The Taliban captured much of Herat on Monday.", "Taliban fighters seized parts of Herat."):
        assert [m.sub_event_type for m in coder.code(annotate(text, {"Herat": HERAT}))] == ["Armed clash"], text


def test_districts_taken_in_a_province_are_not_its_capital(coder):
    assert coder.code(annotate("The Taliban seized five districts in Herat on Monday.", {"Herat": HERAT})) == []
    assert coder.code(annotate("Insurgents captured checkpoints around Herat.", {"Herat": HERAT})) == []


def test_a_clash_needs_two_sides(coder):
    assert coder.code(annotate("The government said fighting went on in Herat on Monday.", {"Herat": HERAT})) == []


def test_a_town_coming_under_a_groups_control_changed_hands(coder):
    [mention] = coder.code(annotate("Kunduz came under Taliban control on Sunday.", {"Kunduz": KUNDUZ}))
    assert (mention.sub_event_type, mention.actor1) == ("Non-state actor overtakes territory", "Taliban")


def test_an_old_year_in_an_undated_page_is_history_when_the_page_names_a_later_day(coder):
    text = "The Taliban captured Kunduz in 2015. On 8 August 2021 the Taliban captured Herat."
    article = annotate(text, {"Kunduz": KUNDUZ, "Herat": HERAT}, published=None,
                       dates=[("2015", date(2015, 1, 1), date(2015, 12, 31), 3),
                              ("8 August 2021", date(2021, 8, 8), date(2021, 8, 8), 1)])
    assert [(m.place.name, m.date_start) for m in coder.code(article)] == [("Herat", date(2021, 8, 8))]


def test_a_partys_own_word_is_a_claim_an_officials_is_not(coder):
    [claimed] = coder.code(annotate("A Taliban spokesman said its fighters captured Kunduz on Sunday.", {"Kunduz": KUNDUZ}))
    assert claimed.claimed_by == "Taliban"
    [reported] = coder.code(annotate("Officials said the Taliban captured Kunduz on Sunday.", {"Kunduz": KUNDUZ}))
    assert reported.claimed_by is None


def test_an_earlier_capture_is_not_dated_to_the_report(coder):
    [earlier] = coder.code(annotate("The Taliban had earlier captured Kunduz.", {"Kunduz": KUNDUZ}))
    assert earlier.date_start is None
    [today] = coder.code(annotate("The Taliban captured Kunduz.", {"Kunduz": KUNDUZ}))
    assert today.date_end == date(2021, 8, 9)   # the publication day, for want of another


def test_killing_counted_civilians_is_an_attack_by_the_named_killer(coder):
    from frontlines.model import Quantity

    def with_dead(text: str, subject: str) -> list:
        article = annotate(text, {"Herat": HERAT})
        at = text.index("44")
        article.quantities = [Quantity(at, at + 2, 0, "44", "killed", 44, 44, 44, subject)]
        return coder.code(article)

    [attack] = with_dead("Taliban fighters killed 44 people in Herat on Sunday.", "civilians")
    assert (attack.sub_event_type, attack.actor1, attack.actor2) == ("Attack", "Taliban", "Civilians (Afghanistan)")
    assert with_dead("Taliban fighters killed 44 soldiers in Herat on Sunday.", "soldiers") == []
    assert with_dead("Unknown men killed 44 people in Herat on Sunday.", "civilians") == []   # no named killer


def test_civilians_killed_in_fighting_are_not_an_attack_by_either_side(coder):
    from frontlines.model import Quantity

    text = "At least 44 civilians were killed in Herat as Taliban fighters and government forces fought."
    article = annotate(text, {"Herat": HERAT})
    at = text.index("44")
    article.quantities = [Quantity(at, at + 2, 0, "44", "killed", 44, 44, 44, "civilians")]
    assert [m.sub_event_type for m in coder.code(article)] == ["Armed clash"]


def test_the_area_a_town_lies_in_is_not_a_second_place_of_the_event_whatever_its_spelling(coder):
    town = Place("t:alder", "Alderford", "city", "AF", admin1="Nord Vale", lat=36.0, lon=68.0)
    area = Place("t:north-vale", "North Vale", "district", "AF", admin1="Nord Vale", lat=36.2, lon=68.1)
    mentions = coder.code(annotate("Taliban fighters captured Alderford in North Vale province on Sunday.",
                                   {"Alderford": town, "North Vale": area}))
    assert [m.place.name for m in mentions] == ["Alderford"]


def test_a_town_in_a_province_named_like_its_capital_is_one_event_at_the_town(coder):
    spin = Place("t:spin", "Spin Boldak", "district", "AF", admin1="Kandahar", lat=31.0, lon=66.4)
    kandahar = Place("t:kandahar", "Kandahar", "city", "AF", admin1="Kandahar", is_capital=True)
    text = "Clashes between the Taliban and Afghan forces broke out in Spin Boldak in Kandahar overnight."
    mentions = coder.code(annotate(text, {"Spin Boldak": spin, "Kandahar": kandahar}))
    assert [(m.sub_event_type, m.place.name) for m in mentions] == [("Armed clash", "Spin Boldak")]


def test_an_event_at_a_lone_place_in_a_country_the_article_is_not_about_is_not_coded(coder):
    pale = Place("t:pale", "Pale", "town", "BA", lat=43.8, lon=18.6)
    text = "The Taliban captured Kunduz on Sunday. Taliban fighters also shelled Pale, officials in Kunduz said."
    mentions = coder.code(annotate(text, {"Kunduz": KUNDUZ, "Pale": pale}))
    assert [m.place.name for m in mentions] == ["Kunduz"]
