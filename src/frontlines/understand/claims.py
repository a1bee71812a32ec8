"""Claims: tallies and shares of control ("more than 80 of the 421 districts") with who claims them.

A claim records a claimant (an actor id, a named source such as "Interior Ministry", or the article's outlet
when the tally is unattributed), a metric, a count with its comparator, a denominator, the date it holds on
(publication, unless the sentence dates it) and the date it counts from ("since early May").
Claims are never turned into events. Vocabulary: ``data/claim_patterns.yaml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from frontlines.model import ActorMention, Article, Claim, DateMention, Sentence
from frontlines.understand.numbers import load_vocabulary, parse_number

# Date rules too vague to date a tally ("after weeks of fighting ... now control").
VAGUE_DATE_RULES = {"recent_days", "recent_weeks", "recent_months", "this_year", "last_year", "iso"}
CLAIMS_FILE = Path(__file__).resolve().parents[1] / "data" / "claim_patterns.yaml"


@dataclass
class ClaimVocabulary:
    metrics: dict[str, str]          # phrase -> metric
    shares: dict[str, float]
    tally_cues: list[str]
    speech_verbs: list[str]


@lru_cache(maxsize=4)
def load_claim_vocabulary(path: str | None = None) -> ClaimVocabulary:
    """The vocabulary of ``data/claim_patterns.yaml`` (or another file)."""
    raw = yaml.safe_load(Path(path or CLAIMS_FILE).read_text(encoding="utf-8")) or {}
    metrics = {str(p).lower(): metric for metric, phrases in (raw.get("metrics") or {}).items() for p in phrases}
    return ClaimVocabulary(metrics=metrics, shares={str(k).lower(): float(v) for k, v in (raw.get("shares") or {}).items()},
                           tally_cues=[str(c) for c in raw.get("tally_cues", [])],
                           speech_verbs=[str(v) for v in raw.get("speech_verbs", [])])


def _alternatives(words: list[str]) -> str:
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=4)
def _tally_patterns(path: str | None = None) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Two patterns: counted metrics ("at least 14 of the 34 provincial capitals") and shares of territory."""
    vocabulary, numbers = load_claim_vocabulary(path), load_vocabulary()
    comparator = rf"(?:(?P<comparator>{_alternatives(list(numbers.comparators))})\s+)?"
    amount = rf"\d{{1,3}}(?:,\d{{3}})+|\d+|{_alternatives(list(numbers.words))}"
    share = rf"(?P<share>{_alternatives(list(vocabulary.shares))})"
    counted = [p for p, m in vocabulary.metrics.items() if m != "territory_share"]
    territory = [p for p, m in vocabulary.metrics.items() if m == "territory_share"]
    filler = r"(?:[^\W\d][\w\u2019'-]*\s+)"  # a word, never a number
    counted_pattern = re.compile(
        rf"(?<![\w,.]){comparator}(?:{share}|(?P<amount>{amount}))\s+(?:of\s+)?(?:(?:the|all|its)\s+)?{filler}{{0,3}}?"
        rf"(?:(?P<denominator>\d{{1,3}}(?:,\d{{3}})+|\d+)\s+)?{filler}{{0,2}}?"
        rf"(?P<metric>{_alternatives(counted)})(?![\w])", re.IGNORECASE)
    # A possessive is not the territory itself: "half of the nation's whole territory" reads on to "territory".
    territory_pattern = re.compile(
        rf"(?<![\w,.]){comparator}{share}\s+of\s+(?:(?:the|all|its)\s+)?{filler}{{0,3}}?"
        rf"(?P<metric>{_alternatives(territory)})(?![\w])(?![\u2019']s)", re.IGNORECASE)
    return counted_pattern, territory_pattern


