"""The hook from ``frontlines eval --geoparsing DIR`` to the places engineer's geoparsing benchmark.

The benchmark itself (GeoWebNews / GeoVirus toponym P/R/F1, accuracy within 161 km, median
error) belongs to the places stage. This module only finds it and calls it, so the evaluation
command does not depend on how that stage is laid out.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from frontlines.pipeline import ConfigError, resolve_factory

# "module:callable" candidates, tried in order; the callable takes the corpus folder and returns a dict of figures.
GEOPARSING_BENCHMARK = (
    "frontlines.understand.places.benchmark:run_geoparsing_benchmark",
    "frontlines.understand.places:run_geoparsing_benchmark",
)


class GeoparsingUnavailable(RuntimeError):
    """No geoparsing benchmark is installed (the places stage does not offer one yet)."""


def find_benchmark(candidates: tuple[str, ...] | None = None) -> Callable[[Path], dict[str, Any]]:
    """The first benchmark entry point that can be imported."""
    candidates = candidates or GEOPARSING_BENCHMARK
    for spec in candidates:
        try:
            return resolve_factory(spec)
        except ConfigError:
            continue
    raise GeoparsingUnavailable("no geoparsing benchmark found; expected one of: " + ", ".join(candidates))


def run_geoparsing(directory: str | Path) -> dict[str, Any]:
    """Run the geoparsing benchmark on a folder holding GWN.xml / GeoVirus.xml; return its figures."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory} is not a folder")
    figures = find_benchmark()(directory)
    if not isinstance(figures, dict):
        raise GeoparsingUnavailable("the geoparsing benchmark did not return a dict of figures")
    return figures
