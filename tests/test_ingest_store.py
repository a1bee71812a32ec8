"""Ingesting into the store: idempotent, incremental, and resumable after a killed process."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from frontlines.ingest import ingest_paths
from frontlines.pipeline import load_config
from frontlines.storage import Store

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


@pytest.fixture(scope="module")
def config() -> dict:
    return load_config()


def snapshot(store: Store) -> dict[str, tuple[int, str]]:
    return {table: (count, store.table_hash(table)) for table, count in store.counts().items()}


def test_ingesting_twice_changes_nothing(store, config):
    first = ingest_paths([FIXTURES], store, config, run_id="r1")
    before = snapshot(store)
    second = ingest_paths([FIXTURES], store, config, run_id="r2")
    assert snapshot(store) == before  # every table, bad files' log lines included
    assert first.articles_added == 17 and second.articles_added == 0
    assert {f.status for f in second.files if f.status != "unchanged"} == {"skipped", "error"}
    assert second.read == 0 and second.unchanged == first.read


def test_same_content_at_a_new_path_adds_nothing(store, config, tmp_path):
    shutil.copytree(FIXTURES / "wire", tmp_path / "a")
    ingest_paths([tmp_path / "a"], store, config, run_id="r1")
    articles = store.table_hash("articles")
    shutil.copytree(FIXTURES / "wire", tmp_path / "b")
    report = ingest_paths([tmp_path / "b"], store, config, run_id="r2")
    assert store.table_hash("articles") == articles
    assert [(f.status, f.articles, f.duplicates) for f in report.files] == [("read", 0, 1)] * 3


def test_only_new_or_changed_files_are_read(store, config, tmp_path):
    (tmp_path / "a.txt").write_text("Taliban fighters entered Kunduz on Sunday, officials said.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Government forces withdrew to the airport outside Kunduz.", encoding="utf-8")
    ingest_paths([tmp_path], store, config, run_id="r1")
    (tmp_path / "c.txt").write_text("Taloqan fell to the Taliban on Sunday evening.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Government forces withdrew to the airport outside Kunduz city.", encoding="utf-8")
    report = ingest_paths([tmp_path], store, config, run_id="r2")
    assert {Path(f.path).name: f.status for f in report.files} == {"a.txt": "unchanged", "b.txt": "read", "c.txt": "read"}
    assert report.articles_added == 2 and store.count("articles") == 4  # an edited file is a new version


def test_folders_are_walked_in_a_stable_order_without_hidden_entries(store, config, tmp_path):
    for name in ("b/2.txt", "a/1.txt", "c.txt", ".git/x.txt", "a/.cache.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"Report number {name} from the northern provinces.", encoding="utf-8")
    report = ingest_paths([tmp_path, tmp_path / "c.txt"], store, config, run_id="r1")
    assert [Path(f.path).relative_to(tmp_path).as_posix() for f in report.files] == ["c.txt", "a/1.txt", "b/2.txt"]


def test_a_folder_readme_is_not_an_article_but_a_named_one_is_reported(store, config, tmp_path):
    (tmp_path / "README.md").write_text("# About this corpus", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Fighting was reported in Kunduz on Sunday morning.", encoding="utf-8")
    folder = ingest_paths([tmp_path], store, config, run_id="r1")
    assert [(Path(f.path).name, f.status) for f in folder.files] == [("a.txt", "read")]
    named = ingest_paths([tmp_path / "README.md"], store, config, run_id="r2")
    assert named.files[0].status == "skipped" and ".md" in named.files[0].reason


def test_progress_is_called_for_every_file(store, config):
    seen: list[str] = []
    report = ingest_paths([FIXTURES / "wire"], store, config, run_id="r1", progress=seen.append)
    assert seen == [f.path for f in report.files] and len(seen) == 3


def test_explicit_id_reused_for_different_text_is_reported(store, config, tmp_path):
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "x1", "text": "Kunduz fell on Sunday."}) + "\n"
                                      + json.dumps({"id": "x1", "text": "Taloqan fell on Sunday."}) + "\n",
                                      encoding="utf-8")
    (result,) = ingest_paths([tmp_path], store, config, run_id="r1").files
    assert (result.articles, result.duplicates) == (1, 0)
    assert "id 'x1' already belongs to a different article" in result.reason


def test_seed_jsonl(seeds_dir, store, config, tmp_path):
    report = ingest_paths([seeds_dir / "seeds.jsonl"], store, config, run_id="r1")
    assert report.articles_added == 5 and report.failed == []
    stored = {a.id[:3]: a for a in store.articles()}
    assert stored["004"].published == date(2021, 6, 19) and stored["004"].published_source == "field"
    assert stored["001"].outlet == "Financial Times"
    # Without the published field, only 004's dateline ("date 2021-06-19") dates an article; nothing is invented.
    records = [json.loads(line) for line in (seeds_dir / "seeds.jsonl").read_text(encoding="utf-8").splitlines()]
    undated = tmp_path / "undated.jsonl"
    undated.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "published"}) + "\n" for r in records),
                       encoding="utf-8")
    fresh = Store(":memory:")
    ingest_paths([undated], fresh, config, run_id="r1")
    dates = {a.id[:3]: (a.published, a.published_source) for a in fresh.articles()}
    fresh.close()
    assert dates == {"000": (None, None), "001": (None, None), "002": (None, None), "003": (None, None),
                     "004": (date(2021, 6, 19), "dateline")}


CHILD = textwrap.dedent("""
    import sys, time
    from frontlines.ingest import ingest_paths
    from frontlines.pipeline import load_config
    from frontlines.storage import Store

    def progress(path):
        print(path, flush=True)
        time.sleep(0.002)  # pace the run so the parent can kill it part-way

    with Store(sys.argv[1]) as store:
        ingest_paths([sys.argv[2]], store, load_config(), "killed", progress=progress)
    print("DONE", flush=True)
