"""Event coding: annotated articles in, ACLED-coded event mentions out (``article.mentions``).

The patterns (``data/event_patterns.yaml``) and the taxonomy (``data/acled_taxonomy.yaml``) are data;
:class:`EventCoder` applies them; :class:`EventCodingComponent` is the pipeline component.
"""
from __future__ import annotations

from typing import Any

from frontlines.coding.coder import EventCoder
from frontlines.coding.patterns import (
    EventPatterns, PatternError, Taxonomy, load_patterns, load_taxonomy, tokenize,
)
from frontlines.model import Actor, Article

__all__ = ["EventCoder", "EventCodingComponent", "EventPatterns", "PatternError", "Taxonomy",
           "load_actor_index", "load_patterns", "load_taxonomy", "tokenize"]


def load_actor_index() -> dict[str, Actor]:
    """The canonical actors by id, from the actor dictionary (``frontlines.understand.actors``)."""
    from frontlines.understand.actors import load_actors

    return {a.id: a for a in load_actors().all()}


class EventCodingComponent:
    """Fills ``article.mentions`` from the article's asserted sentences and their annotations.

    Settings: ``patterns`` / ``taxonomy`` (paths to users' own files), ``country_focus`` (ISO alpha-2;
    Battles elsewhere are not coded; default "AF").
    """

    name = "events"

    def __init__(self, settings: dict[str, Any] | None = None, context: Any = None,
                 actors: dict[str, Actor] | None = None) -> None:
        settings = settings or {}
        focus = settings.get("country_focus")
        if focus is None and context is not None:
            focus = context.config.get("components", {}).get("places", {}).get("country_focus")
        self.coder = EventCoder(load_patterns(settings.get("patterns")), load_taxonomy(settings.get("taxonomy")),
                                actors if actors is not None else load_actor_index(), focus or "AF")

    def __call__(self, article: Article) -> Article:
        article.mentions = self.coder.code(article)
        return article
