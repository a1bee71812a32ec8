"""Fuzzing ingest (issue 19): generated hostile files of every kind and hypothesis-made bytes, records and names.

Each test holds the same line: nothing raises, no good record is lost, and every hostile part is reported (a failure
of its file or a warning naming its line) or stored. Each runs in a few seconds; ``benchmarks/fuzz.py`` is the
nightly-size variant over the whole run.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontlines.ingest import IngestError, ingest_paths, read_path
from frontlines.ingest.readers import make_article
from frontlines.pipeline import load_config
from frontlines.storage import Store
from frontlines.storage.ingest import add_articles

from hostile_inputs import KINDS, SENTENCES, Limits, account, write_corpus

LIMITS = Limits(max_bytes=200_000, max_chars=50_000)   # small, so "huge" files are cheap to write
FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXTENSIONS = ("txt", "html", "jsonl", "json", "rss", "atom", "xml")
GOOD_TEXT = SENTENCES[3] + " " + SENTENCES[7]   # non-ASCII punctuation: a wrong decoding would garble it


@pytest.fixture(scope="module")
def config() -> dict:
    return load_config(overrides={"ingest": {"max_bytes": LIMITS.max_bytes, "max_chars": LIMITS.max_chars}})


@pytest.fixture(scope="module")
def shared_store():
    store = Store(":memory:")
    yield store
    store.close()


def _ingest_and_account(manifest, config: dict):
    with Store(":memory:") as store:
        report = ingest_paths(manifest.inputs, store, config, run_id="fuzz")
        summary = {"failures": [{"path": f.path, "status": f.status, "reason": f.reason} for f in report.failed],
                   "warnings": report.warnings}
        texts = [row[0] for row in store.con.execute("SELECT text FROM articles").fetchall()]
    return account(manifest, summary, texts)


def _assert_clean(result) -> None:
    figures = result.figures()
    assert figures["good_lost"] == 0, result.lost[:10]
    assert figures["good_altered"] == 0, result.altered[:10]
    assert figures["failures_not_reported"] == 0, result.unreported[:10]
    assert figures["secrets_leaked"] == 0


# -- generated files, kind by kind and mixed ---------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_hostile_kind_costs_no_good_record_and_is_reported(kind, config, tmp_path):
    kinds = [kind] if kind != "odd_texts" else ["odd_texts", "empty"]   # odd texts are good records, not hostile parts
    manifest = write_corpus(tmp_path / "in", hostile=12, limits=LIMITS, kinds=kinds)
    assert manifest.good or kind == "unsupported"
    _assert_clean(_ingest_and_account(manifest, config))


def test_a_mixed_hostile_corpus_costs_no_good_record_and_every_failure_is_reported(config, tmp_path):
    manifest = write_corpus(tmp_path / "in", hostile=200, limits=LIMITS, seed=7)
    assert set(manifest.kinds()) >= set(KINDS) - {"odd_texts"} and len(manifest.good) > 100
    result = _ingest_and_account(manifest, config)
    _assert_clean(result)
    assert result.stored == len(manifest.good)


# -- hypothesis: any bytes, any record, any line, any name ---------------------------------------------------

@FUZZ
@given(data=st.binary(max_size=3_000), extension=st.sampled_from(EXTENSIONS))
def test_any_bytes_under_any_name_are_read_or_refused_with_a_reason(data, extension, config, shared_store):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input.{extension}"
        path.write_bytes(data)
        try:
            articles, warnings = read_path(path, config)
        except IngestError as exc:
            assert exc.reason.strip()
            return
    assert articles and all(isinstance(w, str) and w for w in warnings)
    add_articles(shared_store, articles)   # whatever was read, the store takes


JSON_SCALARS = (st.none() | st.booleans() | st.floats() | st.integers(min_value=-10**300, max_value=10**300)
                | st.text(max_size=30) | st.sampled_from(["\ud83d", "x\udc00y", "\u2028", "0001-01-01", "9999-12-31",
                                                           "2021-08-15", "javascript:x", "https://a.org/\ud800"]))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
FIELDS = st.sampled_from(["id", "url", "title", "published", "outlet", "text", "extra", "\ud800"])


@FUZZ
@given(record=st.dictionaries(FIELDS, JSON_VALUES, max_size=6) | JSON_VALUES)
def test_any_json_record_between_good_lines_costs_its_line_alone(record, config, shared_store):
    good = [{"id": f"good-{n}", "text": f"{GOOD_TEXT} Line {n}."} for n in (1, 3)]
    lines = [json.dumps(good[0], ensure_ascii=False), json.dumps(record, ensure_ascii=True),
             json.dumps(good[1], ensure_ascii=False)]
    articles, warnings = _read_lines("\n".join(lines).encode("utf-8"), config)
    by_id = {a.id: a for a in articles}
    assert by_id["good-1"].text == good[0]["text"] and by_id["good-3"].text == good[1]["text"]
    assert len(articles) == 3 or any(w.startswith("line 2:") for w in warnings)
    add_articles(shared_store, articles)


@FUZZ
@given(line=st.binary(max_size=400).filter(lambda b: b"\n" not in b and b"\r" not in b))
def test_any_bytes_on_one_line_cost_that_line_alone(line, config):
    good = [json.dumps({"id": f"good-{n}", "text": f"{GOOD_TEXT} Line {n}."}, ensure_ascii=False).encode("utf-8")
            for n in (1, 3)]
    articles, warnings = _read_lines(b"\n".join([good[0], line, good[1]]), config)
    texts = {a.id: a.text for a in articles}
    assert texts["good-1"] == f"{GOOD_TEXT} Line 1." and texts["good-3"] == f"{GOOD_TEXT} Line 3."
    assert len(articles) == 3 or not line.strip() or any(w.startswith("line 2:") for w in warnings)


def _read_lines(data: bytes, config: dict):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lines.jsonl"
        path.write_bytes(data)
        return read_path(path, config)


NAMES = st.binary(min_size=1, max_size=80).filter(
    lambda b: b"/" not in b and b"\x00" not in b and not b.startswith(b".") and not b.lower().endswith(b".md"))


@settings(FUZZ, max_examples=25)   # each example opens a store: about 0.15 s
@given(name=NAMES)
def test_any_file_name_is_read_and_stored_as_valid_unicode(name, config):
    with tempfile.TemporaryDirectory() as folder, Store(":memory:") as store:
        with open(os.path.join(os.fsencode(folder), name + b".txt"), "wb") as handle:
            handle.write(GOOD_TEXT.encode("utf-8"))
        report = ingest_paths([folder], store, config, run_id="names")
        (result,) = report.files
        assert result.status == "read" and result.articles == 1
        (article,) = store.articles()
        article.source_path.encode("utf-8")   # valid Unicode: raises on a lone surrogate
        try:
            (name + b".txt").decode("utf-8")
        except UnicodeDecodeError:
            assert "file name is not valid UTF-8" in result.reason
        assert ingest_paths([folder], store, config, run_id="again").files[0].status == "unchanged"


@FUZZ
@given(text=st.text(min_size=1, max_size=300), meta=st.lists(st.text(max_size=40), min_size=3, max_size=3),
       published=st.dates() | st.none())
def test_any_text_and_metadata_make_an_article_the_store_takes(text, meta, published, config, shared_store):
    warnings: list[str] = []
    article = make_article(text, "fuzz.txt", config["ingest"], id=meta[0] or None, title=meta[1], outlet=meta[2],
                           url=meta[1], published=published, warnings=warnings)
    if article is None:
        assert warnings and warnings[-1].startswith(("no text", "text too long"))
        return
    assert article.published is None or 1900 <= article.published.year
    for value in (article.id, article.text, article.title or "", article.outlet or ""):
        value.encode("utf-8")
    add_articles(shared_store, [article])


# -- defects the fuzzing found --------------------------------------------------------------------------------

def _lines_file(tmp_path: Path, lines: list[bytes]) -> Path:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _good(n: int) -> bytes:
    return json.dumps({"id": f"r{n}", "text": f"{GOOD_TEXT} Line {n}."}, ensure_ascii=False).encode("utf-8")


def test_a_line_of_binary_costs_that_line_alone(config, tmp_path):
    path = _lines_file(tmp_path, [_good(1), b"\x00\x01\x02 PNG \x00", _good(3)])   # was: the whole file refused
    articles, warnings = read_path(path, config)
    assert [a.id for a in articles] == ["r1", "r3"]
    assert warnings == ["line 2: binary (NUL bytes); skipped"]


def test_a_line_in_another_encoding_does_not_garble_the_good_lines(config, tmp_path):
    latin = json.dumps({"id": "r2", "text": "Officials at the café in Herat said the road was open."},
                       ensure_ascii=False).encode("latin-1")
    path = _lines_file(tmp_path, [_good(1), latin, b"{broken", _good(4)])
    articles, warnings = read_path(path, config)
    # was: the whole file read as Windows-1252, every dash and quote of the good lines garbled, and not a word said
    assert {a.id: a.text for a in articles} == {
        "r1": f"{GOOD_TEXT} Line 1.", "r2": "Officials at the café in Herat said the road was open.",
        "r4": f"{GOOD_TEXT} Line 4."}
    assert warnings[0] == "line 2: not UTF-8 (other lines are); decoded on its own"
    assert warnings[1].startswith("line 3: invalid JSON")


def test_a_file_wholly_in_one_legacy_encoding_still_reads_as_a_whole(config, tmp_path):
    lines = [json.dumps({"id": f"r{n}", "text": f"Café number {n} in Hérat."}, ensure_ascii=False).encode("cp1252")
             for n in range(3)]
    articles, warnings = read_path(_lines_file(tmp_path, lines), config)
    assert [a.text for a in articles] == [f"Café number {n} in Hérat." for n in range(3)] and warnings == []


def test_a_file_of_binary_lines_alone_is_still_a_binary_file(config, tmp_path):
    with pytest.raises(IngestError, match=r"^binary file \(contains NUL bytes\)$"):
        read_path(_lines_file(tmp_path, [b"\x00\x01", b"\x00"]), config)


def test_a_linked_folder_is_read_and_a_link_back_up_is_reported(config, tmp_path):
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    corpus.mkdir()
    outside.mkdir()
    (outside / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (corpus / "linked").symlink_to(outside, target_is_directory=True)   # was: passed over without a word
    (corpus / "up").symlink_to(corpus, target_is_directory=True)
    (corpus / "up2").symlink_to(corpus, target_is_directory=True)
    with Store(":memory:") as store:
        report = ingest_paths([corpus], store, config, run_id="links")
        assert report.articles_added == 1
        assert {Path(f.path).name: f.status for f in report.files} == {"a.txt": "read", "up": "error", "up2": "error"}
        assert all(f.reason == f"link to a folder already read ({corpus}); not read twice" for f in report.failed)
        again = ingest_paths([corpus], store, config, run_id="again")
        assert again.articles_added == 0 and store.count("ingest_log") == 3
