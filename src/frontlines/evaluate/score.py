"""Score system events and claims against gold annotations, article by article.

A gold event and a system event *match* (a true positive) when they come from the same
article, share the sub-event type, lie within the gold tolerance of each other (haversine) and
the system date falls within the gold window give or take one day. Left-over pairs that clearly
describe the same report (the same evidence sentence, or the same event type at the same place)
are *aligned* as near misses: they still count as a miss and a false alarm, but they tell which
field went wrong. Place, date, actor and fatality accuracy are measured over matches plus near
misses. A fused event counts once in every article it cites, so fusion errors show up too.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any, Iterable

from frontlines.evaluate.gold import GoldClaim, GoldEvent, GoldRecord, shown
from frontlines.model import TERRITORY, Article, Claim, Event, EventMention
from frontlines.understand.text import fold

EARTH_RADIUS_KM = 6371.0088
ONE_DAY = timedelta(days=1)


@dataclass
class SystemEvent:
    """One article's view of a system event (a fused event counts once per article it cites)."""
    article_id: str
    event_type: str
    sub_event_type: str
    actor1: str | None
    actor2: str | None
    place: str | None
    lat: float | None
    lon: float | None
    date_start: date | None
    date_end: date | None
    fatalities: int | None = None
    sentences: list[str] = field(default_factory=list)
    ref: str = ""


@dataclass
class PairCheck:
    """How one gold event compares with one system event."""
    sub_event: bool
    event_type: bool
    place: bool
    distance_km: float | None
    date_exact: bool | None      # None: the gold event is undated (the article gives no date)
    date_near: bool | None
    actor1: bool | None          # None: the gold record does not judge this actor (null in gold)
    actor2: bool | None
    sentence: bool
    fatalities: bool | None      # None: the gold record gives no figure

    @property
    def match(self) -> bool:
        return self.sub_event and self.place and self.date_near is not False

    @property
    def related(self) -> bool:
        """Plausibly the same report, so worth aligning as a near miss: the same sentence, or the same kind of event at the same place."""
        return self.sentence or (self.event_type and self.place)

    def rank(self) -> tuple:
        distance = -(self.distance_km if self.distance_km is not None else 1e9)
        return (self.match, self.sentence, self.sub_event, self.place, bool(self.date_exact), self.date_near is not False,
                self.actor1 is not False, self.actor2 is not False, distance)

    def wrong(self) -> list[str]:
        """The fields that disagree, in the analyst's words."""
        out = []
        if not self.sub_event:
            out.append("sub-event type")
        if not self.place:
            out.append("place" + (f" ({self.distance_km:.0f} km off)" if self.distance_km is not None else " (no coordinates)"))
        if self.date_near is False:
            out.append("date")
        if self.actor1 is False:
            out.append("actor1")
        if self.actor2 is False:
            out.append("actor2")
        return out


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass
class Evaluation:
    """Every figure and every error of one evaluation run."""
    overall: Counts = field(default_factory=Counts)
    by_sub_event: dict[str, Counts] = field(default_factory=dict)
    accuracy: dict[str, dict[str, int]] = field(default_factory=dict)   # name -> {"correct", "total"}
    claims: Counts = field(default_factory=Counts)
    claim_accuracy: dict[str, dict[str, int]] = field(default_factory=dict)
    matches: list[dict[str, Any]] = field(default_factory=list)
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)
    claim_misses: list[dict[str, Any]] = field(default_factory=list)
    claim_false_alarms: list[dict[str, Any]] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)
    articles: int = 0
    articles_missing: list[str] = field(default_factory=list)
    unscored_events: int = 0
    system: dict[str, int] = field(default_factory=dict)   # what the store held: event mentions, fused events
    fusion: dict[str, Any] = field(default_factory=dict)   # one event reported by several articles: one system event?

    @property
    def f1(self) -> float:
        """Overall event F1 (0.0 when nothing could be scored), the figure CI gates on."""
        return self.overall.f1 or 0.0

    def rate(self, name: str) -> float | None:
        tally = self.accuracy.get(name) or self.claim_accuracy.get(name)
        return tally["correct"] / tally["total"] if tally and tally["total"] else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles, "articles_missing": self.articles_missing,
            "unscored_events": self.unscored_events, "system": self.system, "fusion": self.fusion,
            "events": self.overall.as_dict(),
            "by_sub_event_type": {k: v.as_dict() for k, v in sorted(self.by_sub_event.items())},
            "accuracy": {k: {**v, "rate": self.rate(k)} for k, v in self.accuracy.items()},
            "claims": self.claims.as_dict(),
            "claim_accuracy": {k: {**v, "rate": self.rate(k)} for k, v in self.claim_accuracy.items()},
            "non_event_violations": self.violations,
            "matches": self.matches, "misses": self.misses, "false_alarms": self.false_alarms,
            "claim_misses": self.claim_misses, "claim_false_alarms": self.claim_false_alarms,
        }


