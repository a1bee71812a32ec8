"""The event patterns and the ACLED taxonomy, loaded from data files a user can read and extend."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

DATA = Path(__file__).resolve().parents[1] / "data"
PATTERNS_FILE = DATA / "event_patterns.yaml"
TAXONOMY_FILE = DATA / "acled_taxonomy.yaml"

WILDCARD_STOPS = {".", ";", ":", ",", "!", "?"}
_TOKEN = re.compile(r"n't|\w+(?:['\u2019]\w+)*|[^\w\s]")


class PatternError(ValueError):
    """An event patterns or taxonomy file is malformed."""


class Token(NamedTuple):   # a tuple, not a frozen dataclass: sentences make thousands of them
    text: str        # lower-cased
    start: int       # offsets into Article.text
    end: int


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Words and punctuation of ``text`` with offsets shifted by ``offset``."""
    return [Token(m.group().lower().replace("\u2019", "'"), m.start() + offset, m.end() + offset)
            for m in _TOKEN.finditer(text)]


@dataclass
class EventClass:
    """One kind of trigger: its phrases and how it is coded."""
    name: str
    phrases: list[tuple[str, ...]]
    sub_event_type: str | None = None
    state_sub_event_type: str | None = None
    non_state_sub_event_type: str | None = None
    territory: bool = False
    place_before: set[tuple[str, ...]] = field(default_factory=set)
    agent_after: set[tuple[str, ...]] = field(default_factory=set)
    actor1_types: set[str] | None = None
    confidence: float = 0.6
    not_after: set[str] = field(default_factory=set)
    not_preceded_by: set[str] = field(default_factory=set)
    requires_before: set[str] = field(default_factory=set)
    victims: set[str] = field(default_factory=set)   # counts only where the sentence counts dead of these kinds
    named_agent: bool = False   # counts only when the sentence itself names who acted
    converts_territory: set[tuple[str, ...]] = field(default_factory=set)
    default_actor2: str | None = None
    default_actor1: str | None = None   # who acted when the article names no armed actor at all ("suicide bombers")
    recent_days: int | None = None
    targets: str | None = None   # "armed" | "civilian": what was hit must be of this kind
    agent_loses: bool = False    # the subject gave the place up ("the army withdrew from X"): its opponent took it

    def sub_event_for(self, actor_type: str | None) -> str:
        if self.sub_event_type:
            return self.sub_event_type
        if actor_type == "State forces":
            return self.state_sub_event_type or ""
        return self.non_state_sub_event_type or ""


@dataclass
class Trigger:
    """A phrase of an event class found in a sentence: tokens ``[first, last]``."""
    event_class: EventClass
    phrase: tuple[str, ...]
    first: int
    last: int


