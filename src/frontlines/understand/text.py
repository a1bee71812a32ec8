"""Text normalisation shared by every matcher (gazetteer, actors, patterns)."""
from __future__ import annotations

import re
import unicodedata

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u02bc": "'", "`": "'"})
_SPACE = re.compile(r"\s+")


def strip_accents(text: str) -> str:
    if text.isascii():   # nothing to decompose (most text: this is called for every name and sentence)
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Case-, accent-, dash- and quote-insensitive form of a name: 'Mazar-e Sharīf' -> 'mazar-e sharif'."""
    text = strip_accents(text)
    text = _DASHES.sub("-", text)
    text = text.translate(_QUOTES)
    return _SPACE.sub(" ", text).strip().casefold()
