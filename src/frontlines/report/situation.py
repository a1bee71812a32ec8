"""The situation report: who holds what, what changed, events, claims and casualties, all cited.

Every sentence is generated from the store (events, control intervals, claims, articles); each
carries numbered citations to the articles behind it, and words taken from an article are shown
as a quotation with their source. The report is rendered to Markdown and HTML from Jinja2
templates (HTML autoescaped; Markdown escaped value by value), and to PDF when WeasyPrint is
installed.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from frontlines.control import (ControlRules, capitals, compute_control, current_intervals, in_conflict, load_rules,
                                store_rules, unit_kinds)
from frontlines.control.tracked import countries_of
from frontlines.control.tallies import ClaimedTally, DayTally, claimed_tallies, daily_tallies
from frontlines.model import Claim, ControlInterval, Event
from frontlines.report.maps import MapArea, MapPoint, render_map_png, render_map_svg, side_styles

TEMPLATES = Path(__file__).parent / "templates"
MAX_EVENTS = 400   # per report; the rest are counted and left to events.csv
MAX_CLAIMS = 300
COMPARATOR_WORDS = {"exactly": "", "more_than": "more than", "at_least": "at least", "nearly": "nearly",
                    "up_to": "up to", "about": "about"}
METRIC_WORDS = {"districts": "districts", "provincial_capitals": "provincial capitals",
                "territory_share": "of the territory", "border_crossings": "border crossings",
                "civilian_casualties": "civilian casualties"}


@dataclass
class Source:
    """A cited article."""
    number: int
    article_id: str
    title: str
    outlet: str | None
    published: date | None
    url: str | None


@dataclass
class Statement:
    """One generated sentence, its citations, its confidence tier, and optionally words quoted from a source.

    ``tier`` is what the evidence supports: "confirmed" (independent sources), "reported" (one source) or
    "claimed by …" (only a party to the conflict says so), the weakest of the events a statement rests on; a
    statement of claims is "claimed by" its claimant, never written as fact."""
    text: str
    cites: list[int] = field(default_factory=list)
    quote: str | None = None
    quote_cite: int | None = None
    tier: str = ""


@dataclass
class CapitalRow:
    name: str
    province: str | None
    holder: str | None
    since: date | None
    cites: list[int]


@dataclass
class SituationReport:
    """Everything the templates render."""
    as_of: date
    since: date
    title: str
    headline: list[Statement]
    capitals: list[CapitalRow]
    numbers: list[Statement]
    changes: list[Statement]
    regions: list[tuple[str, list[Statement]]]
    claims: list[Statement]
    casualties: list[Statement]
    sources: list[Source]
    capitals_total: int = 0          # the tracked places of the conflict's countries (from the data)
    tracked_label: str = "regional capitals"
    map_svg: str = ""
    map_kind: str = "points"
    events_left_out: int = 0
    claims_left_out: int = 0
    files: dict[str, str] = field(default_factory=dict)
    period: str = ""
    next_update: date | None = None
    highlights: list[Statement] = field(default_factory=list)
    key_figures: list[Statement] = field(default_factory=list)


class Citations:
    """Numbers sources in the order they are first cited."""

    def __init__(self, store: Any, known: set[str]) -> None:
        self.store, self.known = store, known
        self.numbers: dict[str, int] = {}

    def cite(self, article_ids: Iterable[str]) -> list[int]:
        out = []
        for article_id in article_ids:
            if article_id not in self.known:
                continue
            if article_id not in self.numbers:
                self.numbers[article_id] = len(self.numbers) + 1
            out.append(self.numbers[article_id])
        return sorted(set(out))

    def sources(self) -> list[Source]:
        """The cited articles, loaded only now (a big store is never read whole)."""
        articles = {a.id: a for a in self.store.articles(list(self.numbers))}
        out = []
        for article_id, number in sorted(self.numbers.items(), key=lambda item: item[1]):
            a = articles[article_id]
            title = _clip(a.title, 200) if a.title else _first_words(a.text)
            out.append(Source(number, article_id, title, _clip(a.outlet, 100) or None, a.published, a.url))
        return out


def _first_words(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def day_text(day: date | None) -> str:
    """'8 August 2021' (or 'an unknown date')."""
    return f"{day.day} {day.strftime('%B %Y')}" if day else "an unknown date"


def _names(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


class _Builder:
    """Reads what the report needs from the store once, then writes each section's statements."""

    def __init__(self, store: Any, as_of: date, since: date | None, rules: ControlRules,
                 intervals: list[ControlInterval] | None = None) -> None:
        self.store, self.as_of, self.rules = store, as_of, rules
        self.since_given = since is not None
        self.since = since or as_of - timedelta(days=1)
        self.events = {e.event_id_cnty: e for e in in_conflict(store.events(as_of=as_of), rules)}
        self.countries = list(rules.countries) or countries_of(self.events.values())
        self.known = set(store.article_ids())
        self.citations = Citations(store, self.known)
        self.claims_list = store.claims()
        if rules.countries:   # a store of several conflicts: the claims of this one's articles
            articles = {a for e in self.events.values() for a in e.article_ids}
            self.claims_list = [c for c in self.claims_list if c.article_id in articles]
        claim_articles = store.articles(sorted({c.article_id for c in self.claims_list}))
        self.published = {a.id: a.published for a in claim_articles}
        if intervals is None:
            intervals = compute_control(store, rules, as_of=as_of, events=list(self.events.values()))
        self.all_intervals = intervals
        self.current = current_intervals(self.all_intervals, as_of)
        self.kinds = unit_kinds(store, sorted({c.place_id for c in self.all_intervals}), rules)
        self.tracked_total = len(capitals(store, rules, self.countries)) if self.countries or rules.tracked else 0

    def cite_events(self, event_ids: Iterable[str]) -> list[int]:
        ids = [a for e in event_ids if e in self.events for a in self.events[e].article_ids]
        return self.citations.cite(ids)

    def tier(self, event_ids: Iterable[str]) -> str:
        """The weakest tier among these events (see :func:`event_tier`); "" when none is on record."""
        tiers = [event_tier(self.events[e]) for e in event_ids if e in self.events]
        if not tiers:
            return ""
        return min(tiers, key=lambda t: TIER_ORDER.get(t.split(" ")[0], 0))

    def tiered(self, statement: Statement, event_ids: Iterable[str]) -> Statement:
        statement.tier = self.tier(list(event_ids))
        return statement

    def side(self, holder: str | None) -> str:
        return self.rules.side_of(holder) or (holder or "unknown")

    # -- sections ------------------------------------------------------------------------------
    def capital_rows(self) -> list[CapitalRow]:
        """The tracked places held on the day by another than the one that held them when the record begins."""
        first: dict[str, ControlInterval] = {}
        for c in sorted(self.all_intervals, key=lambda c: c.valid_from or date.min):
            first.setdefault(c.place_id, c)
        rows = []
        for c in self.current:
            if self.kinds.get(c.place_id) != "capital" or c.status != "held":
                continue
            before = first.get(c.place_id)
            if before is not None and before is not c and before.valid_from is None and \
                    self.side(before.holder) == self.side(c.holder):
                continue   # back with the side that held it when the record begins
            if not any(e in self.events for e in c.evidence_event_ids):
                continue
            rows.append(CapitalRow(c.place_name, c.admin1, c.holder, c.valid_from, self.cite_events(c.evidence_event_ids)))
        return sorted(rows, key=lambda r: (r.since or date.min, r.name))

    def headline(self, fallen: list[CapitalRow]) -> list[Statement]:
        total, label = self.tracked_total, self.rules.tracked_label
        out = []
        if fallen:
            by_holder = defaultdict(list)
            for row in fallen:
                by_holder[row.holder or "an unknown actor"].append(row)
            for holder, rows in by_holder.items():
                latest = max(r.since or date.min for r in rows)
                names = _names(sorted(r.name for r in rows if (r.since or date.min) == latest))
                who = self.rules.side_name(self.rules.side_of(holder)) if self.rules.side_of(holder) else holder
                evidence = [e for c in self.current if c.place_name in {r.name for r in rows} for e in c.evidence_event_ids]
                out.append(self.tiered(Statement(
                    f"As of {day_text(self.as_of)}, {_capitals_count(len(rows), total, label)} held by {who}; "
                    f"the most recent to fall, on {day_text(latest if latest != date.min else None)}: {names}.",
                    sorted({n for r in rows for n in r.cites})), evidence))
        else:
            out.append(Statement(f"As of {day_text(self.as_of)}, this record holds no evidence that any of the "
                                 f"{total or ''} {label} had changed hands.".replace("  ", " ")))
        changed = [c for c in self.all_intervals if c.valid_from and self.since < c.valid_from <= self.as_of]
        if changed:
            evidence = [e for c in changed for e in c.evidence_event_ids]
            out.append(self.tiered(Statement(
                f"Between {day_text(self.since)} and {day_text(self.as_of)}, {len(changed)} change(s) of status were "
                f"recorded at {len({c.place_id for c in changed})} place(s).", self.cite_events(evidence)), evidence))
        return out

    def _district_statement(self, tally: DayTally) -> Statement:
        parts = [f"{n} held by {self.rules.side_name(side)}" for side, n in sorted(tally.districts.items(), key=lambda kv: -kv[1])]
        if tally.contested_districts:
            parts.append(f"{tally.contested_districts} contested")
        evidence = [e for c in self.current if self.kinds.get(c.place_id) in ("capital", "district")
                    for e in c.evidence_event_ids]
        return self.tiered(Statement(f"Of the districts with evidence in this record on {day_text(self.as_of)}: "
                                     f"{_names(parts)}.", self.cite_events(evidence)), evidence)

    def numbers(self, tally: DayTally | None) -> list[Statement]:
        capitals = [c for c in self.current if self.kinds.get(c.place_id) == "capital"]
        others = [c for c in self.current if self.kinds.get(c.place_id) == "place" and c.status == "held"]
        label = _capitalised(self.rules.tracked_label)
        out = self._by_side(f"{label} held by", [c for c in capitals if c.status == "held"])
        contested = [c for c in capitals if c.status == "contested"]
        if contested:
            out.append(self._listing(f"{label} contested", contested))
        if tally is not None and (tally.districts or tally.contested_districts):
            out.append(self._district_statement(tally))
        return out + self._by_side("Other places (border crossings, bases, towns) held by", others)

    def _by_side(self, label: str, intervals: list[ControlInterval]) -> list[Statement]:
        sides = sorted({self.side(c.holder) for c in intervals})
        return [self._listing(f"{label} {self.rules.side_name(side)}", [c for c in intervals if self.side(c.holder) == side])
                for side in sides]

    def _listing(self, label: str, intervals: list[ControlInterval]) -> Statement:
        names = _names(sorted(c.place_name for c in intervals))
        evidence = [e for c in intervals for e in c.evidence_event_ids]
        return self.tiered(Statement(f"{label}: {len(intervals)} ({names}).", self.cite_events(evidence)), evidence)

    def changes(self) -> list[Statement]:
        by_place = defaultdict(list)
        for c in self.all_intervals:
            by_place[c.place_id].append(c)
        out = []
        for c in sorted(self.all_intervals, key=lambda c: (c.valid_from or date.min, c.place_name)):
            if not c.valid_from or not (self.since < c.valid_from <= self.as_of):
                continue
            history = [p for p in by_place[c.place_id] if p.valid_to == c.valid_from]
            before = history[0] if history else None
            out.append(self.tiered(Statement(self._change_text(c, before), self.cite_events(c.evidence_event_ids)),
                                   c.evidence_event_ids))
        return out

    def _change_text(self, c: ControlInterval, before: ControlInterval | None) -> str:
        where = f"{c.place_name} ({c.admin1})" if c.admin1 and c.admin1 != c.place_name else c.place_name
        if c.status == "contested":
            return f"On {day_text(c.valid_from)}, fighting made {where} contested."
        first = min((p for p in self.all_intervals if p.place_id == c.place_id), key=lambda p: p.valid_from or date.min)
        back = first is not c and first.valid_from is None and self.side(first.holder) == self.side(c.holder)
        verb = "retook" if back else "took"
        if before is not None and before.holder and before.holder != c.holder:
            return f"On {day_text(c.valid_from)}, {c.holder} {verb} {where} from {before.holder}."
        if before is not None and before.status == "contested":
            return f"On {day_text(c.valid_from)}, {c.holder} {verb} {where}, contested since {day_text(before.valid_from)}."
        return f"On {day_text(c.valid_from)}, {c.holder} took control of {where}."

    def regions(self) -> tuple[list[tuple[str, list[Statement]]], int]:
        chosen = list(self.events.values())
        if self.since_given:  # otherwise every event up to the as-of day
            chosen = [e for e in chosen if e.event_date and self.since < e.event_date <= self.as_of]
        chosen.sort(key=lambda e: (e.admin1 or "~", e.event_date or date.min, e.event_id_cnty))
        left_out = max(0, len(chosen) - MAX_EVENTS)
        grouped: dict[str, list[Statement]] = defaultdict(list)
        for event in chosen[:MAX_EVENTS]:
            grouped[event.admin1 or "Area not known"].append(self._event_statement(event))
        return sorted(grouped.items(), key=lambda kv: (kv[0] == "Area not known", kv[0])), left_out

    def _event_statement(self, e: Event) -> Statement:
        what = e.sub_event_type or e.event_type or "Event"
        actors = e.actor1 or "an unidentified actor"
        if e.actor2:
            actors += f" {'from' if e.sub_event_type == 'Non-violent transfer of territory' else 'against'} {e.actor2}"
        place = e.location or e.admin2 or e.admin1 or "an unknown place"
        text = f"{day_text(e.event_date)}: {what} by {actors} at {place}"
        if e.fatalities or e.fatalities_low or e.fatalities_high:
            text += f"; {_fatalities(e)}"
        text += f" ({e.source_count or len(e.article_ids)} source(s))."
        statement = Statement(text, self.citations.cite(e.article_ids), tier=event_tier(e))
        quote = next((ev for ev in e.evidence if ev.text and ev.article_id in self.known), None)
        if quote is not None:
            statement.quote = _clip(quote.text)
            statement.quote_cite = self.citations.cite([quote.article_id])[0]
        return statement

    def period_events(self) -> list[Event]:
        """The events of the period the report covers (after ``since``, up to the day)."""
        return [e for e in self.events.values() if e.event_date and self.since < e.event_date <= self.as_of]

    def key_figures(self) -> list[Statement]:
        """Events, fatalities (low, best, high), places that changed hands and places held per side, each with
        the events behind it."""
        events = self.period_events()
        span = f"in the period ({_period(self.since + timedelta(days=1), self.as_of)})"
        ids = [e.event_id_cnty for e in events]
        out = []
        by_tier: dict[str, int] = defaultdict(int)
        for e in events:
            by_tier[event_tier(e).split(" ")[0]] += 1
        tiers = ", ".join(f"{n} {t}" for t, n in sorted(by_tier.items(), key=lambda kv: -TIER_ORDER.get(kv[0], 0)))
        out.append(self.tiered(Statement(f"Events {span}: {len(events)}" + (f" ({tiers})." if tiers else "."),
                                         self.cite_events(ids)), ids))
        killed = [e for e in events if e.fatalities or e.fatalities_low or e.fatalities_high]
        if killed:
            best = sum(e.fatalities or 0 for e in killed)
            low = sum(e.fatalities_low if e.fatalities_low is not None else e.fatalities or 0 for e in killed)
            high = sum(e.fatalities_high if e.fatalities_high is not None else e.fatalities or 0 for e in killed)
            kid = [e.event_id_cnty for e in killed]
            out.append(self.tiered(Statement(f"Fatalities reported {span}: {best} (low {low}, high {high}) in "
                                             f"{len(killed)} event(s).", self.cite_events(kid)), kid))
        changed = [c for c in self.all_intervals if c.valid_from and self.since < c.valid_from <= self.as_of
                   and c.status == "held"]
        if changed:
            cid = [e for c in changed for e in c.evidence_event_ids]
            out.append(self.tiered(Statement(f"Places that changed hands {span}: {len({c.place_id for c in changed})} "
                                             f"({_names(sorted({c.place_name for c in changed}))}).",
                                             self.cite_events(cid)), cid))
        held = [c for c in self.current if c.status == "held"]
        for side in sorted({self.side(c.holder) for c in held}):
            mine = [c for c in held if self.side(c.holder) == side]
            hid = [e for c in mine for e in c.evidence_event_ids]
            out.append(self.tiered(Statement(f"Places held by {self.rules.side_name(side)} on {day_text(self.as_of)}: "
                                             f"{len(mine)}.", self.cite_events(hid)), hid))
        return out

    def highlights(self, changes: list[Statement], casualties: list[Statement]) -> list[Statement]:
        """Three to five lines for a reader in a hurry: the latest changes of control, then the deadliest events,
        then the busiest area; confirmed and reported before claimed."""
        def strength(s: Statement) -> int:
            return TIER_ORDER.get(s.tier.split(" ")[0], 0)

        picked = sorted(changes[-3:], key=strength, reverse=True)
        deadly = sorted(self.period_events(), key=lambda e: -(e.fatalities or 0))
        for e in deadly[:2]:
            if e.fatalities:
                place = e.location or e.admin1 or "an unknown place"
                picked.append(Statement(f"The deadliest event of the period: {day_text(e.event_date)}, {place}, "
                                        f"{_fatalities(e)} ({e.sub_event_type}).", self.citations.cite(e.article_ids),
                                        tier=event_tier(e)))
        areas: dict[str, list[Event]] = defaultdict(list)
        for e in self.period_events():
            areas[e.admin1 or "an unknown area"].append(e)
        busiest = max(areas.items(), key=lambda kv: (len(kv[1]), kv[0])) if areas else None
        if busiest and len(busiest[1]) >= 2 and len(picked) < 5:
            area, events = busiest
            ids = [e.event_id_cnty for e in events]
            picked.append(self.tiered(Statement(f"Most events of the period were in {area}: {len(events)}.",
                                                self.cite_events(ids)), ids))
        if len(picked) < 3:
            picked += [s for s in casualties if s not in picked][:3 - len(picked)]
        return picked[:5]

    def claims(self, compared: list[ClaimedTally]) -> list[Statement]:
        by_key = {(t.claim.id, t.claim.article_id, t.claim.start): t for t in compared}
        published = self.published
        out = []
        for claim in self.claims_list:
            day = claim.as_of or published.get(claim.article_id)
            if day is not None and day > self.as_of:
                continue
            statement = self._claim_statement(claim, day)
            t = by_key.get((claim.id, claim.article_id, claim.start))
            if t is not None and t.observed is not None:
                verdict = "consistent with" if t.agrees else "not consistent with"
                statement.text += (f" This record has evidence for {t.observed} ({METRIC_WORDS.get(claim.metric, claim.metric)} "
                                   f"held by {self.rules.side_name(self.rules.claims_side)} on {day_text(t.day)}), "
                                   f"{verdict} the claim.")
            out.append(statement)
        return out

    def claimant(self, claimant: str | None) -> str:
        """A claimant as written: an actor id becomes the actor's name; named sources stay as they are."""
        if not claimant:
            return "An unattributed source"
        actor = _actor_dictionary().get(claimant) if _actor_dictionary() else None
        return actor.name if actor else claimant

    def _claim_statement(self, claim: Claim, day: date | None) -> Statement:
        who = self.claimant(claim.claimant)
        figure = ""
        if claim.count is not None:
            words = COMPARATOR_WORDS.get(claim.comparator, claim.comparator.replace("_", " "))
            number = f"{claim.count * 100:g}%" if claim.metric == "territory_share" and claim.count <= 1 else f"{claim.count:g}"
            figure = f"{words + ' ' if words else ''}{number}"
            if claim.denominator:
                figure += f" of {claim.denominator}"
        metric = METRIC_WORDS.get(claim.metric, claim.metric.replace("_", " "))
        when = f" (reported {day_text(day)})" if day else ""
        cite = self.citations.cite([claim.article_id])
        text = f"{who} claimed {figure} {metric}{when}.".replace("  ", " ")
        return Statement(text, cite, _clip(claim.text), cite[0] if cite else None, tier=f"claimed by {who}")

    def casualties(self) -> list[Statement]:
        out = []
        for e in sorted(self.events.values(), key=lambda e: (e.event_date or date.min, e.event_id_cnty)):
            if not (e.fatalities or e.fatalities_low or e.fatalities_high):
                continue
            place = e.location or e.admin1 or "an unknown place"
            text = f"{day_text(e.event_date)}, {place}: {_fatalities(e)} ({e.sub_event_type})."
            if e.disagreements:
                text += " Sources disagree on this event; the lowest figure is recorded."
            out.append(Statement(text, self.citations.cite(e.article_ids), tier=event_tier(e)))
        published = self.published
        for claim in self.claims_list:
            day = claim.as_of or published.get(claim.article_id)
            if ("casualt" not in claim.metric and "killed" not in claim.metric) or (day and day > self.as_of):
                continue
            out.append(self._claim_statement(claim, day))
        return out


