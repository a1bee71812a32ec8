"""The store: one DuckDB file. This package is the only place in frontlines that speaks SQL.

Every write that belongs together happens in one transaction, so a process killed
mid-run leaves the store as it was after the last committed article.
"""
from __future__ import annotations

import json
import os
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, fields, is_dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import duckdb

from frontlines.model import (
    ActorMention, Article, Claim, ControlInterval, DateMention, Event, EventMention, Evidence,
    Place, PlaceMention, Quantity, Sentence,
)
from frontlines.storage.schema import ARTICLE_TABLES, MIGRATIONS

DEFAULT_DB_NAME = "frontlines.duckdb"
DEFAULT_MEMORY_LIMIT = "512MB"
STREAMING_MEMORY_LIMIT = "64MB"   # while articles stream through the per-article pipeline
BULK_ROWS = 16
COPY_WAIT_S = 120.0   # the longest a writer waits for a web server's copy of the store to finish
LOCK_GRACE_S = 1.0    # how long any lock is retried before "in use" is reported (a copier letting go of it)

ARTICLE_COLUMNS = ("id", "url", "title", "outlet", "published", "published_source", "text",
                   "content_hash", "dup_group", "source_path", "ingested_at", "extra", "word_count")
PLACE_COLUMNS = tuple(f.name for f in fields(Place))
EVENT_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp", "fatalities_low", "fatalities_high", "source_count",
    "article_ids", "evidence", "confidence", "first_reported", "disagreements", "place_id", "mention_ids",
    "tier", "claimed_by", "alt_dates",
)
JSON_COLUMNS = {"extra", "article_ids", "evidence", "disagreements", "mention_ids", "evidence_event_ids", "inputs", "summary",
                "alt_dates"}


class StoreError(RuntimeError):
    """The store file cannot be opened or is not a frontlines store."""


class UnstorableError(StoreError):
    """Values the store cannot take (the transaction was rolled back, nothing of them was stored)."""


_UNSTORABLE = (duckdb.InvalidInputException, duckdb.ConversionException, duckdb.ConstraintException)


_MEMORY_UNITS = {"": 1, "b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "tb": 1000**4,
                 "kib": 1024, "mib": 1024**2, "gib": 1024**3, "tib": 1024**4}


def memory_bytes(limit: str) -> int:
    """A DuckDB memory setting ("64MB", "1.5GiB", "500000B") in bytes; 0 when it cannot be read."""
    found = re.fullmatch(r"\s*([\d.]+)\s*([a-zA-Z]*)\s*", limit)
    unit = _MEMORY_UNITS.get(found.group(2).lower()) if found else None
    try:
        return int(float(found.group(1)) * unit) if found and unit else 0
    except ValueError:
        return 0


def _open_problem(path: str, exc: duckdb.Error) -> str:
    """Why a store file would not open, in one line; another process holding it is the usual reason."""
    message = str(exc)
    if "Conflicting lock" in message:
        pid = re.search(r"\(PID (\d+)\)", message)
        holder = f"process {pid.group(1)}" if pid else "another process"
        return (f"store {path} is in use by {holder} (a `frontlines serve`, or another run or ingest): "
                "stop it or wait for it to finish, or use another --db")
    return f"cannot open store {path}: {message.splitlines()[0] if message else type(exc).__name__}"


