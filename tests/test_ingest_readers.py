"""Each input format, and where each article's metadata came from."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from frontlines.ingest import read_path
from frontlines.ingest.datelines import find_dateline, parse_date
from frontlines.ingest.readers import headline
from frontlines.model import content_hash
from frontlines.pipeline import load_config

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


@pytest.fixture(scope="module")
def config() -> dict:
    return load_config()


def read(name: str, config: dict):
    return read_path(FIXTURES / name, config)


def test_txt_headline_becomes_title_and_wire_dateline_gives_date_and_agency(config):
    (article,), warnings = read("headline.txt", config)
    assert article.title == "Taliban fighters push into Kunduz city"
    assert article.text.startswith("Taliban fighters push into Kunduz city\n\nKUNDUZ, Afghanistan")  # headline kept in text
    assert (article.published, article.published_source) == (date(2021, 8, 8), "dateline")
    assert article.outlet == "Example Wire"
    assert article.id == content_hash(article.text)[:16]
    assert article.source_path == str(FIXTURES / "headline.txt")
    assert warnings == []


def test_txt_without_headline_or_date_is_kept_undated(config):
    (article,), _ = read("no_date.txt", config)
    assert article.title is None  # the first line is a sentence, not a headline
    assert article.published is None and article.published_source is None


def test_yearless_wire_dateline_never_gets_a_guessed_year(config):
    (article,), warnings = read("wire_yearless.txt", config)
    assert article.published is None and article.published_source is None
    assert article.extra["dateline"] == "KABUL, Aug 13 (Example Wire) -"
    assert "has no year" in warnings[0]
    dated = load_config(overrides={"ingest": {"dateline_year": 2021}})
    (article,), _ = read_path(FIXTURES / "wire_yearless.txt", dated)
    assert (article.published, article.published_source) == (date(2021, 8, 13), "dateline")


def test_html_metadata_beats_the_dateline(config):
    (article,), _ = read("page.html", config)
    assert article.title == "Zaranj falls to the Taliban"
    assert article.outlet == "Example Herald"
    assert article.url == "https://herald.example.org/world/zaranj-falls"
    # The page's markup says 6 August; the dateline in the text says 5 August: markup wins.
    assert (article.published, article.published_source) == (date(2021, 8, 6), "html")
    assert "Taliban fighters took control of Zaranj" in article.text
    assert "alert" not in article.text and "All rights reserved" not in article.text and "Sport" not in article.text


def test_html_without_date_markup_falls_back_to_a_labelled_dateline(config):
    (article,), _ = read("page_no_meta.html", config)
    assert (article.published, article.published_source) == (date(2021, 8, 3), "dateline")
    assert article.title == "Clashes continue in Lashkar Gah"


def test_jsonl_fields_extras_precedence_and_bad_lines(config):
    articles, warnings = read("articles.jsonl", config)
    by_id = {a.id: a for a in articles}
    assert list(by_id) == ["fx-islam-qala", "fx-torghundi", "fx-spin-boldak"]
    islam_qala = by_id["fx-islam-qala"]
    # The field says 9 July; the text's dateline says 8 July: the field wins.
    assert (islam_qala.published, islam_qala.published_source) == (date(2021, 7, 9), "field")
    assert islam_qala.extra == {"language": "en", "tags": ["border", "herat"]}
    assert (islam_qala.url, islam_qala.outlet) == ("https://news.example.com/islam-qala", "Example News")
    assert (by_id["fx-torghundi"].published, by_id["fx-torghundi"].published_source) == (date(2021, 7, 10), "dateline")
    assert by_id["fx-spin-boldak"].published is None
    assert warnings == ["line 3: invalid JSON (Expecting value at column 1)", "line 4: no text",
                        "line 6: published 'not a date' is not a date; ignored"]


def test_json_single_object_and_list(config):
    (single,), _ = read("single.json", config)
    assert single.id == "fx-sheberghan" and single.extra == {"section": "world"}
    articles, warnings = read("list.json", config)
    assert [a.id for a in articles] == ["fx-sar-e-pul", "fx-taloqan"]
    assert articles[0].published == date(2021, 8, 8)  # a datetime value keeps its date
    assert warnings == ["item 3: not a JSON object"]


def test_rss_items_content_encoded_local_date_and_unsafe_link(config):
    articles, warnings = read("feed.rss", config)
    aybak, evacuation = articles
    assert aybak.title == "Aybak falls to the Taliban"
    assert aybak.outlet == "Example Frontier Radio"
    # content:encoded (not the one-line description), markup and script stripped.
    assert aybak.text == ("Taliban fighters entered Aybak, the capital of Samangan province, on Monday.\n\n"
                          "Local officials said the governor had left the city.")
    # 02:10 on 9 August in Kabul (+04:30) is still 8 August in UTC: the publisher's own date is kept.
    assert (aybak.published, aybak.published_source) == (date(2021, 8, 9), "feed")
    assert evacuation.text == "Evacuation flights continued from Kabul airport as crowds gathered at the gates."
    assert evacuation.url is None and evacuation.published is None
    assert warnings == ["item 2: url 'javascript:alert(1)' is not http(s); dropped"]


def test_atom_entry(config):
    (article,), _ = read("feed.atom", config)
    assert article.title == "Taliban enter Kabul"
    assert article.url == "https://atom.example.org/kabul"
    assert (article.published, article.published_source) == (date(2021, 8, 15), "feed")
    assert article.extra["id"] == "urn:example:kabul-0815"


def test_same_content_in_two_formats_has_one_hash(config, tmp_path):
    text = "Taliban fighters captured the Torghundi border crossing with Turkmenistan, officials in Herat said."
    (tmp_path / "a.txt").write_text(text + "\n", encoding="utf-8")
    (tmp_path / "b.json").write_text('{"text": "%s"}' % text, encoding="utf-8")
    (a,), _ = read_path(tmp_path / "a.txt", config)
    (b,), _ = read_path(tmp_path / "b.json", config)
    assert a.content_hash == b.content_hash and a.id == b.id


@pytest.mark.parametrize("text, expected", [
    (" date 2021-06-19 KABULWIRE| by a reporter: Afghanistan", date(2021, 6, 19)),
    ("KABUL, Afghanistan, Aug. 13, 2021 (AP) — The Taliban", date(2021, 8, 13)),
    ("13 August 2021\nThe Taliban took", date(2021, 8, 13)),
    ("Friday, August 13, 2021 - The Taliban", date(2021, 8, 13)),
    ("Posted on 9th of August 2021 by staff", date(2021, 8, 9)),
    ("The Taliban took Kunduz on 8 August 2021, officials said.", None),  # an event date, not a dateline
    ("HERAT (Reuters) - no date here", None),
    ("KABUL, Feb 30, 2021 (Wire) - impossible day", None),
])
def test_datelines(text, expected):
    found = find_dateline(text)
    assert (found.date if found else None) == expected


def test_dateline_only_in_the_head_of_the_text():
    text = "x " * 300 + "\n13 August 2021\nmore"
    assert find_dateline(text) is None


@pytest.mark.parametrize("value, expected", [
    ("2021-06-19", date(2021, 6, 19)), ("2021-06-19T23:00:00Z", date(2021, 6, 19)), ("13 August 2021", date(2021, 8, 13)),
    ("Aug 13, 2021", date(2021, 8, 13)), ("2021-02-30", None), ("yesterday", None), (20210619, None), ("", None),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("text, expected", [
    ("Afghanistan Update\n\nThe Taliban offensive swept on.", "Afghanistan Update"),
    ("Combat is raging around three cities as fighters advance.\nMore text.", None),   # a sentence
    ("Only a headline", None),                                                          # nothing after it
    ("KABUL, Aug 13 (Reuters) - Afghan officials said\nmore", None),
    ("2021\n\nbody", None),
])
def test_headline(text, expected):
    assert headline(text) == expected
