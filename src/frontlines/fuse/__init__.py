"""Fusion: mentions of one event across articles become one :class:`Event` with all its sources.

Two mentions are one event when they have the same sub-event type, the same place (or a town and the
province it is the seat of), overlapping date windows (a day's slack) and no conflicting actor1. A change of
hands is one event per real change: reports of the same place, kind and new holder join within
``CHANGE_WINDOW`` whatever day each gives (or none), unless a change to another holder lies between them (lost,
then retaken, is two events). The event's day is the one its dated reports support best, day-precise reports
outweighing vaguer ones; a month or a year gives no day at all (never the month's last day).
Fusion is incremental: only mentions not yet linked to an event are placed, each looked up by its date
window (``events_near``), never against all pairs; only the events they touch are rebuilt.
"""
from __future__ import annotations

import hashlib
import math
from functools import lru_cache
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterator

from frontlines.coding.patterns import Taxonomy, load_taxonomy
from frontlines.model import TERRITORY, Actor, Event, EventMention, Evidence, Place
from frontlines.storage import Store
from frontlines.storage import events as event_queries
from frontlines.understand.text import fold as _fold
from frontlines.understand.countries import country

CHANGE_WINDOW = timedelta(days=10)   # reports of one change of hands may disagree on its day by this much
SLACK = CHANGE_WINDOW           # the widest slack any type allows (index look-ups use it)
SYMMETRIC = {"Armed clash"}   # who is actor1 in a clash is the reporter's choice
CHUNK = 20_000                  # mentions placed per transaction (bounds fusion's memory) ...
GROUP = 20_000                  # ... and, about, events rebuilt and saved at a time
EVIDENCE_KEPT = 50              # source sentences kept on an event (all stay on its mentions)
WINDOW_IS_A_DAY = 7             # a window up to a week dates the event to its start; a longer one gives no day
# How much one independent source's report weighs in the choice of a day, by its time precision: a day-precise
# report outweighs any number of week-long ones that only contain that day.
DAY_WEIGHT = {1: 1.0, 2: 0.1, 3: 0.0}

__all__ = ["fusion_stage", "fuse", "compatible", "build_event", "mention_day"]


@dataclass
class Cluster:
    mentions: list[EventMention] = field(default_factory=list)
    old_ids: set[str] = field(default_factory=set)


def fusion_stage(store: Store, context: Any = None) -> dict[str, Any]:
    """The corpus stage: fuse every mention not yet in an event; return counts for the run summary. The actors are
    the run's own dictionary (a profile's actors included), for their ACLED inter codes."""
    config = getattr(context, "config", None) or {}
    return fuse(store, actors=_actors_by_name(config.get("components", {}).get("actors", {}).get("path")))


def fuse(store: Store, actors: dict[str, Actor] | None = None, taxonomy: Taxonomy | None = None,
         chunk: int = CHUNK) -> dict[str, Any]:
    """Place new mentions into events (new or existing) and save the events they touch.

    Mentions are placed in fusion's order (precise reports first, then by date), ``chunk`` at a time, each
    chunk in one transaction: memory stays bounded however many mentions a run brings, and the events are
    the same as placing them all at once, since each chunk meets every stored event near its dates with all
    of that event's mentions.
    """
    taxonomy = taxonomy or load_taxonomy()
    actors = actors if actors is not None else _actors_by_name()
    placed, saved, removed = 0, set(), set()
    stale: list[str] | None = None
    while True:
        with store.transaction():
            if stale is None:
                stale = event_queries.stale_event_ids(store)
                event_queries.unlink_events(store, stale)
            new = sorted(event_queries.unlinked_mentions(store, limit=chunk), key=_order)
            index = MentionIndex(store, new)
            clusters: dict[str, Cluster] = {event_id: Cluster(old_ids={event_id}) for event_id in stale}
            stale = []
            for mention in new:
                _place(mention, index, clusters, taxonomy)
            for events, replaced, links in _build(store, clusters, index.size, actors, taxonomy):
                if events or replaced:
                    store.save_events(events, replace_ids=sorted(replaced))
                store.link_mentions(links)
                removed |= replaced - saved   # an event this call saved and then replaced was never seen outside
                saved = (saved - replaced) | {e.event_id_cnty for e in events}
        placed += len(new)
        if len(new) < chunk:
            break
    return {"new_mentions": placed, "events_touched": len(saved), "events_removed": len(removed),
            "events": store.count("events")}