@lru_cache(maxsize=1)
def _actor_dictionary() -> Any:
    try:
        from frontlines.understand.actors import load_actors
        return load_actors()
    except Exception:  # without the actor dictionary, claimants are shown as stored
        return None


TIER_ORDER = {"confirmed": 3, "reported": 2, "claimed": 1}


def _capitals_count(n: int, total: int, label: str = "provincial capitals") -> str:
    """"18 of the 34 provincial capitals were", or without a known total "2 state capitals were"."""
    if total:
        return f"{n} of the {total} {label} {'was' if n == 1 else 'were'}"
    return f"{n} {label} were" if n != 1 else f"1 of the {label} was"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _period(first: date, last: date) -> str:
    return day_text(last) if first >= last else f"{day_text(first)} to {day_text(last)}"


def event_tier(e: Event) -> str:
    """An event's confidence tier as a report writes it: "confirmed", "reported" or "claimed by …" (the fusion
    stage's tier; for a store made before tiers, two sources or more count as confirmed)."""
    tier = e.tier or ("confirmed" if (e.source_count or len(e.article_ids)) >= 2 else "reported")
    if tier == "claimed":
        who = _actor_name(e.claimed_by) if e.claimed_by else "a party to the conflict"
        return f"claimed by {who}"
    return tier


