"""The ``places`` pipeline component and the small public helpers other stages use."""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from frontlines.model import Article, Place
from frontlines.understand.places.gazetteer import (
    Candidate, Gazetteer, PlaceContext, cache_dir, data_fingerprint, default_gazetteer, write_cache_file,
)
from frontlines.understand.places.geoparser import Geoparser
from frontlines.understand.places.sources import read_curated


def load_gazetteer(store: Any = None) -> Gazetteer:
    """The process-wide gazetteer, plus the districts imported into ``store`` (if given)."""
    gazetteer = default_gazetteer()
    if store is None:
        return gazetteer
    from frontlines.understand.places.boundaries import gazetteer_for_store
    return gazetteer_for_store(gazetteer, store)


def geocode(name: str, country: str | None = None, context: str | PlaceContext | None = None,
            store: Any = None) -> list[Candidate]:
    """Ranked places a name may refer to; ``context`` is free text or a :class:`PlaceContext`."""
    if not name or not name.strip():
        return []
    return load_gazetteer(store).candidates(name.strip()[:200], country=country, context=context)


def provincial_capitals(store: Any = None) -> list[Place]:
    """The 34 provincial capitals of Afghanistan (Kabul included), each with its province as ``admin1``.

    Without a store they are read from a small file kept beside the cached gazetteer: the control stage
    needs 34 places, and loading the whole gazetteer for them cost the main process ~700 MiB."""
    path = cache_dir() / f"capitals-{data_fingerprint()}.json"
    if store is None and path.exists():
        try:
            return [Place(**fields) for fields in json.loads(path.read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError):
            pass   # a damaged file: rebuild it below
    gazetteer = load_gazetteer(store)
    ids = [row["id"] for row in read_curated() if row["is_capital"].strip().lower() == "true"]
    found = [place for place in (gazetteer.place(i) for i in ids) if place is not None]
    if store is None:
        text = json.dumps([asdict(place) for place in found])
        write_cache_file(path, lambda handle: handle.write(text.encode("utf-8")))
    return found


class PlaceComponent:
    """Fills ``article.places`` with resolved :class:`PlaceMention` s."""

    name = "places"

    def __init__(self, settings: dict[str, Any] | None = None, context: Any = None) -> None:
        settings = settings or {}
        # a worker process gets the run's imported places as an index file (it cannot open the store)
        store = getattr(context, "store", None)
        if store is None and settings.get("imported"):
            from frontlines.understand.places.overlay import take_over
            store = take_over(settings["imported"])
        self.geoparser = Geoparser(load_gazetteer(store), country_focus=settings.get("country_focus"),
                                   min_score=float(settings.get("min_score", 0.2)),
                                   keep_unresolved=bool(settings.get("keep_unresolved", True)))

    def __call__(self, article: Article) -> Article:
        article.places = self.geoparser.parse(article)
        return article
