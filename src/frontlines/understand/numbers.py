"""How many: numbers in digits and words, vague amounts, ranges and bounds, as UCDP-style low/best/high.

ACLED's conservative rules apply to vague amounts ("dozens" is 12, see ``data/numbers.yaml``), the lower
end of a range is the best estimate, and "casualties" is its own kind: it is never read as deaths.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from frontlines.model import Article, Quantity, Sentence

NUMBERS_FILE = Path(__file__).resolve().parents[1] / "data" / "numbers.yaml"

Estimate = tuple[int | None, int | None, int | None]


@dataclass
class NumberVocabulary:
    vague: dict[str, int]
    words: dict[str, int]
    multipliers: dict[str, int]
    comparators: dict[str, str]
    kinds: dict[str, list[str]]
    subjects: dict[str, list[str]]


@lru_cache(maxsize=4)
def load_vocabulary(path: str | None = None) -> NumberVocabulary:
    """The vocabulary of ``data/numbers.yaml`` (or another file)."""
    raw = yaml.safe_load(Path(path or NUMBERS_FILE).read_text(encoding="utf-8")) or {}
    return NumberVocabulary(
        vague={str(k).lower(): int(v) for k, v in (raw.get("vague") or {}).items()},
        words={str(k).lower(): int(v) for k, v in (raw.get("words") or {}).items()},
        multipliers={str(k).lower(): int(v) for k, v in (raw.get("multipliers") or {}).items()},
        comparators={str(k).lower(): str(v) for k, v in (raw.get("comparators") or {}).items()},
        kinds={str(k): [str(w) for w in v] for k, v in (raw.get("kinds") or {}).items()},
        subjects={str(k): [str(w) for w in v] for k, v in (raw.get("subjects") or {}).items()},
    )


def _alternatives(words: list[str] | Any) -> str:
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=4)
def _patterns(path: str | None = None) -> dict[str, re.Pattern[str]]:
    v = load_vocabulary(path)
    word = _alternatives(list(v.words))
    multiplier = _alternatives(list(v.multipliers))
    # "3,000", "1.5 million", "twenty-five", "two hundred", "a dozen"
    amount = (rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)(?:\s+(?:{multiplier}))?"
              rf"|(?:{word})(?:[\s-]+(?:{word}))?(?:\s+(?:{multiplier}))?")
    quantity = (rf"(?:(?P<comparator>{_alternatives(list(v.comparators))})\s+)?"
                rf"(?:(?P<vague>{_alternatives(list(v.vague))})"
                rf"|between\s+(?P<low>{amount})\s+and\s+(?P<high>{amount})"
                rf"|(?P<first>{amount})(?:\s*(?:-|\u2013|to|or)\s*(?P<second>{amount}))?)")
    return {
        "quantity": re.compile(rf"(?<![\w,.])(?:{quantity})(?![\w])", re.IGNORECASE),
        "whole": re.compile(rf"\s*(?:{quantity})\s*", re.IGNORECASE),
    }


MAX_COUNT = 10**10   # more people than have ever lived: not a count of the dead


def _amount(text: str, vocabulary: NumberVocabulary) -> int | None:
    """The value of one amount: "3,000" -> 3000, "twenty-five" -> 25, "two hundred" -> 200."""
    text = text.strip().lower()
    digits = re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+(\w+))?", text)
    if digits:
        value = float(digits.group(1).replace(",", ""))
        multiplier = vocabulary.multipliers.get(digits.group(2) or "", 1) if digits.group(2) else 1
        total = value * multiplier
        return int(total) if math.isfinite(total) and total < MAX_COUNT else None   # a 400-digit "toll" is no count
    if text in vocabulary.words:
        return vocabulary.words[text]
    total, current = 0, 0
    for token in re.split(r"[\s-]+", text):
        if token in vocabulary.words:
            current += vocabulary.words[token]
        elif token in vocabulary.multipliers:
            current = max(current, 1) * vocabulary.multipliers[token]
            if vocabulary.multipliers[token] >= 1000:
                total, current = total + current, 0
        elif token == "a":
            current = max(current, 1)
        else:
            return None
    return total + current or None


def _estimate(match: re.Match[str], vocabulary: NumberVocabulary) -> tuple[Estimate, str] | None:
    comparator = vocabulary.comparators.get(re.sub(r"\s+", " ", (match.group("comparator") or "").lower()), "exactly")
    if match.group("vague"):
        value = vocabulary.vague[re.sub(r"\s+", " ", match.group("vague").lower())]
        return (value, value, None), comparator if comparator != "exactly" else "at_least"
    if match.group("low"):
        low, high = _amount(match.group("low"), vocabulary), _amount(match.group("high"), vocabulary)
        return ((low, low, high), "range") if low is not None and high is not None else None
    value = _amount(match.group("first"), vocabulary)
    if value is None:
        return None
    if match.group("second"):
        high = _amount(match.group("second"), vocabulary)
        if high is not None and high > value:
            return (value, value, high), "range"
    bounds = {"exactly": (value, value, value), "more_than": (value + 1, value + 1, None),
              "at_least": (value, value, None), "nearly": (None, value, value), "up_to": (None, value, value),
              "about": (None, value, None)}
    return bounds[comparator], comparator


def parse_number(text: str) -> Estimate | None:
    """(low, best, high) of an amount: "at least 14" -> (14, 14, None), "dozens" -> (12, 12, None)."""
    vocabulary = load_vocabulary()
    match = _patterns()["whole"].fullmatch(text or "")
    if not match:
        return None
    found = _estimate(match, vocabulary)
    return found[0] if found else None


def parse_amount(text: str) -> tuple[Estimate, str] | None:
    """Like :func:`parse_number`, with the comparator (exactly, more_than, at_least, nearly, up_to, about, range)."""
    match = _patterns()["whole"].fullmatch(text or "")
    return _estimate(match, load_vocabulary()) if match else None


def find_amounts(text: str) -> list[tuple[int, int, Estimate, str]]:
    """Every amount in ``text``: (start, end, (low, best, high), comparator)."""
    vocabulary = load_vocabulary()
    out = []
    for match in _patterns()["quantity"].finditer(text):
        found = _estimate(match, vocabulary)
        if found:
            out.append((match.start(), match.end(), found[0], found[1]))
    return out


def _vocabulary_regex(words: list[str]) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{_alternatives(words)})\b", re.IGNORECASE)


class QuantityComponent:
    """Fills ``article.quantities``: killed, injured, casualties and counts of people."""

    name = "quantities"

    def __init__(self, settings: dict[str, Any] | None = None, context: Any = None) -> None:
        self.vocabulary = load_vocabulary((settings or {}).get("path"))
        self.kinds = {kind: _vocabulary_regex(words) for kind, words in self.vocabulary.kinds.items()}
        self.subjects = {subject: _vocabulary_regex(words) for subject, words in self.vocabulary.subjects.items()}

    def __call__(self, article: Article) -> Article:
        sentences = article.sentences or [Sentence(index=0, start=0, end=len(article.text), text=article.text)]
        dates: dict[int, list[tuple[int, int]]] = {}
        for d in article.dates:
            dates.setdefault(d.sentence, []).append((d.start, d.end))
        quantities = []
        for sentence in sentences:
            text = article.text[sentence.start:sentence.end]
            for start, end, estimate, _ in find_amounts(text):
                absolute = (sentence.start + start, sentence.start + end)
                if _is_year(text[start:end]) or any(absolute[0] < e and s < absolute[1]
                                                    for s, e in dates.get(sentence.index, [])):
                    continue
                quantity = self._quantity(text, start, end, estimate, sentence)
                if quantity:
                    quantities.append(quantity)
        article.quantities = quantities
        return article

    def _quantity(self, text: str, start: int, end: int, estimate: Estimate, sentence: Sentence) -> Quantity | None:
        after = re.split(r"[.;:!?()\u201c\u201d\"]", text[end:end + 60])[0]
        after = " ".join(after.split()[:6])
        before = text[max(0, start - 12):start]
        kind = self._kind(after, before)
        subject = next((name for name, rx in self.subjects.items()
                        if (m := rx.search(after)) and len(after[:m.start()].split()) <= 3), None)
        if kind is None and subject is None:
            return None
        low, best, high = estimate
        return Quantity(start=sentence.start + start, end=sentence.start + end, sentence=sentence.index,
                        text=text[start:end], kind=kind or "count", low=low, best=best, high=high, subject=subject)

    def _kind(self, after: str, before: str) -> str | None:
        if self.kinds.get("casualties") and self.kinds["casualties"].search(after):
            return "casualties"
        for kind in ("killed", "injured"):
            rx = self.kinds.get(kind)
            if rx and (rx.search(after) or re.search(rf"(?:{rx.pattern})\s*$", before, re.IGNORECASE)):
                return kind
        return None


def _is_year(text: str) -> bool:
    return re.fullmatch(r"(?:19|20)\d\d", text.strip()) is not None