def _actor_name(actor: str) -> str:
    known = _actor_dictionary().get(actor) if _actor_dictionary() else None
    return known.name if known else actor


def _fatalities(e: Event) -> str:
    low, high = e.fatalities_low, e.fatalities_high
    text = f"{e.fatalities} killed"
    if low is not None and high is not None and (low != e.fatalities or high != e.fatalities):
        text += f" (reports range from {low} to {high})"
    return text


def _clip(text: str | None, limit: int = 300) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def build_report(store: Any, as_of: date, since: date | None = None, rules: ControlRules | None = None,
                 intervals: list[ControlInterval] | None = None) -> SituationReport:
    """Assemble the situation report as of a day; ``since`` (default: the day before) bounds "what changed"."""
    rules = rules or store_rules(store)
    builder = _Builder(store, as_of, since, rules, intervals)
    tallies = daily_tallies(store, as_of, rules=rules, intervals=builder.all_intervals)
    tally = tallies[-1] if tallies else None
    fallen = builder.capital_rows()
    headline = builder.headline(fallen)
    numbers = builder.numbers(tally)
    changes = builder.changes()
    regions, left_out = builder.regions()
    claims = builder.claims(claimed_tallies(store, as_of=as_of, rules=rules, intervals=builder.all_intervals,
                                            claims=builder.claims_list))
    claims_left_out = max(0, len(claims) - MAX_CLAIMS)
    casualties = builder.casualties()
    key_figures = builder.key_figures()
    highlights = builder.highlights(changes, casualties)
    map_svg, map_kind = report_map(store, as_of, rules, builder.all_intervals, builder.countries)
    title = f"Situation report, {day_text(as_of)}" + (f": {rules.profile}" if rules.profile else "")
    return SituationReport(
        as_of=as_of, since=builder.since, title=title, headline=headline,
        capitals=fallen, numbers=numbers, changes=changes, regions=regions, claims=claims[:MAX_CLAIMS], casualties=casualties[:MAX_CLAIMS],
        sources=builder.citations.sources(), capitals_total=builder.tracked_total, tracked_label=rules.tracked_label,
        map_svg=map_svg, map_kind=map_kind,
        events_left_out=left_out, claims_left_out=claims_left_out,
        period=_period(builder.since + timedelta(days=1), as_of),
        next_update=as_of + timedelta(days=1), highlights=highlights, key_figures=key_figures)


