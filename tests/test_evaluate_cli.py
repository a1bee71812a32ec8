"""`frontlines eval` end to end on a small store built by hand (no pipeline needed)."""
from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from frontlines.cli import app
from frontlines.evaluate import evaluate_store, load_gold
from frontlines.model import Article, Claim, Event, Evidence
from frontlines.storage import Store

runner = CliRunner()
TAKES = "Non-state actor overtakes territory"
GOLD = [
    {"article_id": "a1", "published": "2021-08-08",
     "events": [{"event_type": "Battles", "sub_event_type": TAKES, "actor1": "Taliban",
                 "actor2": "Military Forces of Afghanistan (2004-2021)", "place": "Kunduz", "lat": 36.729,
                 "lon": 68.857, "tolerance_km": 25, "date_from": "2021-08-08", "date_to": "2021-08-08",
                 "sentence": "captured Kunduz"},
                {"event_type": "Battles", "sub_event_type": TAKES, "actor1": "Taliban", "actor2": None,
                 "place": "Taloqan", "lat": 36.736, "lon": 69.535, "date_from": "2021-08-08", "sentence": "Taloqan"}],
     "claims": [{"claimant": None, "metric": "provincial_capitals", "count": 5, "denominator": 34,
                 "sentence": "five of"}],
     "non_events": [{"sentence": "held Kunduz in 2015", "reason": "history"}]},
    # found in the store by URL, not by id
    {"article_id": "html-page", "url": "https://example.org/page", "events": []},
]


def event(eid: str, article: str, place: str, lat: float, lon: float, text: str) -> Event:
    return Event(event_id_cnty=eid, event_date=date(2021, 8, 8), time_precision=1, event_type="Battles",
                 sub_event_type=TAKES, actor1="Taliban", actor2="Military Forces of Afghanistan (2004-2021)",
                 location=place, latitude=lat, longitude=lon, article_ids=[article],
                 evidence=[Evidence(article_id=article, sentence=0, start=0, end=len(text), text=text)])


@pytest.fixture()
def files(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(g) + "\n" for g in GOLD), encoding="utf-8")
    db = tmp_path / "store.duckdb"
    with Store(db) as store:
        article = Article(id="a1", text="The Taliban captured Kunduz. They held Kunduz in 2015.", published=date(2021, 8, 8))
        article.claims = [Claim(article_id="a1", sentence=0, start=0, end=5, text="five of 34", claimant=None,
                                metric="provincial_capitals", count=5.0)]
        store.add_article(article)
        store.save_annotations(article)
        store.add_article(Article(id="sha-123", text="A page.", url="https://example.org/page"))
        store.save_events([
            event("AFG1", "a1", "Kunduz", 36.73, 68.86, "The Taliban captured Kunduz."),
            event("AFG2", "a1", "<b>Kunduz</b>", 36.73, 68.86, "[red]They held Kunduz in 2015.[/red]"),
            event("AFG3", "sha-123", "Kabul", 34.53, 69.17, "A page."),
        ])
    return gold, db


