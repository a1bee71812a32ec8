"""Hostile input through a whole run (issue 19): long texts, placeholder dates, a held store, warnings reported."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontlines.cli import app
from frontlines.model import Article
from frontlines.pipeline import load_config
from frontlines.run import process_pending
from frontlines.storage import Store

PARAGRAPH = ("Taliban fighters attacked a police checkpoint in Kunduz on Sunday, officials said. "
             "Two policemen were killed and the road to Baghlan was closed.\n\n")


def _run(*args: str):
    return CliRunner().invoke(app, ["run", *args])


# -- defect 1: texts longer than the model takes ------------------------------------------------------

def _ruler_model(max_length: int):
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "GPE", "pattern": "Kunduz"}])
    nlp.max_length = max_length
    return nlp


def test_a_text_longer_than_max_length_is_run_in_sections_with_offsets_kept():
    from frontlines.understand.language import LanguageComponent

    component = LanguageComponent.__new__(LanguageComponent)
    component.nlp, component.batch_size, component.section_chars = _ruler_model(3_000), 4, 100_000
    text = "".join(PARAGRAPH if i % 5 else PARAGRAPH.replace(". ", " ").replace("\n\n", " ") * 4
                   for i in range(150)).strip()
    short = Article(id="short", text=PARAGRAPH.strip())
    long = Article(id="long", text=text)
    done = list(component.pipe([short, long, Article(id="end", text="Kunduz.")]))
    assert [a.id for a in done] == ["short", "long", "end"]
    doc = long.doc
    assert doc.text == text and len(text) > 10 * 3_000
    assert len(doc.ents) == text.count("Kunduz")
    assert all(text[e.start_char:e.end_char] == "Kunduz" for e in doc.ents)
    assert [e.start_char for e in doc.ents] == [i for i in range(len(text)) if text.startswith("Kunduz", i)]


def test_sections_cover_the_text_and_end_at_paragraphs():
    from frontlines.understand.language import sections

    text = PARAGRAPH * 40
    spans = sections(text, 1_000)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert all(end - start <= 1_000 for start, end in spans)
    assert all(text[end - 2:end] == "\n\n" for _, end in spans[:-1])
    assert sections("x" * 2_500, 1_000) == [(0, 1_000), (1_000, 2_000), (2_000, 2_500)]


def test_a_run_over_a_text_longer_than_the_model_takes_does_not_crash(tmp_path, monkeypatch):
    from frontlines.understand.language import DEFAULT_MODEL, load_model

    nlp = load_model(DEFAULT_MODEL)
    monkeypatch.setattr(nlp, "max_length", 4_000)
    (tmp_path / "long.txt").write_text(PARAGRAPH * 60, encoding="utf-8")   # about 9,000 characters
    result = _run(str(tmp_path / "long.txt"), "--out", str(tmp_path / "out"), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["articles_processed"] == 1
    with Store(tmp_path / "out" / "frontlines.duckdb", read_only=True) as store:
        (article,) = store.articles(annotations=True)
    last = [m for m in article.places if m.start > 8_000]
    assert last and all(article.text[m.start:m.end] == m.text for m in article.places)


def test_a_text_over_max_chars_is_refused_at_ingest_with_a_reason(tmp_path):
    (tmp_path / "book.txt").write_text(PARAGRAPH * 7_000, encoding="utf-8")   # over 1,000,000 characters
    (tmp_path / "news.txt").write_text(PARAGRAPH, encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 0, result.output
    assert re.search(r"book\.txt: no articles: text too long: 1,0\d\d,\d\d\d characters \(limit 1,000,000; set "
                     r"\[ingest\] max_chars\)", " ".join(result.output.split()))
    assert "1 new article(s)" in result.output


def test_long_articles_stream_under_the_memory_cap(tmp_path):
    sentence = "Fighting went on in the district " + "and around the town " * 100 + "today.\n"
    with Store(tmp_path / "big.duckdb") as store:
        for i in range(2):
            store.add_article(Article(id=f"long{i}", text=f"Report {i}. " + sentence * 10_000))   # ~20 MB each
        store.add_article(Article(id="short", text="A short report from Kunduz."))
        config = load_config(overrides={"pipeline": {"components": ["sentences"]}})
        done, _ = process_pending(store, config)
        assert done == 3 and store.article_ids(unprocessed_only=True) == []
        assert store.count("sentences") == 2 * 10_001 + 1


# -- defect 2: placeholder publication dates ------------------------------------------------------------

@pytest.mark.parametrize("published", [date(1, 1, 1), date(9999, 12, 31)])
def test_the_date_resolver_leaves_relative_dates_unresolved_for_a_placeholder_publication_date(published):
    from frontlines.understand.dates import find_dates

    found = find_dates("On Monday, last week and over the weekend, as in 2020.", published)
    assert [(m.rule, m.date_start) for m in found] == [
        ("weekday", None), (found[1].rule, None), ("weekend", None), ("year", date(2020, 1, 1))]


def test_a_store_holding_a_placeholder_publication_date_is_repaired(tmp_path):
    db = tmp_path / "old.duckdb"
    with Store(db) as store:   # as a store written before ingest checked dates holds it
        store.add_article(Article(id="old", text="On Monday " + PARAGRAPH, published=date(1, 1, 1),
                                  published_source="field"))
        store.add_article(Article(id="far", text="Over the weekend " + PARAGRAPH, published=date(9999, 12, 31),
                                  published_source="field"))
    (tmp_path / "new.jsonl").write_text(json.dumps({"id": "new", "published": "0001-01-01",
                                                    "text": "On Tuesday " + PARAGRAPH}) + "\n", encoding="utf-8")
    result = _run(str(tmp_path / "new.jsonl"), "--out", str(tmp_path / "out"), "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["articles_processed"] == 3
    warnings = [w["warning"] for w in summary["warnings"]]
    assert any(w.startswith("line 1: published '0001-01-01' is outside 1900-01-01 to") for w in warnings)
    assert any(w.startswith("article far: published 9999-12-31 is outside") for w in warnings)
    with Store(db, read_only=True) as store:
        assert [a.published for a in store.articles()] == [None, None, None]
    again = _run(str(tmp_path / "new.jsonl"), "--out", str(tmp_path / "out"), "--db", str(db), "--json")
    assert again.exit_code == 0 and json.loads(again.output)["warning_count"] == 0


# -- defect 5: every per-line warning reaches the summary -------------------------------------------------

def test_per_line_warnings_reach_the_run_summary_and_json(tmp_path):
    lines = [json.dumps({"id": f"r{i}", "text": f"Report {i}: " + PARAGRAPH}) if i % 3 else "{broken"
             for i in range(1, 37)]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _run(str(tmp_path / "feed.jsonl"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "12 warning(s) about parts of files" in text and "line 3: invalid JSON" in text
    assert "and 2 more" in text and "line 36" not in text
    again = _run(str(tmp_path / "feed.jsonl"), "--out", str(tmp_path / "out2"), "--json")
    summary = json.loads(again.output)
    assert summary["warning_count"] == 12
    assert [w["warning"].split(":")[0] for w in summary["warnings"]] == [f"line {i}" for i in range(3, 37, 3)]
    with Store(tmp_path / "out2" / "frontlines.duckdb", read_only=True) as store:
        (run,) = store.rows("runs")
    assert run["summary"]["warning_count"] == 12


# -- defect 6: a store another process holds ---------------------------------------------------------------

@pytest.fixture()
def held_store(tmp_path):
    db = tmp_path / "held.duckdb"
    Store(db).close()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1], "
                               "read_only=True); print('ready', flush=True); sys.stdin.read()", str(db)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "ready"
    yield db, holder.pid
    holder.stdin.close()
    holder.wait(timeout=30)


@pytest.mark.parametrize("command", ["run", "ingest"])
def test_a_store_held_by_another_process_is_one_line_and_exit_2(held_store, tmp_path, command):
    db, pid = held_store
    (tmp_path / "a.txt").write_text(PARAGRAPH, encoding="utf-8")
    extra = ["--out", str(tmp_path / "out")] if command == "run" else []
    result = CliRunner().invoke(app, [command, str(tmp_path / "a.txt"), "--db", str(db), *extra])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.strip().splitlines() == [
        f"store {db} is in use by process {pid} (a `frontlines serve`, or another run or ingest): stop it or wait "
        "for it to finish, or use another --db"]


# -- the per-article guard ------------------------------------------------------------------------------------

class Poison:
    """A stage that fails on any article saying POISON (one at a time)."""

    def __init__(self, settings, context=None) -> None:
        pass

    def __call__(self, article: Article) -> Article:
        if "POISON" in article.text:
            raise ValueError("cannot read this article\nsecond line of the error")
        article.extra["poison_checked"] = True
        return article


class PoisonBatch:
    """A batching stage that fails for a whole batch when one article in it says BAD BATCH."""
    batch_size = 4

    def __init__(self, settings, context=None) -> None:
        pass

    def pipe(self, articles):
        batch = list(articles)
        if any("BAD BATCH" in a.text for a in batch):
            raise RuntimeError("batch refused")
        for article in batch:
            article.extra["batch_checked"] = True
            yield article


def _poison_config(tmp_path: Path) -> Path:
    path = tmp_path / "poison.toml"
    text, replaced = re.subn(r"^components = \[.*\]$", 'components = ["sentences", "batch", "poison", "dates"]',
                             load_config_text(), count=1, flags=re.MULTILINE)
    assert replaced == 1
    path.write_text(text + """