class MentionIndex:
    """The events stored in the new mentions' date range, bucketed by sub-event type and place keys.

    A new mention meets candidate *events* from its buckets, never all mentions: each event keeps one
    representative per distinct compatibility signature, so checking a mention against an event costs the
    same whether ten articles or ten thousand report it.
    """

    def __init__(self, store: Store, new: list[EventMention]) -> None:
        dated = [m for m in new if m.date_start]
        met: list[str] = []
        if dated:
            low = min(m.date_start for m in dated) - SLACK
            high = max(m.date_end or m.date_start for m in dated) + SLACK
            met = event_queries.events_near(store, low, high, _sharing_keys(store, new))
        elif new:
            met = event_queries.undated_events(store)
        undated_changes = [m for m in new if m.date_start is None and m.sub_event_type in TERRITORY]
        if undated_changes:   # they may join a change of hands of any date at their place
            met = sorted(set(met) | set(event_queries.events_near(store, None, None,
                                                                  _sharing_keys(store, undated_changes))))
        self.buckets: dict[tuple, set[str]] = {}
        self.kinds: dict[str, dict[tuple, EventMention]] = {}
        self.size: dict[str, int] = {}
        # each event met, with every signature its mentions have (also those dated outside the range: a new
        # mention must fit them all), one mention per signature however many articles share it
        for event_id, m, sharing in event_queries.event_signatures(store, met):
            self.add(m, event_id, sharing)

    def add(self, mention: EventMention, event_key: str, sharing: int = 1) -> None:
        """Record that ``mention`` (and ``sharing - 1`` others like it) belongs to the event ``event_key``."""
        for key in _keys(mention):
            self.buckets.setdefault(key, set()).add(event_key)
        self.kinds.setdefault(event_key, {}).setdefault(_signature(mention), mention)
        self.size[event_key] = self.size.get(event_key, 0) + sharing

    def events_near(self, mention: EventMention) -> list[str]:
        """Keys of the events sharing a bucket with ``mention`` (for a change of hands, under any territory kind),
        in a stable order."""
        if mention.place is None:
            return []
        return sorted({k for kind in _kinds_met(mention.sub_event_type) for key in _keys_of(kind, mention.place)
                       for k in self.buckets.get(key, ())})

    def fits(self, mention: EventMention, event_key: str, taxonomy: Taxonomy) -> bool:
        """Is ``mention`` compatible with every mention of the event, with no change of hands to another holder
        between them?"""
        if not all(compatible(mention, m, taxonomy) for m in self.kinds[event_key].values()):
            return False
        return mention.sub_event_type not in TERRITORY or not self._change_between(mention, event_key)

    def _change_between(self, mention: EventMention, event_key: str) -> bool:
        """Does another holder take the place on a day strictly between this report's day and the event's days?"""
        days = [d for d in (mention_day(m) for m in self.kinds[event_key].values()) if d]
        day = mention_day(mention)
        if day is None or not days:
            return False
        low, high = min(days + [day]), max(days + [day])
        if high - low < timedelta(days=2):
            return False
        for kind in TERRITORY:
            for key in {k for key in _keys_of(kind, mention.place) for k in self.buckets.get(key, ())}:
                if key == event_key:
                    continue
                for other in self.kinds[key].values():
                    other_day = mention_day(other)
                    if other_day and low < other_day < high and other.actor1 and other.actor1 != mention.actor1 \
                            and same_place(other.place, mention.place):
                        return True
        return False


def _sharing_keys(store: Store, new: list[EventMention]) -> list[tuple[str, str]]:
    """(sub-event type, place id) of every stored place that shares an index key with a new mention: only
    stored mentions with one of these can meet a new one (the store's places are those named so far, a
    gazetteer-bounded few, not one per article)."""
    wanted = {key for m in new if m.place is not None for kind in _kinds_met(m.sub_event_type)
              for key in _keys_of(kind, m.place)}
    kinds = sorted({kind for m in new if m.place is not None for kind in _kinds_met(m.sub_event_type)})
    return [(kind, place.id) for place in store.places() for kind in kinds
            if any(key in wanted for key in _keys_of(kind, place))]


