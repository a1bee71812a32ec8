"""The data model every stage reads and enriches.

Like spaCy's ``Doc``, an :class:`Article` is the one object that flows through the
pipeline. Ingest fills its metadata and text; ``understand`` adds sentences and
annotations (places, actors, dates, quantities, claims, modality); ``coding`` adds
event mentions. ``fuse`` turns mentions from many articles into :class:`Event` records,
and ``control`` derives :class:`ControlInterval` records from events.

All character offsets are into ``Article.text`` (not the sentence), half-open ``[start, end)``.
"""
from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# How the publication date was known, strongest first (issue 2: field > HTML > dateline > none).
DATE_SOURCES = ("field", "feed", "html", "dateline")

# ACLED "inter" codes by actor type.
# The sub-event types that change who holds a place (fusion joins their undated reports; evaluation scores them).
TERRITORY = ("Non-state actor overtakes territory", "Government regains territory", "Non-violent transfer of territory")

INTER_CODES = {
    "State forces": 1,
    "Rebel group": 2,
    "Political militia": 3,
    "Identity militia": 4,
    "Rioters": 5,
    "Protesters": 6,
    "Civilians": 7,
    "External/Other forces": 8,
}

# Sentence modality: only "asserted" sentences may yield events.
MODALITIES = (
    "asserted", "history", "threat", "plan", "prediction", "conditional",
    "denial", "appeal", "question", "statement",
)


def normalise_text(text: str) -> str:
    """NFC-normalise and unify line endings; the form whose hash identifies an article."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def content_hash(text: str) -> str:
    """SHA-256 of the normalised text: the same content always hashes the same."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    text: str
    paragraph: int = 0
    modality: str = "asserted"
    modality_cue: str | None = None


@dataclass
class Place:
    """A gazetteer entry: a point (town, crossing, base) or an area (country, province, district)."""
    id: str                      # "gn:1138958", "af:kunduz", "adm2:AF1701", "iso:AF-KDZ"
    name: str
    kind: str                    # country | province | district | city | town | village | border_crossing | airport | base | region | sea | river
    country: str                 # ISO 3166-1 alpha-2, "AF"
    admin1: str | None = None    # province name
    admin2: str | None = None    # district name
    admin1_code: str | None = None
    admin2_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    population: int = 0
    is_capital: bool = False     # seat of its admin1 (provincial capital) or of the country
    source: str = ""             # geonames | pycountry | curated | boundary:<file>


@dataclass
class PlaceMention:
    start: int
    end: int
    sentence: int
    text: str
    place: Place | None = None
    score: float = 0.0
    reason: str = ""
    geo_precision: int | None = None   # ACLED: 1 town, 2 near a town / part of a region, 3 larger region


@dataclass
class Actor:
    """A canonical actor from the dictionary (``data/actors.yaml``)."""
    id: str                      # "taliban"
    name: str                    # ACLED-style display name
    roles: list[tuple[str, date | None, date | None]] = field(default_factory=list)  # (type, from, to)
    country: str | None = None

    def type_on(self, day: date | None) -> str:
        """ACLED actor type on a day (the Taliban are a Rebel group until 2021-08-15, State forces after)."""
        for kind, start, end in self.roles:
            if day is None or ((start is None or day >= start) and (end is None or day < end)):
                return kind
        return self.roles[-1][0] if self.roles else "External/Other forces"

    def inter_on(self, day: date | None) -> int:
        return INTER_CODES.get(self.type_on(day), 8)


@dataclass
class ActorMention:
    start: int
    end: int
    sentence: int
    text: str
    actor_id: str
    via: str = "alias"           # alias | fuzzy | coreference | context


@dataclass
class DateMention:
    start: int
    end: int
    sentence: int
    text: str
    date_start: date | None = None
    date_end: date | None = None
    precision: int | None = None     # ACLED time_precision: 1 day, 2 week/weekend, 3 month
    historical: bool = False
    rule: str = ""


@dataclass
class Quantity:
    start: int
    end: int
    sentence: int
    text: str
    kind: str                    # killed | injured | casualties | count
    low: int | None = None
    best: int | None = None
    high: int | None = None
    subject: str | None = None   # civilians | soldiers | militants | ...


