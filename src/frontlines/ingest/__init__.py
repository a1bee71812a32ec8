"""Ingestion: files and folders (.txt, .html, .jsonl/.json, RSS/Atom) into articles in the store.

``read_path`` turns one file into articles (pure, no store); ``ingest_paths`` walks paths, reads what
is new and stores each file in one transaction; ``duplicates.group_duplicates_stage`` groups wire
copies after ingest. Bad input never raises: each file gets a status and a reason.
"""
from __future__ import annotations

from frontlines.ingest.corpus import (
    FileResult, IngestReport, Source, collect_sources, ingest_file, ingest_paths, store_articles,
)
from frontlines.ingest.errors import IngestError
from frontlines.ingest.readers import read_path, supported

__all__ = ["FileResult", "IngestError", "IngestReport", "Source", "collect_sources", "ingest_file", "ingest_paths",
           "read_path", "store_articles", "supported"]
