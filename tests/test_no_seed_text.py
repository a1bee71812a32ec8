"""The seed articles are third-party text: tests read them from ../shared at run time, and no file of the
repository copies them (the gold points into them by offset, examples and tests use sentences of our own)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import SEEDS, _need

REPO = Path(__file__).resolve().parents[1]
RUN = 8   # words in a row: common phrases ("fell to the Taliban on Sunday") are shorter than this
SKIP_DIRS = {".git", ".venv", "build", "out", "node_modules", "__pycache__"}
SUFFIXES = {".py", ".md", ".jsonl", ".json", ".csv", ".yaml", ".yml", ".toml", ".txt", ".html", ".rss", ".js", ".css"}


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


def _repository_files() -> list[Path]:
    try:
        listed = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
        files = [REPO / line for line in listed.splitlines()]
    except (OSError, subprocess.CalledProcessError):   # not a git checkout: walk the tree
        files = [p for p in REPO.rglob("*") if not SKIP_DIRS & set(p.relative_to(REPO).parts)]
    return [p for p in files if p.is_file() and p.suffix in SUFFIXES]


def test_no_repository_file_copies_a_run_of_seed_words():
    seeds = [json.loads(line)["text"] for line in (_need(SEEDS) / "seeds.jsonl").read_text(encoding="utf-8").splitlines()]
    seed_runs = set().union(*(_shingles(text.split()) for text in seeds))
    copied = {}
    for path in _repository_files():
        found = _shingles(path.read_text(encoding="utf-8", errors="ignore").split()) & seed_runs
        if found:
            copied[str(path.relative_to(REPO))] = " ".join(sorted(found)[0])
    assert not copied, f"seed text copied into the repository: {copied}"


def test_the_check_sees_a_copied_run(tmp_path):
    seed = json.loads((_need(SEEDS) / "seeds.jsonl").read_text(encoding="utf-8").splitlines()[0])["text"]
    words = seed.split()[:RUN]
    copy = tmp_path / "copy.md"
    copy.write_text("Our own words, then " + " ".join(words) + " and more of ours.", encoding="utf-8")
    assert len(words) == RUN and _shingles(copy.read_text(encoding="utf-8").split()) & _shingles(seed.split())