def _kinds_met(kind: str) -> tuple[str, ...]:
    """The sub-event types whose events a new mention must see: for a change of hands, every change of hands at
    its place (another holder's capture between two reports splits them)."""
    return TERRITORY if kind in TERRITORY else (kind,)


def _signature(m: EventMention) -> tuple:
    """Everything :func:`compatible` reads of a mention: mentions alike in these are alike to fusion."""
    return (m.sub_event_type, m.place.id if m.place else None, m.date_start, m.date_end, m.actor1, m.actor2)


def _keys(m: EventMention) -> list[tuple]:
    """Index keys under which a mention can meet another of the same event (see :func:`same_place`)."""
    return _keys_of(m.sub_event_type, m.place) if m.place is not None else []


def _keys_of(kind: str | None, place: Place) -> list[tuple]:
    keys = [(kind, "id", place.id), (kind, "name", fold(place.name))]
    if place.admin1:
        keys.append((kind, "admin1", fold(place.admin1)))
    if place.kind == "province":
        keys.append((kind, "admin1", fold(place.name)))
    return keys


def _place(mention: EventMention, index: MentionIndex, clusters: dict[str, Cluster], taxonomy: Taxonomy) -> None:
    """Put one new mention into the best compatible event (stored or new this run) or a new one."""
    fitting = [k for k in index.events_near(mention) if index.fits(mention, k, taxonomy)]
    if fitting:
        best = max(fitting, key=lambda k: (index.size[k], k))
        if best not in clusters:      # a stored event: its stored mentions join when it is rebuilt
            clusters[best] = Cluster(old_ids={best})
    else:
        best = f"new:{len(clusters)}"
        clusters[best] = Cluster()
    clusters[best].mentions.append(mention)
    index.add(mention, best)


def _build(store: Store, clusters: dict[str, Cluster], sizes: dict[str, int], actors: dict[str, Actor],
           taxonomy: Taxonomy) -> Iterator[tuple[list[Event], set[str], dict[str, str]]]:
    """The touched clusters' events, in groups of about ``GROUP`` mentions (one huge event alone): for each
    group, the events, the stored events they replace, and mention -> event links."""
    group: list[tuple[str, Cluster]] = []
    weight = 0
    for key, cluster in clusters.items():
        group.append((key, cluster))
        weight += sizes.get(key, 0) + len(cluster.mentions)
        if weight >= GROUP:
            yield _build_group(store, group, actors, taxonomy)
            group, weight = [], 0
    if group:
        yield _build_group(store, group, actors, taxonomy)


def _build_group(store: Store, group: list[tuple[str, Cluster]], actors: dict[str, Actor],
                 taxonomy: Taxonomy) -> tuple[list[Event], set[str], dict[str, str]]:
    stored = [key for key, cluster in group if cluster.old_ids and cluster.mentions]
    members: dict[str, list[EventMention]] = {}
    for event_id, m in event_queries.mentions_of_events(store, stored):
        members.setdefault(event_id, []).append(m)
    for key, cluster in group:   # a stored event's mentions join the new ones placed in it
        if key in members:
            placed = {m.id for m in cluster.mentions}
            cluster.mentions += [m for m in members[key] if m.id not in placed]
    article_ids = sorted({m.article_id for _, c in group for m in c.mentions})
    sources = event_queries.article_sources(store, article_ids)
    events, replaced, links = [], set(), {}
    for _, cluster in group:
        if not cluster.mentions:
            replaced |= cluster.old_ids
            continue
        event = build_event(cluster.mentions, sources, actors, taxonomy)
        events.append(event)
        replaced |= cluster.old_ids - {event.event_id_cnty}
        links.update({m.id: event.event_id_cnty for m in cluster.mentions})
        cluster.mentions = []   # built: let the group's mentions go
    return events, replaced, links


