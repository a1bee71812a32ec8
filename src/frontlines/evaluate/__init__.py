"""Evaluation: measure the record against gold annotations written by the team.

    from frontlines.evaluate import load_gold, evaluate_store
    result = evaluate_store(load_gold("gold/seeds.jsonl"), store)
    print(result.f1, result.rate("place"))

``evaluate`` scores any list of :class:`SystemEvent` (from fused events, raw mentions or
annotated articles) so the scorer can be tested without a pipeline.
"""
from __future__ import annotations

from frontlines.evaluate.gold import (
    GoldClaim, GoldError, GoldEvent, GoldNonEvent, GoldRecord, load_gold, parse_record,
)
from frontlines.evaluate.report import to_json, to_markdown
from frontlines.evaluate.score import (
    Counts, Evaluation, PairCheck, SystemEvent, align, compare, evaluate, from_articles, from_events,
    from_mentions, haversine_km,
)
from frontlines.evaluate.store import evaluate_store, resolve_articles

__all__ = [
    "Counts", "Evaluation", "GoldClaim", "GoldError", "GoldEvent", "GoldNonEvent", "GoldRecord", "PairCheck",
    "SystemEvent", "align", "compare", "evaluate", "evaluate_store", "from_articles", "from_events",
    "from_mentions", "haversine_km", "load_gold", "parse_record", "resolve_articles", "to_json", "to_markdown",
]
