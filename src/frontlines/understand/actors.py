"""Who: find actor mentions and resolve them to the canonical actors of ``data/actors.yaml``.

Four ways an actor is recognised, recorded in ``ActorMention.via``:

* ``alias``: a name from the dictionary ("Taliban", "Afghan government forces", "Tullivan");
* ``fuzzy``: a capitalised word close to a fuzzy-listed name ("Talibn");
* ``context``: a generic reference ("the militants", "the group") resolved to the armed non-state actor
  that dominates the paragraph, else the article;
* ``coreference``: "they" resolved to the nearest preceding actor, when that is unambiguous.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml
from rapidfuzz import fuzz

from frontlines.model import INTER_CODES, Actor, ActorMention, Article, Sentence
from frontlines.understand.countries import country_words
from frontlines.understand.generic_actors import is_generic

ACTORS_FILE = Path(__file__).resolve().parents[1] / "data" / "actors.yaml"

# A name starts after a non-word character, or where a lower-case letter runs into a capital
# (machine translation glues sentences: "of Lashkar GahRebels").
_LEFT = r"(?:(?<![\w-])|(?-i:(?<=[a-z])(?=[A-Z])))"
_RIGHT = r"(?![\w])"
REACH = 4   # sentences a pronoun or generic reference reaches back, at most
_WORD_TOKEN = re.compile(r"[\w'\u2019.-]+")
_WORD = re.compile(r"[A-Z][a-z]{4,}\w*")
# Capitalised words before a cue that are not an organisation's name ("Some rebels", "Armed militants").
_NOT_A_NAME = {"the", "a", "an", "some", "armed", "several", "many", "suspected", "local", "islamist", "islamic",
               "jihadist", "rebel", "militant", "these", "those", "two", "three", "dozens", "hundreds", "other",
               "foreign", "unidentified", "unknown", "in", "on", "at", "by", "and", "but", "when", "as", "after",
               "allied", "rival", "pro-government", "anti-government", "government", "ethnic", "tribal", "its",
               "their", "his", "her", "heavily", "masked", "gunmen", "more", "said", "say", "says", "fundamentalist",
               "extremist", "radical", "hardline", "militant", "insurgent", "separatist", "jihadi", "muslim",
               "christian", "sunni", "shia", "shiite", "former", "new", "young", "most", "all", "many", "few"}


@dataclass
class _Span:
    start: int
    end: int
    actor_id: str | None
    via: str


@dataclass
class ActorDictionary:
    """The actor dictionary: canonical actors and the names that point to them."""
    actors: dict[str, Actor]
    names: dict[str, str] = field(default_factory=dict)          # alias -> actor id (case-insensitive)
    exact_names: dict[str, str] = field(default_factory=dict)    # alias -> actor id (exact case)
    fuzzy_names: dict[str, str] = field(default_factory=dict)
    blocked: list[str] = field(default_factory=list)
    reference_phrases: list[str] = field(default_factory=list)
    reference_candidates: list[str] = field(default_factory=list)
    pronouns: list[str] = field(default_factory=list)
    country_phrases: dict[str, str] = field(default_factory=dict)   # force word -> generic actor id
    organisation_cues: dict[str, str] = field(default_factory=dict)  # cue word -> ACLED type of an unknown org
    organisation_words: set[str] = field(default_factory=set)      # words an organisation's own name ends in
    fuzzy_threshold: float = 88.0

    def get(self, actor_id: str) -> Actor | None:
        """The actor with this id, or None."""
        return self.actors.get(actor_id)

    def by_name(self, name: str) -> Actor | None:
        """The actor with this display name, id or alias (case-insensitive), or None."""
        key = name.strip().casefold()
        for actor in self.actors.values():
            if key in (actor.id.casefold(), actor.name.casefold()):
                return actor
        actor_id = self.exact_names.get(name.strip()) or {k.casefold(): v for k, v in self.names.items()}.get(key)
        return self.actors.get(actor_id) if actor_id else None

    def all(self) -> list[Actor]:
        """Every canonical actor, in dictionary order."""
        return list(self.actors.values())

    def type_on(self, actor_id: str, day: date | None) -> str | None:
        actor = self.get(actor_id)
        return actor.type_on(day) if actor else None


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _is_exact(alias: str) -> bool:
    """Acronyms and dotted names ("UN", "U.S.") must match their case: "us" is not the United States."""
    return bool(re.search(r"[A-Z]{2}|\.", alias))


def load_actors(path: str | Path | None = None) -> ActorDictionary:
    """Read an actor dictionary (default: the packaged ``data/actors.yaml``)."""
    path = Path(path) if path else ACTORS_FILE
    return _load_actors(str(path))


def read_yaml(path: Path) -> Any:
    """A YAML file, parsed by libyaml when PyYAML has it (the same values, five times faster: the armed groups
    of the world are 80 KiB)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@lru_cache(maxsize=8)