def _connect(path: str, read_only: bool, config: dict[str, str]) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file; while a web server copies it (see :mod:`frontlines.storage.snapshot`), wait for the
    copy to end rather than fail: that lock is held for a moment, never for a run."""
    from frontlines.storage.snapshot import copy_in_progress

    started = time.monotonic()
    while True:
        try:
            return duckdb.connect(path, read_only=read_only, config=config)
        except duckdb.Error as exc:
            waited = time.monotonic() - started
            # a copy in progress, or one that has just ended (its marker goes a moment before its process lets
            # the file's lock go): wait; any other holder is reported at once
            if "Conflicting lock" in str(exc) and (copy_in_progress(path) and waited < COPY_WAIT_S
                                                    or waited < LOCK_GRACE_S):
                time.sleep(0.05)
                continue
            raise StoreError(_open_problem(path, exc)) from exc


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if is_dataclass(value):
        return asdict(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _decoded(record: dict[str, Any]) -> dict[str, Any]:
    for key in JSON_COLUMNS & record.keys():
        if isinstance(record[key], str):
            record[key] = json.loads(record[key])
    return record


def to_json(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False)


class Store:
    """A frontlines store in one DuckDB file (``":memory:"`` for a throwaway one)."""

    def __init__(self, path: str | Path = ":memory:", read_only: bool = False,
                 memory_limit: str | None = None) -> None:
        """``memory_limit`` caps DuckDB's memory for a store file (default ``$FRONTLINES_DB_MEMORY`` or
        ``DEFAULT_MEMORY_LIMIT``): left alone, DuckDB keeps pages it has read and built, up to 80% of the
        machine, so a run's memory would grow with the corpus; above the cap it spills to ``FILE.tmp``."""
        self.path = str(path)
        config: dict[str, str] = {}
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            config["memory_limit"] = memory_limit or os.environ.get("FRONTLINES_DB_MEMORY") or DEFAULT_MEMORY_LIMIT
        self.memory_limit = config.get("memory_limit")
        self.con = _connect(self.path, read_only, config)
        self._lock = threading.RLock()
        self._depth = 0
        if not read_only:
            self.migrate()

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def cursor(self) -> "Store":
        """Another connection to the same open database, for one thread (a web request): queries on cursors
        run side by side, sharing the database's cache. Close it when done; the database stays open."""
        other = object.__new__(Store)
        other.path, other.memory_limit = self.path, self.memory_limit
        other.con = self.con.cursor()
        other._lock, other._depth = threading.RLock(), 0
        return other

    @contextmanager
    def streaming(self, memory_limit: str | None = None, at_least: int = 0) -> Iterator["Store"]:
        """A phase that reads each article once and writes small batches (the per-article pipeline): DuckDB's
        cap drops to ``memory_limit`` (default ``$FRONTLINES_DB_STREAM_MEMORY`` or ``STREAMING_MEMORY_LIMIT``)
        and comes back after. Under the run-wide cap the page cache fills with article text read once, so the
        process grew with the corpus (about 4.5 KiB per article, measured at 100,000). ``at_least`` (bytes) keeps
        the cap above what the phase's largest read needs (a long article under a raised ``max_bytes``)."""
        if self.memory_limit is None:   # an in-memory store's data lives in that memory: never squeeze it
            yield self
            return
        limit = memory_limit or os.environ.get("FRONTLINES_DB_STREAM_MEMORY") or STREAMING_MEMORY_LIMIT
        if at_least > memory_bytes(limit):
            limit = f"{at_least}B"
        self.con.execute("SET memory_limit = ?", [limit])
        try:
            yield self
        finally:
            self.con.execute("SET memory_limit = ?", [self.memory_limit])

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """All writes inside commit together or not at all; nested uses join the outer one."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self.con.execute("BEGIN TRANSACTION")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outer:
                    self.con.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self.con.execute("COMMIT")

    def schema_version(self) -> int:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'").fetchone()[0]
        if not exists:
            return 0
        return self.con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]

    def migrate(self) -> int:
        """Apply pending migrations; return the schema version."""
        self.con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER, name VARCHAR, applied_at TIMESTAMP)")
        current = self.schema_version()
        for version, name, sql in MIGRATIONS:
            if version <= current:
                continue
            with self.transaction():
                self.con.execute(sql)
                self.con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [version, name])
        return self.schema_version()

    # -- generic helpers ---------------------------------------------------------------------
    def _insert(self, table: str, columns: Iterable[str], rows: list[tuple]) -> None:
        """Insert rows: a few with ``executemany``; many as one list per column, unnested (``executemany`` costs
        ~1 ms a row). Not through Arrow: handing DuckDB an Arrow table makes it import pandas (~55 MiB)."""
        if not rows:
            return
        columns = list(columns)
        quoted = ", ".join(f'"{c}"' for c in columns)
        if len(rows) >= BULK_ROWS:
            values = [list(column) for column in zip(*rows)]
            if all(map(_one_type, values)):
                unnested = ", ".join(f"unnest(${n})" for n in range(1, len(columns) + 1))
                try:
                    self.con.execute(f"INSERT INTO {table} ({quoted}) SELECT {unnested}", values)
                    return
                except duckdb.InvalidInputException as exc:
                    if "Python Conversion Failure" not in str(exc):   # raised before the insert ran: retried below
                        raise
        marks = ", ".join("?" for _ in columns)
        self.con.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)

    def _dicts(self, sql: str, params: list | tuple = ()) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [_decoded(dict(zip(names, row))) for row in cursor.fetchall()]

    def _dict_rows(self, sql: str, params: list | tuple = (), batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Rows as dicts (JSON columns decoded), fetched ``batch`` at a time from a cursor of their own, so a
        large table streams and other queries may run meanwhile (outside a transaction)."""
        cursor = self.con.cursor() if self._depth == 0 else self.con
        try:
            cursor.execute(sql, params)
            names = [d[0] for d in cursor.description]
            while rows := cursor.fetchmany(batch):
                for row in rows:
                    yield _decoded(dict(zip(names, row)))
        finally:
            if cursor is not self.con:
                cursor.close()

    def clear_corpus_stages(self) -> None:
        """Forget what the corpus stages computed (duplicate groups and signatures, events, control), keeping the
        articles and their annotations: the next run's stages start over (for benchmarks and rebuilds)."""
        with self.transaction():
            for sql in ("DELETE FROM events", "UPDATE event_mentions SET event_id = NULL", "DELETE FROM control_intervals",
                        "DELETE FROM article_minhash", "DELETE FROM minhash_bands", "UPDATE articles SET dup_group = NULL"):
                self.con.execute(sql)

    def count(self, table: str) -> int:
        if table not in self.tables():
            raise StoreError(f"no table {table!r}")
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def tables(self) -> list[str]:
        return [r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name").fetchall()]

    def counts(self) -> dict[str, int]:
        return {t: self.count(t) for t in self.tables() if t != "schema_version"}

    def table_hash(self, table: str) -> str:
        """An order-independent fingerprint of a table's contents (for idempotency checks)."""
        if table not in self.tables():
            raise StoreError(f"no table {table!r}")
        cols = [r[0] for r in self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", [table]).fetchall()]
        skip = {"ingested_at", "processed_at", "read_at", "logged_at", "applied_at", "timestamp", "started_at", "finished_at",
                "failed_at"}
        keep = ", ".join(f'"{c}"' for c in cols if c not in skip)
        value = self.con.execute(f"SELECT coalesce(sum(hash({keep})), 0)::VARCHAR FROM {table}").fetchone()[0]
        return str(value)

    # -- articles ------------------------------------------------------------------------------
    def has_content(self, content_hash: str) -> bool:
        return self.con.execute("SELECT 1 FROM articles WHERE content_hash = ?", [content_hash]).fetchone() is not None

    def has_article(self, article_id: str) -> bool:
        return self.con.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone() is not None

    def add_article(self, article: Article) -> bool:
        """Insert an article unless its id or content is already stored; True if it was new."""
        with self.transaction():
            if self.has_content(article.content_hash) or self.has_article(article.id):
                return False
            row = (article.id, article.url, article.title, article.outlet, article.published,
                   article.published_source, article.text, article.content_hash, article.dup_group,
                   article.source_path, article.ingested_at or datetime.now(), to_json(article.extra),
                   len(article.text.split()))
            self._insert("articles", ARTICLE_COLUMNS, [row])
            return True

    def pending_sizes(self) -> list[tuple[str, int]]:
        """The articles not yet processed, in id order, with the size of their text in bytes."""
        return self.con.execute(
            "SELECT id, strlen(text) FROM articles WHERE processed_at IS NULL ORDER BY id").fetchall()

    def article_ids(self, unprocessed_only: bool = False) -> list[str]:
        where = "WHERE processed_at IS NULL" if unprocessed_only else ""
        return [r[0] for r in self.con.execute(f"SELECT id FROM articles {where} ORDER BY id").fetchall()]

    def articles(self, ids: list[str] | None = None, annotations: bool = False) -> list[Article]:
        """Articles (all, or those in ``ids``), optionally with their stored annotations."""
        if ids is None:
            rows = self._dicts("SELECT * FROM articles ORDER BY id")
        else:
            rows = self._dicts("SELECT * FROM articles WHERE list_contains(?, id) ORDER BY id", [ids])
        out = []
        for row in rows:
            article = Article(**{k: row[k] for k in ARTICLE_COLUMNS if k != "word_count"})
            article.extra = article.extra or {}
            if annotations:
                self._load_annotations(article)
            out.append(article)
        return out

    def article(self, article_id: str, annotations: bool = True) -> Article | None:
        found = self.articles([article_id], annotations=annotations)
        return found[0] if found else None

    def undated_articles(self) -> int:
        """How many stored articles have no known publication date."""
        return self.con.execute("SELECT count(*) FROM articles WHERE published IS NULL").fetchone()[0]

    # -- ingest bookkeeping --------------------------------------------------------------------
    def source_seen(self, path: str, size: int, mtime: float) -> bool:
        return self.con.execute("SELECT 1 FROM sources_read WHERE path = ? AND size = ? AND mtime = ?",
                                [path, size, mtime]).fetchone() is not None

    def mark_source(self, path: str, size: int, mtime: float, file_hash: str) -> None:
        with self.transaction():
            self.con.execute("DELETE FROM sources_read WHERE path = ?", [path])
            self.con.execute("INSERT INTO sources_read VALUES (?, ?, ?, ?, now())", [path, size, mtime, file_hash])

    def log_ingest(self, run_id: str, path: str, status: str, reason: str, articles: int = 0) -> None:
        self.con.execute("INSERT INTO ingest_log VALUES (?, ?, ?, ?, ?, now())", [run_id, path, status, reason, articles])

    def ingest_log(self, run_id: str | None = None) -> list[dict[str, Any]]:
        if run_id:
            return self._dicts("SELECT * FROM ingest_log WHERE run_id = ? ORDER BY logged_at", [run_id])
        return self._dicts("SELECT * FROM ingest_log ORDER BY logged_at")

    def record_run(self, run_id: str, started_at: datetime, inputs: list[str], summary: dict[str, Any]) -> None:
        with self.transaction():
            self.con.execute("DELETE FROM runs WHERE id = ?", [run_id])
            self.con.execute("INSERT INTO runs VALUES (?, ?, now(), ?, ?)", [run_id, started_at, to_json(inputs), to_json(summary)])

    # -- annotations ---------------------------------------------------------------------------
    def save_annotations(self, articles: Article | Sequence[Article]) -> None:
        """Replace everything derived from each article and mark it processed.

        A batch is one transaction with one DELETE and one bulk insert per table; the outcome is the same as
        saving its articles one at a time (for places, the first article to mention a place id decides it).
        """
        batch = [articles] if isinstance(articles, Article) else list(articles)
        if not batch:
            return
        try:
            self._save_annotations(batch)
        except _UNSTORABLE as exc:
            raise UnstorableError(f"cannot store: {str(exc).splitlines()[0][:200]}") from None

    def _save_annotations(self, batch: list[Article]) -> None:
        ids = [a.id for a in batch]
        rows: dict[str, list[tuple]] = {table: [] for table in ARTICLE_TABLES}
        for article in batch:
            _collect_rows(article, rows)
        with self.transaction():
            # Only articles analysed before have rows to replace; skipping the rest keeps a first run from
            # scanning every annotation table once per batch (quadratic in the corpus).
            fresh = {r[0] for r in self.con.execute(
                "SELECT id FROM articles WHERE list_contains(?, id) AND processed_at IS NULL", [ids]).fetchall()}
            redone = [i for i in ids if i not in fresh]
            if redone:
                for table in ARTICLE_TABLES:
                    self.con.execute(f"DELETE FROM {table} WHERE list_contains(?, article_id)", [redone])
            self.save_places(_first_places(batch), replace=False)
            for table in ARTICLE_TABLES:
                self._insert(table, ANNOTATION_COLUMNS[table], rows[table])
            if self.con.execute("SELECT 1 FROM article_failures LIMIT 1").fetchone():   # rare: skip the scan
                self.con.execute("DELETE FROM article_failures WHERE list_contains(?, article_id)", [ids])
            self.con.execute("UPDATE articles SET processed_at = now() WHERE list_contains(?, id)", [ids])

    def save_failures(self, articles: Sequence[Article], code_version: str) -> None:
        """Record why each article failed (``article.failure``), drop whatever was derived from it before and mark
        it processed: it is tried again only when its text or the code version changes (:meth:`retry_failures`)."""
        failed = [a for a in articles if a.failure is not None]
        if not failed:
            return
        ids = [a.id for a in failed]
        with self.transaction():
            for table in ARTICLE_TABLES:
                self.con.execute(f"DELETE FROM {table} WHERE list_contains(?, article_id)", [ids])
            self.con.execute("DELETE FROM article_failures WHERE list_contains(?, article_id)", [ids])
            self.con.executemany("INSERT INTO article_failures VALUES (?, ?, ?, ?, ?, now())",
                                 [(a.id, a.failure.stage, a.failure.reason, a.content_hash, code_version)
                                  for a in failed])
            self.con.execute("UPDATE articles SET processed_at = now() WHERE list_contains(?, id)", [ids])

    def retry_failures(self, code_version: str) -> list[str]:
        """Send back for processing the failed articles whose text or code version has changed since; their ids."""
        with self.transaction():
            ids = [r[0] for r in self.con.execute(
                """SELECT f.article_id FROM article_failures f JOIN articles a ON a.id = f.article_id
                   WHERE (f.code_version <> ? OR f.content_hash <> a.content_hash) AND a.processed_at IS NOT NULL
                   ORDER BY f.article_id""", [code_version]).fetchall()]
            if ids:
                self.con.execute("UPDATE articles SET processed_at = NULL WHERE list_contains(?, id)", [ids])
        return ids

    def failures(self) -> list[dict[str, Any]]:
        """Every article a per-article stage failed on: id, stage, reason, when, under which version, its file."""
        if "article_failures" not in self.tables():   # a store from before failures were recorded, opened read-only
            return []
        return self._dicts(
            """SELECT f.article_id, f.stage, f.reason, f.failed_at, f.code_version, a.source_path, a.title
               FROM article_failures f LEFT JOIN articles a ON a.id = f.article_id
               ORDER BY f.failed_at, f.article_id""")

    def _load_annotations(self, article: Article) -> None:
        a = article.id
        article.sentences = [Sentence(index=r["idx"], start=r["start"], end=r["end"], text=r["text"], paragraph=r["paragraph"],
                                      modality=r["modality"], modality_cue=r["modality_cue"])
                             for r in self._dicts("SELECT * FROM sentences WHERE article_id = ? ORDER BY idx", [a])]
        places = {p.id: p for p in self.places_by_id(
            [r[0] for r in self.con.execute("SELECT DISTINCT place_id FROM place_mentions WHERE article_id = ? AND place_id IS NOT NULL", [a]).fetchall()])}
        article.places = [PlaceMention(start=r["start"], end=r["end"], sentence=r["sentence"], text=r["text"],
                                       place=places.get(r["place_id"]), score=r["score"], reason=r["reason"], geo_precision=r["geo_precision"])
                          for r in self._dicts("SELECT * FROM place_mentions WHERE article_id = ? ORDER BY start", [a])]
        article.actors = [ActorMention(**{k: r[k] for k in ("start", "end", "sentence", "text", "actor_id", "via")})
                          for r in self._dicts("SELECT * FROM actor_mentions WHERE article_id = ? ORDER BY start", [a])]
        article.dates = [DateMention(**{k: r[k] for k in ("start", "end", "sentence", "text", "date_start", "date_end", "precision", "historical", "rule")})
                         for r in self._dicts("SELECT * FROM date_mentions WHERE article_id = ? ORDER BY start", [a])]
        article.quantities = [Quantity(**{k: r[k] for k in ("start", "end", "sentence", "text", "kind", "low", "best", "high", "subject")})
                              for r in self._dicts("SELECT * FROM quantities WHERE article_id = ? ORDER BY start", [a])]
        article.claims = self.claims(article_id=a)
        article.mentions = self.event_mentions(article_id=a)

    # -- places (gazetteer cache) --------------------------------------------------------------
    def save_places(self, places: Iterable[Place], replace: bool = True, names: dict[str, list[str]] | None = None,
                    geometry: dict[str, str] | None = None) -> None:
        """Upsert gazetteer places (and optionally their alternate names and WKT geometry)."""
        unique = {p.id: p for p in places}
        if not unique:
            return
        with self.transaction():
            ids = list(unique)
            if replace:
                self.con.execute("DELETE FROM places WHERE list_contains(?, id)", [ids])
                if names is not None:
                    self.con.execute("DELETE FROM place_names WHERE list_contains(?, place_id)", [ids])
            else:
                known = {r[0] for r in self.con.execute("SELECT id FROM places WHERE list_contains(?, id)", [ids]).fetchall()}
                unique = {k: v for k, v in unique.items() if k not in known}
            geometry = geometry or {}
            self._insert("places", PLACE_COLUMNS + ("geometry",),
                         [tuple(getattr(p, c) for c in PLACE_COLUMNS) + (geometry.get(p.id),) for p in unique.values()])
            if names:
                from frontlines.understand.text import fold
                self._insert("place_names", ("place_id", "name", "norm"),
                             [(pid, n, fold(n)) for pid, ns in names.items() if pid in unique for n in ns])

    def places_by_id(self, ids: list[str]) -> list[Place]:
        if not ids:
            return []
        rows = self._dicts(f"SELECT {', '.join(PLACE_COLUMNS)} FROM places WHERE list_contains(?, id)", [ids])
        return [Place(**r) for r in rows]

    def places(self, source_prefix: str | None = None, kind: str | None = None) -> list[Place]:
        sql, params = f"SELECT {', '.join(PLACE_COLUMNS)} FROM places WHERE 1=1", []
        if source_prefix:
            sql += " AND starts_with(source, ?)"
            params.append(source_prefix)
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        return [Place(**r) for r in self._dicts(sql + " ORDER BY id", params)]

    def place_names(self, place_ids: list[str] | None = None) -> dict[str, list[str]]:
        if place_ids is None:
            rows = self.con.execute("SELECT place_id, name FROM place_names").fetchall()
        else:
            rows = self.con.execute("SELECT place_id, name FROM place_names WHERE list_contains(?, place_id)", [place_ids]).fetchall()
        out: dict[str, list[str]] = {}
        for pid, name in rows:
            out.setdefault(pid, []).append(name)
        return out

    def place_geometries(self, source_prefix: str | None = None) -> dict[str, str]:
        sql, params = "SELECT id, geometry FROM places WHERE geometry IS NOT NULL", []
        if source_prefix:
            sql += " AND starts_with(source, ?)"
            params.append(source_prefix)
        return dict(self.con.execute(sql, params).fetchall())

    def count_places(self, source_prefix: str) -> int:
        return self.con.execute("SELECT count(*) FROM places WHERE starts_with(source, ?)", [source_prefix]).fetchone()[0]

    def update_place_admin(self, updates: list[tuple[str, str | None, str | None, str | None, str | None]]) -> None:
        """Set (admin1, admin2, admin1_code, admin2_code) of places: rows of (id, admin1, admin2, admin1_code, admin2_code)."""
        with self.transaction():
            self.con.executemany("UPDATE places SET admin1 = ?, admin2 = ?, admin1_code = ?, admin2_code = ? WHERE id = ?",
                                 [(a1, a2, c1, c2, pid) for pid, a1, a2, c1, c2 in updates])

    # -- claims ----------------------------------------------------------------------------------
    def claims(self, article_id: str | None = None) -> list[Claim]:
        return list(self.iter_claims(article_id))

    def iter_claims(self, article_id: str | None = None) -> Iterator[Claim]:
        """Claims (of one article, or all) streamed in article order."""
        sql, params = "SELECT * FROM claims", []
        if article_id:
            sql, params = sql + " WHERE article_id = ?", [article_id]
        cols = {f.name for f in fields(Claim)}
        for r in self._dict_rows(sql + " ORDER BY article_id, sentence, start", params):
            yield Claim(**{k: v for k, v in r.items() if k in cols})

    # -- event mentions and events --------------------------------------------------------------
    def event_mentions(self, article_id: str | None = None, ids: list[str] | None = None) -> list[EventMention]:
        sql, params = "SELECT * FROM event_mentions WHERE 1=1", []
        if article_id:
            sql += " AND article_id = ?"
            params.append(article_id)
        if ids is not None:
            sql += " AND list_contains(?, id)"
            params.append(ids)
        rows = self._dicts(sql + " ORDER BY article_id, id", params)
        places = {p.id: p for p in self.places_by_id(list({r["place_id"] for r in rows if r["place_id"]}))}
        return [_mention_from_row(r, places) for r in rows]

    def link_mentions(self, links: dict[str, str]) -> None:
        """Record which fused event each mention belongs to: mention id -> event id (one statement)."""
        if not links:
            return
        with self.transaction():
            self.con.execute("""UPDATE event_mentions SET event_id = v.event_id
                                FROM (SELECT unnest(?) AS mention_id, unnest(?) AS event_id) AS v
                                WHERE event_mentions.id = v.mention_id""", [list(links), list(links.values())])

    def save_events(self, events: list[Event], replace_ids: list[str] | None = None) -> None:
        """Upsert fused events; ``replace_ids`` are events to delete first (merged away)."""
        with self.transaction():
            ids = [e.event_id_cnty for e in events] + list(replace_ids or [])
            if ids:
                self.con.execute("DELETE FROM events WHERE list_contains(?, event_id_cnty)", [ids])
            self._insert("events", EVENT_COLUMNS, [_event_row(e) for e in events])

    def events(self, ids: list[str] | None = None, as_of: date | None = None, since: date | None = None) -> list[Event]:
        sql, params = "SELECT * FROM events WHERE 1=1", []
        if ids is not None:
            sql += " AND list_contains(?, event_id_cnty)"
            params.append(ids)
        if as_of is not None:
            sql += " AND event_date <= ?"
            params.append(as_of)
        if since is not None:
            sql += " AND event_date >= ?"
            params.append(since)
        return [_event_from_row(r) for r in self._dicts(sql + " ORDER BY event_date, event_id_cnty", params)]

    def query_events(self, *, limit: int = 100, offset: int = 0, **filters: Any) -> tuple[list[Event], int]:
        """One page of filtered events and the total count (the web app's table).

        Filters: date_from, date_to, event_type, sub_event_type, actor (substring of any actor), admin1, admin2,
        text (substring of notes, location or evidence), min_sources. The matching ids are found once, counted,
        and only the page's rows are read whole.
        """
        clause, params = event_filter(**filters)
        rows = self._dicts(
            f"""WITH hits AS MATERIALIZED (SELECT event_id_cnty, event_date FROM events WHERE {clause}),
                     page AS (SELECT * FROM hits ORDER BY event_date, event_id_cnty LIMIT ? OFFSET ?)
                SELECT e.*, (SELECT count(*) FROM hits) AS total_matching
                FROM events e JOIN page USING (event_id_cnty)
                ORDER BY e.event_date, e.event_id_cnty""", params + [limit, offset])
        if rows:
            return [_event_from_row(r) for r in rows], rows[0]["total_matching"]
        return [], self.con.execute(f"SELECT count(*) FROM events WHERE {clause}", params).fetchone()[0]

    # -- control -----------------------------------------------------------------------------------
    def save_control(self, intervals: list[ControlInterval]) -> None:
        """Replace the whole control table (it is derived from all events)."""
        cols = tuple(f.name for f in fields(ControlInterval))
        with self.transaction():
            self.con.execute("DELETE FROM control_intervals")
            self._insert("control_intervals", cols,
                         [tuple(to_json(getattr(c, k)) if k in JSON_COLUMNS else getattr(c, k) for k in cols) for c in intervals])

    def control(self, as_of: date | None = None) -> list[ControlInterval]:
        sql, params = "SELECT * FROM control_intervals", []
        if as_of is not None:
            sql += " WHERE (valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to > ?)"
            params = [as_of, as_of]
        return [ControlInterval(**r) for r in self._dicts(sql + " ORDER BY place_name, valid_from", params)]

    # -- export --------------------------------------------------------------------------------------
    def export_parquet(self, folder: str | Path, tables: Iterable[str] | None = None) -> list[Path]:
        """Write each table (default: all) to ``folder/<table>.parquet``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for table in tables or [t for t in self.tables() if t != "schema_version"]:
            target = folder / f"{table}.parquet"
            self.con.execute(f"COPY (SELECT * FROM {table}) TO '{_sql_path(target)}' (FORMAT parquet)")
            written.append(target)
        return written

    def rows(self, table: str, order_by: str | None = None) -> list[dict[str, Any]]:
        """Every row of a table as dicts (exports and the web app)."""
        if table not in self.tables():
            raise StoreError(f"no table {table!r}")
        order = f' ORDER BY "{order_by}"' if order_by else ""
        return self._dicts(f"SELECT * FROM {table}{order}")


def event_filter(date_from: date | None = None, date_to: date | None = None, event_type: str | None = None,
                 sub_event_type: str | None = None, actor: str | None = None, admin1: str | None = None,
                 admin2: str | None = None, text: str | None = None,
                 min_sources: int | None = None) -> tuple[str, list[Any]]:
    """The WHERE clause (and its parameters) for the event filters analysts use."""
    where, params = ["1=1"], []
    for clause, value in (("event_date >= ?", date_from), ("event_date <= ?", date_to), ("event_type = ?", event_type),
                          ("sub_event_type = ?", sub_event_type), ("admin1 = ?", admin1), ("admin2 = ?", admin2),
                          ("source_count >= ?", min_sources)):
        if value is not None:
            where.append(clause)
            params.append(value)
    # Case-insensitive substring tests with contains(): the user's text is never a pattern (no % or _ wildcards).
    if actor:
        where.append("(" + " OR ".join(f"contains(lower({c}), ?)" for c in
                                       ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")) + ")")
        params += [actor.lower()] * 4
    if text:
        where.append("(" + " OR ".join(f"contains(lower({c}), ?)" for c in
                                       ("notes", "location", "CAST(evidence AS VARCHAR)")) + ")")
        params += [text.lower()] * 3
    return " AND ".join(where), params


ANNOTATION_COLUMNS = {
    "sentences": ("article_id", "idx", "start", "end", "text", "paragraph", "modality", "modality_cue"),
    "place_mentions": ("article_id", "sentence", "start", "end", "text", "place_id", "score", "reason", "geo_precision"),
    "actor_mentions": ("article_id", "sentence", "start", "end", "text", "actor_id", "via"),
    "date_mentions": ("article_id", "sentence", "start", "end", "text", "date_start", "date_end", "precision",
                      "historical", "rule"),
    "quantities": ("article_id", "sentence", "start", "end", "text", "kind", "low", "best", "high", "subject"),
    "claims": ("id", "article_id", "sentence", "start", "end", "text", "claimant", "metric", "count", "comparator",
               "denominator", "as_of", "since"),
    "event_mentions": ("id", "article_id", "event_type", "sub_event_type", "actor1", "actor2", "assoc_actor_1",
                       "assoc_actor_2", "place_id", "geo_precision", "date_start", "date_end", "time_precision",
                       "fatalities_low", "fatalities_best", "fatalities_high", "civilian_targeting", "confidence",
                       "evidence", "claimed_by"),
}


def _collect_rows(article: Article, rows: dict[str, list[tuple]]) -> None:
    a = article.id
    rows["sentences"] += [(a, s.index, s.start, s.end, s.text, s.paragraph, s.modality, s.modality_cue)
                          for s in article.sentences]
    rows["place_mentions"] += [(a, m.sentence, m.start, m.end, m.text, m.place.id if m.place else None, m.score,
                                m.reason, m.geo_precision) for m in article.places]
    rows["actor_mentions"] += [(a, m.sentence, m.start, m.end, m.text, m.actor_id, m.via) for m in article.actors]
    rows["date_mentions"] += [(a, m.sentence, m.start, m.end, m.text, m.date_start, m.date_end, m.precision,
                               m.historical, m.rule) for m in article.dates]
    rows["quantities"] += [(a, q.sentence, q.start, q.end, q.text, q.kind, q.low, q.best, q.high, q.subject)
                           for q in article.quantities]
    rows["claims"] += [(c.id or f"{a}:c{i}", a, c.sentence, c.start, c.end, c.text, c.claimant, c.metric, c.count,
                        c.comparator, c.denominator, c.as_of, c.since) for i, c in enumerate(article.claims)]
    rows["event_mentions"] += [_mention_row(m, a, i) for i, m in enumerate(article.mentions)]


def _first_places(articles: list[Article]) -> list[Place]:
    """Places the batch mentions; the first article to mention a place id decides it (within one article, its last
    mention), as saving article by article would."""
    chosen: dict[str, Place] = {}
    for article in articles:
        own = {p.id: p for p in [m.place for m in article.places if m.place] + [m.place for m in article.mentions if m.place]}
        for place_id, place in own.items():
            chosen.setdefault(place_id, place)
    return list(chosen.values())


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _mention_row(m: EventMention, article_id: str, i: int) -> tuple:
    q = m.fatalities
    return (m.id or f"{article_id}:m{i}", article_id, m.event_type, m.sub_event_type, m.actor1, m.actor2, m.assoc_actor_1,
            m.assoc_actor_2, m.place.id if m.place else None, m.geo_precision, m.date_start, m.date_end, m.time_precision,
            q.low if q else None, q.best if q else None, q.high if q else None, m.civilian_targeting, m.confidence,
            to_json(m.evidence), m.claimed_by)


def _mention_from_row(r: dict[str, Any], places: dict[str, Place]) -> EventMention:
    fat = None
    if r["fatalities_best"] is not None or r["fatalities_low"] is not None:
        fat = Quantity(start=0, end=0, sentence=-1, text="", kind="killed", low=r["fatalities_low"],
                       best=r["fatalities_best"], high=r["fatalities_high"])
    return EventMention(
        id=r["id"], article_id=r["article_id"], event_type=r["event_type"], sub_event_type=r["sub_event_type"],
        actor1=r["actor1"], actor2=r["actor2"], assoc_actor_1=r["assoc_actor_1"], assoc_actor_2=r["assoc_actor_2"],
        place=places.get(r["place_id"]), geo_precision=r["geo_precision"], date_start=r["date_start"], date_end=r["date_end"],
        time_precision=r["time_precision"], fatalities=fat, civilian_targeting=bool(r["civilian_targeting"]),
        confidence=r["confidence"], evidence=[Evidence(**e) for e in (r["evidence"] or [])],
        claimed_by=r.get("claimed_by"))


def _event_row(e: Event) -> tuple:
    values = {"year": e.event_date.year if e.event_date else None}
    return tuple(to_json(getattr(e, c)) if c in JSON_COLUMNS else values[c] if c in values else getattr(e, c)
                 for c in EVENT_COLUMNS)


@lru_cache(maxsize=None)
def _event_fields() -> frozenset[str]:
    return frozenset(f.name for f in fields(Event))


def _event_from_row(r: dict[str, Any]) -> Event:
    cols = _event_fields()   # once, not per row: a page of events is read on every request of the web app
    values = {k: v for k, v in r.items() if k in cols}
    values["evidence"] = [Evidence(**e) for e in (r.get("evidence") or [])]
    values["article_ids"] = r.get("article_ids") or []
    values["disagreements"] = r.get("disagreements") or {}
    values["mention_ids"] = r.get("mention_ids") or []
    values["alt_dates"] = r.get("alt_dates") or []
    values["tier"] = r.get("tier") or ""
    return Event(**values)


_LIST_TYPES = (str, int, float, bool, datetime, date, list)


def _one_type(values: list[Any]) -> bool:
    """Whether a column's values (None aside) are of one type DuckDB turns into a list of one type (a column of
    ints and floats as floats); else its rows go in one by one. Values DuckDB still cannot convert (an int beyond
    128 bits, a lone surrogate) make it refuse the whole insert before it runs: then too they go in one by one."""
    kinds = {type(v) for v in values if v is not None}
    if kinds == {int, float}:
        return True
    return len(kinds) < 2 and all(kind in _LIST_TYPES for kind in kinds)
