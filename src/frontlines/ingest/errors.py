"""The one exception ingestion raises: a file could not be turned into articles."""
from __future__ import annotations


class IngestError(Exception):
    """A file could not be read; ``reason`` is what the run summary shows the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
