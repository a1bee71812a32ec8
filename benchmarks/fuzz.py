"""The nightly fuzz: `frontlines run` over tens of thousands of hostile inputs mixed with good records (issue 19).

    python benchmarks/fuzz.py                      # >= 10,000 hostile inputs, the shipped limits
    python benchmarks/fuzz.py --hostile 500        # a quick look
    python benchmarks/fuzz.py --keep /tmp/fuzz     # keep the corpus, outputs and stores

The corpus comes from ``tests/hostile_inputs.py``: every kind issue 19 lists (huge, empty, binary, mis-encoded files;
names that are not UTF-8; lone surrogates; U+2028 in JSON strings; huge integers; wrong types; broken and looping
links; malformed HTML, RSS and JSON; texts hostile to the analysis), each hostile part a file or one line or item of
one, beside good records each carrying a unique token. Three runs of the real command, each a process of its own:

1. ``frontlines run`` over the hostile corpus (the full default pipeline);
2. the same again over the same store (it must add and change nothing);
3. ``frontlines run`` over the good records alone, written as plain JSON lines: the clean run memory is compared to.

Figures: crashed runs (exit status other than 0, no summary, or a traceback), good records lost (and lost without a
reason: no failure or warning for their file), good records whose text was altered, failures not reported (a hostile
part neither reported nor stored; an article a stage failed on that `frontlines failures` does not list), and the
peak resident memory of each run's process tree. Targets: 0, 0, 0 and within 1.25x of the clean run.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from hostile_inputs import Manifest, account, write_clean, write_corpus  # noqa: E402

# The command as installed beside this Python (the virtual environment's), else from the package.
SCRIPT = Path(sys.executable).parent / "frontlines"
FRONTLINES = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-c", "from frontlines.cli import main; main()"]
TARGET_MEMORY_RATIO = 1.25


class TreeMemory:
    """Peak resident memory of a process and its children, sampled every ``every`` seconds."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        self.pid, self.every, self.peak = pid, every, 0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while root.is_running() and root.status() != psutil.STATUS_ZOMBIE:
            total = 0
            for process in [root, *root.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(self.every)

    def stop(self) -> int:
        self._thread.join(timeout=5)
        return self.peak


def run(name: str, inputs: list[str], out: Path, workers: int) -> dict[str, Any]:
    """One `frontlines run` in a process of its own: exit status, summary, peak tree memory, seconds, stderr (its
    output is kept beside ``out`` as NAME.stdout and NAME.stderr)."""
    args = [*FRONTLINES, "run", *inputs, "--out", str(out), "--json", "--workers", str(workers)]
    started = time.monotonic()
    logs = out.parent / f"{name}.stdout", out.parent / f"{name}.stderr"
    with open(logs[0], "w") as stdout, open(logs[1], "w") as err:
        process = subprocess.Popen(args, stdout=stdout, stderr=err)
        memory = TreeMemory(process.pid)
        code = process.wait()
        peak = memory.stop()
    text, stderr = (log.read_text(encoding="utf-8", errors="replace") for log in logs)
    try:
        summary = json.loads(text)
    except json.JSONDecodeError:
        summary = None
    crashed = code != 0 or summary is None or "Traceback" in stderr
    return {"code": code, "summary": summary, "peak_mib": peak / 2**20, "seconds": time.monotonic() - started,
            "crashed": crashed, "stderr": stderr[-2000:]}


def stored(db: Path) -> tuple[list[str], set[str]]:
    """The stored article texts and the ids `frontlines failures` lists."""
    from frontlines.storage import Store

    with Store(db, read_only=True) as store:
        texts = [row[0] for row in store.con.execute("SELECT text FROM articles").fetchall()]
        failed = {row["article_id"] for row in store.failures()}
    return texts, failed


def tables(db: Path) -> dict[str, tuple[int, str]]:
    from frontlines.storage import Store

    with Store(db, read_only=True) as store:
        return {t: (store.count(t), store.table_hash(t)) for t in store.tables()
                if t not in ("runs", "ingest_log", "schema_version")}


def figures(manifest: Manifest, first: dict[str, Any], second: dict[str, Any], clean: dict[str, Any],
            db: Path, unchanged: bool) -> dict[str, Any]:
    """Every figure of the benchmark, from the three runs."""
    runs = (first, second, clean)
    out: dict[str, Any] = {"hostile_inputs": len(manifest.hostile), "by_kind": manifest.kinds(),
                           "crashed_runs": sum(r["crashed"] for r in runs)}
    if first["summary"] is not None:
        texts, listed = stored(db)
        result = account(manifest, first["summary"], texts)
        failed = {a["article_id"] for a in first["summary"]["articles_failed"]}
        out.update(result.figures())
        out["failures_not_reported"] += len(failed - listed)
        out["articles_failed_by_a_stage"] = len(failed)
        out["examples"] = {"lost": result.lost[:5], "altered": result.altered[:5],
                           "unreported": [vars(p) for p in result.unreported[:5]]}
        summary = first["summary"]
        out["run"] = {k: summary.get(k) for k in ("files", "articles_added", "articles_processed", "warning_count",
                                                  "events")}
    out["second_run_changed_nothing"] = unchanged
    out["peak_mib"] = {"hostile": round(first["peak_mib"]), "again": round(second["peak_mib"]),
                       "clean": round(clean["peak_mib"])}
    out["memory_ratio"] = round(first["peak_mib"] / clean["peak_mib"], 3) if clean["peak_mib"] else None
    out["seconds"] = {"hostile": round(first["seconds"], 1), "again": round(second["seconds"], 1),
                      "clean": round(clean["seconds"], 1)}
    return out


def report(result: dict[str, Any]) -> bool:
    """Print the figures; whether every target was met."""
    print(json.dumps(result, indent=2, default=str))
    met = (result["crashed_runs"] == 0 and result.get("good_lost", 1) == 0 and result.get("good_altered", 1) == 0
           and result.get("failures_not_reported", 1) == 0 and result["second_run_changed_nothing"]
           and (result["memory_ratio"] or 99) <= TARGET_MEMORY_RATIO)
    print(f"\nhostile inputs {result['hostile_inputs']:,}; good records {result.get('good_records', 0):,}; "
          f"crashed runs {result['crashed_runs']}; good records lost {result.get('good_lost')} "
          f"(without a reason {result.get('good_lost_without_reason')}); failures not reported "
          f"{result.get('failures_not_reported')}; peak memory {result['peak_mib']['hostile']:,} MiB against "
          f"{result['peak_mib']['clean']:,} MiB clean ({result['memory_ratio']}x, target <= {TARGET_MEMORY_RATIO}x): "
          + ("all targets met" if met else "TARGETS MISSED"))
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hostile", type=int, default=10_000, help="hostile inputs to generate (at least)")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="frontlines-fuzz-"))
    if work.exists() and any(work.iterdir()):
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    try:
        started = time.monotonic()
        manifest = write_corpus(work / "hostile", args.hostile, seed=args.seed)
        clean_inputs = write_clean(work / "clean", manifest)
        print(f"corpus: {len(manifest.hostile):,} hostile inputs, {len(manifest.good):,} good records "
              f"({time.monotonic() - started:.0f} s)", file=sys.stderr)
        first = run("hostile", manifest.inputs, work / "out", args.workers)
        print(f"hostile run: exit {first['code']}, {first['seconds']:.0f} s", file=sys.stderr)
        before = tables(work / "out" / "frontlines.duckdb") if first["summary"] else None
        second = run("again", manifest.inputs, work / "out", args.workers)
        unchanged = before is not None and tables(work / "out" / "frontlines.duckdb") == before
        clean = run("clean", clean_inputs, work / "clean-out", args.workers)
        print(f"clean run: exit {clean['code']}, {clean['seconds']:.0f} s", file=sys.stderr)
        for name, result in (("hostile", first), ("again", second), ("clean", clean)):
            if result["crashed"]:
                print(f"{name} run crashed (exit {result['code']}):\n{result['stderr']}", file=sys.stderr)
        met = report(figures(manifest, first, second, clean, work / "out" / "frontlines.duckdb", unchanged))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)   # the links' targets outside the corpus are in it too
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
