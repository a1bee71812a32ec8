"""Run feedback (issue 18.5): every stage labelled in the progress, run time and time by stage in the summary,
`--json` and the run journal, exact duplicates counted."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from frontlines.cli import app
from frontlines.run import run_corpus
from frontlines.storage import Store

# Our own words, one record twice (an exact duplicate).
RECORD = {"id": "fb-1", "title": "Clash near Herat", "published": "2021-08-05", "outlet": "Test Wire",
          "text": "Clash near Herat\n\nGovernment forces clashed with Taliban fighters on the outskirts of Herat city "
                  "on Thursday, officials said."}
STAGES = ["ingest", "understand", "duplicates", "fusion", "control", "outputs"]


def _input(tmp_path):
    copy = dict(RECORD, id="fb-2")   # the same text under another id: not stored twice
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(RECORD) + "\n" + json.dumps(copy) + "\n", encoding="utf-8")
    return path


def test_every_stage_is_labelled_timed_and_journaled(tmp_path):
    seen: list[tuple[str, int, int]] = []
    summary = run_corpus([_input(tmp_path)], tmp_path / "out", tmp_path / "s.duckdb",
                         progress=lambda stage, done, total: seen.append((stage, done, total)))
    labels = list(dict.fromkeys(stage for stage, _, _ in seen))
    assert [s for s in STAGES if s != "understand"] == [s for s in labels if s != "understand"]
    assert ("understand", 1, 1) in seen
    assert all((stage, 1, 1) in seen for stage in STAGES if stage not in ("ingest", "understand"))
    assert list(summary["stage_timings_s"]) == STAGES
    assert summary["run_time_s"] >= sum(summary["stage_timings_s"].values()) > 0
    assert summary["exact_duplicates_skipped"] == 1 and summary["articles_added"] == 1
    with Store(tmp_path / "s.duckdb", read_only=True) as store:
        journal = store.rows("runs")[-1]["summary"]
    assert journal["stage_timings_s"] == summary["stage_timings_s"] and journal["run_time_s"] == summary["run_time_s"]


def test_the_summary_shows_run_time_stages_and_duplicates(tmp_path):
    result = CliRunner().invoke(app, ["run", str(_input(tmp_path)), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "exact duplicates skipped" in result.output and "run time" in result.output
    assert "time by stage: ingest" in result.output and "outputs" in result.output
    as_json = CliRunner().invoke(app, ["run", str(_input(tmp_path)), "--out", str(tmp_path / "out2"), "--json"])
    summary = json.loads(as_json.output)
    assert set(STAGES) <= set(summary["stage_timings_s"]) and summary["run_time_s"] > 0