def _load_actors(path: str) -> ActorDictionary:
    raw = read_yaml(Path(path)) or {}
    dictionary = ActorDictionary(actors={}, fuzzy_threshold=float(raw.get("fuzzy_threshold", 88)))
    _add_actors(dictionary, raw.get("actors", []))
    blocked = [str(b) for b in raw.get("blocked", [])]
    for name in raw.get("include", []):   # further files of actors, beside this one
        extra = read_yaml(Path(path).parent / name) or {}
        _add_actors(dictionary, extra.get("actors", []))
        blocked += [str(b) for b in extra.get("blocked", [])]
        for iso2, aliases in (extra.get("state_forces_aliases") or {}).items():
            for alias in aliases:   # "SAF", "FARDC", "Tatmadaw": a country's state forces by their own names
                target = dictionary.exact_names if _is_exact(str(alias)) else dictionary.names
                target.setdefault(str(alias), f"state_forces:{iso2}")
    dictionary.blocked = blocked
    references = raw.get("references", {}) or {}
    dictionary.reference_phrases = [str(p) for p in references.get("phrases", [])]
    dictionary.reference_candidates = [str(c) for c in references.get("candidates", [])]
    dictionary.pronouns = [str(p) for p in raw.get("pronouns", [])]
    for kind, words in (raw.get("organisation_cues") or {}).items():
        if kind not in INTER_CODES:   # the ACLED actor types
            raise ValueError(f"{path}: organisation_cues: {kind!r} is not an ACLED actor type")
        dictionary.organisation_cues.update({str(w).casefold(): kind for w in words})
    dictionary.organisation_words = {str(w).casefold() for w in raw.get("organisation_words") or []}
    for actor_id, words in (raw.get("country_phrases") or {}).items():
        if actor_id not in dictionary.actors or not is_generic(dictionary.actors[actor_id]):
            raise ValueError(f"{path}: country_phrases: {actor_id!r} is not a generic actor of the dictionary")
        dictionary.country_phrases.update({str(w).casefold(): actor_id for w in words})
    return dictionary


def _add_actors(dictionary: ActorDictionary, entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        roles = [(r["type"], _as_date(r.get("from")), _as_date(r.get("to"))) for r in entry.get("roles", [])]
        actor = Actor(id=entry["id"], name=entry["name"], roles=roles, country=entry.get("country"))
        dictionary.actors[actor.id] = actor
        own_name = [] if is_generic(actor) else [actor.name]
        for alias in own_name + list(entry.get("aliases", [])) + list(entry.get("variants", [])):
            target = dictionary.exact_names if _is_exact(str(alias)) else dictionary.names
            target.setdefault(str(alias), actor.id)
        for alias in entry.get("exact", []):
            dictionary.exact_names.setdefault(str(alias), actor.id)
        for alias in entry.get("fuzzy", []):
            dictionary.fuzzy_names[str(alias)] = actor.id


def _pattern(names: Iterable[str], flags: int) -> re.Pattern[str] | None:
    names = sorted(set(names), key=len, reverse=True)
    if not names:
        return None
    alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s+").replace("'", "['\u2019]") for n in names)
    return re.compile(f"{_LEFT}(?:{alternatives}){_RIGHT}", flags)