def test_eval_prints_scores_misses_and_false_alarms(files):
    gold, db = files
    result = runner.invoke(app, ["eval", str(gold), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "Non-state actor overtakes territory" in result.output
    assert "Taloqan" in result.output                      # the miss, with its sentence
    assert "[red]They held Kunduz in 2015.[/red]" in result.output   # article text printed literally, not as markup
    assert "Non-event violations (1)" in result.output


def test_eval_json_and_out_folder(files, tmp_path):
    gold, db = files
    out = tmp_path / "report"
    result = runner.invoke(app, ["eval", str(gold), "--db", str(db), "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)["events"]
    assert figures["events"]["tp"] == 1 and figures["events"]["fp"] == 2 and figures["events"]["fn"] == 1
    assert figures["claims"]["tp"] == 1
    assert figures["articles_missing"] == []
    report = (out / "evaluation.md").read_text(encoding="utf-8")
    assert "&lt;b&gt;Kunduz&lt;/b&gt;" in report and "<b>" not in report
    assert json.loads((out / "evaluation.json").read_text(encoding="utf-8"))["events"]["tp"] == 1


def test_min_f1_gate_sets_the_exit_code(files):
    gold, db = files
    assert runner.invoke(app, ["eval", str(gold), "--db", str(db), "--min-f1", "0.4"]).exit_code == 0
    failed = runner.invoke(app, ["eval", str(gold), "--db", str(db), "--min-f1", "0.9"])
    assert failed.exit_code == 1 and "below" in failed.output


def test_article_found_by_url_scores_its_false_alarm(files):
    gold, db = files
    with Store(db, read_only=True) as store:
        result = evaluate_store(load_gold(gold), store)
    # reported under the gold id, so the analyst can find it in the gold file
    assert [fa["ref"] for fa in result.false_alarms if fa["article_id"] == "html-page"] == ["AFG3"]


@pytest.mark.parametrize("args, message", [
    (["eval"], "give at least one GOLD"),
    (["eval", "missing.jsonl"], "cannot read gold file"),
])
def test_bad_invocations_get_a_clear_message(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_store_is_a_clear_error(files, tmp_path):
    gold, _ = files
    result = runner.invoke(app, ["eval", str(gold), "--db", str(tmp_path / "nope.duckdb")])
    assert result.exit_code == 2 and "no store" in result.output


def test_geoparsing_hook_reports_when_no_benchmark_exists(files, tmp_path, monkeypatch):
    from frontlines.evaluate import geoparsing

    monkeypatch.setattr(geoparsing, "GEOPARSING_BENCHMARK", ("frontlines.nowhere:bench",))
    result = runner.invoke(app, ["eval", "--geoparsing", str(tmp_path)])
    assert result.exit_code == 2 and "no geoparsing benchmark" in result.output


def test_report_page_has_one_line_per_gold_set_and_the_anchors(files, tmp_path):
    _, db = files
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text(json.dumps(GOLD[0]) + "\n", encoding="utf-8")
    second.write_text(json.dumps(GOLD[1]) + "\n", encoding="utf-8")
    page = tmp_path / "docs" / "accuracy.md"
    result = runner.invoke(app, ["eval", str(first), str(second), "--db", str(db), "--report", str(page), "--json"])
    assert result.exit_code == 0, result.output
    by_gold = json.loads(result.output)["by_gold"]
    assert by_gold["first.jsonl"]["events"]["tp"] == 1 and by_gold["second.jsonl"]["events"]["fp"] == 1
    text = page.read_text(encoding="utf-8")
    assert "| first.jsonl | 1 |" in text and "| second.jsonl | 1 |" in text and "| all | 2 |" in text
    assert "Mordecai 3" in text and "3 event mentions fused into 3 events" not in text    # no mentions were stored
    assert "frontlines eval" in text                                                   # how to regenerate it


def test_a_database_that_is_not_a_store_is_a_clear_error(files, tmp_path):
    import duckdb

    gold, _ = files
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).execute("CREATE TABLE x (a INTEGER)").close()
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"\x00\x01 not a database")
    for path in (other, garbage):
        result = runner.invoke(app, ["eval", str(gold), "--db", str(path)])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output


def test_geoparsing_hook_calls_the_benchmark_and_prints_its_figures(tmp_path, monkeypatch):
    from frontlines.evaluate import geoparsing

    (tmp_path / "fake_bench.py").write_text(
        "def run(directory):\n    return {'GWN': {'f1': 0.5, 'folder': directory.name}}\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(geoparsing, "GEOPARSING_BENCHMARK", ("frontlines.nowhere:bench", "fake_bench:run"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    result = runner.invoke(app, ["eval", "--geoparsing", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["geoparsing"] == {"GWN": {"f1": 0.5, "folder": "corpus"}}


def test_corpus_that_cannot_be_read_is_a_clear_error(files, tmp_path):
    gold, _ = files
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02 not text")
    result = runner.invoke(app, ["eval", str(gold), "--corpus", str(binary), "--out", str(tmp_path / "run")])
    assert result.exit_code == 2
    assert "nothing could be read" in result.output and "Traceback" not in result.output


def _by_reference(gold_path, text: str, phrase: str, sha1: str | None = None) -> None:
    """Rewrite the gold's non-event as a by-reference quote of ``phrase`` in ``text``."""
    from frontlines.evaluate.gold import quote_hash

    start = text.index(phrase)
    records = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines()]
    records[0]["non_events"] = [{"sentence": {"at": [start, start + len(phrase)],
                                              "sha1": sha1 or quote_hash(phrase)}, "reason": "history"}]
    gold_path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_eval_scores_a_quote_by_reference_and_never_prints_its_text(files):
    gold, db = files
    text = "The Taliban captured Kunduz. They held Kunduz in 2015."
    _by_reference(gold, text, "held Kunduz in 2015")
    result = runner.invoke(app, ["eval", str(gold), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "Non-event violations (1)" in result.output           # resolved against the stored article
    start = text.index("held Kunduz in 2015")
    assert f"[a1 {start}-{start + 19}]" in result.output
    assert "They held Kunduz in 2015" not in result.output       # neither the quote nor the evidence of a1


def test_eval_refuses_a_quote_whose_article_changed(files):
    gold, db = files
    _by_reference(gold, "The Taliban captured Kunduz. They held Kunduz in 2015.", "held Kunduz in 2015", "0" * 12)
    result = runner.invoke(app, ["eval", str(gold), "--db", str(db)])
    assert result.exit_code == 2 and "has the article changed" in " ".join(result.output.split())


def test_regenerating_the_accuracy_page_keeps_the_real_news_block(tmp_path):
    from frontlines.cli.evaluate import _kept_block

    page = tmp_path / "accuracy.md"
    page.write_text("# old figures\n\n<!-- realnews:start -->\n| dev | 12% |\n<!-- realnews:end -->\n", encoding="utf-8")
    assert _kept_block(page) == "\n<!-- realnews:start -->\n| dev | 12% |\n<!-- realnews:end -->\n"
    page.write_text("# no block\n", encoding="utf-8")
    assert _kept_block(page) == "" and _kept_block(tmp_path / "missing.md") == ""
