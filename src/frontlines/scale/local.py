"""The local engine: the per-article pipeline on one machine, in this process or a pool of processes.

With ``workers > 1`` each worker process builds its :class:`~frontlines.pipeline.Pipeline` once
(the model loads once per worker), articles travel as records in batches of
``config['pipeline']['batch_size']`` but no more than one model call (the language component's ``batch_size``:
the texts of a small corpus are shared evenly, and no worker sits idle while another runs the last big batch),
at most ``2 * workers`` batches are in flight, and results
come back in input order. Memory therefore stays bounded however long the input stream is.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any, Iterable, Iterator

from frontlines.model import Article
from frontlines.pipeline import ConfigError, Pipeline, resolve_factory
from frontlines.scale.records import article_from_record, article_to_record

DEFAULT_BATCH_SIZE = 64
BATCHES_PER_WORKER = 2   # in flight per worker: one being processed, one waiting, so no worker idles


class ScaleError(RuntimeError):
    """A worker could not start or failed while processing a batch."""


def process_local(articles: Iterable[Article], config: dict[str, Any], workers: int = 1,
                  timings: dict[str, float] | None = None) -> Iterator[Article]:
    """Run the configured per-article components over ``articles``, yielding them annotated, in input order.

    ``workers == 1`` runs in this process (``article.doc`` is kept); ``workers > 1`` uses a process
    pool (``article.doc`` is dropped). If ``timings`` is given, each component's seconds are added to
    it (summed over workers: processor time, not wall time).
    """
    if workers <= 1:
        yield from _in_process(articles, config, timings)
    else:
        yield from _in_pool(articles, config, workers, timings)


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of at most ``size`` items, read lazily."""
    iterator = iter(items)
    while batch := list(islice(iterator, max(1, size))):
        yield batch


def runnable_config(config: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A copy of ``config`` keeping only the components whose factory can be imported, and the names dropped.

    For benchmarks and tests while components are still being written; a real run should fail
    loudly on a missing component instead (``Pipeline`` raises :class:`ConfigError`).
    """
    kept, dropped = [], []
    for name in config["pipeline"]["components"]:
        spec = config.get("components", {}).get(name, {}).get("factory", "")
        try:
            resolve_factory(spec)
            kept.append(name)
        except ConfigError:
            dropped.append(name)
    out = dict(config)
    out["pipeline"] = {**config["pipeline"], "components": kept}
    return out, dropped


def _in_process(articles: Iterable[Article], config: dict[str, Any],
                timings: dict[str, float] | None) -> Iterator[Article]:
    pipeline = Pipeline(config)
    try:
        yield from pipeline.pipe(articles)
    finally:
        _add(timings, pipeline.timings)


def _in_pool(articles: Iterable[Article], config: dict[str, Any], workers: int,
             timings: dict[str, float] | None) -> Iterator[Article]:
    size = task_size(config)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=worker_context(),
                               initializer=_start_worker, initargs=(config, dict(os.environ)))
    pending: deque[Future] = deque()
    try:
        for batch in batched(articles, size):
            pending.append(pool.submit(_run_batch, [article_to_record(a) for a in batch]))
            while len(pending) >= BATCHES_PER_WORKER * workers:
                yield from _collect(pending.popleft(), timings)
        while pending:
            yield from _collect(pending.popleft(), timings)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def task_size(config: dict[str, Any]) -> int:
    """Articles sent to a worker at once: the pipeline's batch size, at most one call of the language model."""
    size = int(config.get("pipeline", {}).get("batch_size", DEFAULT_BATCH_SIZE))
    model = config.get("components", {}).get("language", {}).get("batch_size")
    return max(1, min(size, int(model))) if model else max(1, size)


def worker_context() -> Any:
    """How worker processes start: forked from a fork server (a fresh process, not this one: the parent may hold
    DuckDB or Ray threads, which fork does not survive) that imported spaCy and loaded the default model once, so
    the workers share those pages; spawned where there is no fork server."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["frontlines.scale.preload"])
    return context


def _collect(future: Future, timings: dict[str, float] | None) -> Iterator[Article]:
    try:
        records, spent = future.result()
    except BrokenProcessPool as exc:
        raise ScaleError(f"a worker process died (out of memory, or killed): {exc}") from exc
    _add(timings, spent)
    for record in records:
        yield article_from_record(record)


def _add(timings: dict[str, float] | None, spent: dict[str, float]) -> None:
    if timings is not None:
        for name, seconds in spent.items():
            timings[name] = timings.get(name, 0.0) + seconds


# -- inside a worker process ---------------------------------------------------------------------
_worker: dict[str, Any] = {}


def _start_worker(config: dict[str, Any], environment: dict[str, str] | None = None) -> None:
    _exit_with_parent()
    if environment is not None:   # the run's environment, not the fork server's (started by an earlier run)
        os.environ.clear()
        os.environ.update(environment)
    # Keep a start-up failure (model missing, bad config) to report it with the first batch: an
    # exception raised here would only surface as an anonymous BrokenProcessPool.
    try:
        _worker["pipeline"] = Pipeline(config)
    except Exception as exc:  # noqa: BLE001 - reported to the parent verbatim
        _worker["error"] = f"{type(exc).__name__}: {exc}"


def _exit_with_parent() -> None:
    """Leave when the parent is gone: a killed ``frontlines run`` must not leave workers holding a model each
    (they would wait on a queue no one reads or writes, seen here for an hour)."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])   # readable once the parent has exited
        os._exit(1)

    threading.Thread(target=watch, name="frontlines-parent-watch", daemon=True).start()


def _run_batch(records: list[dict[str, str]]) -> tuple[list[dict[str, str]], dict[str, float]]:
    if "error" in _worker:
        raise ScaleError(f"worker could not build the pipeline: {_worker['error']}")
    pipeline: Pipeline = _worker["pipeline"]
    before = dict(pipeline.timings)
    done = [article_to_record(a) for a in pipeline.pipe(article_from_record(r) for r in records)]
    spent = {name: seconds - before.get(name, 0.0) for name, seconds in pipeline.timings.items()}
    return done, spent
