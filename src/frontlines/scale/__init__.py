"""Speed and scale: the per-article pipeline on many cores (local processes) or many machines (Ray).

Both engines take articles and a config and yield the same annotated articles in input order;
the orchestrator (``frontlines.run``) stores them and runs the corpus stages.
"""
from __future__ import annotations

from frontlines.scale.local import ScaleError, batched, process_local, runnable_config
from frontlines.scale.ray_engine import process_ray  # imports Ray only when called: it is an optional extra
from frontlines.scale.records import RECORD_FIELDS, RecordError, article_from_record, article_to_record


__all__ = ["RECORD_FIELDS", "RecordError", "ScaleError", "article_from_record", "article_to_record", "batched",
           "process_local", "process_ray", "runnable_config"]
