"""Hostile input (issue 19): no input stops ingest, no record is lost without a word, nothing invalid reaches the store."""
from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from frontlines.ingest import ingest_paths, read_path
from frontlines.pipeline import load_config
from frontlines.storage import Store

TEXT = "Fighting was reported near the district centre of Kunduz on Sunday, officials said."


@pytest.fixture(scope="module")
def config() -> dict:
    return load_config()


def _record(n: int, **fields) -> dict:
    return {"id": f"r{n}", "title": f"Report {n}", "text": f"{TEXT} Report number {n}.", **fields}


def _jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- defect 3: file names that are not valid UTF-8 ------------------------------------------------

def test_file_name_that_is_not_utf8_is_stored_with_replacement(store, config, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    bad = os.path.join(os.fsencode(folder), b"report-\xff\xfe.txt")
    with open(bad, "wb") as handle:
        handle.write(TEXT.encode("utf-8"))
    (folder / "zz-after.txt").write_text(TEXT + " A second report.", encoding="utf-8")
    report = ingest_paths([folder], store, config, run_id="r1")
    by_name = {Path(f.path).name: f for f in report.files}
    assert set(by_name) == {"report-\ufffd\ufffd.txt", "zz-after.txt"}
    odd = by_name["report-\ufffd\ufffd.txt"]
    assert odd.status == "read" and odd.articles == 1
    assert "file name is not valid UTF-8" in odd.reason
    assert by_name["zz-after.txt"].articles == 1
    paths = {a.source_path for a in store.articles()}
    assert any(p.endswith("report-\ufffd\ufffd.txt") for p in paths)
    # Read again: the odd file is recognised as unchanged, not read twice.
    again = ingest_paths([folder], store, config, run_id="r2")
    assert {f.status for f in again.files} == {"unchanged"}


# -- defect 4: lone surrogate escapes in JSON ----------------------------------------------------

def test_lone_surrogates_are_replaced_and_reported(store, config, tmp_path):
    lines = [json.dumps(_record(1)),
             '{"id": "r2", "title": "Bad \\ud83d title", "text": "' + TEXT + ' Broken \\udc00 text.", '
             '"outlet": "\\ud800", "tags": ["\\udfff"], "\\ud83d": 1}',
             json.dumps(_record(3))]
    path = _jsonl(tmp_path / "a.jsonl", lines)
    (tmp_path / "b.txt").write_text(TEXT + " Another file.", encoding="utf-8")
    articles, warnings = read_path(path, config)
    assert [a.id for a in articles] == ["r1", "r2", "r3"]
    odd = articles[1]
    assert odd.title == "Bad \ufffd title" and "Broken \ufffd text." in odd.text and odd.outlet == "\ufffd"
    assert odd.extra == {"tags": ["\ufffd"], "\ufffd": 1}
    assert any(w.startswith("line 2: invalid Unicode") for w in warnings)
    report = ingest_paths([tmp_path], store, config, run_id="r1")
    assert report.articles_added == 4
    assert store.article("r2", annotations=False).title == "Bad \ufffd title"


# -- defect 5: per line, not per file ---------------------------------------------------------------

def test_line_separators_inside_json_strings_do_not_split_lines(config, tmp_path):
    records = [_record(1, text=f"{TEXT}\u2028Second line.\u2029Third."), _record(2), _record(3, title="A\u2028B")]
    path = tmp_path / "sep.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    articles, warnings = read_path(path, config)
    assert [a.id for a in articles] == ["r1", "r2", "r3"] and warnings == []


def test_huge_integer_costs_only_its_line(config, tmp_path):
    lines = [json.dumps(_record(1)), '{"id": "r2", "text": "x", "count": ' + "9" * 5000 + "}",
             json.dumps(_record(3)), "{not json", json.dumps(_record(5))]
    articles, warnings = read_path(_jsonl(tmp_path / "big.jsonl", lines), config)
    assert [a.id for a in articles] == ["r1", "r3", "r5"]
    assert warnings[0].startswith("line 2: invalid JSON") and warnings[0].endswith("value has 5000 digits)")
    assert warnings[1].startswith("line 4: invalid JSON")


def test_huge_integer_in_a_json_document_is_a_clear_reason(config, tmp_path):
    from frontlines.ingest import IngestError
    (tmp_path / "one.json").write_text('{"text": "Kabul", "n": ' + "1" * 5000 + "}", encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        read_path(tmp_path / "one.json", config)
    assert caught.value.reason.startswith("invalid JSON")


def test_numbers_json_allows_but_the_store_does_not(store, config, tmp_path):
    lines = ['{"id": "r1", "text": "' + TEXT + '", "score": NaN, "size": Infinity, "n": -Infinity}',
             json.dumps(_record(2))]
    report = ingest_paths([_jsonl(tmp_path / "nan.jsonl", lines)], store, config, run_id="r1")
    assert report.articles_added == 2
    assert store.article("r1", annotations=False).extra == {"score": None, "size": None, "n": None}
    assert "line 1: not a finite number in score, size, n" in report.files[0].reason


def test_every_warning_reaches_the_report(store, config, tmp_path):
    lines = [json.dumps(_record(i)) if i % 2 else "{broken" for i in range(1, 21)]
    report = ingest_paths([_jsonl(tmp_path / "w.jsonl", lines)], store, config, run_id="r1")
    (result,) = report.files
    assert result.articles == 10 and len(result.warnings) == 10
    assert [w.split(":")[0] for w in result.warnings] == [f"line {i}" for i in range(2, 21, 2)]
    summary = report.summary()
    assert summary["warning_count"] == 10
    assert summary["warnings"][0] == {"path": str(tmp_path / "w.jsonl"), "warning": result.warnings[0]}


def test_two_broken_symlinks_to_one_target_are_two_failures(store, config, tmp_path):
    (tmp_path / "one.txt").symlink_to(tmp_path / "gone.txt")
    (tmp_path / "two.txt").symlink_to(tmp_path / "gone.txt")
    report = ingest_paths([tmp_path], store, config, run_id="r1")
    assert sorted(Path(f.path).name for f in report.failed) == ["one.txt", "two.txt"]


# -- defect 2: publication dates out of any sane range ------------------------------------------------

@pytest.mark.parametrize("published", ["0001-01-01", "9999-12-31", "1066-10-14", "2999-01-01"])
def test_publication_date_outside_the_sane_range_is_ignored_with_a_warning(config, tmp_path, published):
    lines = [json.dumps(_record(1, published=published)), json.dumps(_record(2, published="2021-08-15"))]
    articles, warnings = read_path(_jsonl(tmp_path / "d.jsonl", lines), config)
    assert articles[0].published is None and articles[1].published == date(2021, 8, 15)
    assert warnings == [f"line 1: published {published!r} is outside 1900-01-01 to "
                        f"{warnings[0].split(' to ')[1]}"]
    assert "ignored" in warnings[0]


def test_a_dateline_out_of_the_sane_range_is_ignored_with_a_warning(config, tmp_path):
    (tmp_path / "wire.txt").write_text(f"KABUL, Aug 13, 2099 (Reuters) - {TEXT}", encoding="utf-8")
    (article,), warnings = read_path(tmp_path / "wire.txt", config)
    assert article.published is None and article.outlet == "Reuters"
    assert len(warnings) == 1 and warnings[0].startswith("published '2099-08-13' is outside 1900-01-01 to")