def _order(m: EventMention) -> tuple:
    """Precise reports first, so vague ones join the event they fit."""
    return (m.time_precision or 9, _width(m), m.date_start or date.max, m.article_id, m.id)


def _width(m: EventMention) -> int:
    return (m.date_end - m.date_start).days if m.date_start and m.date_end else 10_000


def _window(m: EventMention) -> tuple[date | None, date | None]:
    return m.date_start, m.date_end or m.date_start


def mention_day(m: EventMention, published: date | None = None) -> date | None:
    """The one day a mention dates its event to: a window up to a week dates it to its start. A longer one of time
    precision 3 (a month, a year, "in recent weeks") gives no day, never its last one; a longer one of precision 2
    that ends on its article's ``published`` day is the coder's "reported by then" (the report names no time at all)
    and dates it to that day."""
    if m.date_start is None:
        return None
    if _width(m) <= WINDOW_IS_A_DAY:
        return m.date_start
    reported_by_then = published is not None and m.date_end == published and (m.time_precision or 3) <= 2
    return m.date_end if reported_by_then else None


def _day_of(m: EventMention, sources: dict[str, dict[str, Any]]) -> date | None:
    """:func:`mention_day` with the publication day of the mention's article."""
    return mention_day(m, (sources.get(m.article_id) or {}).get("published"))


def compatible(a: EventMention, b: EventMention, taxonomy: Taxonomy | None = None) -> bool:
    """Could these two mentions report the same event?"""
    if not (a.sub_event_type == b.sub_event_type or _same_holder(a, b)) or not same_place(a.place, b.place):
        return False
    if (a.date_start is None) != (b.date_start is None) and a.sub_event_type not in TERRITORY:
        return False   # an undated report of a change of hands joins the dated event of it; of fighting, not
    if a.date_start is not None and b.date_start is not None:
        slack = timedelta(days=(taxonomy or load_taxonomy()).slack(a.sub_event_type))
        if a.sub_event_type in TERRITORY and a.sub_event_type == b.sub_event_type:
            slack = max(slack, CHANGE_WINDOW)   # one change of hands, whatever day each report gives
        a_low, a_high = _window(a)
        b_low, b_high = _window(b)
        if a_low - slack > b_high or b_low - slack > a_high:
            return False
    if a.sub_event_type in SYMMETRIC:
        return not (a.actor1 and b.actor1 and {a.actor1, a.actor2} != {b.actor1, b.actor2}
                    and a.actor1 not in (b.actor1, b.actor2))
    return not (a.actor1 and b.actor1 and a.actor1 != b.actor1)


def _same_holder(a: EventMention, b: EventMention) -> bool:
    """Two reports of a change of hands to one named holder: one says "captured", the other "took without a fight":
    the kind is the reports' reading, the change is one, if they give the same day (a day's slack); days further
    apart and another kind are more likely another claim."""
    return a.sub_event_type in TERRITORY and b.sub_event_type in TERRITORY and bool(a.actor1) and a.actor1 == b.actor1


def same_place(a: Place | None, b: Place | None) -> bool:
    """The same place, the same name in the same province, or a province and its capital."""
    if a is None or b is None:
        return False
    if a.id == b.id:
        return True
    if fold(a.name) == fold(b.name) and a.kind == b.kind and (a.admin1 == b.admin1 or not a.admin1 or not b.admin1):
        return True
    for town, area in ((a, b), (b, a)):
        if area.kind == "province" and town.is_capital and town.kind != "province" and \
                (town.admin1 == area.name or (town.admin1_code and town.admin1_code == area.admin1_code)):
            return True
    return False