[components.poison]
factory = "test_run_hostile:Poison"

[components.batch]
factory = "test_run_hostile:PoisonBatch"
""", encoding="utf-8")
    return path


def load_config_text() -> str:
    from frontlines.pipeline import DEFAULT_CONFIG
    return DEFAULT_CONFIG.read_text(encoding="utf-8")


def test_the_pipeline_marks_the_failing_article_and_goes_on():
    from frontlines.pipeline import Pipeline

    config = load_config(overrides={"pipeline": {"components": ["sentences", "batch", "poison"]},
                                    "components": {"poison": {"factory": "test_run_hostile:Poison"},
                                                   "batch": {"factory": "test_run_hostile:PoisonBatch"}}})
    articles = [Article(id=f"a{i}", text={2: "POISON ", 6: "BAD BATCH "}.get(i, "") + PARAGRAPH) for i in range(10)]
    done = list(Pipeline(config).pipe(articles))
    assert [a.id for a in done] == [f"a{i}" for i in range(10)]
    failed = {a.id: (a.failure.stage, a.failure.reason) for a in done if a.failure}
    assert failed == {"a2": ("poison", "ValueError: cannot read this article"),
                      "a6": ("batch", "RuntimeError: batch refused")}
    assert all(a.extra == {"batch_checked": True, "poison_checked": True} for a in done if not a.failure)
    assert done[2].extra == {"batch_checked": True}
    assert all(a.sentences for a in done)


def test_a_run_records_a_failing_article_and_exits_0(tmp_path, monkeypatch):
    records = [{"id": f"r{i}", "published": "2021-08-15",
                "text": {1: "BAD BATCH ", 3: "POISON "}.get(i, "") + f"{i}: " + PARAGRAPH} for i in range(6)]
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    config = _poison_config(tmp_path)
    args = [str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "out"), "--config", str(config)]
    result = _run(*args, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["articles_processed"] == 4
    path = str(tmp_path / "in.jsonl")
    assert summary["articles_failed"] == [
        {"article_id": "r1", "stage": "batch", "reason": "RuntimeError: batch refused", "path": path},
        {"article_id": "r3", "stage": "poison", "reason": "ValueError: cannot read this article", "path": path}]
    db = str(tmp_path / "out" / "frontlines.duckdb")
    listed = CliRunner().invoke(app, ["failures", "--db", db, "--json"])
    assert listed.exit_code == 0
    rows = json.loads(listed.output)
    assert [(r["article_id"], r["stage"], r["source_path"]) for r in rows] == [("r1", "batch", path),
                                                                             ("r3", "poison", path)]
    text = CliRunner().invoke(app, ["failures", "--db", db])
    assert "r3" in text.output and "batch refused" in text.output
    with Store(db, read_only=True) as store:
        assert store.article_ids(unprocessed_only=True) == []
        assert store.count("sentences") == 4 * 2   # nothing kept of the failed articles
    # Not tried again while nothing changed; tried again under a new version.
    again = json.loads(_run(*args, "--json").output)
    assert again["articles_processed"] == 0 and again["articles_failed"] == []
    monkeypatch.setattr("frontlines.run.__version__", "99.0")
    retried = json.loads(_run(*args, "--json").output)
    assert [a["article_id"] for a in retried["articles_failed"]] == ["r1", "r3"]
    plain = _run(*args)
    assert plain.exit_code == 0 and "articles failed this run" in plain.output


def test_a_value_the_store_refuses_fails_only_its_article(tmp_path):
    from frontlines.run import save_batch

    with Store(tmp_path / "s.duckdb") as store:
        good = [Article(id=f"g{i}", text=f"{i} " + PARAGRAPH) for i in range(3)]
        bad = Article(id="bad", text="Bad " + PARAGRAPH)
        for article in [*good, bad]:
            store.add_article(article)
        from frontlines.understand.sentences import split_sentences
        for article in [*good, bad]:
            article.sentences = split_sentences(article.text)
        bad.sentences[0].text = "\ud800"   # not Unicode: DuckDB refuses it
        lost = save_batch(store, [good[0], bad, *good[1:]])
        assert [a.id for a in lost] == ["bad"] and bad.failure.stage == "store"
        assert store.article_ids(unprocessed_only=True) == []
        assert [f["article_id"] for f in store.failures()] == ["bad"]
        assert store.count("sentences") == 3 * 2
        bad.sentences[0].text, bad.failure = "Bad", None   # analysed again, it succeeds: no longer failed
        assert save_batch(store, [bad]) == [] and store.failures() == []
