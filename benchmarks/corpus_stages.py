"""The corpus stages and outputs alone, on a stored corpus, with their time and peak memory.

    python benchmarks/throughput.py --n 100000 --workers 2 --skip-bare --keep /tmp/100k.duckdb
    python benchmarks/corpus_stages.py /tmp/100k.duckdb

The store's corpus-stage results (duplicate groups, events, control) are cleared first, so every stage
runs over the whole corpus as in a first run. The model is loaded as in a run's main process, so the
figures compare with the throughput benchmark's.
"""
from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

import psutil

from frontlines.pipeline import Pipeline, PipelineContext, load_config, resolve_factory
from frontlines.run import write_outputs
from frontlines.scale import runnable_config
from frontlines.storage import Store


class Peak:
    """Peak resident memory of this process, sampled in a background thread."""

    def __init__(self) -> None:
        self.process, self.peak, self._stop = psutil.Process(), 0, threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            self._stop.wait(0.1)

    def mib(self) -> float:
        return self.peak / 2 ** 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path, help="a store written by a run (it is modified)")
    args = parser.parse_args()
    config, _ = runnable_config(load_config(None))
    Pipeline(config)
    with Store(args.db) as store, tempfile.TemporaryDirectory() as out:
        store.clear_corpus_stages()
        counts = store.counts()
        print(f"store: {counts.get('articles', 0)} articles, {counts.get('event_mentions', 0)} event mentions")
        peak = Peak()
        print(f"before the stages: {psutil.Process().memory_info().rss / 2 ** 20:.0f} MiB")
        for name in config["pipeline"]["corpus_stages"]:
            started = time.perf_counter()
            resolve_factory(config["corpus_stages"][name]["factory"])(store, PipelineContext(config, store))
            print(f"{name:<12}{time.perf_counter() - started:>8.1f} s   peak so far {peak.mib():.0f} MiB")
        started = time.perf_counter()
        write_outputs(store, Path(out))
        print(f"{'outputs':<12}{time.perf_counter() - started:>8.1f} s   peak so far {peak.mib():.0f} MiB")
        print(f"events {store.count('events')}, control intervals {store.count('control_intervals')}")
    print(f"peak resident memory of this process: {peak.mib():.0f} MiB")


if __name__ == "__main__":
    main()
