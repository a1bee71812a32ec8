"""Rule-based sentence and paragraph splitting with character offsets.

Rules rather than the parser: news text from machine translation breaks sentences in odd
places ("of HeratThe Taliban…"), and the parser would cost more than the NER model itself.
"""
from __future__ import annotations

import re
from typing import Any

from frontlines.model import Article, Sentence

_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "st", "no", "vs", "jan", "feb",
                  "aug", "sept", "sep", "oct", "nov", "dec", "u.s", "u.k", "u.n", "prof", "gov", "sen", "rep", "inc", "co"}
# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace, or — as machine
# translation and scraping leave it — glued to the next sentence: "promised to hold it.The Taliban" (a lower-case
# word of two or more letters, the stop, then a capitalised word; "U.S.The" is left alone).
_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s)|(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\S)")


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` with offsets, paragraph numbers, and no empty sentences."""
    sentences: list[Sentence] = []
    for paragraph, (p_start, p_end) in enumerate(_paragraphs(text)):
        start = p_start
        for match in _END.finditer(text, p_start, p_end):
            end = match.end()
            word = re.search(r"([\w.]+)[.!?]\W*$", text[start:end])
            if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
                continue
            if word and len(word.group(1)) == 1 and word.group(1).isupper():
                continue  # an initial: "Abdul R. Dostum"
            _append(sentences, text, start, end, paragraph)
            start = end
        _append(sentences, text, start, p_end, paragraph)
    return sentences


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _PARAGRAPH.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _append(sentences: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(index=len(sentences), start=start, end=end, text=text[start:end], paragraph=paragraph))


class SentenceComponent:
    """Fills ``article.sentences``."""

    name = "sentences"

    def __init__(self, settings: dict[str, Any] | None = None, context: Any = None) -> None:
        pass

    def __call__(self, article: Article) -> Article:
        article.sentences = split_sentences(article.text)
        return article