# -- the map ------------------------------------------------------------------------------------
def map_layers(store: Any, as_of: date, rules: ControlRules | None = None,
               intervals: list[ControlInterval] | None = None, countries: list[str] | None = None
               ) -> tuple[list[MapPoint], list[MapArea]]:
    """Points for every place under control tracking and, when boundaries were imported, areas coloured by status;
    the tracked places of ``countries`` (default: the rules', else those of the places held) with no record grey."""
    rules = rules or store_rules(store)
    if intervals is None:
        intervals = compute_control(store, rules, as_of=as_of)
    current = current_intervals(intervals, as_of)
    kinds = unit_kinds(store, sorted({c.place_id for c in current}), rules)
    places = {p.id: p for p in store.places_by_id(sorted({c.place_id for c in current}))}
    countries = list(rules.countries) or countries or sorted({p.country for p in places.values() if p.country})
    tracked = capitals(store, rules, countries) if countries or rules.tracked else []
    for capital in tracked:
        places.setdefault(capital.id, capital)
    points = []
    for c in current:
        place = places.get(c.place_id)
        if place is None or place.lat is None or place.lon is None or place.kind in ("district", "province"):
            continue
        points.append(MapPoint(place.lat, place.lon, c.place_name, rules.status_key(c.status, c.holder), id=c.place_id))
    recorded = {c.place_id for c in current}
    seats = {c.admin1 for c in current if kinds.get(c.place_id) == "capital"}
    for capital in tracked:
        # Capitals without a record are drawn grey, so a map of few events still shows the country.
        if capital.id not in recorded and (not capital.admin1 or capital.admin1 not in seats) and capital.lat is not None and capital.lon is not None:
            points.append(MapPoint(capital.lat, capital.lon, capital.name, "unknown", id=capital.id))
    return points, _areas(store, current, kinds, places, rules)