# -- system records ----------------------------------------------------------------------------

def from_events(events: Iterable[Event]) -> list[SystemEvent]:
    """Fused events as per-article records: an event cited by three articles is judged in each."""
    out = []
    for event in events:
        articles = list(dict.fromkeys(list(event.article_ids) + [e.article_id for e in event.evidence]))
        for article_id in articles:
            out.append(SystemEvent(
                article_id=article_id, event_type=event.event_type, sub_event_type=event.sub_event_type,
                actor1=event.actor1, actor2=event.actor2, place=event.location,
                lat=event.latitude, lon=event.longitude, date_start=event.event_date, date_end=event.event_date,
                fatalities=event.fatalities, ref=event.event_id_cnty,
                sentences=[e.text for e in event.evidence if e.article_id == article_id]))
    return out


def from_mentions(mentions: Iterable[EventMention]) -> list[SystemEvent]:
    """Event mentions (before fusion) as records."""
    out = []
    for m in mentions:
        place = m.place
        fatalities = m.fatalities.best if m.fatalities and m.fatalities.best is not None else (
            m.fatalities.low if m.fatalities else None)
        out.append(SystemEvent(
            article_id=m.article_id, event_type=m.event_type, sub_event_type=m.sub_event_type,
            actor1=m.actor1, actor2=m.actor2, place=place.name if place else None,
            lat=place.lat if place else None, lon=place.lon if place else None,
            date_start=m.date_start, date_end=m.date_end or m.date_start, fatalities=fatalities,
            sentences=[e.text for e in m.evidence], ref=m.id))
    return out


def from_articles(articles: Iterable[Article]) -> tuple[list[SystemEvent], list[Claim]]:
    """The mentions and claims already attached to annotated articles (no store needed)."""
    articles = list(articles)
    return (from_mentions(m for a in articles for m in a.mentions),
            [c for a in articles for c in a.claims])


# -- comparison -----------------------------------------------------------------------------------

