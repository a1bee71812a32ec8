"""Fuzzing whole runs (issue 19): `frontlines run` over generated hostile corpora of every kind beside good records.

The run must not crash (exit 0), must store every good record, report every hostile part (in the summary's failures
or warnings) and every failed article (in the summary and `frontlines failures`), and a second run over the same
input must change nothing. Both are ``slow`` (a run takes its seconds): one runs the model-free stages over every
kind but the texts hostile to the analysis, the other the full pipeline over every kind at the shipped limits.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontlines.cli import app
from frontlines.pipeline import DEFAULT_CONFIG
from frontlines.storage import Store

from hostile_inputs import KINDS, Limits, account, write_corpus

pytestmark = pytest.mark.slow

LIGHT = ["sentences", "dates", "quantities"]
LOG_TABLES = {"runs", "ingest_log", "schema_version"}


def fuzz_config(tmp_path: Path, limits: Limits, components: list[str] | None = None) -> Path:
    """The default pipeline config with ``limits`` (and ``components``, when given)."""
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    text = re.sub(r"^max_bytes = .*$", f"max_bytes = {limits.max_bytes}", text, count=1, flags=re.MULTILINE)
    text = re.sub(r"^max_chars = .*$", f"max_chars = {limits.max_chars}", text, count=1, flags=re.MULTILINE)
    if components is not None:
        text = re.sub(r"^components = \[.*\]$", f"components = {json.dumps(components)}", text, count=1,
                      flags=re.MULTILINE)
    path = tmp_path / "fuzz.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_json(*args: str) -> dict:
    result = CliRunner().invoke(app, ["run", *args, "--json"])
    assert result.exit_code == 0, result.output[-3000:]
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return json.loads(result.output)


def fingerprint(db: Path) -> dict[str, tuple[int, str]]:
    with Store(db, read_only=True) as store:
        return {t: (store.count(t), store.table_hash(t)) for t in store.tables() if t not in LOG_TABLES}


def check_run(manifest, summary: dict, db: Path) -> None:
    """Nothing lost, nothing unreported, every failed article listed by `frontlines failures`."""
    with Store(db, read_only=True) as store:
        texts = [row[0] for row in store.con.execute("SELECT text FROM articles").fetchall()]
        failed = {row["article_id"] for row in store.failures()}
    result = account(manifest, summary, texts)
    assert result.lost == [] and result.altered == [] and result.leaked == []
    assert result.unreported == []
    assert {a["article_id"] for a in summary["articles_failed"]} <= failed


def test_a_run_over_every_hostile_kind_loses_nothing_and_reports_everything(tmp_path):
    limits = Limits(max_bytes=200_000, max_chars=50_000)
    kinds = [kind for kind in KINDS if kind != "odd_texts"]   # thousands of sentences each: the slow test has them
    manifest = write_corpus(tmp_path / "in", hostile=90, limits=limits, seed=3, kinds=kinds)
    assert set(manifest.kinds()) == set(kinds)
    config = fuzz_config(tmp_path, limits, LIGHT)
    out = tmp_path / "out"
    summary = run_json(str(tmp_path / "in"), "--out", str(out), "--config", str(config))
    db = out / "frontlines.duckdb"
    check_run(manifest, summary, db)
    assert summary["articles_processed"] + len(summary["articles_failed"]) == summary["articles_total"]
    before = fingerprint(db)
    again = run_json(str(tmp_path / "in"), "--out", str(out), "--config", str(config))
    assert again["articles_added"] == 0 and again["articles_processed"] == 0
    assert fingerprint(db) == before


def test_the_full_pipeline_over_every_hostile_kind_loses_nothing_and_reports_everything(tmp_path):
    limits = Limits()   # the shipped limits: files of 5 MB, texts of a million characters
    manifest = write_corpus(tmp_path / "in", hostile=160, limits=limits, seed=5)
    out = tmp_path / "out"
    summary = run_json(str(tmp_path / "in"), "--out", str(out), "--config", str(fuzz_config(tmp_path, limits)))
    check_run(manifest, summary, out / "frontlines.duckdb")
    assert summary["articles_processed"] + len(summary["articles_failed"]) == summary["articles_total"]
