"""One run of frontlines: ingest → per-article pipeline → corpus stages → outputs.

The Python API behind ``frontlines run``. Every stage reads from and writes to the store, so a
run that was killed resumes where it stopped: articles ingested but not yet processed are
picked up by the next run, and nothing is processed twice.
"""
from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from frontlines import __version__
from frontlines.model import Article
from frontlines.pipeline import Pipeline, PipelineContext, corpus_stages, failure, load_config
from frontlines.scale.local import batched
from frontlines.storage import DEFAULT_DB_NAME, Store, UnstorableError

Progress = Callable[[str, int, int], None]  # (stage, done, total)
T = TypeVar("T")
READ_BATCH_BYTES = 16_000_000   # article text read from the store at once, unless one article alone is larger
STREAM_BASE_BYTES = 16 * 2**20  # with 4 bytes of DuckDB memory per byte read: what the streaming cap must allow


def new_run_id() -> str:
    return datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def run_corpus(inputs: Sequence[str | Path], out_dir: str | Path, db_path: str | Path | None = None,
               config: dict[str, Any] | None = None, workers: int = 1, engine: str = "local",
               address: str | None = None, progress: Progress | None = None) -> dict[str, Any]:
    """Run every stage over ``inputs`` and write outputs to ``out_dir``; return the run summary."""
    from frontlines.ingest import ingest_paths

    config = config or load_config()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    db_path = Path(db_path) if db_path else out_dir / DEFAULT_DB_NAME
    run_id, started, clock = new_run_id(), datetime.now(), time.perf_counter()
    stage_s: dict[str, float] = {}
    with Store(db_path) as store:
        from frontlines.profiles import check_store_profile
        check_store_profile(store, config)   # a store made under another profile: refused unless forced
        with timed(stage_s, "ingest"):   # its progress counts files as they are read
            report = ingest_paths(inputs, store, config, run_id,
                                  progress=(lambda path: progress("ingest", 0, 0)) if progress else None)
        if progress and report.files:
            progress("ingest", len(report.files), len(report.files))   # read: the bar ends
        failed: list[Article] = []
        with timed(stage_s, "understand"):
            processed, timings = process_pending(store, config, workers=workers, engine=engine, address=address,
                                                 out_dir=out_dir, progress=progress, failed=failed)
        stages = run_corpus_stages(store, config, progress=progress, timings=stage_s)
        with timed(stage_s, "outputs", progress):
            outputs = write_outputs(store, out_dir)
        summary = summarise(store, report, processed, stages, timings, outputs, db_path, out_dir, run_id, failed)
        summary["profile"] = config.get("profile")   # name and hash of the conflict profile, or None (generic)
        if not summary["profile"]:
            from frontlines.profiles import matching_profiles
            summary["matching_profiles"] = matching_profiles(store.events())
        summary["stage_timings_s"] = {k: round(v, 3) for k, v in stage_s.items()}
        summary["run_time_s"] = round(time.perf_counter() - clock, 3)
        store.record_run(run_id, started, [str(i) for i in inputs], summary)
    return summary


@contextmanager
def timed(seconds: dict[str, float], stage: str, progress: Progress | None = None) -> Iterator[None]:
    """Time a stage into ``seconds[stage]``; with ``progress``, show it as a labelled step (started, done)."""
    if progress:
        progress(stage, 0, 1)
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - started
    if progress:
        progress(stage, 1, 1)


def with_imported_places(config: dict[str, Any], store: Store, portable: bool = False) -> dict[str, Any]:
    """``config`` with the store's imported places (boundaries, GeoNames dumps) handed to the places component
    as a small index file (and its bytes when ``portable``: Ray actors on other machines), for workers that
    cannot open the store; ``config`` itself when there are none."""
    from frontlines.understand.places.overlay import hand_over

    imported = hand_over(store, portable=portable)
    if imported is None:
        return config
    components = dict(config.get("components", {}))
    components["places"] = {**components.get("places", {}), "imported": imported}
    return {**config, "components": components}


def process_pending(store: Store, config: dict[str, Any], workers: int = 1, engine: str = "local",
                    address: str | None = None, out_dir: Path | None = None, progress: Progress | None = None,
                    failed: list[Article] | None = None) -> tuple[int, dict[str, float]]:
    """Run the per-article pipeline over every stored article not yet processed; save each atomically; return how
    many were analysed and the seconds each component took.

    An article a stage failed on is recorded as failed in the store (and appended to ``failed``) and the run
    goes on; a failed article is tried again when its text or the frontlines version has changed.
    """
    store.retry_failures(__version__)
    pending = store.pending_sizes()
    if not pending:
        return 0, {}
    batch_size = int(config["pipeline"].get("batch_size", 64))
    reads = list(bounded_batches(pending, batch_size, lambda item: item[1]))
    articles = (article for read in reads for article in store.articles([article_id for article_id, _ in read]))
    timings: dict[str, float] = {}
    if engine == "ray":
        from frontlines.scale import process_ray
        results: Iterable[Article] = process_ray(articles, with_imported_places(config, store, portable=True),
                                                 out_dir or Path("."), address, workers)
    elif workers > 1:
        from frontlines.scale import process_local
        results = process_local(articles, with_imported_places(config, store), workers, timings=timings)
    else:
        pipeline = Pipeline(config, store=store)
        results = pipeline.pipe(articles)
        timings = pipeline.timings
    done = analysed = 0
    largest = max(sum(size for _, size in read) for read in reads)
    with store.streaming(at_least=STREAM_BASE_BYTES + 4 * largest):
        for batch in bounded_batches(results, batch_size, lambda article: len(article.text.encode("utf-8"))):
            for article in batch:
                article.doc = None
            lost = save_batch(store, batch)   # one transaction per batch: a killed run loses at most this batch
            if failed is not None:
                failed.extend(lost)
            done += len(batch)
            analysed += len(batch) - len(lost)
            if progress:
                progress("understand", done, len(pending))
    return analysed, dict(timings)


