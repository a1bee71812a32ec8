"""Places: the gazetteer, boundary import, the geoparser and its pipeline component.

Public API (see docs in each module)::

    Gazetteer, Candidate, PlaceContext, geocode, Geoparser, PlaceComponent,
    import_boundaries, provincial_capitals, run_geoparsing_benchmark
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from frontlines.understand.places.component import PlaceComponent, geocode, provincial_capitals
from frontlines.understand.places.gazetteer import Candidate, Gazetteer, PlaceContext, default_gazetteer
from frontlines.understand.places.geoparser import Geoparser, geo_precision


def import_boundaries(path: str | Path, store: Any) -> dict[str, Any]:
    """Import a boundary file (geoBoundaries GeoJSON/TopoJSON or OCHA COD-AB GeoJSON) into ``store``."""
    from frontlines.understand.places.boundaries import import_boundaries as _import
    return _import(path, store)


def run_geoparsing_benchmark(corpus_dir: Path, limit: int | None = None) -> dict[str, Any]:
    """Score the geoparser on GeoWebNews and GeoVirus in ``corpus_dir``; see :mod:`.benchmark`."""
    from frontlines.understand.places.benchmark import run_geoparsing_benchmark as _run
    return _run(corpus_dir, limit)


__all__ = ["Candidate", "Gazetteer", "Geoparser", "PlaceComponent", "PlaceContext", "default_gazetteer", "geo_precision",
           "geocode", "import_boundaries", "provincial_capitals", "run_geoparsing_benchmark"]
