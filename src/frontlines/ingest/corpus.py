"""Ingest files and folders into the store: incremental, idempotent, one transaction per file.

A file's articles, its log line and its "read" mark commit together, so a process killed mid-run
leaves every file either wholly stored or not at all, and the next run picks up where it stopped.
Unchanged files (same path, size and mtime) are not read again. Files that failed are retried on
every run (a raised size limit may let them in) but logged again only when their reason changes, so
re-running over the same inputs adds no rows anywhere. A text already stored is never stored twice,
but a copy with a better-attested date (or a title, url, outlet the stored one lacks) improves it.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from frontlines.ingest.datelines import EARLIEST_PUBLISHED, latest_published
from frontlines.ingest.decoding import has_surrogates, path_key, path_text
from frontlines.ingest.errors import IngestError
from frontlines.ingest.readers import read_path, supported
from frontlines.model import Article
from frontlines.storage import Store
from frontlines.storage.ingest import UnstorableError, add_articles, clear_published_outside, last_logged

MAX_REASON_WARNINGS = 5       # in a file's one-line reason (the ingest log)
MAX_KEPT_WARNINGS = 1000      # per file in the run summary and --json; beyond it, a count


@dataclass
class FileResult:
    """What happened to one input file."""
    path: str
    status: str                  # read | unchanged | skipped | error
    reason: str = ""
    articles: int = 0            # new articles stored
    duplicates: int = 0          # articles not stored because the same text was already stored
    warnings: list[str] = field(default_factory=list)   # parts dropped or repaired ("line 7: invalid JSON …")


@dataclass
class IngestReport:
    """The outcome of one ingest run, file by file."""
    run_id: str
    files: list[FileResult] = field(default_factory=list)
    new_ids: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)     # what was put right in the store itself

    @property
    def read(self) -> int:
        """Files read in this run."""
        return sum(1 for f in self.files if f.status == "read")

    @property
    def unchanged(self) -> int:
        return sum(1 for f in self.files if f.status == "unchanged")

    @property
    def failed(self) -> list[FileResult]:
        """Files skipped or in error, with their reasons."""
        return [f for f in self.files if f.status in ("skipped", "error")]

    @property
    def articles_added(self) -> int:
        return len(self.new_ids)

    @property
    def duplicates(self) -> int:
        return sum(f.duplicates for f in self.files)

    @property
    def warnings(self) -> list[dict[str, str]]:
        """Every warning of every file, in order: what was dropped or repaired, with its line or item; then the
        repairs made to the store."""
        return ([{"path": f.path, "warning": w} for f in self.files for w in f.warnings]
                + [{"path": "(store)", "warning": w} for w in self.repairs])

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary for the run record and the CLI."""
        warnings = self.warnings
        return {"files": len(self.files), "read": self.read, "unchanged": self.unchanged,
                "failed": [asdict(f) for f in self.failed], "articles_added": self.articles_added,
                "duplicates": self.duplicates, "warning_count": len(warnings), "warnings": warnings}


@dataclass
class Source:
    """An input file found under the paths a user gave, or a path that could not be used."""
    path: Path
    display: str
    problem: str = ""


def collect_sources(paths: Sequence[str | Path]) -> list[Source]:
    """Every file under ``paths``: folders walked recursively in sorted order, hidden entries ignored.

    Each file appears once even if named twice. Missing paths come back with a ``problem``.
    """
    out: list[Source] = []
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = _walk(path)
        elif path.exists() or path.is_symlink():
            found = [Source(path, path_text(path))]
        else:
            found = [Source(path, path_text(path), "no such file or folder")]
        for source in found:   # a folder link not walked again is its own input, wherever it leads
            key = path_key(source.path.absolute()) if source.problem else _key(source.path)
            if key not in seen:
                seen.add(key)
                out.append(source)
    return out


# A corpus folder's own documentation (README.md …) is not an article and not worth a warning.
FOLDER_DOCUMENTATION = {".md", ".markdown", ".rst"}


def _walk(folder: Path) -> list[Source]:
    """The files under ``folder``. A link to a folder is followed like a folder; one that leads back to a folder
    already walked (a loop, or a second way into one) is reported instead of walked again."""
    found: list[Source] = []
    walked = {os.path.realpath(folder)}

    def unreadable(error: OSError) -> None:
        found.append(Source(Path(error.filename), path_text(error.filename), f"cannot read folder: {error.strerror}"))

    for root, dirs, names in os.walk(folder, onerror=unreadable, followlinks=True):
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            real = os.path.realpath(os.path.join(root, name))
            if real in walked:
                link = Path(root) / name
                found.append(Source(link, path_text(link), f"link to a folder already read ({path_text(real)}); "
                                                            "not read twice"))
                continue
            walked.add(real)
            kept.append(name)
        dirs[:] = kept
        found.extend(Source(Path(root) / name, path_text(Path(root) / name)) for name in sorted(names)
                     if not name.startswith(".") and Path(name).suffix.lower() not in FOLDER_DOCUMENTATION)
    return found