def _areas(store: Any, current: list[ControlInterval], kinds: dict[str, str], places: dict, rules: ControlRules) -> list[MapArea]:
    geometries = store.place_geometries("boundary:")
    if not geometries:
        return []
    boundary = [p for p in store.places(source_prefix="boundary:") if p.id in geometries]
    districts = [p for p in boundary if p.kind == "district"]
    provinces = [p for p in boundary if p.kind == "province"]
    chosen = districts or provinces
    by_source: dict[str, list] = defaultdict(list)
    for p in chosen:
        by_source[p.source].append(p)
    chosen = max(by_source.values(), key=len) if by_source else []
    statuses = _area_statuses(chosen, geometries, current, kinds, places, rules)
    return [MapArea(geometries[p.id], f"{p.name}: {statuses.get(p.id, 'unknown').replace('held:', 'held by ')}",
                    statuses.get(p.id, "unknown"), p.id) for p in chosen]


def _area_statuses(areas: list, geometries: dict[str, str], current: list[ControlInterval], kinds: dict[str, str],
                   places: dict, rules: ControlRules) -> dict[str, str]:
    """A district takes the status of its own control unit or of the capital/district centre inside it."""
    from shapely import wkt
    from shapely.geometry import Point

    out: dict[str, str] = {}
    shapes = {}
    for area in areas:
        try:
            shapes[area.id] = wkt.loads(geometries[area.id])
        except Exception:  # an unreadable polygon is simply not coloured
            continue
    for c in sorted(current, key=lambda c: c.valid_from or date.min):
        kind = kinds.get(c.place_id)
        if kind not in ("capital", "district"):
            continue
        status = rules.status_key(c.status, c.holder)
        if c.place_id in shapes:
            out[c.place_id] = status
            continue
        place = places.get(c.place_id)
        for area in areas:
            same_code = c.admin2_code and area.admin2_code == c.admin2_code
            if area.kind == "province":
                same_code = kind == "capital" and ((c.admin1_code and area.admin1_code == c.admin1_code)
                                                   or (c.admin1 and area.name == c.admin1))
            inside = (place is not None and place.lat is not None and area.id in shapes
                      and shapes[area.id].contains(Point(place.lon, place.lat)))
            if same_code or inside:
                out[area.id] = status
    return out


