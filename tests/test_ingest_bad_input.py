"""Bad input: every case gets a clear reason, never a traceback, and never costs the other files."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontlines.ingest import IngestError, ingest_paths, read_path
from frontlines.pipeline import load_config

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
BAD = FIXTURES / "bad"
TEXT = "The Taliban's fighters entered the café district of Herat on Sunday – officials said. "


@pytest.fixture(scope="module")
def config() -> dict:
    return load_config()


def reason(path: Path, config: dict) -> str:
    with pytest.raises(IngestError) as caught:
        read_path(path, config)
    return caught.value.reason


def test_empty_file(config):
    assert reason(BAD / "blank.txt", config) == "empty file"


def test_html_with_no_text(config):
    assert reason(BAD / "no_text.html", config).startswith("HTML page with no article text")


def test_xml_that_is_not_a_feed(config):
    assert reason(BAD / "not_a_feed.xml", config).startswith("not an RSS/Atom feed")


def test_unknown_extension(config):
    assert reason(BAD / "notes.rtf", config) == "unsupported file type '.rtf'"


def test_jsonl_with_no_good_line_reports_line_numbers(config):
    message = reason(BAD / "all_bad.jsonl", config)
    assert message.startswith("no articles: line 1: invalid JSON") and "line 2: invalid JSON" in message


def test_invalid_json_document(config, tmp_path):
    (tmp_path / "broken.json").write_text('[{"text": "a"},', encoding="utf-8")
    assert reason(tmp_path / "broken.json", config).startswith("invalid JSON (")


def test_binary_file(config, tmp_path):
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert reason(tmp_path / "photo.txt", config) == "binary file (contains NUL bytes)"


def test_undecodable_bytes(config, tmp_path):
    noise = bytes((i * 7919 + 13) % 128 + 128 for i in range(3000))  # high bytes only: no encoding makes text of it
    (tmp_path / "noise.txt").write_bytes(noise)
    assert reason(tmp_path / "noise.txt", config).startswith("undecodable")


def test_wrongly_encoded_text_is_detected_not_mangled(config, tmp_path):
    (tmp_path / "legacy.txt").write_bytes((TEXT * 3).encode("cp1252"))
    (article,), _ = read_path(tmp_path / "legacy.txt", config)
    assert article.text.startswith("The Taliban's fighters entered the café district of Herat on Sunday – officials")


def test_html_declaring_the_wrong_charset(config, tmp_path):
    page = f'<html><head><meta charset="utf-8"><title>Herat</title></head><body><p>{TEXT * 2}</p></body></html>'
    (tmp_path / "page.html").write_bytes(page.encode("cp1252"))
    (article,), _ = read_path(tmp_path / "page.html", config)
    assert "café district" in article.text and "\ufffd" not in article.text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-32"])
def test_byte_order_marks(config, tmp_path, encoding):
    (tmp_path / "bom.txt").write_bytes(TEXT.encode(encoding))
    (article,), _ = read_path(tmp_path / "bom.txt", config)
    assert article.text == TEXT.strip()


def test_control_characters_are_dropped(config, tmp_path):
    (tmp_path / "ctl.txt").write_text("Kunduz\x1b[31m fell\x07 on Sunday.\r\nSecond line.", encoding="utf-8")
    (article,), _ = read_path(tmp_path / "ctl.txt", config)
    assert article.text == "Kunduz[31m fell on Sunday.\nSecond line."


def test_over_the_size_limit(tmp_path):
    (tmp_path / "big.txt").write_text(TEXT * 10, encoding="utf-8")
    small = load_config(overrides={"ingest": {"max_bytes": 100}})
    assert reason(tmp_path / "big.txt", small).startswith("too large: 890 bytes (limit 100")


def test_missing_and_unusable_paths(config, tmp_path):
    assert reason(tmp_path / "gone.txt", config) == "no such file"
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    assert reason(tmp_path / "dangling.txt", config) == "no such file"
    os.mkfifo(tmp_path / "pipe.txt")  # reading a FIFO would block for ever
    assert reason(tmp_path / "pipe.txt", config) == "not a regular file"


def test_hostile_json_nesting(config, tmp_path):
    (tmp_path / "deep.jsonl").write_text("[" * 100_000 + "\n" + '{"text": "Kabul airport reopened."}\n',
                                         encoding="utf-8")
    articles, warnings = read_path(tmp_path / "deep.jsonl", config)
    assert [a.text for a in articles] == ["Kabul airport reopened."]
    assert warnings[0].startswith("line 1: invalid JSON")


def test_one_bad_file_does_not_cost_the_others(store, config, tmp_path):
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / ".hidden.txt").write_text("hidden files are ignored", encoding="utf-8")
    report = ingest_paths([tmp_path, BAD, tmp_path / "missing"], store, config, run_id="r1")
    status = {Path(f.path).name: (f.status, f.reason) for f in report.files}
    assert ".hidden.txt" not in status
    assert status["good.txt"] == ("read", "")
    assert status["bad.txt"] == ("error", "binary file (contains NUL bytes)")
    assert status["notes.rtf"] == ("skipped", "unsupported file type '.rtf'")
    assert status["missing"] == ("error", "no such file or folder")
    assert report.read == 1 and report.articles_added == 1 and len(report.failed) == 7
    logged = {Path(r["path"]).name: r["status"] for r in store.ingest_log("r1")}
    assert logged == {name: s for name, (s, _) in status.items()}


FRAGMENTS = ["<", ">", "<p>", "</p>", "<?xml version='1.0' encoding='latin-1'?>", "<rss><channel><item>", "<feed>",
             "<entry><content type='html'>", "{", "}", "[", "]", '"text":', '"published":', "\n", "\x00", "KABUL, Aug 13 -",
             "date 2021-06-19", "&amp;", "&#0;", "<![CDATA[", "]]>", "\ufeff", "é", "\u202e"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=40),
       noise=st.binary(max_size=40), extension=st.sampled_from(["txt", "html", "jsonl", "json", "rss", "atom"]))
def test_any_input_gives_articles_or_a_reason(pieces, noise, extension):
    config = load_config()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input.{extension}"
        path.write_bytes("".join(pieces).encode("utf-8", "surrogatepass") + noise)
        try:
            articles, warnings = read_path(path, config)
        except IngestError as exc:
            assert exc.reason
        else:
            assert articles and all(a.text and a.id and a.content_hash for a in articles)
            assert all(isinstance(w, str) for w in warnings)


def test_a_jsonl_line_of_control_characters_is_reported_not_dropped_unsaid(config, tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"id": "a", "text": "' + TEXT + '"}\n\x1c\x1c\x1c\n{"id": "b", "text": "' + TEXT + '"}\n',
                    encoding="utf-8")
    articles, warnings = read_path(path, config)
    assert [a.id for a in articles] == ["a", "b"]
    assert any(w.startswith("line 2: invalid JSON") for w in warnings), warnings