# -- the fused record -------------------------------------------------------------------------------------
def build_event(mentions: list[EventMention], sources: dict[str, dict[str, Any]], actors: dict[str, Actor],
                taxonomy: Taxonomy) -> Event:
    """One Event from its mentions: the date most independent sources give among the most precise reports, the
    most precise place, ACLED's lowest death toll, all sources."""
    mentions = sorted(mentions, key=_order)
    best = mentions[0]
    day = consensus_day(mentions, sources) or _middle_day(mentions)
    sub_event_type = _most_told(mentions, sources)
    place = min((m.place for m in mentions if m.place), key=_place_rank, default=None)
    actor1 = _most_common([m.actor1 for m in mentions]) or best.actor1
    actor2 = _most_common([m.actor2 for m in mentions])
    inter1, inter2 = _inter(actors, actor1, day), _inter(actors, actor2, day)
    interaction = (10 * min(inter1, inter2) + max(inter1, inter2)) if inter1 and inter2 else (10 * inter1 if inter1 else None)
    country = _acled_country(place.country if place else None)
    article_ids = sorted({m.article_id for m in mentions})
    published = [sources[a]["published"] for a in article_ids if sources.get(a, {}).get("published")]
    tolls = [m.fatalities for m in mentions if m.fatalities]
    lows = [q.low if q.low is not None else q.best for q in tolls]
    highs = [q.high if q.high is not None else q.best for q in tolls]
    event = Event(
        event_id_cnty=_event_id(country.get("iso3", place.country if place else "XXX"), best, mentions),
        event_date=day, time_precision=best.time_precision, event_type=taxonomy.event_type(sub_event_type),
        sub_event_type=sub_event_type, actor1=actor1, actor2=actor2,
        assoc_actor_1=_most_common([m.assoc_actor_1 for m in mentions]),
        assoc_actor_2=_most_common([m.assoc_actor_2 for m in mentions]),
        inter1=inter1, inter2=inter2, interaction=interaction,
        civilian_targeting="Civilian targeting" if any(m.civilian_targeting for m in mentions) else "",
        disorder_type=taxonomy.disorder_type(sub_event_type),
        iso=country.get("iso"), region=country.get("region", ""), country=country.get("name", place.country if place else ""),
        admin1=place.admin1 if place else None, admin2=place.admin2 if place else None,
        location=place.name if place else None, place_id=place.id if place else None,
        latitude=place.lat if place else None, longitude=place.lon if place else None,
        geo_precision=min((m.geo_precision for m in mentions if m.geo_precision and m.place and m.place.id == (place.id if place else None)), default=None),
        source="; ".join(sorted({str(sources[a]["outlet"]) for a in article_ids if sources.get(a, {}).get("outlet")})),
        fatalities=min((v for v in lows if v is not None), default=0),
        fatalities_low=min((v for v in lows if v is not None), default=None),
        fatalities_high=max((v for v in highs if v is not None), default=None),
        timestamp=_timestamp(max(published) if published else day),
        source_count=len({(sources.get(a) or {}).get("dup_group") or a for a in article_ids}),
        article_ids=article_ids, evidence=_evidence(mentions),
        confidence=_confidence(mentions, sources),
        first_reported=min(published) if published else None,
        disagreements=_disagreements(mentions),
        mention_ids=sorted(m.id for m in mentions),
        alt_dates=sorted({d.isoformat() for d in (_day_of(m, sources) for m in mentions) if d and d != day}),
    )
    event.tier, event.claimed_by = tier(mentions, sources)
    event.notes = notes_for(event, taxonomy)
    return event


def consensus_day(mentions: list[EventMention], sources: dict[str, dict[str, Any]]) -> date | None:
    """The day of an event its reports agree on. Each day the most precise reports give is a candidate; each
    independent source (wire copies count once) supports the candidates its window holds, with the weight of its
    precision (``DAY_WEIGHT``: a day-precise report outweighs week-long ones) times the coder's confidence in the
    report (a day read in the sentence itself beats one borrowed from the paragraph); the best-supported day wins,
    the earliest on a tie. One outlet's stray day does not move an event three others date alike; the other days stay in
    ``alt_dates``. None when no report gives a day (a month or a year alone never dates an event)."""
    days = {m.id or str(i): _day_of(m, sources) for i, m in enumerate(mentions)}
    dated = [(m, days[m.id or str(i)]) for i, m in enumerate(mentions) if days[m.id or str(i)]]
    if not dated:
        return None
    finest = min(m.time_precision or 9 for m, _ in dated)
    candidates = {day for m, day in dated if (m.time_precision or 9) == finest}
    support: dict[str, dict[date, float]] = {}
    for m in mentions:
        if m.date_start is None:
            continue
        weight = DAY_WEIGHT.get(m.time_precision or 3, 0.0) * (m.confidence or 1.0)
        low, high = (m.date_start, m.date_start) if (m.time_precision or 3) == 1 else _window(m)
        source = support.setdefault((sources.get(m.article_id) or {}).get("dup_group") or m.article_id, {})
        for day in candidates:
            if low <= day <= high:
                source[day] = max(source.get(day, 0.0), weight)
    score = {day: sum(s.get(day, 0.0) for s in support.values()) for day in candidates}
    return min(candidates, key=lambda d: (-score[d], d))