""")


def test_resume_after_the_process_is_killed(tmp_path, config):
    corpus, db = tmp_path / "corpus", tmp_path / "store.duckdb"
    corpus.mkdir()
    expected = set()
    for i in range(300):
        path = corpus / f"{i:03d}.jsonl"
        lines = [{"id": f"k{i:03d}-{j}", "text": f"Report {i}-{j}: fighting near district {i} on day {j}."} for j in range(2)]
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        expected |= {line["id"] for line in lines}

    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db), str(corpus)], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    done = 0
    for line in child.stdout:
        assert line.strip() != "DONE", "the child finished before it could be killed"
        done += 1
        if done == 100:
            child.send_signal(signal.SIGKILL)
            break
    child.wait()
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL

    with Store(db) as store:
        partial = store.count("articles")
        assert 200 <= partial < 600  # killed part-way; every committed file is whole
        assert partial % 2 == 0
        report = ingest_paths([corpus], store, config, run_id="resume")
        ids = [a for a in store.article_ids()]
        assert sorted(ids) == sorted(expected)  # nothing lost, nothing doubled
        assert report.duplicates == 0  # no file was half-stored by the killed run
        assert report.unchanged == partial // 2 and report.read == 300 - partial // 2
        assert store.count("sources_read") == 300


def test_a_better_attested_copy_improves_the_stored_article(seeds_dir, store, config):
    # The folder holds each seed twice: the bare .txt (read first) and a seeds.jsonl line with metadata.
    ingest_paths([seeds_dir / "004_e170391baf5c18c4.txt"], store, config, run_id="r1")
    (stored,) = store.articles()
    assert stored.published_source == "dateline"
    store.save_annotations(stored)  # as if the pipeline had processed it
    assert store.article_ids(unprocessed_only=True) == []
    report = ingest_paths([seeds_dir], store, config, run_id="r2")
    articles = {a.id: a for a in store.articles()}
    assert len(articles) == 5 and report.articles_added == 4
    assert {a.published_source for a in articles.values()} == {"field"}
    assert articles[stored.id].outlet == "Shafaqna"  # filled in; the id stays the first copy's
    assert store.article_ids(unprocessed_only=True) == sorted(articles)  # the improved date is re-processed
    assert "better metadata for 5 stored article(s)" in next(f.reason for f in report.files if f.path.endswith(".jsonl"))
