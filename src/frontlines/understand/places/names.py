"""How place names are compared: a same-length folded form for matching, and a sound key for garbled names.

``match_form`` keeps every character at its offset (so a match in the folded text is a match in the
article), while folding case, accents, dashes and quotes. ``sound_key`` forgets the differences that
transliteration and machine translation introduce: i/e, u/o, q/k, w/v, doubled letters, a final -h
("Lashkargah" and "Rashkarga" differ only by their first letter once keyed).
"""
from __future__ import annotations

import re
import unicodedata

_SAME_LENGTH: dict[int, str] = {}
_SPACE = re.compile(r"\s+")
_LETTERS = re.compile(r"[^a-z]")
_SOUND = str.maketrans({"q": "k", "e": "i", "o": "u", "w": "v", "y": "i", "c": "k", "z": "s"})
_DOUBLE = re.compile(r"(.)\1+")
# the Arabic article as GeoNames writes it ("Al Qāmishlī", "Ad Dīwānīyah", "Ash Shaykh Maskīn")
_ARABIC_ARTICLE = re.compile(r"^(?:al|el|ar|as|ash|ad|adh|an|az|at|ath)"
                             r"(?:[ -]|(?=['\u2018\u2019\u02bf\u02bc]))['\u2018\u2019\u02bf\u02bc]?(?=\w{4})", re.I)


def _fold_char(char: str) -> str:
    if char.isspace() or char in "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212_":
        return " "
    if char in "\u2018\u2019\u02bc\u02bb`\u00b4\u2032":
        return "'"
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).casefold()
    return base if len(base) == 1 else char.lower()[:1] or char


class _FoldTable(dict):
    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_TABLE = _FoldTable()


def match_form(text: str) -> str:
    """Fold case, accents, dashes and quotes without changing the length: offsets stay valid."""
    return text.translate(_TABLE)


def name_key(name: str) -> str:
    """The key a name is stored under: its match form with runs of spaces collapsed."""
    return _SPACE.sub(" ", match_form(name)).strip(" .,;:")


def sound_key(name: str) -> str:
    """A transliteration-insensitive key: 'Lashkar Gah' -> 'lashkarga', 'Kondoz' -> 'kundus'."""
    letters = _LETTERS.sub("", name_key(name))
    letters = letters.replace("kh", "k").replace("gh", "g").replace("sh", "s").replace("ph", "f")
    keyed = _DOUBLE.sub(r"\1", letters.translate(_SOUND))
    if keyed.endswith("h") and len(keyed) > 3:
        keyed = keyed[:-1]
    return keyed


def variants(name: str) -> set[str]:
    """Spelling variants of a curated Afghan name: joined words, -e-/-i- connectors, with and without dashes."""
    key = name_key(name)
    out = {key, key.replace(" ", "")}
    for connector in (" e ", " i ", " ye ", " y "):
        if connector in f" {key} ":
            for other in (" e ", " i "):
                swapped = f" {key} ".replace(connector, other).strip()
                out |= {swapped, swapped.replace(" ", "")}
    return {v for v in out if len(v) >= 3}


def without_article(name: str) -> str | None:
    """The name without a leading Arabic article ("Al Qāmishlī" -> "Qāmishlī"): news writes "Qamishli",
    "Hasakah", "Bukamal". None when the name has none. Apply it only to places of Arabic-speaking countries
    ("El Paso" is not "Paso")."""
    found = _ARABIC_ARTICLE.match(name)
    if not found:
        return None
    rest = name[found.end():]
    return rest[:1].upper() + rest[1:]
