"""Event coding: annotated articles in, ACLED-coded event mentions out (``article.mentions``).

The patterns (``data/event_patterns.yaml``) and the taxonomy (``data/acled_taxonomy.yaml``) are data;
:class:`EventCoder` applies them; :class:`EventCodingComponent` is the pipeline component.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from frontlines.coding.coder import EventCoder
from frontlines.coding.patterns import (
    EventPatterns, PatternError, Taxonomy, load_patterns, load_taxonomy, tokenize,
)
from frontlines.model import Actor, Article

__all__ = ["EventCoder", "EventCodingComponent", "EventPatterns", "PatternError", "Taxonomy",
           "load_actor_index", "load_patterns", "load_taxonomy", "tokenize"]


def load_actor_index(path: str | None = None) -> dict[str, Actor]:
    """The canonical actors by id, from the actor dictionary (``frontlines.understand.actors``), with the
    country actors its generic actors stand for (``state_forces:SD``) made on demand."""
    from frontlines.understand.actors import load_actors
    from frontlines.understand.generic_actors import ActorIndex

    return ActorIndex({a.id: a for a in load_actors(path).all()})


class EventCodingComponent:
    """Fills ``article.mentions`` from the article's asserted sentences and their annotations.

    Settings: ``patterns`` / ``taxonomy`` (paths to users' own files), ``country_focus`` (ISO alpha-2;
    Battles elsewhere are not coded; none by default), ``default_opponents`` (a profile's, added to the
    patterns'). The actors are the actors component's dictionary (its ``path``), so a user's actor file reaches
    the coder too.
    """

    name = "events"

    def __init__(self, settings: dict[str, Any] | None = None, context: Any = None,
                 actors: dict[str, Actor] | None = None) -> None:
        settings = settings or {}
        config = context.config if context is not None else {}
        focus = settings.get("country_focus") or config.get("components", {}).get("places", {}).get("country_focus")
        patterns = load_patterns(settings.get("patterns"))
        if settings.get("default_opponents"):
            patterns = replace(patterns, default_opponents={**patterns.default_opponents,
                                                            **settings["default_opponents"]})
        if actors is None:
            actors = load_actor_index(config.get("components", {}).get("actors", {}).get("path"))
        self.coder = EventCoder(patterns, load_taxonomy(settings.get("taxonomy")), actors, focus)

    def __call__(self, article: Article) -> Article:
        article.mentions = self.coder.code(article)
        return article
