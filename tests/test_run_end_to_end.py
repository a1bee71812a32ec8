"""`frontlines run` over the seeds and the bundled examples: outputs, idempotency, exit status."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontlines.cli import app
from frontlines.storage import Store

from conftest import EXAMPLES, SEEDS

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
]
OURS = ["fatalities_low", "fatalities_high", "source_count", "article_ids", "evidence", "confidence", "tier", "claimed_by", "alt_dates"]
# Logs grow with every run by design; everything else must be identical after a second run.
LOG_TABLES = {"runs", "ingest_log"}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    if not (SEEDS / "seeds.jsonl").exists():
        pytest.skip("../shared/seeds is not available")
    out = tmp_path_factory.mktemp("run")
    result = CliRunner().invoke(app, ["run", str(SEEDS / "seeds.jsonl"), str(EXAMPLES), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def _fingerprint(db: Path) -> dict[str, tuple[int, str]]:
    with Store(db, read_only=True) as store:
        return {t: (store.count(t), store.table_hash(t)) for t in store.tables()
                if t not in LOG_TABLES and t != "schema_version"}


def test_outputs_are_written(first_run):
    out, output = first_run
    for name in ("events.csv", "events.geojson", "claims.csv", "control.csv", "frontlines.duckdb"):
        assert (out / name).exists(), name
    assert (out / "parquet" / "events.parquet").exists()
    assert str(out) in output.replace("\n", "")
    with open(out / "events.csv", newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == ACLED_COLUMNS + OURS
    geojson = json.loads((out / "events.geojson").read_text(encoding="utf-8"))
    assert geojson["type"] == "FeatureCollection"


def test_every_input_article_is_stored(first_run):
    out, _ = first_run
    expected = sum(1 for line in (SEEDS / "seeds.jsonl").read_text(encoding="utf-8").splitlines() if line.strip())
    with Store(out / "frontlines.duckdb", read_only=True) as store:
        ids = store.article_ids()
        assert store.article_ids(unprocessed_only=True) == []
    assert {f"00{i}" for i in range(5)} <= {i[:3] for i in ids}
    assert len(ids) > expected  # the examples are in too


def test_second_run_changes_nothing(first_run):
    out, _ = first_run
    before = _fingerprint(out / "frontlines.duckdb")
    events_csv = (out / "events.csv").read_bytes()
    result = CliRunner().invoke(app, ["run", str(SEEDS / "seeds.jsonl"), str(EXAMPLES), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["articles_added"] == 0 and summary["articles_processed"] == 0
    assert _fingerprint(out / "frontlines.duckdb") == before
    assert (out / "events.csv").read_bytes() == events_csv


def test_nothing_readable_exits_non_zero(tmp_path):
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    result = CliRunner().invoke(app, ["run", str(binary), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "image.txt" in result.output