def report_map(store: Any, as_of: date, rules: ControlRules | None = None,
               intervals: list[ControlInterval] | None = None, countries: list[str] | None = None) -> tuple[str, str]:
    """The report's map as SVG text and what it shows ("areas" or "points")."""
    rules = rules or store_rules(store)
    points, areas = map_layers(store, as_of, rules, intervals, countries)
    title = f"Control as of {day_text(as_of)}"
    return (render_map_svg(points, areas, title=title, styles=side_styles(rules)),
            ("areas" if areas else "points"))


# -- writing ------------------------------------------------------------------------------------
def _md_escape(value: Any) -> str:
    """Escape a value for Markdown: article text must not become markup (or raw HTML) when rendered."""
    from markupsafe import Markup

    if value is None:
        return ""
    if isinstance(value, Markup):  # produced by our own filters (citation marks), already Markdown
        return str(value)
    text = " ".join(str(value).split())
    for char in "\\`*_[]<>|#&!":
        text = text.replace(char, "\\" + char)
    return text


def _environment(kind: str):
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    if kind == "html":
        env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"], default=True),
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    else:
        env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=False, finalize=_md_escape,
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["day"] = day_text
    env.filters["cites"] = _cite_marks
    env.filters["statement"] = _md_statement
    env.filters["safe_url"] = _safe_url
    return env


