"""The gold files: they load, every substring is in its article, and they cover what the corpus promises."""
from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path

import pytest

from frontlines.evaluate import GoldError, load_gold
from frontlines.evaluate.gold import Quote, quote_hash, resolve_quotes, shown
from frontlines.ingest.decoding import clean_text
from frontlines.understand.text import fold

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "gold"
EXAMPLES = REPO / "examples" / "afghanistan-2021"

ACLED_SUB_EVENTS = {
    "Battles": {"Government regains territory", "Non-state actor overtakes territory", "Armed clash"},
    "Explosions/Remote violence": {"Air/drone strike", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED",
                                   "Suicide bomb", "Grenade", "Chemical weapon"},
    "Violence against civilians": {"Attack", "Abduction/forced disappearance", "Sexual violence"},
    "Strategic developments": {"Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
                               "Headquarters or base established", "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"},
}
CANONICAL_ACTORS = {
    "Taliban", "Military Forces of Afghanistan (2004-2021)", "Police Forces of Afghanistan (2004-2021)",
    "Government of Afghanistan (2004-2021)", "Pro-Government Militia (Afghanistan)", "Ismail Khan Militia",
    "Atta Mohammad Noor Militia", "Abdul Rashid Dostum Militia", "Military Forces of the United States (2021-)",
    "NATO: North Atlantic Treaty Organization", "Military Forces of the United Kingdom (2019-)", "Al Qaeda",
    "Islamic State (Afghanistan)", "United Nations", "Civilians (Afghanistan)",
}
# Provincial capital -> the day it fell (the facts the example corpus must cover).
CAPITALS = {
    "Zaranj": "2021-08-06", "Sheberghan": "2021-08-07", "Kunduz": "2021-08-08", "Sar-e Pul": "2021-08-08",
    "Taloqan": "2021-08-08", "Aybak": "2021-08-09", "Farah": "2021-08-10", "Pul-e Khumri": "2021-08-10",
    "Faizabad": "2021-08-11", "Ghazni": "2021-08-12", "Herat": "2021-08-12", "Qala-i-Naw": "2021-08-12",
    "Kandahar": "2021-08-13", "Lashkar Gah": "2021-08-13", "Chaghcharan": "2021-08-13", "Tarinkot": "2021-08-13",
    "Qalat": "2021-08-13", "Pul-e Alam": "2021-08-13", "Mazar-i-Sharif": "2021-08-14", "Maymana": "2021-08-14",
    "Sharana": "2021-08-14", "Gardez": "2021-08-14", "Asadabad": "2021-08-14", "Jalalabad": "2021-08-15",
    "Maidan Shahr": "2021-08-15", "Kabul": "2021-08-15",
}
TAKEOVERS = {"Non-state actor overtakes territory", "Non-violent transfer of territory"}


@pytest.fixture(scope="module")
def examples_gold():
    return load_gold(GOLD / "examples.jsonl")


@pytest.fixture()
def seeds_gold(seed_articles):
    """The seed gold with its by-reference quotes read from the seed texts in ../shared, as stored."""
    gold = load_gold(GOLD / "seeds.jsonl")
    resolve_quotes(gold, {a.id: clean_text(a.text) for a in seed_articles.values()})
    return gold


