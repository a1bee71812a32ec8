"""Near-duplicates and wire copies: one report published on many sites counts once.

Each article becomes a MinHash of its word shingles; an LSH index proposes candidate pairs
(linear in the corpus, not all pairs), each candidate is confirmed by its estimated Jaccard
similarity, and confirmed pairs are joined into groups. A group is named by its smallest
article id, so the grouping does not depend on the order articles arrived in.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from datasketch import MinHash, MinHashLSH

from frontlines.storage import Store

DEFAULT_THRESHOLD = 0.7
DEFAULT_NUM_PERM = 128
SHINGLE_WORDS = 5
_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """Word ``size``-grams of the case-folded text (the whole text when it is shorter)."""
    words = _WORD.findall(text.casefold())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def signature(text: str, num_perm: int = DEFAULT_NUM_PERM) -> MinHash:
    """The MinHash of an article's shingles (fixed seed: the same text always signs the same)."""
    minhash = MinHash(num_perm=num_perm, seed=1)
    minhash.update_batch([s.encode("utf-8") for s in sorted(shingles(text))])
    return minhash


def group_duplicates(articles: Iterable[tuple[str, str]], threshold: float = DEFAULT_THRESHOLD,
                     num_perm: int = DEFAULT_NUM_PERM) -> dict[str, str]:
    """Article id -> group id for (id, text) pairs; an article with no near-duplicate is its own group."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    signatures: dict[str, MinHash] = {}
    parent: dict[str, str] = {}
    for article_id, text in sorted(articles):
        minhash = signature(text, num_perm)
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

    ``groups`` counts groups with more than one article; ``grouped_articles`` the articles in them;
    ``independent_reports`` is the number of groups including singletons.
    """
    config = getattr(context, "config", None) or {}
    settings = config.get("ingest") or {}
    corpus = store.minhash_corpus()
    groups = group_duplicates(((a, text) for a, text, _ in corpus),
                              threshold=float(settings.get("duplicate_threshold", DEFAULT_THRESHOLD)),
                              num_perm=int(settings.get("duplicate_num_perm", DEFAULT_NUM_PERM)))
    changed = {a: groups[a] for a, _, current in corpus if current != groups[a]}
    if changed:
        store.set_dup_groups(changed)
    sizes: dict[str, int] = {}
    for group in groups.values():
        sizes[group] = sizes.get(group, 0) + 1
    multi = [n for n in sizes.values() if n > 1]
    return {"groups": len(multi), "grouped_articles": sum(multi), "independent_reports": len(sizes),
            "articles": len(groups), "changed": len(changed)}
