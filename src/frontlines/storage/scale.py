"""Saving many articles' annotations at once: what the store needs to keep up with the model.

:func:`save_annotations_many` leaves the store exactly as calling ``Store.save_annotations`` on
each article in turn would, but in one transaction per batch, with one ``DELETE`` per table per
batch (not per article) and each table's rows for the whole batch inserted together (through
Arrow, see ``Store._insert``), not article by article.
"""
from __future__ import annotations

from typing import Sequence

from frontlines.model import Article, Place
from frontlines.storage import Store, _mention_row
from frontlines.storage.schema import ARTICLE_TABLES

SENTENCE_COLUMNS = ("article_id", "idx", "start", "end", "text", "paragraph", "modality", "modality_cue")
PLACE_MENTION_COLUMNS = ("article_id", "sentence", "start", "end", "text", "place_id", "score", "reason", "geo_precision")
ACTOR_MENTION_COLUMNS = ("article_id", "sentence", "start", "end", "text", "actor_id", "via")
DATE_MENTION_COLUMNS = ("article_id", "sentence", "start", "end", "text", "date_start", "date_end", "precision",
                        "historical", "rule")
QUANTITY_COLUMNS = ("article_id", "sentence", "start", "end", "text", "kind", "low", "best", "high", "subject")
CLAIM_COLUMNS = ("id", "article_id", "sentence", "start", "end", "text", "claimant", "metric", "count", "comparator",
                 "denominator", "as_of", "since")
MENTION_COLUMNS = ("id", "article_id", "event_type", "sub_event_type", "actor1", "actor2", "assoc_actor_1",
                   "assoc_actor_2", "place_id", "geo_precision", "date_start", "date_end", "time_precision",
                   "fatalities_low", "fatalities_best", "fatalities_high", "civilian_targeting", "confidence", "evidence")


def save_annotations_many(store: Store, articles: Sequence[Article]) -> None:
    """Replace everything derived from each of ``articles`` and mark them processed, atomically for the batch."""
    if not articles:
        return
    ids = [a.id for a in articles]
    rows: dict[str, list[tuple]] = {table: [] for table in ARTICLE_TABLES}
    for a in articles:
        _collect_rows(a, rows)
    with store.transaction():
        for table in ARTICLE_TABLES:
            store.con.execute(f"DELETE FROM {table} WHERE list_contains(?, article_id)", [ids])
        store.save_places(_new_places(articles), replace=False)
        for table, columns in (("sentences", SENTENCE_COLUMNS), ("place_mentions", PLACE_MENTION_COLUMNS),
                               ("actor_mentions", ACTOR_MENTION_COLUMNS), ("date_mentions", DATE_MENTION_COLUMNS),
                               ("quantities", QUANTITY_COLUMNS), ("claims", CLAIM_COLUMNS),
                               ("event_mentions", MENTION_COLUMNS)):
            store._insert(table, columns, rows[table])   # one Arrow insert when there are many rows
        store.con.execute("UPDATE articles SET processed_at = now() WHERE list_contains(?, id)", [ids])


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


def _new_places(articles: Sequence[Article]) -> list[Place]:
    """The places to offer ``save_places`` so the outcome matches saving article by article:
    the first article to mention a place id decides it (within one article, its last mention)."""
    chosen: dict[str, Place] = {}
    for article in articles:
        own: dict[str, Place] = {}
        for place in [m.place for m in article.places if m.place] + [m.place for m in article.mentions if m.place]:
            own[place.id] = place
        for place_id, place in own.items():
            chosen.setdefault(place_id, place)
    return list(chosen.values())