def _md_statement(statement: Statement):
    """A statement in Markdown: its text, its citations, and the source's own words as a marked quotation."""
    from markupsafe import Markup

    # Plain strings throughout: adding a str to a Markup would HTML-escape the str.
    text = _md_escape(statement.text)
    if statement.tier:
        text += f" _({_md_escape(statement.tier)})_"
    if statement.cites:
        text += " " + str(_cite_marks(statement.cites))
    if statement.quote:
        text += f" Source's words: “{_md_escape(statement.quote)}” {str(_cite_marks([statement.quote_cite]))}"
    return Markup(text)


def _cite_marks(numbers: Iterable[int | None]):
    from markupsafe import Markup
    return Markup("".join(f"[{int(n)}]" for n in numbers if n is not None))


def _safe_url(url: str | None) -> str | None:
    from frontlines.report.maps import safe_href
    href = safe_href(url)
    ok = href and len(href) <= 2000 and href.lower().startswith(("http://", "https://"))
    return href if ok else None


def render_markdown(report: SituationReport) -> str:
    return _environment("md").get_template("report.md.j2").render(r=report)


def render_html(report: SituationReport) -> str:
    from markupsafe import Markup
    # The map SVG is built by maps.render_map_svg, which escapes every label itself.
    return _environment("html").get_template("report.html.j2").render(r=report, map_svg=Markup(report.map_svg))


