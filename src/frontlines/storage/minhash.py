"""Queries near-duplicate grouping needs: stored MinHash signatures, LSH bands and the pairs they propose.

Signatures are computed once per article (an incremental run hashes only new articles); candidate pairs
come from one join over the band keys and are confirmed by their estimated Jaccard similarity, all in
DuckDB, so memory does not grow with the corpus.
"""
from __future__ import annotations

from typing import Iterable

from frontlines.storage import Store


def articles_without_signature(store: Store, num_perm: int, after: str, limit: int) -> list[tuple[str, str]]:
    """(id, text) of up to ``limit`` articles after id ``after`` with no ``num_perm`` signature yet, by id
    (pages by id, so each call reads only the texts it returns)."""
    return store.con.execute("""
        SELECT id, text FROM articles
        WHERE id > ? AND id IN (
            SELECT id FROM articles WHERE id > ?
            EXCEPT SELECT article_id FROM article_minhash WHERE num_perm = ?
            ORDER BY 1 LIMIT ?)
        ORDER BY id""", [after, after, num_perm, limit]).fetchall()


def save_signatures(store: Store, num_perm: int, scheme: str,
                    rows: Iterable[tuple[str, list[int], list[int]]]) -> None:
    """Store (article id, signature, band keys) rows for one signature size and banding scheme."""
    rows = list(rows)
    with store.transaction():
        store._insert("article_minhash", ("article_id", "num_perm", "signature"),
                      [(a, num_perm, signature) for a, signature, _ in rows])
        save_bands(store, scheme, [(a, keys) for a, _, keys in rows])


def banded_schemes(store: Store) -> list[str]:
    return [r[0] for r in store.con.execute("SELECT DISTINCT scheme FROM minhash_bands ORDER BY 1").fetchall()]


def signatures_without_bands(store: Store, num_perm: int, scheme: str, after: str,
                             limit: int) -> list[tuple[str, list[int]]]:
    """(article id, signature) of up to ``limit`` signed articles after ``after`` not banded under ``scheme``."""
    return store.con.execute("""
        SELECT article_id, signature FROM article_minhash
        WHERE num_perm = ? AND article_id > ?
          AND article_id NOT IN (SELECT article_id FROM minhash_bands WHERE scheme = ?)
        ORDER BY article_id LIMIT ?""", [num_perm, after, scheme, limit]).fetchall()


def save_bands(store: Store, scheme: str, rows: Iterable[tuple[str, list[int]]]) -> None:
    with store.transaction():
        store._insert("minhash_bands", ("article_id", "scheme", "band", "key"),
                      [(a, scheme, band, key) for a, keys in rows for band, key in enumerate(keys)])


def drop_scheme(store: Store, scheme: str) -> None:
    """Forget the bands of a banding scheme the configuration no longer uses."""
    with store.transaction():
        store.con.execute("DELETE FROM minhash_bands WHERE scheme = ?", [scheme])


def similar_pairs(store: Store, num_perm: int, scheme: str, threshold: float,
                  crowded: int = 500) -> list[tuple[str, str]]:
    """(a, b), a < b, for articles sharing a band key whose estimated Jaccard similarity is >= ``threshold``.

    A band key shared by more than ``crowded`` articles (thousands of copies of one short item) proposes each
    of them with the bucket's first article only, not every pair: the grouping is the same whenever the
    copies are alike, and the join stays linear on hostile input.
    """
    return store.con.execute("""
        WITH buckets AS (
            SELECT band, key, count(*) AS size, min(article_id) AS hub FROM minhash_bands
            WHERE scheme = ? GROUP BY band, key HAVING count(*) > 1),
        candidates AS (
            SELECT DISTINCT x.article_id AS a, y.article_id AS b
            FROM minhash_bands x
            JOIN buckets USING (band, key)
            JOIN minhash_bands y ON y.band = x.band AND y.key = x.key AND y.scheme = x.scheme AND x.article_id < y.article_id
            WHERE x.scheme = ? AND buckets.size <= ?
            UNION
            SELECT buckets.hub AS a, x.article_id AS b
            FROM minhash_bands x JOIN buckets USING (band, key)
            WHERE x.scheme = ? AND buckets.size > ? AND x.article_id <> buckets.hub)
        SELECT a, b FROM candidates
        JOIN article_minhash sa ON sa.article_id = a AND sa.num_perm = ?
        JOIN article_minhash sb ON sb.article_id = b AND sb.num_perm = ?
        WHERE len(list_filter(list_zip(sa.signature, sb.signature), lambda p: p[1] = p[2]))::DOUBLE / ? >= ?
        ORDER BY a, b""", [scheme, scheme, crowded, scheme, crowded, num_perm, num_perm, float(num_perm),
                           threshold]).fetchall()


def assign_groups(store: Store, grouped: dict[str, str]) -> int:
    """Set ``dup_group`` to the given group for the articles in ``grouped`` and to the article's own id for
    every other article; return how many articles changed group."""
    if not grouped:
        with store.transaction():
            return int(store.con.execute("UPDATE articles SET dup_group = id WHERE dup_group IS DISTINCT FROM id")
                       .fetchone()[0])
    with store.transaction():
        store.con.execute("CREATE OR REPLACE TEMP TABLE _grouped AS "
                          "SELECT unnest(?::VARCHAR[]) AS id, unnest(?::VARCHAR[]) AS grp",
                          [list(grouped), list(grouped.values())])
        try:
            joined = store.con.execute("""
                UPDATE articles SET dup_group = g.grp FROM _grouped g
                WHERE articles.id = g.id AND articles.dup_group IS DISTINCT FROM g.grp""").fetchone()[0]
            alone = store.con.execute("""
                UPDATE articles SET dup_group = id
                WHERE dup_group IS DISTINCT FROM id AND id NOT IN (SELECT id FROM _grouped)""").fetchone()[0]
        finally:
            store.con.execute("DROP TABLE IF EXISTS _grouped")
    return int(joined) + int(alone)