def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def same_text(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and fold(a) == fold(b)


def contains_sentence(haystacks: Iterable[str], needle: str) -> bool:
    """Whether any evidence text contains the gold substring (or lies inside it), ignoring case and spacing."""
    needle = fold(needle)
    return any(needle in fold(h) or (len(fold(h)) > 20 and fold(h) in needle) for h in haystacks if h)


def compare(gold: GoldEvent, system: SystemEvent, actor_names: dict[str, str] | None = None) -> PairCheck:
    """Field-by-field comparison of a gold event and a system event from the same article."""
    names = actor_names or {}
    distance = None
    if gold.lat is not None and system.lat is not None and system.lon is not None:
        distance = haversine_km(gold.lat, gold.lon, system.lat, system.lon)
        place = distance <= gold.tolerance_km
    else:
        place = gold.lat is None and same_text(gold.place, system.place)
    start, end = system.date_start, system.date_end or system.date_start
    exact = near = None
    if gold.dated:
        exact = start is not None and gold.date_from <= start and end <= gold.date_to
        near = start is not None and gold.date_from - ONE_DAY <= start and end <= gold.date_to + ONE_DAY
    actor1 = None if gold.actor1 is None else _same_actor(gold.actor1, system.actor1, names)
    actor2 = None if gold.actor2 is None else _same_actor(gold.actor2, system.actor2, names)
    fatalities = None if gold.fatalities is None else (system.fatalities or 0) == gold.fatalities
    return PairCheck(
        sub_event=same_text(gold.sub_event_type, system.sub_event_type),
        event_type=same_text(gold.event_type, system.event_type),
        place=place, distance_km=distance, date_exact=exact, date_near=near,
        actor1=actor1, actor2=actor2,
        sentence=contains_sentence(system.sentences, gold.sentence), fatalities=fatalities)


def _same_actor(gold: str | None, system: str | None, names: dict[str, str]) -> bool:
    if gold is None or system is None:
        return gold is None and system is None
    return fold(names.get(system, system)) == fold(names.get(gold, gold))


def align(golds: list[GoldEvent], systems: list[SystemEvent],
          actor_names: dict[str, str] | None = None) -> tuple[list[tuple[int, int, PairCheck]], list[tuple[int, int, PairCheck]]]:
    """Greedy one-to-one alignment: first every match (best first), then near misses among the rest."""
    pairs = [(i, j, compare(g, s, actor_names)) for i, g in enumerate(golds) for j, s in enumerate(systems)]
    pairs.sort(key=lambda p: p[2].rank(), reverse=True)
    used_gold: set[int] = set()
    used_system: set[int] = set()
    matched, near = [], []
    for wanted, out in ((lambda c: c.match, matched), (lambda c: c.related, near)):
        for i, j, check in pairs:
            if i in used_gold or j in used_system or not wanted(check):
                continue
            used_gold.add(i)
            used_system.add(j)
            out.append((i, j, check))
    return matched, near


# -- the evaluation -------------------------------------------------------------------------------

ACCURACY_FIELDS = ("sub_event_type", "place", "place_within_25km", "date_exact", "date_within_1_day", "actor1", "actor2",
                   "actors", "fatalities")


def evaluate(gold: list[GoldRecord], events: Iterable[SystemEvent], claims: Iterable[Claim] = (),
             article_ids: dict[str, str | None] | None = None, actor_names: dict[str, str] | None = None) -> Evaluation:
    """Score system events and claims against gold records.

    ``article_ids`` maps a gold article id to the system's id for the same article (see
    :func:`frontlines.evaluate.store.resolve_articles`); ids not in it are taken as they are.
    ``actor_names`` maps actor ids to display names so either form compares equal.
    """
    ids = article_ids or {}
    by_article: dict[str, list[SystemEvent]] = {}
    for item in events:
        by_article.setdefault(item.article_id, []).append(item)
    claims_by_article: dict[str, list[Claim]] = {}
    for claim in claims:
        claims_by_article.setdefault(claim.article_id, []).append(claim)
    result = Evaluation(accuracy={k: {"correct": 0, "total": 0} for k in ACCURACY_FIELDS},
                        claim_accuracy={k: {"correct": 0, "total": 0} for k in ("claimant", "comparator", "denominator")})
    scored = set()
    for record in gold:
        system_id = ids.get(record.article_id, record.article_id)
        scored.add(system_id)
        result.articles += 1
        if record.article_id in ids and ids[record.article_id] is None:
            result.articles_missing.append(record.article_id)
        _score_events(result, record, by_article.get(system_id, []), actor_names)
        _score_claims(result, record, claims_by_article.get(system_id, []))
        _check_non_events(result, record, by_article.get(system_id, []))
    result.unscored_events = sum(len(v) for k, v in by_article.items() if k not in scored)
    result.fusion = fusion_check(gold, result.matches)
    return result


def fusion_check(gold: list[GoldRecord], matches: list[dict[str, Any]]) -> dict[str, Any]:
    """Of the events several gold articles report, how many did the system keep as one event with all of them?

    Only changes of territory are grouped (a town falls once, so its reports are one event; fighting in a city on
    neighbouring days may rightly be several). Gold events are grouped by sub-event type and place, with date
    windows that touch (give or take a day). A group is *fused* when every one of its gold events was matched, all
    by the same system event. Meaningful for fused events only (at mention level every reference differs).
    """
    refs = {(m["article_id"], m["gold_index"]): m["ref"] for m in matches}
    groups: list[dict[str, Any]] = []
    items = sorted(((g.sub_event_type, fold(g.place), g.date_from, g.date_to, r.article_id, i, g.place)
                    for r in gold for i, g in enumerate(r.events)
                    if not g.optional and g.dated and g.sub_event_type in TERRITORY))
    for sub_event, place, start, end, article_id, i, name in items:
        last = groups[-1] if groups else None
        if last and (last["key"] == (sub_event, place)) and start <= last["end"] + ONE_DAY:
            last["end"] = max(last["end"], end)
            last["members"].append((article_id, i))
        else:
            groups.append({"key": (sub_event, place), "name": name, "end": end, "members": [(article_id, i)]})
    shared = [g for g in groups if len({a for a, _ in g["members"]}) > 1]
    split = []
    for g in shared:
        found = [refs.get(m) for m in g["members"]]
        if None in found or len(set(found)) > 1:
            split.append({"sub_event_type": g["key"][0], "place": g["name"], "articles": len(g["members"]),
                          "system_events": sorted({f for f in found if f}), "unmatched": found.count(None)})
    return {"reported_by_several": len(shared), "fused": len(shared) - len(split), "not_fused": split}


def _counts(result: Evaluation, sub_event: str) -> Counts:
    return result.by_sub_event.setdefault(sub_event, Counts())


def _score_events(result: Evaluation, record: GoldRecord, systems: list[SystemEvent],
                  actor_names: dict[str, str] | None) -> None:
    matched, near = align(record.events, systems, actor_names)
    # An optional gold event (an earlier event recalled in passing) may be found or not: neither counts.
    # Coding it wrongly still counts (a near miss of an optional event stays a false alarm).
    optional = {i for i, g in enumerate(record.events) if g.optional}
    excused = {j for i, j, _ in matched if i in optional}
    matched = [p for p in matched if p[0] not in optional]
    near = [p for p in near if p[0] not in optional]
    for i, j, _ in matched:
        result.overall.tp += 1
        _counts(result, record.events[i].sub_event_type).tp += 1
        result.matches.append({**_pair_row(record, record.events[i], systems[j]), "gold_index": i})
    near_by_gold = {i: (j, check) for i, j, check in near}
    near_systems = {j: i for i, j, _ in near}
    for i, j, check in matched + near:
        _tally(result, check)
    done_gold = {i for i, _, _ in matched}
    done_system = {j for _, j, _ in matched}
    for i, g in enumerate(record.events):
        if i in done_gold or i in optional:
            continue
        result.overall.fn += 1
        _counts(result, g.sub_event_type).fn += 1
        row = _gold_row(record, g)
        if i in near_by_gold:
            j, check = near_by_gold[i]
            row.update(near_miss=systems[j].ref, wrong=check.wrong(), system=_system_row(systems[j], record))
        result.misses.append(row)
    for j, s in enumerate(systems):
        if j in done_system or j in excused:
            continue
        result.overall.fp += 1
        _counts(result, s.sub_event_type).fp += 1
        row = {**_system_row(s, record), "article_id": record.article_id}
        if j in near_systems:
            row["near_miss_of"] = record.events[near_systems[j]].place
        result.false_alarms.append(row)


def _tally(result: Evaluation, check: PairCheck) -> None:
    acc = result.accuracy
    within_25km = check.distance_km is not None and check.distance_km <= 25.0
    for name, ok in (("sub_event_type", check.sub_event), ("place", check.place), ("place_within_25km", within_25km),
                     ("date_exact", check.date_exact),
                     ("date_within_1_day", check.date_near), ("actor1", check.actor1), ("actor2", check.actor2),
                     ("actors", check.actor1 is not False and check.actor2 is not False),
                     ("fatalities", check.fatalities)):
        if ok is None:
            continue
        acc[name]["total"] += 1
        acc[name]["correct"] += int(bool(ok))


def _gold_row(record: GoldRecord, g: GoldEvent) -> dict[str, Any]:
    window = None if not g.dated else g.date_from.isoformat() if g.date_from == g.date_to else f"{g.date_from}..{g.date_to}"
    return {"article_id": record.article_id, "sub_event_type": g.sub_event_type, "place": g.place,
            "date": window, "actor1": g.actor1, "actor2": g.actor2, "sentence": shown(g.sentence)}


def _system_row(s: SystemEvent, record: GoldRecord) -> dict[str, Any]:
    when = None
    if s.date_start:
        when = s.date_start.isoformat() if s.date_end in (None, s.date_start) else f"{s.date_start}..{s.date_end}"
    return {"article_id": s.article_id, "ref": s.ref, "sub_event_type": s.sub_event_type, "place": s.place,
            "date": when, "actor1": s.actor1, "actor2": s.actor2,
            "sentence": _evidence(record, s.sentences[0] if s.sentences else None)}


def _evidence(record: GoldRecord, text: str | None) -> str | None:
    """Evidence text as a report may show it: not from an article whose gold quotes it by reference."""
    return f"[evidence in {record.article_id}]" if record.quoted and text else text


def _pair_row(record: GoldRecord, g: GoldEvent, s: SystemEvent) -> dict[str, Any]:
    return {**_gold_row(record, g), "ref": s.ref, "system_place": s.place,
            "system_date": s.date_start.isoformat() if s.date_start else None}


# -- claims and non-events -------------------------------------------------------------------------

def _claim_value(metric: str, value: float | None) -> float | None:
    # A share may be stored as 0.85 or as 85: compare in percent.
    if value is not None and metric == "territory_share" and 0 < value <= 1:
        return value * 100
    return value


def claim_matches(gold: GoldClaim, claim: Claim) -> bool:
    """Same metric and the same figure."""
    if gold.metric != claim.metric:
        return False
    a, b = _claim_value(gold.metric, gold.count), _claim_value(claim.metric, claim.count)
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-6)