def write_report(store: Any, as_of: date, out_dir: str | Path, since: date | None = None,
                 rules: ControlRules | None = None) -> dict[str, Path]:
    """Write report.md, report.html (and report.pdf with WeasyPrint), map.svg/png and tallies.png/svg."""
    from frontlines.report.charts import render_tallies_chart

    rules = rules or store_rules(store)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    intervals = compute_control(store, rules, as_of=as_of)
    report = build_report(store, as_of, since, rules, intervals)
    written: dict[str, Path] = {}
    (out / "map.svg").write_text(report.map_svg, encoding="utf-8")
    written["map.svg"] = out / "map.svg"
    events = in_conflict(store.events(as_of=as_of), rules)
    countries = list(rules.countries) or countries_of(events)
    points, areas = map_layers(store, as_of, rules, intervals, countries)
    written["map.png"] = render_map_png(points, areas, path=out / "map.png", title=f"Control as of {day_text(as_of)}",
                                        styles=side_styles(rules))
    tallies = daily_tallies(store, as_of, rules=rules, intervals=intervals)
    if tallies:
        articles = {a for e in events for a in e.article_ids}
        mine = [c for c in store.claims() if not rules.countries or c.article_id in articles]
        claims = claimed_tallies(store, as_of=as_of, rules=rules, intervals=intervals, claims=mine)
        for path in render_tallies_chart(tallies, claims, out, title=f"Tallies to {day_text(as_of)}", rules=rules):
            written[path.name] = path
    report.files = {name: path.name for name, path in written.items()}
    (out / "report.md").write_text(render_markdown(report), encoding="utf-8")
    written["report.md"] = out / "report.md"
    html = render_html(report)
    (out / "report.html").write_text(html, encoding="utf-8")
    written["report.html"] = out / "report.html"
    pdf = _write_pdf(html, out)
    if pdf is not None:
        written["report.pdf"] = pdf
    return written


def _write_pdf(html: str, out: Path) -> Path | None:
    try:
        from weasyprint import HTML
    except ImportError:
        return None
    target = out / "report.pdf"
    HTML(string=html, base_url=str(out)).write_pdf(target)
    return target