def _most_told(mentions: list[EventMention], sources: dict[str, dict[str, Any]]) -> str:
    """The sub-event type most independent sources give (reports of one change of hands may differ on it), the most
    precise report's on a tie (``mentions`` come in fusion's order)."""
    told: dict[str, set[str]] = {}
    for m in mentions:
        told.setdefault(m.sub_event_type, set()).add((sources.get(m.article_id) or {}).get("dup_group") or m.article_id)
    return max(told, key=lambda kind: (len(told[kind]), -next(i for i, m in enumerate(mentions) if m.sub_event_type == kind)))


def _middle_day(mentions: list[EventMention]) -> date | None:
    """For fighting, a strike, an attack that its reports date only by a month or a longer window: the middle of the
    narrowest (time precision 3 says it is no day), so that it stands inside its window on a map or a timeline,
    never on the window's last day. A change of hands gets none: control would change on a day nobody gave."""
    windows = [m for m in mentions if m.date_start and m.sub_event_type not in TERRITORY]
    if not windows:
        return None
    narrowest = min(windows, key=lambda m: (_width(m), m.date_start))
    return narrowest.date_start + timedelta(days=_width(narrowest) // 2)


def tier(mentions: list[EventMention], sources: dict[str, dict[str, Any]]) -> tuple[str, str | None]:
    """How sure the record is, as ISW and LWJ say it: *claimed* when every report attributes it to a party to the
    conflict (with that party), *confirmed* when two independent sources (not wire copies of one another) report it
    as fact, else *reported*."""
    facts = [m for m in mentions if not m.claimed_by]
    if not facts:
        return "claimed", _most_common([m.claimed_by for m in mentions])
    independent = {(sources.get(m.article_id) or {}).get("dup_group") or m.article_id for m in facts}
    return ("confirmed" if len(independent) >= 2 else "reported"), None


def notes_for(event: Event, taxonomy: Taxonomy) -> str:
    """A short description generated from the event's fields (never text copied from an article)."""
    template = taxonomy.notes.get(event.sub_event_type) or taxonomy.notes.get("default") or "{sub_event_type}"
    actor2 = event.actor2 or ""
    values = {
        "date": event.event_date.isoformat() if event.event_date else "an unknown date",
        "actor1": event.actor1 or "unidentified actors", "location": event.location or "an unknown place",
        "admin1": event.admin1 or event.country or "", "sub_event_type": event.sub_event_type,
        "actor2_from": f" from {actor2}" if actor2 else "", "actor2_against": f" against {actor2}" if actor2 else "",
        "actor2_and": f" and {actor2}" if actor2 else "", "actor2_or_unknown": actor2 or "unidentified actors",
    }
    text = template.format_map(_Blank(values)).replace(" ()", "")
    sources = f" Reported by {event.source_count} independent source{'s' if event.source_count != 1 else ''}."
    fatalities = f" Fatalities: {event.fatalities}." if event.fatalities else ""
    return text + fatalities + sources


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """Cached: fusion compares the same few place names many times."""
    return _fold(name)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _place_rank(place: Place) -> tuple:
    kinds = ["city", "town", "village", "border_crossing", "airport", "base", "district", "province", "river", "sea", "region", "country"]
    return (kinds.index(place.kind) if place.kind in kinds else 5, place.id)


def _most_common(values: list[str | None]) -> str | None:
    counted = Counter(v for v in values if v)
    if not counted:
        return None
    top = max(counted.values())
    return next(v for v in values if v and counted[v] == top)


def _inter(actors: dict[str, Actor], name: str | None, day: date | None) -> int | None:
    actor = (actors.get(name) or _country_actor(name)) if name else None
    return actor.inter_on(day) if actor else None


@lru_cache(maxsize=4096)
def _country_actor(name: str) -> Actor | None:
    """A country actor the generic rules named ("Military Forces of Sudan (2019-)"), for its ACLED inter code."""
    from frontlines.understand.actors import load_actors
    from frontlines.understand.generic_actors import actor_named, is_generic

    return actor_named(name, [a for a in load_actors().all() if is_generic(a)])


def _acled_country(iso2: str | None) -> dict[str, Any]:
    """ISO numeric, ISO alpha-3, ACLED's country name and region for a place's country ({} when unknown)."""
    found = country(iso2)
    return {"iso": found.numeric, "iso3": found.iso3, "name": found.name, "region": found.region} if found else {}


def _event_id(iso3: str, best: EventMention, mentions: list[EventMention]) -> str:
    """Stable: the same mentions always give the same id, whatever order they arrived in."""
    key = "|".join([best.sub_event_type, best.place.id if best.place else "", min(m.id for m in mentions)])
    return f"{iso3}{int(hashlib.sha256(key.encode('utf-8')).hexdigest()[:12], 16) % 10**10:010d}"


def _timestamp(day: date | None) -> int:
    if day is None:
        return 0
    return int(datetime.combine(day, time(), tzinfo=timezone.utc).timestamp())


def _evidence(mentions: list[EventMention], keep: int | None = None) -> list[Evidence]:
    """The event's source sentences, by article: every one for a usual event; for one reported thousands of
    times, the ``EVIDENCE_KEPT`` of its most precise reports (all of them stay on its mentions, and
    ``article_ids`` and ``source_count`` stay complete). A row, a CSV cell (spreadsheets stop at 32,767
    characters) and an event page stay readable."""
    keep = EVIDENCE_KEPT if keep is None else keep
    seen, out = set(), []
    for m in sorted(mentions, key=_order):
        for e in sorted(m.evidence, key=lambda e: e.start):
            if (e.article_id, e.start, e.end) not in seen and len(out) < keep:
                seen.add((e.article_id, e.start, e.end))
                out.append(e)
    return sorted(out, key=lambda e: (e.article_id, e.start))


def _confidence(mentions: list[EventMention], sources: dict[str, dict[str, Any]]) -> float:
    """Independent reports corroborate: 1 - prod(1 - best confidence of each independent source)."""
    by_source: dict[str, float] = {}
    for m in mentions:
        group = (sources.get(m.article_id) or {}).get("dup_group") or m.article_id
        by_source[group] = max(by_source.get(group, 0.0), m.confidence)
    return round(min(0.99, 1 - math.prod(1 - c for c in by_source.values())), 2)


def _disagreements(mentions: list[EventMention]) -> dict[str, Any]:
    """What the reports disagree on: days, death tolls, the other side."""
    out: dict[str, Any] = {}
    days: dict[str, list[str]] = {}
    for m in mentions:
        if m.date_start and (m.time_precision or 9) == 1:
            days.setdefault(mention_day(m).isoformat(), []).append(m.article_id)
    if len(days) > 1:
        out["event_date"] = [{"date": d, "article_ids": sorted(set(a))} for d, a in sorted(days.items())]
    tolls: dict[int, list[str]] = {}
    for m in mentions:
        if m.fatalities:
            value = m.fatalities.low if m.fatalities.low is not None else m.fatalities.best
            if value is not None:
                tolls.setdefault(value, []).append(m.article_id)
    if len(tolls) > 1:
        out["fatalities"] = [{"fatalities": v, "article_ids": sorted(set(a))} for v, a in sorted(tolls.items())]
    sides = {m.actor2 for m in mentions if m.actor2}
    if len(sides) > 1:
        out["actor2"] = sorted(sides)
    return out


def _actors_by_name(path: str | None = None) -> dict[str, Actor]:
    """Canonical actors by display name (events carry names), from the dictionary at ``path`` (the packaged one by
    default); empty if it is unavailable."""
    try:
        from frontlines.coding import load_actor_index
        return {a.name: a for a in load_actor_index(path).values()}
    except (ImportError, OSError, ValueError):
        return {}
