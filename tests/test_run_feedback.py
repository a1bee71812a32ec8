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


# -- control, export and places import say what they did ------------------------------------------------------
def _fixture_with_an_unlocated_event(tmp_path):
    from datetime import date

    from frontlines.model import Event
    from test_serve_store import build_fixture_store

    db = build_fixture_store(tmp_path / "fixture.duckdb")
    with Store(db) as store:
        store.save_events([Event(event_id_cnty="AFG099", event_date=date(2021, 8, 10), time_precision=1,
                                 event_type="Battles", sub_event_type="Armed clash", actor1="Taliban", actor2=None,
                                 country="Afghanistan", location="somewhere unnamed")])
    return db


def test_control_shows_evidence_as_days_and_places_and_warns_outside_the_record(tmp_path):
    db = _fixture_with_an_unlocated_event(tmp_path)
    shown = CliRunner().invoke(app, ["control", "--as-of", "2021-08-09", "--db", str(db)], env={"COLUMNS": "160"})
    assert shown.exit_code == 0, shown.output
    assert "2021-08-08 Kunduz" in shown.output and "AFG005" not in shown.output
    assert "2021-08-08" in shown.output and "covers" not in shown.output
    before = CliRunner().invoke(app, ["control", "--as-of", "2019-01-01", "--db", str(db)])
    assert "2019-01-01 is before anything on record: the store covers 2021-06-01 to 2021-08-15" in " ".join(before.output.split())


def test_geojson_and_export_say_what_they_left_out_and_where_they_wrote(tmp_path):
    db = _fixture_with_an_unlocated_event(tmp_path)
    result = CliRunner().invoke(app, ["export", "--format", "geojson", "--out", str(tmp_path / "x"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert f"into {(tmp_path / 'x').resolve()}" in " ".join(result.output.split())
    assert "1 event(s) without coordinates left out of events.geojson" in result.output
    data = json.loads((tmp_path / "x" / "events.geojson").read_text(encoding="utf-8"))
    assert data["events_without_coordinates"] == 1 and len(data["features"]) == 8


def test_places_import_without_a_store_here_asks_for_db(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "areas.geojson").write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    result = CliRunner().invoke(app, ["places", "import", "areas.geojson"])
    assert result.exit_code == 2 and "give --db FILE" in result.output
    assert not (tmp_path / "frontlines.duckdb").exists()