def example_texts() -> dict[str, str]:
    """Every example article's text, keyed by its gold article id (the HTML and RSS markup stripped crudely)."""
    texts = {}
    for line in (EXAMPLES / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        texts[record["id"]] = record["text"]
    for record in load_gold(GOLD / "examples.jsonl"):
        if record.source:
            page = (EXAMPLES / record.source).read_text(encoding="utf-8")
            texts[record.article_id] = html.unescape(re.sub(r"<[^>]+>", " ", page))
        elif record.article_id.startswith("ex-rss"):
            feed = (EXAMPLES / "feed.rss").read_text(encoding="utf-8")
            item = next(i for i in feed.split("<item>") if record.url in i)
            texts[record.article_id] = html.unescape(re.sub(r"<[^>]+>", " ", item))
    return texts


def test_examples_gold_covers_the_whole_corpus(examples_gold):
    assert len(examples_gold) == 33
    assert set(example_texts()) == {r.article_id for r in examples_gold}
    assert sum(1 for r in examples_gold if r.published is None) == 3


def test_every_gold_substring_is_in_its_example_article(examples_gold):
    texts = example_texts()
    for record in examples_gold:
        text = fold(texts[record.article_id])
        for item in record.events + record.claims + record.non_events:
            assert fold(item.sentence) in text, (record.article_id, item.sentence)


def test_every_gold_substring_is_in_its_seed_article(seeds_gold, seed_articles):
    by_id = {a.id: a for a in seed_articles.values()}
    assert {r.article_id for r in seeds_gold} == set(by_id)
    for record in seeds_gold:
        text = fold(by_id[record.article_id].text)
        for item in record.events + record.claims + record.non_events:
            assert fold(item.sentence) in text, (record.article_id, shown(item.sentence))


def test_seed_gold_quotes_the_seeds_only_by_reference():
    """The seed texts are third-party: their gold points into them and copies none of their words."""
    raw = (GOLD / "seeds.jsonl").read_text(encoding="utf-8")
    for line in raw.splitlines():
        record = json.loads(line)
        for item in record["events"] + record["claims"] + record["non_events"]:
            assert set(item["sentence"]) == {"at", "sha1"}, item["sentence"]
    for record in load_gold(GOLD / "seeds.jsonl"):
        assert record.quoted


def test_a_quote_by_reference_matches_only_once_resolved_and_only_the_text_it_hashed():
    from frontlines.evaluate.score import contains_sentence

    text = "Fighting resumed. The Taliban seized the district centre on Monday, officials said."
    start, end = text.index("The Taliban"), text.index(" on Monday")
    record = {"article_id": "a1", "events": [], "claims": [],
              "non_events": [{"sentence": {"at": [start, end], "sha1": quote_hash(text[start:end])},
                              "reason": "statement"}]}
    from frontlines.evaluate import parse_record
    gold = [parse_record(record)]
    quote = gold[0].non_events[0].sentence
    assert isinstance(quote, Quote) and shown(quote) == f"[a1 {start}-{end}]"
    assert not contains_sentence([text], quote)          # unresolved: matches no evidence
    resolve_quotes(gold, {"a1": text})
    resolved = gold[0].non_events[0].sentence
    assert resolved == "The Taliban seized the district centre" and contains_sentence([text], resolved)
    assert shown(resolved) == f"[a1 {start}-{end}]"      # reports still show the reference
    import copy
    assert copy.deepcopy(resolved).ref == resolved.ref and str(copy.deepcopy(resolved)) == str(resolved)
    with pytest.raises(GoldError, match="has the article changed"):
        resolve_quotes([parse_record(record)], {"a1": text.replace("seized", "took  ")})


@pytest.mark.parametrize("sentence", [{"at": [5, 2], "sha1": "0" * 12}, {"at": [0, 4]}, {"at": ["0", 4], "sha1": "0" * 12},
                                      {"at": [0, 4], "sha1": "short"}])
def test_a_malformed_quote_is_refused(sentence):
    from frontlines.evaluate import parse_record

    with pytest.raises(GoldError, match="'sentence' must be"):
        parse_record({"article_id": "a1", "non_events": [{"sentence": sentence, "reason": "plan"}]})


@pytest.mark.parametrize("name", ["seeds.jsonl", "examples.jsonl"])
def test_gold_uses_acled_names_and_canonical_actors(name):
    for record in load_gold(GOLD / name):
        for event in record.events:
            assert event.sub_event_type in ACLED_SUB_EVENTS[event.event_type], event
            assert {event.actor1, event.actor2} - {None} <= CANONICAL_ACTORS, event
            assert date(2021, 6, 1) <= event.date_from <= event.date_to <= date(2021, 8, 31), event
            assert record.published is None or event.date_from <= record.published, (record.article_id, event.place)


def test_every_provincial_capital_falls_in_the_examples_on_the_real_day(examples_gold):
    reports: dict[str, int] = {}
    for record in examples_gold:
        for event in record.events:
            if event.sub_event_type in TAKEOVERS and event.place in CAPITALS and not event.optional:
                fell = date.fromisoformat(CAPITALS[event.place])
                assert event.date_from <= fell <= event.date_to, (record.article_id, event.place)
                assert record.published is None or record.published >= fell
                reports[event.place] = reports.get(event.place, 0) + 1
    assert set(reports) == set(CAPITALS)
    assert sum(1 for n in reports.values() if n >= 2) >= 8      # fusion has something to fuse


def test_seed_gold_holds_the_captures_the_events_issue_names(seeds_gold):
    takes = {(r.article_id[:3], e.place) for r in seeds_gold for e in r.events
             if e.sub_event_type == "Non-state actor overtakes territory"}
    assert takes == {("000", "Sher Khan Bandar"), ("001", "Kunduz"), ("001", "Sheberghan"),
                     ("002", "Kandahar"), ("002", "Herat"), ("002", "Lashkar Gah")}
    places = {e.place for r in seeds_gold for e in r.events}
    assert not places & {"Kabul", "Mazar-i-Sharif", "Jalalabad"}


@pytest.mark.parametrize("line, message", [
    ("not json", "2:"),
    ('{"article_id": "x", "events": [{"event_type": "Battles", "date_from": "2021-08-01"}]}', "sub_event_type"),
    ('{"article_id": "x", "claims": [{"metric": "hearts", "count": 1, "sentence": "s"}]}', "hearts"),
    ('{"article_id": "x", "non_events": [{"sentence": "s", "reason": "gossip"}]}', "gossip"),
    ('{"article_id": "x", "events": [{"event_type": "Battles", "sub_event_type": "Armed clash", "place": "P", '
     '"lat": 1, "sentence": "s", "date_from": "2021-08-02", "date_to": "2021-08-01"}]}', "before"),
    ('["a list"]', "JSON object"),
    ('{"article_id": "x", "events": [{"event_type": "Battles", "sub_event_type": "Armed clash", "place": "P", '
     '"sentence": "s", "date_from": "2021-08-01", "tolerance_km": -5}]}', "positive"),
    ('{"article_id": "x", "events": [{"event_type": "Battles", "sub_event_type": "Armed clash", "place": "P", '
     '"sentence": "s", "date_from": "2021-08-01", "lat": "north", "lon": 1}]}', "'lat' must be a number"),
    ('{"article_id": "ok"}', "appears twice"),
])
def test_bad_gold_is_refused_with_the_line_number(tmp_path, line, message):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"article_id": "ok"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match=re.escape(message)):
        load_gold(path)


