"""Does a sentence report something that happened? Sets ``Sentence.modality`` and ``modality_cue``.

One of ``model.MODALITIES``: "asserted" (an event report: only these yield events), or history, threat,
plan, prediction, conditional, denial, appeal, question, statement. Cues are data
(``data/modality_cues.yaml``), tried in order; history also follows from a historical date in the sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import yaml

from frontlines.model import MODALITIES, Article, DateMention
from frontlines.understand.dates import find_dates

CUES_FILE = Path(__file__).resolve().parents[1] / "data" / "modality_cues.yaml"

_QUESTION = re.compile(r"\?[\"'\u201d\u2019)\]\s]*$")
# A relative clause about a person ("the old commander, who led a militia in the 1990s, ...") or a
# comma-led aside: history there describes someone, it does not make the sentence history.
_ASIDE_OPEN = re.compile(r"(?:,\s*(?:which|whose)|\bwho)\b[^,;]*$", re.IGNORECASE)


@dataclass
class ModalityRules:
    rules: list[tuple[str, list[re.Pattern[str]]]]
    event_words: re.Pattern[str]


@lru_cache(maxsize=4)
def load_modality_rules(path: str | None = None) -> ModalityRules:
    """The ordered cue rules of ``data/modality_cues.yaml`` (or another file)."""
    raw = yaml.safe_load(Path(path or CUES_FILE).read_text(encoding="utf-8")) or {}
    rules = []
    for rule in raw.get("rules", []):
        modality = str(rule["modality"])
        if modality not in MODALITIES:
            raise ValueError(f"unknown modality {modality!r} in {path or CUES_FILE}")
        cues = [str(cue) for cue in rule.get("cues", [])]
        if cues:  # one alternation per rule: the earliest cue in the sentence wins
            rules.append((modality, [re.compile("|".join(f"(?:{cue})" for cue in cues), re.IGNORECASE)]))
    words = "|".join(re.escape(w) for w in raw.get("event_words", [])) or r"(?!x)x"
    return ModalityRules(rules=rules, event_words=re.compile(rf"\b(?:{words})", re.IGNORECASE))


def _in_aside(text: str, start: int, end: int) -> bool:
    """Inside a "who ..." clause or a ", which ... ," aside: history there does not make the sentence history."""
    opened = _ASIDE_OPEN.search(text[:start])
    if opened is None:
        return False
    return "who" in opened.group(0).lower().split()[0:2] or "," in text[end:]


def classify_sentence(text: str, dates: Iterable[DateMention] = (), path: str | None = None) -> tuple[str, str | None]:
    """(modality, cue) of one sentence; ``dates`` are its date mentions with offsets relative to ``text``."""
    if _QUESTION.search(text.strip()):
        return "question", "?"
    rules = load_modality_rules(path)
    for mention in dates:
        if mention.historical and not _in_aside(text, mention.start, mention.end):
            return "history", mention.text
    for modality, cues in rules.rules:
        for cue in cues:
            for match in cue.finditer(text):
                if modality == "history" and _in_aside(text, match.start(), match.end()):
                    continue
                if modality == "statement" and rules.event_words.search(text):
                    break
                return modality, match.group(0)
    return "asserted", None


class ModalityComponent:
    """Sets each sentence's modality and cue (using the article's dates, or finding them when absent)."""

    name = "modality"

    def __init__(self, settings: dict[str, Any] | None = None, context: Any = None) -> None:
        self.path = (settings or {}).get("path")
        load_modality_rules(self.path)

    def __call__(self, article: Article) -> Article:
        by_sentence: dict[int, list[DateMention]] = {}
        for d in article.dates:
            by_sentence.setdefault(d.sentence, []).append(d)
        for sentence in article.sentences:
            if article.dates:
                dates = [DateMention(start=d.start - sentence.start, end=d.end - sentence.start, sentence=d.sentence,
                                     text=d.text, historical=d.historical)
                         for d in by_sentence.get(sentence.index, [])]
            else:
                dates = find_dates(sentence.text, article.published)
            sentence.modality, sentence.modality_cue = classify_sentence(sentence.text, dates, self.path)
        return article
