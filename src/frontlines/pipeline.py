"""Compose per-article components into a streaming pipeline, as configured in data.

A component is built by a factory ``(settings: dict, context: PipelineContext) -> component``
and is callable on one :class:`Article`; it may also offer ``pipe(articles)`` to work in
batches (the statistical model does). ``Pipeline.pipe`` streams: articles flow through
every component in bounded batches, never all at once.

Every component runs under a guard: an exception on one article sets ``article.failure`` (the stage and
the reason), later components pass that article by, and the others go on. A batch that fails in a
batching component is run again one article at a time to find the article at fault.
"""
from __future__ import annotations

import copy
import importlib
import time
import tomllib
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from frontlines.model import Article, ArticleFailure

DEFAULT_CONFIG = Path(__file__).parent / "data" / "pipeline.toml"


class ConfigError(ValueError):
    """The pipeline configuration names something that does not exist."""


@dataclass
class PipelineContext:
    """What components may need beyond their own settings: the store and the whole config."""
    config: dict[str, Any]
    store: Any = None


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None,
                profile: Any = None) -> dict[str, Any]:
    """The default config, or a user's file, then a conflict profile's settings (a
    :class:`frontlines.profiles.Profile`, or the ``profile`` named in the file), then ``overrides`` on top
    (nested dicts merge)."""
    with open(path or DEFAULT_CONFIG, "rb") as handle:
        config = tomllib.load(handle)
    if profile is None and config.get("run", {}).get("profile"):
        from frontlines.profiles import load_profile
        profile = load_profile(config["run"]["profile"])
    if profile is not None:
        config = _merge(config, profile.config_overrides())
    return _merge(config, overrides or {})


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def resolve_factory(spec: str) -> Callable[..., Any]:
    """'package.module:name' -> the object."""
    module_name, _, attr = spec.partition(":")
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot load factory {spec!r}: {exc}") from exc


class Pipeline:
    """The per-article components named in ``config['pipeline']['components']``."""

    def __init__(self, config: dict[str, Any] | None = None, store: Any = None,
                 components: list[str] | None = None) -> None:
        self.config = config or load_config()
        self.context = PipelineContext(self.config, store)
        names = components if components is not None else self.config["pipeline"]["components"]
        self.components: list[tuple[str, Any]] = []
        for name in names:
            settings = dict(self.config.get("components", {}).get(name, {}))
            factory = settings.pop("factory", None)
            if not factory:
                raise ConfigError(f"component {name!r} has no factory in the config")
            self.components.append((name, resolve_factory(factory)(settings, self.context)))
        self.timings: dict[str, float] = {name: 0.0 for name in names}

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.components]

    def get(self, name: str) -> Any:
        return dict(self.components)[name]

    def __call__(self, article: Article) -> Article:
        return next(iter(self.pipe([article])))

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        """Stream articles through every component, timing each."""
        stream: Iterable[Article] = articles
        for name, component in self.components:
            stream = self._timed(name, component, stream)
        yield from stream

    def _timed(self, name: str, component: Any, articles: Iterable[Article]) -> Iterator[Article]:
        if hasattr(component, "pipe"):
            yield from self._batched(name, component, articles)
            return
        for article in articles:
            if article.failure is not None:
                yield article
                continue
            started = time.perf_counter()
            try:
                result = component(article)
            except Exception as exc:  # noqa: BLE001 - one article's failure is recorded, the run goes on
                article.failure, result = failure(name, exc), article
            self.timings[name] += time.perf_counter() - started
            yield result

    def _batched(self, name: str, component: Any, articles: Iterable[Article]) -> Iterator[Article]:
        """A batching component over chunks of its own batch size; a chunk that raises is run again article by
        article, and the article that still raises is marked failed."""
        source, size = iter(articles), max(1, int(getattr(component, "batch_size", 16)))
        while chunk := list(islice(source, size)):
            healthy = [a for a in chunk if a.failure is None]
            started = time.perf_counter()
            try:
                done = iter(list(component.pipe(iter(healthy))))
            except Exception:  # noqa: BLE001 - find the article at fault
                done = iter(self._one_by_one(name, component, healthy))
            self.timings[name] += time.perf_counter() - started
            yield from (article if article.failure is not None else next(done) for article in chunk)

    @staticmethod
    def _one_by_one(name: str, component: Any, articles: list[Article]) -> list[Article]:
        out = []
        for article in articles:
            try:
                out += list(component.pipe(iter([article])))
            except Exception as exc:  # noqa: BLE001 - recorded on the article
                article.failure = failure(name, exc)
        return out


def failure(stage: str, exc: BaseException) -> ArticleFailure:
    """An :class:`ArticleFailure` for ``exc`` raised in ``stage``: the error's type and first line."""
    message = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    return ArticleFailure(stage=stage, reason=f"{type(exc).__name__}: {message}" if message else type(exc).__name__)


def corpus_stages(config: dict[str, Any]) -> list[tuple[str, Callable[..., dict[str, Any]]]]:
    """The corpus stages (run once over the store after the per-article pipeline)."""
    out = []
    for name in config["pipeline"].get("corpus_stages", []):
        spec = config.get("corpus_stages", {}).get(name, {}).get("factory")
        if not spec:
            raise ConfigError(f"corpus stage {name!r} has no factory in the config")
        out.append((name, resolve_factory(spec)))
    return out