@dataclass
class EventPatterns:
    classes: list[EventClass]
    not_done: set[str]
    done: set[str]
    scope_stop: set[str]
    territory_stop: set[str]
    list_joiners: set[str]
    reach: int
    ally_markers: set[str]
    passive_markers: set[str]
    territory_kinds: set[str]
    default_opponents: dict[str, str]
    max_age_days: int
    recent_days: int
    day_offsets: dict[tuple[str, ...], int] = field(default_factory=dict)
    not_combatants: set[str] = field(default_factory=set)
    companions: list[tuple[str, ...]] = field(default_factory=list)
    partial_control: set[str] = field(default_factory=set)
    refers_back: set[str] = field(default_factory=set)
    claim_verbs: set[str] = field(default_factory=set)
    parts_within: set[str] = field(default_factory=set)
    armed_targets: set[str] = field(default_factory=set)
    civilian_targets: set[str] = field(default_factory=set)
    non_state_words: set[str] = field(default_factory=set)
    _by_first: dict[str, list[tuple[tuple[str, ...], EventClass]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for cls in self.classes:
            for phrase in cls.phrases:
                self._by_first.setdefault(phrase[0], []).append((phrase, cls))
        for options in self._by_first.values():
            options.sort(key=lambda item: -len(item[0]))   # longest phrase wins

    def triggers(self, tokens: list[Token]) -> list[Trigger]:
        """Non-overlapping trigger phrases in a token list, left to right, longest first."""
        found, i = [], 0
        while i < len(tokens):
            match = None
            for phrase, cls in self._by_first.get(tokens[i].text, ()):
                length = _match(phrase, tokens, i)
                if length and _fits(cls, tokens, i, length):
                    match = Trigger(cls, phrase, i, i + length - 1)
                    break
            if match:
                found.append(match)
                i = match.last + 1
            else:
                i += 1
        return found


def _match(phrase: tuple[str, ...], tokens: list[Token], i: int) -> int:
    """How many tokens from ``i`` the phrase covers (0: no match); "*" covers one to four words."""
    if not phrase:
        return 0
    if phrase[0] == "*":
        for width in range(1, 5):
            if i + width > len(tokens) or tokens[i + width - 1].text in WILDCARD_STOPS:
                break
            rest = _match(phrase[1:], tokens, i + width) if len(phrase) > 1 else 0
            if len(phrase) == 1 or rest:
                return width + rest
        return 0
    if i >= len(tokens) or tokens[i].text != phrase[0]:
        return 0
    if len(phrase) == 1:
        return 1
    rest = _match(phrase[1:], tokens, i + 1)
    return 1 + rest if rest else 0


def _fits(cls: EventClass, tokens: list[Token], i: int, length: int) -> bool:
    """The words around a phrase allow it: "aircraft struck" yes, "took part" no."""
    if cls.requires_before and (i == 0 or tokens[i - 1].text not in cls.requires_before):
        return False
    after = tokens[i + length].text if i + length < len(tokens) else ""
    if after in cls.not_after:
        return False
    return not any(t.text in cls.not_preceded_by for t in tokens[max(0, i - 4):i])


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(t.text for t in tokenize(str(text)))


def _words(values: Any) -> set[str]:
    return {str(v).lower() for v in (values or [])}


@lru_cache(maxsize=8)
def load_patterns(path: str | Path | None = None) -> EventPatterns:
    """Event patterns from ``data/event_patterns.yaml`` (or a user's file of the same shape)."""
    raw = _read_yaml(path or PATTERNS_FILE)
    classes = []
    for name, spec in (raw.get("classes") or {}).items():
        if not isinstance(spec, dict) or not spec.get("phrases"):
            raise PatternError(f"event class {name!r} needs a list of phrases")
        if not (spec.get("sub_event_type") or spec.get("non_state_sub_event_type")):
            raise PatternError(f"event class {name!r} needs a sub_event_type")
        classes.append(EventClass(
            name=name, phrases=[_phrase(p) for p in spec["phrases"]],
            sub_event_type=spec.get("sub_event_type"), state_sub_event_type=spec.get("state_sub_event_type"),
            non_state_sub_event_type=spec.get("non_state_sub_event_type"), territory=bool(spec.get("territory")),
            place_before={_phrase(p) for p in spec.get("place_before", [])},
            agent_after={_phrase(p) for p in spec.get("agent_after", [])},
            actor1_types=set(spec["actor1_types"]) if spec.get("actor1_types") else None,
            confidence=float(spec.get("confidence", 0.6)),
            not_after=_words(spec.get("not_after")), not_preceded_by=_words(spec.get("not_preceded_by")),
            requires_before=_words(spec.get("requires_before")), victims=_words(spec.get("victims")),
            named_agent=bool(spec.get("named_agent")),
            converts_territory={_phrase(p) for p in spec.get("converts_territory", [])},
            default_actor2=spec.get("default_actor2"), default_actor1=spec.get("default_actor1"),
            recent_days=int(spec["recent_days"]) if spec.get("recent_days") is not None else None,
            targets=_targets(name, spec.get("targets")), agent_loses=bool(spec.get("agent_loses"))))
    return EventPatterns(
        classes=classes, not_done=_words(raw.get("not_done")), done=_words(raw.get("done")),
        scope_stop=_words(raw.get("scope_stop")), territory_stop=_words(raw.get("territory_stop")),
        list_joiners=_words(raw.get("list_joiners")), reach=int(raw.get("reach", 12)),
        ally_markers=_words(raw.get("ally_markers")), passive_markers=_words(raw.get("passive_markers")),
        territory_kinds=_words(raw.get("territory_kinds")),
        default_opponents={str(k): str(v) for k, v in (raw.get("default_opponents") or {}).items()},
        max_age_days=int(raw.get("max_age_days", 365)), recent_days=int(raw.get("recent_days", 30)),
        day_offsets={_phrase(k): int(v) for k, v in (raw.get("day_offsets") or {}).items()},
        not_combatants={str(v) for v in raw.get("not_combatants") or []},
        companions=[_phrase(p) for p in raw.get("companions") or []],
        partial_control=_words(raw.get("partial_control")), parts_within=_words(raw.get("parts_within")),
        refers_back=_words(raw.get("refers_back")),
        claim_verbs=_words(raw.get("claim_verbs")),
        armed_targets=_words(raw.get("armed_targets")), civilian_targets=_words(raw.get("civilian_targets")),
        non_state_words=_words(raw.get("non_state_words")))


def _targets(name: str, value: Any) -> str | None:
    if value in (None, "armed", "civilian"):
        return value
    raise PatternError(f"event class {name!r}: targets must be 'armed' or 'civilian', not {value!r}")


@dataclass
class Taxonomy:
    """ACLED's event types, sub-event types, disorder types, hierarchy and note templates."""
    event_type_of: dict[str, str]
    disorder_type_of: dict[str, str]
    rank: dict[str, int]
    notes: dict[str, str]
    slack_days: dict[str, int] = field(default_factory=dict)

    def slack(self, sub_event_type: str) -> int:
        """Days two reports of one event of this type may disagree by."""
        return self.slack_days.get(sub_event_type, self.slack_days.get("default", 1))

    def event_type(self, sub_event_type: str) -> str:
        return self.event_type_of.get(sub_event_type, "")

    def disorder_type(self, sub_event_type: str) -> str:
        return self.disorder_type_of.get(sub_event_type, "")


@lru_cache(maxsize=4)
def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """The ACLED taxonomy from ``data/acled_taxonomy.yaml``."""
    raw = _read_yaml(path or TAXONOMY_FILE)
    event_type_of, disorder_type_of = {}, {}
    for event_type, spec in (raw.get("event_types") or {}).items():
        for sub in spec.get("sub_event_types", []):
            event_type_of[sub] = event_type
            disorder_type_of[sub] = spec.get("disorder_type", "")
    rank = {sub: i for i, sub in enumerate(raw.get("hierarchy") or [])}
    unknown = set(rank) - set(event_type_of)
    if unknown:
        raise PatternError(f"hierarchy names unknown sub-event types: {sorted(unknown)}")
    slack = {str(k): int(v) for k, v in (raw.get("fusion_slack_days") or {}).items()}
    return Taxonomy(event_type_of, disorder_type_of, rank, raw.get("notes") or {}, slack)


def _read_yaml(path: str | Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PatternError(f"cannot read {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise PatternError(f"{path} is not a mapping")
    return raw