class ActorMatcher:
    """Finds actor mentions in text with one dictionary (compiled once)."""

    def __init__(self, dictionary: ActorDictionary) -> None:
        self.dictionary = dictionary
        self._folded = {k.casefold(): v for k, v in dictionary.names.items()}
        self._names = _pattern(dictionary.names, re.IGNORECASE)
        self._exact = _pattern(dictionary.exact_names, 0)
        self._blocked = _pattern(dictionary.blocked, re.IGNORECASE)
        self._references = _pattern(dictionary.reference_phrases, re.IGNORECASE)
        self._pronouns = _pattern(dictionary.pronouns, re.IGNORECASE)
        self._force_words = _pattern(dictionary.country_phrases, re.IGNORECASE)
        cues = "|".join(sorted((re.escape(c) for c in dictionary.organisation_cues), key=len, reverse=True))
        self._organisation = re.compile(r"\b(?P<name>(?-i:(?:[A-Z][\w'\u2019-]*\s+){1,4}))(?P<cue>" + cues + r")\b",
                                        re.IGNORECASE) if cues else None

    def find(self, article: Article) -> list[ActorMention]:
        """Every actor mention in the article, resolved where the article allows it."""
        text = article.text
        index = _SentenceIndex(article.sentences or [Sentence(index=0, start=0, end=len(text), text=text)])
        blocked = _Taken((m.start(), m.end()) for m in self._blocked.finditer(text)) if self._blocked else _Taken([])
        spans = self._named(text, blocked)
        national = self._national(text, spans, blocked)
        if national:   # "Congolese civilians" replaces the generic "civilians" inside it
            inside = _Taken((n.start, n.end) for n in national)
            spans = [s for s in spans if not inside.overlaps(s.start, s.end)] + national
        spans += self._fuzzy(text, spans)
        places = _Taken((p.start, p.end) for p in article.places)   # "Kunduz fighters" are fighters in Kunduz
        spans += self._organisations(text, spans, blocked, places)
        spans += self._generic(text, spans)
        spans.sort(key=lambda s: s.start)
        sentences = [index.at(span.start) for span in spans]
        self._resolve_references(spans, sentences)
        self._resolve_pronouns(text, spans, sentences)
        return [ActorMention(start=span.start, end=span.end, sentence=sentence.index, text=text[span.start:span.end],
                             actor_id=span.actor_id, via=span.via)
                for span, sentence in zip(spans, sentences) if span.actor_id and sentence is not None]

    def _named(self, text: str, blocked: "_Taken") -> list[_Span]:
        found: list[_Span] = []
        for pattern, lookup in ((self._names, lambda s: self._folded.get(_squash(s).casefold())),
                                (self._exact, lambda s: self.dictionary.exact_names.get(_squash(s)))):
            if pattern is None:
                continue
            for match in pattern.finditer(text):
                actor_id = lookup(match.group(0).replace("\u2019", "'"))
                if actor_id and not blocked.overlaps(match.start(), match.end()):
                    found.append(_Span(match.start(), match.end(), actor_id, "alias"))
        return _longest(found)

    def _national(self, text: str, taken: list[_Span], blocked: "_Taken") -> list[_Span]:
        """"Sudanese troops", "Mali's junta", "the Myanmar military": a country's generic actor (``state_forces:SD``)."""
        if self._force_words is None:
            return []
        words_of = country_words()
        generic = {actor_id for actor_id in self.dictionary.country_phrases.values()}
        occupied = _Taken((s.start, s.end) for s in taken if s.actor_id not in generic)
        found = []
        for match in self._force_words.finditer(text):
            offset = max(0, match.start() - 60)
            before = list(_WORD_TOKEN.finditer(text, offset, match.start()))
            if not before or text[before[-1].end():match.start()].strip():
                continue
            for k in range(max(0, len(before) - 4), len(before)):   # the longest country phrase first
                phrase = " ".join(w.group(0) for w in before[k:]).replace("’", "'")
                iso2 = words_of.get(phrase.casefold())
                if iso2 and phrase[:1].isupper():
                    start = before[k].start()
                    if not occupied.overlaps(start, match.end()) and not blocked.overlaps(start, match.end()):
                        actor_id = self.dictionary.country_phrases[_squash(match.group(0)).casefold()]
                        found.append(_Span(start, match.end(), f"{actor_id}:{iso2}", "alias"))
                    break
        return found

    def _organisations(self, text: str, taken: list[_Span], blocked: "_Taken", places: "_Taken") -> list[_Span]:
        """"Ambazonian separatists", "Mai-Mai Yakutumba fighters": an organisation the dictionary does not know,
        by its capitalised name before a cue word, as an actor ``org:<type>:<name>`` (see :func:`organisation`)."""
        if self._organisation is None:
            return []
        occupied = _Taken((s.start, s.end) for s in taken)
        countries = country_words()
        found = []
        for match in self._organisation.finditer(text):
            words = match.group("name").split()
            while words and words[0].casefold() in _NOT_A_NAME:
                words = words[1:]
            if not words or " ".join(words).casefold() in countries or words[-1].casefold() in countries:
                continue   # "Sudanese militias" is a country phrase; "Some rebels" names nobody
            start = match.start("name") + match.group("name").index(words[0])
            if occupied.overlaps(start, match.end()) or blocked.overlaps(start, match.end()) \
                    or places.overlaps(start, match.start("cue")):
                continue
            cue = match.group("cue").casefold()
            found.append(_Span(start, match.end(), organisation_id(self.dictionary.organisation_cues[cue],
                                                                   " ".join(words), cue,
                                                                   self.dictionary.organisation_words), "organisation"))
        return found

    def _fuzzy(self, text: str, taken: list[_Span]) -> list[_Span]:
        if not self.dictionary.fuzzy_names:
            return []
        found = []
        occupied = _Taken((s.start, s.end) for s in taken)
        for match in _WORD.finditer(text):
            if occupied.overlaps(match.start(), match.end()):
                continue
            word = match.group(0)
            for name, actor_id in self.dictionary.fuzzy_names.items():
                if word.casefold() != name.casefold() and fuzz.ratio(word.casefold(), name.casefold()) >= self.dictionary.fuzzy_threshold:
                    found.append(_Span(match.start(), match.end(), actor_id, "fuzzy"))
                    break
        return found

    def _generic(self, text: str, taken: list[_Span]) -> list[_Span]:
        spans = []
        if self._references is not None:
            spans += [_Span(m.start(), m.end(), None, "context") for m in self._references.finditer(text)]
        if self._pronouns is not None:
            spans += [_Span(m.start(), m.end(), None, "coreference") for m in self._pronouns.finditer(text)]
        occupied = _Taken((s.start, s.end) for s in taken)
        return [s for s in _longest(spans) if not occupied.overlaps(s.start, s.end)]

    def _resolve_references(self, spans: list[_Span], sentences: list[Sentence | None]) -> None:
        candidates = set(self.dictionary.reference_candidates)
        named = [s.actor_id for s in spans if s.via in ("alias", "fuzzy") and s.actor_id in candidates]
        article_choice = _dominant(named)
        for i, span in enumerate(spans):
            if span.via != "context" or sentences[i] is None:
                continue
            before = [spans[j].actor_id for j in _reach_back(spans, sentences, i)
                      if spans[j].via in ("alias", "fuzzy") and spans[j].actor_id in candidates]
            before.reverse()
            # The dominant actor named so far nearby; on a tie, the most recently named one.
            span.actor_id = (_dominant(before) or before[-1]) if before else article_choice

    def _resolve_pronouns(self, text: str, spans: list[_Span], sentences: list[Sentence | None]) -> None:
        for i, span in enumerate(spans):
            if span.via != "coreference" or sentences[i] is None:
                continue
            window = [j for j in _reach_back(spans, sentences, i) if spans[j].actor_id and spans[j].via != "coreference"]
            if not window:
                continue
            here = sentences[i]
            if not text[here.start:span.start].strip(" \t\n\"'\u201c\u2018"):
                # "They seized Taloqan." opening a sentence continues the previous sentence's subject, which is
                # most often its first-named actor ("The Taliban seized Kunduz while US forces were leaving."),
                # not its last
                previous = [j for j in window if sentences[j].index == here.index - 1]
                if previous and not any(sentences[j].index == here.index for j in window):
                    window = [previous[-1]] + [j for j in window if j != previous[-1]]
            nearest = spans[window[0]]
            if len(window) > 1 and _coordinated(text, spans[window[1]], nearest):
                continue
            span.actor_id = nearest.actor_id


