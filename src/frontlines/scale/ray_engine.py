"""The Ray engine: the per-article pipeline as Ray Data ``map_batches`` over an actor pool.

Articles are sent to Ray in chunks (``chunk_size`` articles, as Arrow tables of
:mod:`~frontlines.scale.records`), so neither the driver nor the object store ever holds the whole
corpus. Each chunk runs through a pool of ``workers`` actors; every actor builds the
:class:`~frontlines.pipeline.Pipeline` once and holds the model. Results stream back to the driver,
which writes them as ``out_dir/ray/part-NNNNN.parquet`` (one row per article) and reads them back
as annotated articles, in input order, for the store.

On one machine Ray starts with ``num_cpus=workers``. To use a cluster, start it with
``ray start --head`` (and ``ray start --address HEAD:6379`` on the other nodes, each with
frontlines and its model installed in the same Python environment), then run
``frontlines run INPUTS --engine ray --address HEAD:6379 --workers N``: N actors, one CPU each.
Only the driver needs ``out_dir``; nothing is read from a shared file system.
"""
from __future__ import annotations

import logging
import math
import os
from pathlib import Path
from typing import Any, Iterable, Iterator

from frontlines.model import Article
from frontlines.pipeline import Pipeline
from frontlines.scale.local import ScaleError, batched
from frontlines.scale.records import RECORD_FIELDS, article_from_record, article_to_record

DEFAULT_CHUNK_SIZE = 2000
SEQ = "seq"   # position in the input: Ray Data does not keep order, so we restore it from this column


def record_schema() -> Any:
    """The Arrow schema of a per-article result row."""
    import pyarrow as pa

    return pa.schema([(SEQ, pa.int64())] + [(name, pa.string()) for name in RECORD_FIELDS])


class PipelineActor:
    """A Ray actor holding one Pipeline (and so one loaded model); called on Arrow batches of records."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.pipeline = Pipeline(config)

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        rows = batch.to_pylist()
        done = self.pipeline.pipe(article_from_record(row) for row in rows)
        out = [{SEQ: row[SEQ], **article_to_record(article)} for row, article in zip(rows, done)]
        return pa.Table.from_pylist(out, schema=record_schema())


def process_ray(articles: Iterable[Article], config: dict[str, Any], out_dir: Path, address: str | None = None,
                workers: int = 2, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[Article]:
    """Annotate ``articles`` on Ray (local, or the cluster at ``address``); yield them in input order.

    Per-article results are also left as Parquet under ``out_dir/ray/``. Ray is started if it is
    not running in this process, and shut down again at the end if we started it.
    """
    ray = _import_ray()
    started = _start_ray(ray, address, workers)
    try:
        # More one-CPU actors than the cluster has CPUs would wait forever for the missing ones.
        workers = max(1, min(workers, int(ray.cluster_resources().get("CPU", workers))))
        folder = Path(out_dir) / "ray"
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("part-*.parquet"):
            stale.unlink()
        for number, chunk in enumerate(batched(articles, chunk_size)):
            path = folder / f"part-{number:05d}.parquet"
            _annotate_chunk(ray, chunk, config, workers, path)
            del chunk
            yield from read_results(path)
    finally:
        if started:
            ray.shutdown()


def read_results(path: Path) -> Iterator[Article]:
    """The annotated articles in one Parquet part written by :func:`process_ray`, in input order."""
    import pyarrow.parquet as pq

    table = pq.read_table(path).sort_by(SEQ)
    for batch in table.to_batches(max_chunksize=256):
        for row in batch.to_pylist():
            yield article_from_record(row)


def _annotate_chunk(ray: Any, chunk: list[Article], config: dict[str, Any], workers: int, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    _quiet(ray)
    size = int(config.get("pipeline", {}).get("batch_size", 64))
    table = pa.Table.from_pylist([{SEQ: i, **article_to_record(a)} for i, a in enumerate(chunk)], schema=record_schema())
    # Several blocks so that every actor gets work (one block would go to one actor), at most a batch each.
    block = max(1, min(size, math.ceil(table.num_rows / max(1, workers))))
    blocks = [table.slice(start, block) for start in range(0, table.num_rows, block)]
    # A fixed pool of `workers` actors at one CPU each; from_arrow needs no read tasks, so with
    # num_cpus=workers nothing else waits for a CPU the actors hold.
    dataset = ray.data.from_arrow(blocks).map_batches(
        PipelineActor, fn_constructor_kwargs={"config": config}, batch_format="pyarrow", batch_size=block,
        compute=ray.data.ActorPoolStrategy(size=max(1, workers)), num_cpus=1)
    written = 0
    try:
        with pq.ParquetWriter(path, record_schema()) as writer:
            for batch in dataset.iter_batches(batch_format="pyarrow", batch_size=None, prefetch_batches=1):
                writer.write_table(batch.select(record_schema().names).cast(record_schema()))
                written += batch.num_rows
    except ray.exceptions.RayError as exc:
        raise ScaleError(f"the Ray pipeline failed: {_first_line(exc)}") from exc
    if written != len(chunk):
        raise ScaleError(f"Ray returned {written} results for {len(chunk)} articles")


def _import_ray() -> Any:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")   # no network calls at run time
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise ScaleError("the Ray engine needs Ray Data: pip install 'frontlines[ray]'") from exc
    return ray


def _start_ray(ray: Any, address: str | None, workers: int) -> bool:
    """Connect to (or start) Ray; True if this call started it."""
    if ray.is_initialized():
        return False
    options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
    if address:
        options["address"] = address
    else:
        options["num_cpus"] = max(1, workers)
    try:
        ray.init(**options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ScaleError(f"cannot start or reach Ray{' at ' + address if address else ''}: {_first_line(exc)}") from exc
    return True


def _quiet(ray: Any) -> None:
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.execution_options.verbose_progress = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
