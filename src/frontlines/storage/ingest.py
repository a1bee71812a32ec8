"""Queries ingestion needs beyond :class:`Store`'s own (all parameterised)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from frontlines.model import DATE_SOURCES, Article
from frontlines.storage import _UNSTORABLE, ARTICLE_COLUMNS, Store, UnstorableError, to_json

__all__ = ["Added", "UnstorableError", "add_articles", "clear_published_outside", "last_logged"]


@dataclass
class Added:
    """What :func:`add_articles` did with one file's articles."""
    ids: list[str] = field(default_factory=list)          # stored as new articles
    conflicts: list[str] = field(default_factory=list)    # refused: the id belongs to another text
    improved: list[str] = field(default_factory=list)     # already stored; metadata improved by this copy


def add_articles(store: Store, articles: list[Article]) -> Added:
    """Insert, in one transaction, each article whose id and content are new (to the store and the batch).

    The batch form of :meth:`Store.add_article`, plus one thing: a copy of a stored text whose
    publication date is better attested (field > feed > html > dateline > none) replaces the stored
    date and sends the article back for processing (its dates resolve against it); missing title,
    url and outlet are filled in. Nothing else about a stored article changes. A value the store refuses
    raises :class:`UnstorableError` (the transaction is rolled back).
    """
    if not articles:
        return Added()
    try:
        return _add_articles(store, articles)
    except _UNSTORABLE as exc:
        raise UnstorableError(f"cannot store: {str(exc)[:200]}") from None


def _add_articles(store: Store, articles: list[Article]) -> Added:
    done = Added()
    with store.transaction():
        known = store.con.execute(
            "SELECT id, content_hash, published_source, title, url, outlet FROM articles "
            "WHERE list_contains(?, id) OR list_contains(?, content_hash)",
            [[a.id for a in articles], [a.content_hash for a in articles]]).fetchall()
        ids = {row[0] for row in known}
        stored = {row[1]: row for row in known}
        rows, batch = [], set()
        for article in articles:
            if article.content_hash in batch:
                continue  # a copy within this file: the first one stands
            if article.content_hash in stored:
                if _improve(store, stored[article.content_hash], article):
                    done.improved.append(stored[article.content_hash][0])
                continue
            if article.id in ids:
                done.conflicts.append(article.id)
                continue
            ids.add(article.id)
            batch.add(article.content_hash)
            rows.append(_article_row(article))
            done.ids.append(article.id)
        store._insert("articles", ARTICLE_COLUMNS, rows)
    return done


def _rank(source: str | None) -> int:
    return DATE_SOURCES.index(source) if source in DATE_SOURCES else len(DATE_SOURCES)


def _improve(store: Store, row: tuple, article: Article) -> bool:
    article_id, _, source, title, url, outlet = row
    better_date = article.published is not None and _rank(article.published_source) < _rank(source)
    fills = {k: v for k, v, have in (("title", article.title, title), ("url", article.url, url),
                                     ("outlet", article.outlet, outlet)) if v and not have}
    if not better_date and not fills:
        return False
    sets, params = [f'"{k}" = ?' for k in fills], list(fills.values())  # keys are the three literals above
    if better_date:
        sets += ["published = ?", "published_source = ?", "processed_at = NULL"]
        params += [article.published, article.published_source]
    store.con.execute(f"UPDATE articles SET {', '.join(sets)} WHERE id = ?", params + [article_id])
    return True


def _article_row(article: Article) -> tuple:
    values = {"ingested_at": article.ingested_at or datetime.now(), "extra": to_json(article.extra),
              "word_count": len(article.text.split())}
    return tuple(values[c] if c in values else getattr(article, c) for c in ARTICLE_COLUMNS)


def last_logged(store: Store, path: str) -> tuple[str, str] | None:
    """The (status, reason) most recently logged for ``path``, or None if it was never logged."""
    row = store.con.execute(
        "SELECT status, reason FROM ingest_log WHERE path = ? ORDER BY logged_at DESC LIMIT 1", [path]).fetchone()
    return (row[0], row[1] or "") if row else None


def clear_published_outside(store: Store, earliest: date, latest: date) -> list[tuple[str, date]]:
    """Forget publication dates outside ``earliest``..``latest`` (stored before ingest checked them) and send those
    articles back for processing; the (id, date) pairs cleared."""
    with store.transaction():
        rows = store.con.execute("SELECT id, published FROM articles WHERE published < ? OR published > ? ORDER BY id",
                                 [earliest, latest]).fetchall()
        if rows:
            store.con.execute("UPDATE articles SET published = NULL, published_source = NULL, processed_at = NULL "
                              "WHERE published < ? OR published > ?", [earliest, latest])
    return [(row[0], row[1]) for row in rows]