def save_batch(store: Store, batch: list[Article]) -> list[Article]:
    """Save a batch's annotations and its failures in one transaction; the articles that failed.

    When the store refuses a value, the batch is saved article by article and the one refused is recorded as
    failed at the stage ``store``.
    """
    try:
        with store.transaction():
            store.save_annotations([a for a in batch if a.failure is None])
            store.save_failures(batch, __version__)
    except UnstorableError:
        for article in batch:
            if article.failure is None:
                try:
                    store.save_annotations([article])
                    continue
                except UnstorableError as exc:
                    article.failure = failure("store", exc)
            store.save_failures([article], __version__)
    return [a for a in batch if a.failure is not None]


def bounded_batches(items: Iterable[T], batch_size: int, size: Callable[[T], int],
                    max_bytes: int = READ_BATCH_BYTES) -> Iterator[list[T]]:
    """Consecutive lists of at most ``batch_size`` items and ``max_bytes`` of text (one item alone may be larger),
    read lazily: a few long articles never make one read or write the streaming memory cap cannot hold."""
    current: list[T] = []
    total = 0
    for item in items:
        bytes_ = size(item)
        if current and (len(current) >= batch_size or total + bytes_ > max_bytes):
            yield current
            current, total = [], 0
        current.append(item)
        total += bytes_
    if current:
        yield current


def _stream_articles(store: Store, ids: list[str], batch_size: int) -> Iterator[Article]:
    """Articles from the store in bounded batches (memory stays flat however large the corpus)."""
    for batch in batched(ids, batch_size):
        yield from store.articles(batch)


def run_corpus_stages(store: Store, config: dict[str, Any], progress: Progress | None = None,
                      timings: dict[str, float] | None = None) -> dict[str, Any]:
    """Duplicates, fusion, control…: each stage sees the whole store once (timed into ``timings``, shown by
    ``progress`` as a labelled step)."""
    context = PipelineContext(config, store)
    seconds = timings if timings is not None else {}
    out: dict[str, Any] = {}
    for name, stage in corpus_stages(config):
        with timed(seconds, name, progress):
            out[name] = stage(store, context) or {}
    return out


def write_outputs(store: Store, out_dir: Path) -> list[Path]:
    """events.csv, events.geojson, claims.csv, control.csv and Parquet tables in ``out_dir``."""
    from frontlines.control import write_control_csv
    from frontlines.report.exports import write_outputs as write_event_outputs

    written = list(write_event_outputs(store, out_dir))
    control_csv = out_dir / "control.csv"
    write_control_csv(store, control_csv)
    written.append(control_csv)
    return written


def summarise(store: Store, report: Any, processed: int, stages: dict[str, Any], timings: dict[str, float],
              outputs: list[Path], db_path: Path, out_dir: Path, run_id: str,
              failed: Sequence[Article] = ()) -> dict[str, Any]:
    """The one-screen summary: what was read, skipped and why, and what the store now holds."""
    by_status: dict[str, int] = {}
    for result in report.files:
        by_status[result.status] = by_status.get(result.status, 0) + 1
    counts = store.counts()
    return {
        "run_id": run_id,
        "db": str(db_path),
        "out_dir": str(out_dir),
        "files": by_status,
        "failures": [{"path": f.path, "status": f.status, "reason": f.reason} for f in report.files
                     if f.status in ("skipped", "error")],
        "warning_count": len(report.warnings),
        "warnings": report.warnings,
        "articles_added": len(report.new_ids),
        "exact_duplicates_skipped": report.duplicates,
        "articles_total": counts.get("articles", 0),
        "articles_processed": processed,
        "articles_failed": [{"article_id": a.id, "stage": a.failure.stage, "reason": a.failure.reason,
                             "path": a.source_path} for a in failed if a.failure is not None],
        "undated_articles": store.undated_articles(),
        "duplicate_groups": stages.get("duplicates", {}),
        "event_mentions": counts.get("event_mentions", 0),
        "events": counts.get("events", 0),
        "claims": counts.get("claims", 0),
        "control_intervals": counts.get("control_intervals", 0),
        "stages": stages,
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "outputs": [str(p) for p in outputs],
    }


def nothing_read(summary: dict[str, Any]) -> bool:
    """True when no input could be read at all (the only case in which ``run`` exits non-zero)."""
    files = summary["files"]
    return files.get("read", 0) + files.get("unchanged", 0) == 0 and bool(summary["failures"])