def _key(path: Path) -> str:
    """What identifies a file across runs: its resolved path, or for a broken link the link itself (two broken
    links to one missing target are two inputs); valid Unicode, whatever bytes the name holds."""
    try:
        if path.is_symlink() and not path.exists():
            return path_key(path.absolute())
        return path_key(path.resolve())
    except (OSError, RuntimeError):
        return path_key(path.absolute())


def ingest_paths(paths: Sequence[str | Path], store: Store, config: dict, run_id: str,
                 progress: Callable[[str], None] | None = None) -> IngestReport:
    """Read every file under ``paths`` into ``store``; ``progress`` is called with each file's path when done."""
    report = IngestReport(run_id=run_id, repairs=repair_published(store))
    for source in collect_sources(paths):
        if source.problem:
            result = FileResult(source.display, "error", source.problem)
            _log_failure(store, run_id, result)
        else:
            result = ingest_file(source.path, store, config, run_id, report.new_ids, display=source.display)
        report.files.append(result)
        if progress:
            progress(source.display)
    return report


def repair_published(store: Store) -> list[str]:
    """Clear stored publication dates out of the sane range (a store written before ingest checked them, where they
    stopped every run); one line for each, for the run summary."""
    latest = latest_published()
    return [f"article {article_id}: published {day.isoformat()} is outside {EARLIEST_PUBLISHED.isoformat()} to "
            f"{latest.isoformat()}; cleared, the article is analysed again"
            for article_id, day in clear_published_outside(store, EARLIEST_PUBLISHED, latest)]


def ingest_file(path: Path, store: Store, config: dict, run_id: str, new_ids: list[str] | None = None,
                display: str | None = None) -> FileResult:
    """Read one file into the store (one transaction) unless it is unchanged since it was last read."""
    display = display or path_text(path)
    key = _key(path)
    fingerprint = _fingerprint(path)
    if fingerprint and store.source_seen(key, *fingerprint):
        return FileResult(display, "unchanged")
    named = _name_warnings(path, display)
    if not supported(path):
        result = FileResult(display, "skipped", f"unsupported file type {path_text(path.suffix) or '(none)'!r}")
    else:
        try:
            articles, warnings = read_path(path, config)
        except IngestError as exc:
            status = "skipped" if exc.reason.startswith("too large") else "error"
            result = FileResult(display, status, exc.reason)
        else:
            try:
                return store_articles(store, path, articles, named + warnings, run_id, new_ids, display=display,
                                      fingerprint=fingerprint)
            except UnstorableError as exc:
                result = FileResult(display, "error", str(exc))
    result.warnings = named
    _log_failure(store, run_id, result)
    return result


def _name_warnings(path: Path, display: str) -> list[str]:
    """A warning when the file's name is not valid UTF-8 (it is shown and stored with U+FFFD in its place)."""
    if not has_surrogates(str(path)):
        return []
    return [f"file name is not valid UTF-8; stored as {Path(display).name!r}"]


def _log_failure(store: Store, run_id: str, result: FileResult) -> None:
    """Log a file that was not read, unless its last log line already says the same (re-runs add nothing)."""
    if last_logged(store, result.path) != (result.status, result.reason):
        store.log_ingest(run_id, result.path, result.status, result.reason, 0)


def store_articles(store: Store, path: Path, articles: list[Article], warnings: list[str], run_id: str,
                   new_ids: list[str] | None = None, display: str | None = None,
                   fingerprint: tuple[int, float] | None = None) -> FileResult:
    """Store one file's articles, log the file and mark it read, all in one transaction.

    ``fingerprint`` is the file's (size, mtime) from before it was read (so a file changed while
    being read is read again next time); it is taken now when not given.
    """
    display = display or path_text(path)
    fingerprint = fingerprint or _fingerprint(path)
    warnings = list(warnings)
    with store.transaction():
        added = add_articles(store, articles)
        warnings += [f"id {a!r} already belongs to a different article; not stored" for a in added.conflicts]
        if added.improved:
            warnings.append(f"better metadata for {len(added.improved)} stored article(s) (updated)")
        result = FileResult(display, "read", _reason(warnings), articles=len(added.ids),
                            duplicates=len(articles) - len(added.ids) - len(added.conflicts),
                            warnings=_kept(warnings))
        store.log_ingest(run_id, display, result.status, result.reason, result.articles)
        if fingerprint:
            store.mark_source(_key(path), *fingerprint, file_hash=_file_hash(path))
    if new_ids is not None:
        new_ids.extend(added.ids)
    return result


def _reason(warnings: list[str]) -> str:
    shown = "; ".join(warnings[:MAX_REASON_WARNINGS])
    more = len(warnings) - MAX_REASON_WARNINGS
    return shown + (f"; and {more} more" if more > 0 else "")


def _kept(warnings: list[str]) -> list[str]:
    """The first ``MAX_KEPT_WARNINGS`` warnings, then one line counting the rest."""
    more = len(warnings) - MAX_KEPT_WARNINGS
    return warnings[:MAX_KEPT_WARNINGS] + ([f"and {more:,} more warnings"] if more > 0 else [])


def _fingerprint(path: Path) -> tuple[int, float] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()
