"""Watching folders and feeds: which input files are new or changed since the last look.

``frontlines watch`` runs every stage over what :class:`Watcher` reports, at a fixed interval; the web app
(``frontlines serve``) shows the new events once the run has ended, without a restart.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from frontlines.ingest.readers import supported

UNITS = {"": 1, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """Seconds in an interval written ``90``, ``30s``, ``10m``, ``1.5h`` or ``1d``; ValueError otherwise."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d)?\s*", text.lower())
    if not found:
        raise ValueError(f"{text!r} is not an interval (say 30s, 10m, 1h)")
    seconds = float(found.group(1)) * UNITS[found.group(2) or ""]
    if seconds <= 0:
        raise ValueError("the interval must be more than zero")
    return seconds


def _files(path: Path) -> Iterable[Path]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and not child.name.startswith(".") and supported(child):
                yield child
    elif path.is_file():
        yield path


@dataclass
class Watcher:
    """The input files under ``paths`` and the state (modification time, size) each had when last handed out."""
    paths: Sequence[Path]
    settle_s: float = 1.0   # a file written in the last second may be half written: it waits for the next look
    seen: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def changed(self) -> list[Path]:
        """Files that are new or changed since the last call (every file, the first time)."""
        out = []
        for root in self.paths:
            for path in _files(Path(root)):
                try:
                    st = path.stat()
                except OSError:
                    continue   # gone between the listing and now
                state = (st.st_mtime_ns, st.st_size)
                if self.seen.get(path) != state and time.time() - st.st_mtime >= self.settle_s:
                    out.append(path)
                    self.seen[path] = state
        return out

    def forget(self, paths: Iterable[Path]) -> None:
        """Hand these out again next time (their run did not happen: the store was busy)."""
        for path in paths:
            self.seen.pop(path, None)