@dataclass
class Claim:
    article_id: str
    sentence: int
    start: int
    end: int
    text: str
    claimant: str | None         # actor id or a named source ("Interior Ministry")
    metric: str                  # districts | provincial_capitals | territory_share | border_crossings | civilian_casualties | ...
    count: float | None = None
    comparator: str = "exactly"  # exactly | more_than | at_least | nearly | up_to | about
    denominator: int | None = None
    as_of: date | None = None
    since: date | None = None
    id: str = ""


@dataclass
class Evidence:
    article_id: str
    sentence: int
    start: int
    end: int
    text: str


@dataclass
class EventMention:
    """One article's report of one event, before fusion."""
    article_id: str
    event_type: str
    sub_event_type: str
    actor1: str | None
    actor2: str | None = None
    assoc_actor_1: str | None = None
    assoc_actor_2: str | None = None
    place: Place | None = None
    geo_precision: int | None = None
    date_start: date | None = None
    date_end: date | None = None
    time_precision: int | None = None
    fatalities: Quantity | None = None
    civilian_targeting: bool = False
    confidence: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)
    id: str = ""
    claimed_by: str | None = None     # a party to the conflict that the report attributes it to ("the RSF said …")


@dataclass
class Event:
    """A fused event in ACLED's columns plus our provenance."""
    event_id_cnty: str
    event_date: date | None
    time_precision: int | None
    event_type: str
    sub_event_type: str
    actor1: str | None
    actor2: str | None
    assoc_actor_1: str | None = None
    assoc_actor_2: str | None = None
    inter1: int | None = None
    inter2: int | None = None
    interaction: int | None = None
    civilian_targeting: str = ""
    disorder_type: str = ""
    iso: int | None = None
    region: str = ""
    country: str = ""
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None
    location: str | None = None
    place_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    source: str = ""
    source_scale: str = ""
    notes: str = ""
    fatalities: int = 0
    fatalities_low: int | None = None
    fatalities_high: int | None = None
    tags: str = ""
    timestamp: int = 0
    source_count: int = 0
    article_ids: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.0
    first_reported: date | None = None
    disagreements: dict[str, Any] = field(default_factory=dict)
    tier: str = ""                      # confirmed (independent sources) | reported (one) | claimed (only a party says so)
    claimed_by: str | None = None
    alt_dates: list[str] = field(default_factory=list)   # other days its reports give (ISO), as UCDP keeps low/high
    mention_ids: list[str] = field(default_factory=list)


@dataclass
class ControlInterval:
    place_id: str
    place_name: str
    status: str                  # held | contested | unknown
    holder: str | None
    valid_from: date | None
    valid_to: date | None = None
    admin1: str | None = None
    admin2: str | None = None
    admin1_code: str | None = None
    admin2_code: str | None = None
    evidence_event_ids: list[str] = field(default_factory=list)


@dataclass
class ArticleFailure:
    """Why a per-article stage gave up on an article: the stage and the error, in one line."""
    stage: str
    reason: str


@dataclass
class Article:
    """One news article: the ``Doc`` of frontlines."""
    id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: date | None = None
    published_source: str | None = None    # one of DATE_SOURCES, or None when unknown
    content_hash: str = ""
    dup_group: str | None = None           # articles sharing a group are one independent report
    source_path: str | None = None
    ingested_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Filled by later stages.
    sentences: list[Sentence] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    actors: list[ActorMention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    mentions: list[EventMention] = field(default_factory=list)
    failure: ArticleFailure | None = None  # set when a stage failed on it; later stages pass it by
    doc: Any = None                        # the spaCy Doc; transient, never stored

    def __post_init__(self) -> None:
        if not self.content_hash:
            self.content_hash = content_hash(self.text)

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence containing a character offset."""
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return None

    def in_sentence(self, items: list, index: int) -> list:
        """Annotations of one kind (``self.places`` …) that fall in sentence ``index``."""
        return [item for item in items if item.sentence == index]

    def place_countries(self) -> Counter:
        """How many of the article's resolved place mentions (countries themselves left out) lie in each country:
        what the article is about when no sentence says."""
        return Counter(m.place.country for m in self.places if m.place and m.place.country and m.place.kind != "country")