def _score_claims(result: Evaluation, record: GoldRecord, claims: list[Claim]) -> None:
    free = list(range(len(claims)))
    for g in record.claims:
        hit = next((j for j in free if claim_matches(g, claims[j])), None)
        if hit is None:
            result.claims.fn += 1
            result.claim_misses.append({"article_id": record.article_id, **asdict(g), "sentence": shown(g.sentence)})
            continue
        free.remove(hit)
        result.claims.tp += 1
        claim = claims[hit]
        for name, ok in (("claimant", g.claimant is None or _same_actor(g.claimant, claim.claimant, {})),
                         ("comparator", g.comparator == claim.comparator),
                         ("denominator", g.denominator == claim.denominator)):
            result.claim_accuracy[name]["total"] += 1
            result.claim_accuracy[name]["correct"] += int(ok)
    for j in free:
        c = claims[j]
        result.claims.fp += 1
        result.claim_false_alarms.append({"article_id": record.article_id, "claimant": c.claimant, "metric": c.metric,
                                          "count": c.count, "comparator": c.comparator,
                                          "sentence": _evidence(record, c.text)})


def _check_non_events(result: Evaluation, record: GoldRecord, systems: list[SystemEvent]) -> None:
    for non_event in record.non_events:
        for s in systems:
            if contains_sentence(s.sentences, non_event.sentence):
                result.violations.append({"article_id": record.article_id, "reason": non_event.reason,
                                          "sentence": shown(non_event.sentence), "ref": s.ref,
                                          "sub_event_type": s.sub_event_type, "place": s.place})
