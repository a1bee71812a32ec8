"""Near-duplicates and wire copies: one report published on many sites counts once.

Each article becomes a MinHash of its word shingles; an LSH index proposes candidate pairs
(linear in the corpus, not all pairs), each candidate is confirmed by its estimated Jaccard
similarity, and confirmed pairs are joined into groups. The corpus stage keeps signatures and band
keys in the store, so each article is hashed once and memory does not grow with the corpus. A group
is named by its smallest article id, so the grouping does not depend on the order articles arrived in.
"""
from __future__ import annotations

import hashlib
import re
import struct
from typing import TYPE_CHECKING, Any, Iterable

from frontlines.ingest.minhash_signature import Signature, band_ranges, minhash_values
from frontlines.storage import Store
from frontlines.storage import minhash

if TYPE_CHECKING:
    from datasketch import MinHash

DEFAULT_THRESHOLD = 0.7
DEFAULT_NUM_PERM = 128
SHINGLE_WORDS = 5
SIGNATURE_BATCH = 1000   # articles hashed per store round trip
_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """Word ``size``-grams of the case-folded text (the whole text when it is shorter)."""
    words = _WORD.findall(text.casefold())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def signature(text: str, num_perm: int = DEFAULT_NUM_PERM) -> Signature:
    """The MinHash of an article's shingles (fixed seed: the same text always signs the same), computed as
    datasketch computes it but without importing it (see :mod:`.minhash_signature`)."""
    return Signature(minhash_values((s.encode("utf-8") for s in sorted(shingles(text))), num_perm))


def datasketch_signature(text: str, num_perm: int = DEFAULT_NUM_PERM) -> MinHash:
    """The same MinHash as a ``datasketch`` object, for its in-memory LSH index."""
    from datasketch import MinHash

    minhash = MinHash(num_perm=num_perm, seed=1)
    minhash.update_batch([s.encode("utf-8") for s in sorted(shingles(text))])
    return minhash


def group_duplicates(articles: Iterable[tuple[str, str]], threshold: float = DEFAULT_THRESHOLD,
                     num_perm: int = DEFAULT_NUM_PERM) -> dict[str, str]:
    """Article id -> group id for (id, text) pairs; an article with no near-duplicate is its own group."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    signatures: dict[str, MinHash] = {}
    parent: dict[str, str] = {}
    for article_id, text in sorted(articles):
        minhash = datasketch_signature(text, num_perm)
        parent[article_id] = article_id
        for other in sorted(lsh.query(minhash)):
            if minhash.jaccard(signatures[other]) >= threshold:
                _union(parent, article_id, other)
        lsh.insert(article_id, minhash)
        signatures[article_id] = minhash
    return {article_id: _root(parent, article_id) for article_id in parent}


def _root(parent: dict[str, str], item: str) -> str:
    while parent[item] != item:
        parent[item] = parent[parent[item]]
        item = parent[item]
    return item


def _union(parent: dict[str, str], a: str, b: str) -> None:
    first, second = sorted((_root(parent, a), _root(parent, b)))
    parent[second] = first  # the smallest id names the group


def group_duplicates_stage(store: Store, context: Any) -> dict[str, Any]:
    """Corpus stage: (re)assign ``dup_group`` to every stored article; returns a summary.

    The same grouping as :func:`group_duplicates`, computed through the store: signatures and LSH band
    keys are stored once per article (only new articles are hashed), candidate pairs come from a join over
    band keys and are confirmed in DuckDB, and only the articles in a group are held in memory.

    ``groups`` counts groups with more than one article; ``grouped_articles`` the articles in them;
    ``independent_reports`` is the number of groups including singletons.
    """
    config = getattr(context, "config", None) or {}
    settings = config.get("ingest") or {}
    threshold = float(settings.get("duplicate_threshold", DEFAULT_THRESHOLD))
    num_perm = int(settings.get("duplicate_num_perm", DEFAULT_NUM_PERM))
    ranges = band_ranges(threshold, num_perm)
    scheme = f"{num_perm}:{len(ranges)}x{ranges[0][1] - ranges[0][0]}"
    _band_stored_signatures(store, num_perm, scheme, ranges)
    _sign_new_articles(store, num_perm, scheme, ranges)
    parent: dict[str, str] = {}
    for a, b in minhash.similar_pairs(store, num_perm, scheme, threshold):
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        _union(parent, a, b)
    grouped = {article_id: _root(parent, article_id) for article_id in parent}
    changed = minhash.assign_groups(store, grouped)
    articles = store.count("articles")
    groups = len(set(grouped.values()))
    return {"groups": groups, "grouped_articles": len(grouped), "independent_reports": articles - len(grouped) + groups,
            "articles": articles, "changed": changed}


def _band_stored_signatures(store: Store, num_perm: int, scheme: str, ranges: list[tuple[int, int]]) -> None:
    """Band the stored signatures under ``scheme`` (after a threshold change), forgetting other schemes."""
    for old in minhash.banded_schemes(store):
        if old != scheme:
            minhash.drop_scheme(store, old)
    after = ""
    while batch := minhash.signatures_without_bands(store, num_perm, scheme, after, SIGNATURE_BATCH):
        minhash.save_bands(store, scheme, [(a, band_keys(values, ranges)) for a, values in batch])
        after = batch[-1][0]


def _sign_new_articles(store: Store, num_perm: int, scheme: str, ranges: list[tuple[int, int]]) -> None:
    """Hash the articles that have no signature yet, a batch at a time."""
    after = ""
    while batch := minhash.articles_without_signature(store, num_perm, after, SIGNATURE_BATCH):
        rows = []
        for article_id, text in batch:
            values = signature(text, num_perm).hashvalues
            rows.append((article_id, values, band_keys(values, ranges)))
        minhash.save_signatures(store, num_perm, scheme, rows)
        after = batch[-1][0]


def band_keys(values: list[int], ranges: list[tuple[int, int]]) -> list[int]:
    """One 64-bit key per LSH band: two articles share a key when their signatures agree on that whole band."""
    return [int.from_bytes(hashlib.blake2b(struct.pack(f"<{end - start}Q", *values[start:end]), digest_size=8)
                           .digest(), "little", signed=True) for start, end in ranges]