def find_claims(article: Article, sentence: Sentence, path: str | None = None,
                actors: list[ActorMention] | None = None, dates: list[DateMention] | None = None) -> list[Claim]:
    """The claims in one sentence of an article (its actors and dates, when present, name the claimant and dates).

    ``actors`` and ``dates`` are the sentence's own mentions when the caller has them grouped already.
    """
    vocabulary, numbers = load_claim_vocabulary(path), load_vocabulary()
    text = article.text[sentence.start:sentence.end]
    if actors is None:
        actors = article.in_sentence(article.actors, sentence.index)
    if dates is None:
        dates = article.in_sentence(article.dates, sentence.index)
    claims = []
    counted, territory = _tally_patterns(path)
    for match in [*counted.finditer(text), *territory.finditer(text)]:
        metric = vocabulary.metrics[re.sub(r"\s+", " ", match.group("metric").lower())]
        comparator = numbers.comparators.get(re.sub(r"\s+", " ", (match.group("comparator") or "").lower()), "exactly")
        denominator = int(match.group("denominator").replace(",", "")) if match.groupdict().get("denominator") else None
        count = _count(match, vocabulary, denominator)
        if count is None:
            continue
        if comparator == "exactly" and denominator is None and not match.group("share") \
                and metric != "civilian_casualties" and not _has_cue(text, vocabulary.tally_cues):
            continue
        as_of, since = _claim_dates(article, sentence, text, dates)
        claims.append(Claim(article_id=article.id, sentence=sentence.index, start=sentence.start + match.start(),
                            end=sentence.start + match.end(), text=match.group(0), metric=metric,
                            claimant=_claimant(article, sentence, text, actors, vocabulary),
                            count=count, comparator=comparator, denominator=denominator, as_of=as_of, since=since))
    return claims


def _count(match: re.Match[str], vocabulary: ClaimVocabulary, denominator: int | None) -> float | None:
    if match.groupdict().get("share"):
        share = vocabulary.shares[re.sub(r"\s+", " ", match.group("share").lower())]
        # A share of a counted whole is a count in the metric's unit; a share of territory stays a share.
        return round(share * denominator, 1) if denominator else share
    estimate = parse_number(match.group("amount") or "")
    return float(estimate[1]) if estimate and estimate[1] is not None else None


def _has_cue(text: str, cues: list[str]) -> bool:
    return re.search(rf"\b(?:{_alternatives(cues)})\b", text, re.IGNORECASE) is not None


def _claimant(article: Article, sentence: Sentence, text: str, actors: list[ActorMention],
              vocabulary: ClaimVocabulary) -> str | None:
    """Who makes the claim: 'according to X', an actor before a claim/speech verb, else the outlet."""
    according = re.search(r"\b(?i:according\s+to)\s+(?:the\s+)?(?:[A-Z][\w]*['\u2019]s\s+)?(?P<source>[^,;]+)", text)
    if according:
        return according.group("source").strip()
    verbs = re.compile(rf"\b(?:{_alternatives(vocabulary.speech_verbs)})\b", re.IGNORECASE)
    for verb in verbs.finditer(text):
        speaker = _nearest_before(actors, sentence.start + verb.start())
        if speaker is not None:
            return speaker.actor_id
    return article.outlet


def _nearest_before(actors: list[ActorMention], offset: int) -> ActorMention | None:
    before = [m for m in actors if m.end <= offset and offset - m.end <= 40]
    return before[-1] if before else None


def _claim_dates(article: Article, sentence: Sentence, text: str,
                 dates: list[DateMention]) -> tuple[date | None, date | None]:
    """as_of: the publication date unless the sentence dates the tally; since: the date after 'since'."""
    as_of, since = article.published, None
    for mention in dates:
        if mention.historical or mention.date_start is None or mention.rule in VAGUE_DATE_RULES:
            continue
        if article.published and mention.date_start > article.published:
            continue
        local = mention.start - sentence.start
        if re.search(r"\bsince\b[^.;]*$", text[:local], re.IGNORECASE) or mention.text.lower().startswith("since"):
            since = mention.date_start
        elif mention.date_end:
            as_of = min(mention.date_end, article.published) if article.published else mention.date_end
            since = since or mention.date_start
    return as_of, since


class ClaimComponent:
    """Fills ``article.claims``."""

    name = "claims"

    def __init__(self, settings: dict[str, Any] | None = None, context: Any = None) -> None:
        self.path = (settings or {}).get("path")

    def __call__(self, article: Article) -> Article:
        sentences = article.sentences or [Sentence(index=0, start=0, end=len(article.text), text=article.text)]
        actors: dict[int, list[ActorMention]] = {}
        dates: dict[int, list[DateMention]] = {}
        for mention in article.actors:
            actors.setdefault(mention.sentence, []).append(mention)
        for mention in article.dates:
            dates.setdefault(mention.sentence, []).append(mention)
        claims = [claim for sentence in sentences
                  for claim in find_claims(article, sentence, self.path, actors.get(sentence.index, []),
                                           dates.get(sentence.index, []))]
        for i, claim in enumerate(claims):
            claim.id = f"{article.id}:c{i}"
        article.claims = claims
        return article