def _reach_back(spans: list[_Span], sentences: list[Sentence | None], i: int) -> Iterator[int]:
    """Indexes of the spans before span ``i`` that a reference can reach (nearest first): its sentence,
    the previous sentence, and earlier sentences of its paragraph, at most ``REACH`` sentences back."""
    here = sentences[i]
    for j in range(i - 1, -1, -1):
        there = sentences[j]
        if there is None:
            continue
        if here.index - there.index > REACH:
            return
        if there.index in (here.index, here.index - 1) or there.paragraph == here.paragraph:
            yield j
        else:
            return


class _Taken:
    """Sorted, non-overlapping spans with a fast overlap test (hostile articles hold tens of thousands)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if merged and start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        self.starts = [a for a, _ in merged]
        self.spans = merged

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start) - 1
        return any(0 <= j < len(self.spans) and self.spans[j][0] < end and start < self.spans[j][1] for j in (i, i + 1))


class _SentenceIndex:
    """Which sentence holds an offset, by binary search."""

    def __init__(self, sentences: list[Sentence]) -> None:
        self.sentences = sentences
        self.starts = [s.start for s in sentences]

    def at(self, offset: int) -> Sentence | None:
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.sentences[i].end:
            return self.sentences[i]
        return None


def organisation_id(kind: str, name: str, cue: str, organisation_words: set[str]) -> str:
    """The id of an organisation the dictionary does not know: ``org:<ACLED type>:<display name>``. The display
    name is the organisation's own when it ends in an organisation word ("Zintan Brigade"), else name + cue
    ("Ambazonian Separatists")."""
    name = _squash(name)
    if name.split()[-1].casefold() not in organisation_words:
        name = f"{name} {cue.title()}"
    return f"org:{kind}:{name}"


def _squash(name: str) -> str:
    return re.sub(r"\s+", " ", name)


def _longest(spans: list[_Span]) -> list[_Span]:
    """Non-overlapping spans, preferring the earliest then the longest."""
    out: list[_Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if not out or span.start >= out[-1].end:
            out.append(span)
    return out


def _dominant(actor_ids: Iterable[str | None]) -> str | None:
    counts = Counter(a for a in actor_ids if a).most_common(2)
    if not counts or (len(counts) == 2 and counts[0][1] == counts[1][1]):
        return None
    return counts[0][0]


def _coordinated(text: str, first: _Span, second: _Span) -> bool:
    """'X and Y' / 'X, Y': a plural pronoun after it refers to both, so it is left unresolved."""
    between = text[first.end:second.start]
    return first.actor_id != second.actor_id and re.fullmatch(r"\s*(?:,|and|&|or)\s*(?:the\s+)?", between) is not None


class ActorComponent:
    """Fills ``article.actors`` from the actor dictionary (setting ``path`` to use another file)."""

    name = "actors"

    def __init__(self, settings: dict[str, Any] | None = None, context: Any = None) -> None:
        settings = settings or {}
        self.dictionary = load_actors(settings.get("path"))
        self.matcher = ActorMatcher(self.dictionary)

    def __call__(self, article: Article) -> Article:
        article.actors = self.matcher.find(article)
        return article