def test_binary_or_empty_gold_is_refused(tmp_path):
    binary = tmp_path / "gold.jsonl"
    binary.write_bytes(b"\xff\xfe\x00\x00garbage")
    with pytest.raises(GoldError):
        load_gold(binary)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(GoldError, match="no gold records"):
        load_gold(empty)
    with pytest.raises(GoldError, match="cannot read"):
        load_gold(tmp_path / "missing.jsonl")


def _sentences(text: str) -> list[str]:
    # Deliberately crude (over-splitting only makes the check laxer): a stop, then a capital.
    return [fold(s) for s in re.split(r"(?<=[.!?])\s*(?=[A-Z\"\u201c])", text)]


def _shares_a_sentence(text: str, a: str, b: str) -> bool:
    return any(fold(a) in s and fold(b) in s for s in _sentences(text))


def _check_non_events_stand_alone(records, texts: dict[str, str]) -> None:
    for record in records:
        for non_event in record.non_events:
            for event in record.events:
                assert not _shares_a_sentence(texts[record.article_id], non_event.sentence, event.sentence), \
                    (record.article_id, non_event.sentence, event.sentence)


def test_no_non_event_shares_a_sentence_with_an_event(examples_gold):
    _check_non_events_stand_alone(examples_gold, example_texts())


def test_no_seed_non_event_shares_a_sentence_with_an_event(seeds_gold, seed_articles):
    _check_non_events_stand_alone(seeds_gold, {a.id: a.text for a in seed_articles.values()})
