"""Rule-based event coding: asserted sentences + their place, actor and date mentions -> EventMentions.

No parser: a trigger phrase (``data/event_patterns.yaml``) reaches over the token window after it (or before
it, for "fell to" and passives) to a list of named places, stopping at a clause boundary, a siege word or the
next trigger. Actors come from the sentence's actor mentions by word order (agent before the trigger, "by X"
after a passive, "from X" for the side that lost the place); dates from the sentence, its paragraph, the
article's first dated report of the same kind (so a later, undated "capitals captured in the north so far
include Kunduz" takes the date of "occupied five provincial capitals over the weekend") or the publication day.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from frontlines.coding.grammar import Grammar, Roles
from frontlines.coding.patterns import EventClass, EventPatterns, Taxonomy, Token, Trigger, tokenize
from frontlines.model import (
    Actor, ActorMention, Article, DateMention, EventMention, Evidence, PlaceMention, Quantity, Sentence,
)
from frontlines.understand.text import fold

ARMED_TYPES = {"State forces", "Rebel group", "Political militia", "Identity militia", "External/Other forces"}
AREA_WORDS = {"province", "district", "state", "region"}   # "… in North Kivu province", "in Gezira state"
STATE_FORCES = "state_forces"   # the generic actor: a country's state forces, named per event
PRECISION_BY_KIND = {"city": 1, "town": 1, "village": 1, "border_crossing": 1, "airport": 1, "base": 1,
                     "district": 2, "province": 3, "region": 3, "country": 3}
SKIP = "skip"   # a date result meaning "this is history: no event"
AMBIGUOUS_TARGETS = {"camp", "camps", "town", "towns", "city", "cities"}   # a garrison, unless civilians are named
# Modalities whose cue binds its own clause only: in "The Taliban took Kandahar and closed in on Kabul, as a
# minister warned the state could collapse", the prediction is about the state, not about the capture.
CLAUSE_BOUND_MODALITIES = {"history", "prediction", "plan", "threat", "conditional"}
# A trailing attribution ("…, officials said.") reports the event; a leading one ("Officials said …") is
# the officials' statement, which the codebook does not code.
TRAILING_MODALITIES = {"statement"}
ASSERTED_AT_TRIGGER = {"asserted"} | CLAUSE_BOUND_MODALITIES | TRAILING_MODALITIES
NEAR = 40         # tokens either side of a trigger in which its actors, places and dates are looked for
MAX_EVIDENCE = 12     # sentences kept as one mention's evidence (an article repeating itself adds nothing)
PARAGRAPH_BACK = 5   # sentences back in a paragraph to look for the date an undated sentence refers to
CLAUSE_GAP = 60   # characters between a trigger and a later cue for them to be in different clauses"


@dataclass
class Span:
    """An annotation located on the sentence's tokens ``[first, last]``."""
    item: PlaceMention | ActorMention
    first: int
    last: int


@dataclass
class DateChoice:
    start: date | None
    end: date | None
    precision: int | None
    how: str                                  # sentence | paragraph | anchor | published | none
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Anchor:
    """The first dated report of a kind of event in an article: later, undated objects share its date and agent."""
    choice: DateChoice
    actor_id: str | None
    evidence: Evidence


@dataclass
class SentenceView:
    """One sentence with its tokens and the annotations on them, indexed so that a trigger looks only at
    what is near it (a hostile one-sentence megabyte must not cost the square of its length)."""
    sentence: Sentence
    tokens: list[Token]
    places: list[Span]
    actors: list[Span]
    dates: list[DateMention]
    quantities: list[Quantity]
    evidence: Evidence | None = None   # the sentence as evidence, made once however many events it reports
    grammar: Grammar | None = None     # the article's parse (None without one: the token window alone)
    roles: dict[tuple[int, int], Roles | None] = field(default_factory=dict)   # by trigger tokens, read once

    def __post_init__(self) -> None:
        self.place_at_first = {s.first: s for s in self.places}
        self.place_at_last = {s.last: s for s in self.places}
        self._place_keys = [s.first for s in self.places]
        self._actor_keys = [s.first for s in self.actors]
        self.dates = sorted(self.dates, key=lambda d: d.start)
        self._date_keys = [d.start for d in self.dates]

    def places_near(self, first: int, last: int) -> list[Span]:
        return self.places[bisect_left(self._place_keys, first - NEAR):bisect_right(self._place_keys, last + NEAR)]

    def actors_near(self, first: int, last: int) -> list[Span]:
        return self.actors[bisect_left(self._actor_keys, first - NEAR):bisect_right(self._actor_keys, last + NEAR)]

    def dates_near(self, first: int, last: int) -> list[DateMention]:
        if not self.tokens:
            return []
        low = self.tokens[max(0, first - NEAR)].start
        high = self.tokens[min(len(self.tokens) - 1, last + NEAR)].end
        return self.dates[bisect_left(self._date_keys, low):bisect_left(self._date_keys, high)]


class EventCoder:
    """Codes the event mentions of one article at a time."""

    def __init__(self, patterns: EventPatterns, taxonomy: Taxonomy, actors: dict[str, Actor],
                 country_focus: str | None = None) -> None:
        self.patterns, self.taxonomy, self.actors = patterns, taxonomy, actors
        self.country_focus = country_focus
        self._countries: set[str] = set()   # the countries the article being coded is about
        self._clash = next((c for c in patterns.classes if c.sub_event_type == "Armed clash"), None)

    # -- article -----------------------------------------------------------------------------
    def code(self, article: Article) -> list[EventMention]:
        """Event mentions of ``article`` (its annotations must be filled), merged within the article."""
        by_sentence = _by_sentence(article)
        grammar = Grammar(article.doc) if getattr(article, "doc", None) is not None else None
        views = [self._view(article, s, by_sentence, grammar) for s in article.sentences]
        dominant = self._dominant_actor(article)
        self._countries = _article_countries(article)
        anchors: dict[str, Anchor] = {}
        found: list[EventMention] = []
        for i, view in enumerate(views):
            if view.sentence.modality not in ASSERTED_AT_TRIGGER:
                continue
            found.extend(self._code_sentence(article, views, i, anchors, dominant))
        mentions = _merge_within_article(found)
        for i, mention in enumerate(mentions):
            mention.id = f"{article.id}:m{i}"
        return mentions

    def _view(self, article: Article, sentence: Sentence, by_sentence: dict[str, dict[int, list]],
              grammar: Grammar | None = None) -> SentenceView:
        tokens = tokenize(sentence.text, sentence.start)
        starts = [t.start for t in tokens]
        places = [_span(m, tokens, starts) for m in by_sentence["places"].get(sentence.index, []) if m.place]
        actors = [_span(m, tokens, starts) for m in by_sentence["actors"].get(sentence.index, [])
                  if m.actor_id in self.actors]
        return SentenceView(sentence, tokens, sorted((p for p in places if p), key=lambda s: s.first),
                            sorted((a for a in actors if a), key=lambda s: s.first),
                            by_sentence["dates"].get(sentence.index, []),
                            by_sentence["quantities"].get(sentence.index, []), _evidence(article, sentence), grammar)

    def _dominant_actor(self, article: Article) -> str | None:
        """The armed actor the article names most (ties: the first named)."""
        counts = Counter(m.actor_id for m in article.actors if m.actor_id in self.actors
                         and m.actor_id not in self.patterns.not_combatants
                         and self.actors[m.actor_id].type_on(article.published) in ARMED_TYPES)
        return counts.most_common(1)[0][0] if counts else None

    # -- sentence ----------------------------------------------------------------------------
    def _code_sentence(self, article: Article, views: list[SentenceView], index: int,
                       anchors: dict[str, Anchor], dominant: str | None) -> list[EventMention]:
        view = views[index]
        found = (self._by_target(view, t) for t in self.patterns.triggers(view.tokens))
        triggers = [t for t in found if t and self._is_done(view.tokens, t) and not _denied(view, t)
                    and _asserted_at(view, t) and _victims_fit(view, t)]
        trigger_tokens = {i for t in triggers for i in range(t.first, t.last + 1)}
        claimed = {id(s.item) for t in triggers for s in self._reach(view, t, trigger_tokens)}
        out: list[EventMention] = []
        for trigger in triggers:
            out.extend(self._code_trigger(article, views, index, trigger, trigger_tokens, claimed, anchors, dominant))
        converting = [t.event_class for t in triggers if t.phrase in t.event_class.converts_territory]
        if converting:
            out = [self._converted(m, converting[0]) for m in out]
        out = self._apply_hierarchy(out)
        if len(out) == 1:
            out[0].fatalities = _lowest_killed(view.quantities)
        return out

    def _code_trigger(self, article: Article, views: list[SentenceView], index: int, trigger: Trigger,
                      trigger_tokens: set[int], claimed: set[int], anchors: dict[str, Anchor],
                      dominant: str | None) -> list[EventMention]:
        view, cls = views[index], trigger.event_class
        chain = self._reach(view, trigger, trigger_tokens)
        coded_as = cls
        if cls.territory and chain:
            qualifiers = _qualifiers(view, trigger, chain)
            if qualifiers & self.patterns.parts_within:   # "seized five districts in Herat": not Herat itself
                chain = [s for s in chain if s.item.place.kind not in ("city", "town")]
            elif qualifiers & self.patterns.partial_control and self._clash is not None:
                coded_as = self._clash                     # "captured much of Lashkar Gah": fighting, not a fall
            chain = chain + self._companions(view, max(chain[-1].last, trigger.last) + 1, cls, trigger_tokens) \
                if chain else chain
        places, inherited = self._event_places(chain, cls, view), False
        if cls.targets:
            # what was hit, or where ("attacked a post in Kobo"), by the parse: a place merely named nearby is
            # too often another one (the region, the town the report was filed from)
            places = places or self._event_places(self._located(view, trigger), cls, view)
        elif not places and not cls.territory:
            near = view.places_near(trigger.first, trigger.last)
            places = self._event_places([s for s in near if id(s.item) in claimed] or near, cls, view)
            if not places:
                places, inherited = self._inherited_places(views, index, cls), True
        agent = self._agent(view, trigger, cls)
        actor_id = agent.item.actor_id if agent else None
        anchor = anchors.get(cls.name) if cls.territory else None
        choice = self._date(article, views, index, trigger, anchor)
        if choice == SKIP:
            return []
        if cls.territory and cls.name not in anchors and choice.start and choice.how in ("sentence", "paragraph") \
                and (choice.precision or 1) <= 2:
            anchors[cls.name] = Anchor(choice, actor_id, view.evidence)
        if not places:
            return []   # an aggregate without a named place stays a claim
        actor_how = "sentence"
        if cls.named_agent and (agent is None or not _acts(view.tokens, agent, trigger)):
            return []   # "civilians were killed … as the Taliban and the army fought": nobody named killed them
        if actor_id is None:
            actor_id = (anchor.actor_id if anchor and anchor.actor_id else None) or dominant or cls.default_actor1
            actor_how = "fallback"
            if actor_id and self._subject_is_non_state(view, trigger) and \
                    self.actors[actor_id].type_on(None) == "State forces":
                return []   # "the rebels captured X": never the state's forces, whoever the article names most
        day = choice.start
        if actor_id is None or not self._actor_fits(actor_id, cls, day):
            return []
        opponent, assoc2 = self._opponent(view, trigger, cls, actor_id, chain)
        if cls.agent_loses:
            taker = self._taker(actor_id, opponent, dominant)
            if taker is None:
                return []   # who holds the place now is not said
            actor_id, opponent = taker, actor_id
        claimed_by = self._claimant(view, day)
        evidence = [view.evidence]
        if anchor and choice.how == "anchor":
            evidence = [anchor.evidence] + evidence
        confidence = cls.confidence + (0.1 if actor_how == "sentence" else -0.1) - (0.15 if inherited else 0.0) \
            + {"sentence": 0.05, "paragraph": 0.0, "anchor": 0.0, "published": -0.1}.get(choice.how, -0.2)
        out = []
        for span in places:
            place_mention: PlaceMention = span.item
            place = place_mention.place
            if place.country and self._countries and place.country not in self._countries:
                continue    # a lone name in a country the article is not about ("Pale" in a Myanmar report)
            actor1 = self._specific(actor_id, place.country, day)
            if actor1 is None:
                continue    # a generic actor ("the army") in a place of no known country
            sub = coded_as.sub_event_for(self.actors[actor1].type_on(day - timedelta(days=1) if day else None))
            event_type = self.taxonomy.event_type(sub)
            if event_type == "Battles" and self.country_focus and place.country != self.country_focus:
                continue    # fighting outside the country of focus is not ours to code as Battles
            actor2 = self._name(self._specific(opponent, place.country, day))
            if sub == "Armed clash" and actor2 in (None, self.actors[actor1].name):
                continue    # a battle has two sides: "the government said fighting …" names one
            claimant = self._name(self._specific(claimed_by, place.country, day))
            out.append(EventMention(
                claimed_by=claimant, article_id=article.id, event_type=event_type, sub_event_type=sub,
                actor1=self.actors[actor1].name, actor2=actor2,
                assoc_actor_2=self._name(self._specific(assoc2, place.country, day)),
                place=place, geo_precision=place_mention.geo_precision or PRECISION_BY_KIND.get(place.kind, 2),
                date_start=choice.start, date_end=choice.end, time_precision=choice.precision,
                civilian_targeting=event_type == "Violence against civilians" or opponent == "civilians",
                confidence=round(min(0.95, max(0.05, confidence)), 2), evidence=list(evidence)))
        return out

    def _converted(self, mention: EventMention, cls: EventClass) -> EventMention:
        """A capture "without a fight" is a non-violent transfer."""
        if mention.event_type != "Battles" or mention.sub_event_type == "Armed clash":
            return mention
        sub = cls.sub_event_for(None)
        return replace(mention, sub_event_type=sub, event_type=self.taxonomy.event_type(sub))

    # -- triggers and places -------------------------------------------------------------------
    def _by_target(self, view: SentenceView, trigger: Trigger) -> Trigger | None:
        """A trigger whose class names its target ("attacked": an army base is a battle, a village an attack
        on civilians) under the class that fits what was hit; None when nothing fits."""
        wanted = trigger.event_class.targets
        if wanted is None:
            return trigger
        kind = self._target_kind(view, trigger)
        if kind == wanted:
            return trigger
        other = next((c for c in self.patterns.classes if c.targets == kind and trigger.phrase in c.phrases), None)
        return replace(trigger, event_class=other) if other else None

    def _target_kind(self, view: SentenceView, trigger: Trigger) -> str | None:
        """"armed" or "civilian": what the trigger's object (by the parse, else the next words) is."""
        roles = _roles(view, trigger)
        if roles is not None and roles.patient:
            ranges = roles.patient
        else:
            after = view.tokens[trigger.last + 1:trigger.last + 7]
            ranges = [(after[0].start, after[-1].end)] if after else []
        if not ranges:
            return None
        head = view.grammar.head(*ranges[0]) if view.grammar is not None and view.grammar.parsed else None
        words = [t.text for t in view.tokens if any(a <= t.start and t.end <= b for a, b in ranges)]
        if head is not None and head.lower_ in AMBIGUOUS_TARGETS and "civilian" in map(self._word_kind, words):
            return "civilian"    # "a displacement camp": a camp of civilians, not a garrison
        kinds = [self._word_kind(head.lower_)] if head is not None else []
        for span in view.actors:
            if any(a < span.item.end and span.item.start < b for a, b in ranges):
                actor = self.actors.get(span.item.actor_id)
                kinds.append("civilian" if _base(span.item.actor_id) == "civilians" else
                             "armed" if actor and actor.type_on(None) in ARMED_TYPES else None)
        kinds += [self._word_kind(word) for word in words]
        return next((k for k in kinds if k), None)

    def _word_kind(self, word: str) -> str | None:
        if word in self.patterns.armed_targets:
            return "armed"
        return "civilian" if word in self.patterns.civilian_targets else None

    def _is_done(self, tokens: list[Token], trigger: Trigger) -> bool:
        """False for "trying to capture", "could fall", "did not capture": attempts, plans, possibilities."""
        before = [t.text for t in tokens[max(0, trigger.first - 2):trigger.first]]
        if any(word in self.patterns.done for word in before):
            return True
        if before and before[-1] in self.patterns.not_done:
            return False
        return not (len(before) == 2 and before[0] in self.patterns.not_done)

    def _stops(self, cls: EventClass) -> set[str]:
        return self.patterns.scope_stop | (self.patterns.territory_stop if cls.territory else set())

    def _passive(self, tokens: list[Token], trigger: Trigger) -> bool:
        """"was captured", "was also captured", "had been taken"."""
        return any(t.text in self.patterns.passive_markers for t in tokens[max(0, trigger.first - 2):trigger.first])

    def _reach(self, view: SentenceView, trigger: Trigger, taken: set[int]) -> list[Span]:
        """The places the trigger is about: by the parse, what was taken or hit (its object, the subject of a
        passive or of "fell"); without one, the list after it, or before it for "fell to" and passives."""
        cls = trigger.event_class
        roles = _roles(view, trigger)
        if roles is not None and roles.patient:
            spans = [s for s in view.places if roles.holds("patient", s.item.start, s.item.end)
                     and not _in_dateline(view, s.item.start)
                     and not view.grammar.is_reference(s.item.start, s.item.end, near=cls.territory)]
            if any(s.item.place.kind != "country" for s in spans):
                return spans
        if trigger.phrase in cls.place_before or (cls.territory and self._passive(view.tokens, trigger)):
            subject = self._subject(view, trigger, cls, taken)
            if trigger.phrase in cls.place_before or any(s.item.place.kind != "country" for s in subject):
                return subject
        return self._walk(view, trigger.last + 1, 1, cls, taken)

    @staticmethod
    def _located(view: SentenceView, trigger: Trigger) -> list[Span]:
        """The places the parse says the trigger happened at ("in X", "near X"); none without a parse."""
        roles = _roles(view, trigger)
        if roles is None or not roles.location:
            return []
        return [s for s in view.places if roles.holds("location", s.item.start, s.item.end)]

    def _subject(self, view: SentenceView, trigger: Trigger, cls: EventClass, taken: set[int]) -> list[Span]:
        """The places a passive trigger is about: the list that opens its clause
        ("Maidan Shahr, the capital of Wardak province west of Kabul, also fell to ..." is Maidan Shahr)."""
        stops, j = self._stops(cls), trigger.first - 1
        while j >= 0 and trigger.first - j <= 2 * self.patterns.reach:
            if view.tokens[j].text in stops or j in taken or _in_dateline(view, view.tokens[j].start):
                break
            j -= 1
        first = next((s for s in view.places_near(j, trigger.first) if s.first > j and s.last < trigger.first), None)
        return self._walk(view, first.first, 1, cls, taken, limit=trigger.first) if first else []

    def _walk(self, view: SentenceView, j: int, step: int, cls: EventClass, taken: set[int],
              limit: int | None = None) -> list[Span]:
        stops, chain, gap = self._stops(cls), [], 0
        at = view.place_at_first if step > 0 else view.place_at_last
        end = len(view.tokens) if limit is None else limit
        while 0 <= j < end:
            span = at.get(j)
            if span:
                chain.append(span)
                j, gap = ((span.last + 1) if step > 0 else (span.first - 1)), 0
                continue
            word = view.tokens[j].text
            if word in stops or j in taken:
                break
            if chain and word not in self.patterns.list_joiners:
                break
            gap += 1
            if gap > self.patterns.reach:
                break
            j += step
        return chain if step > 0 else chain[::-1]

    def _companions(self, view: SentenceView, j: int, cls: EventClass, taken: set[int]) -> list[Span]:
        """Places after a companion phrase later in the same clause ("…, on the same day as Taloqan")."""
        stops, words = self._stops(cls), [t.text for t in view.tokens]
        while j < len(words) and words[j] not in stops and j not in taken:
            for phrase in self.patterns.companions:
                if tuple(words[j:j + len(phrase)]) == phrase:
                    return self._walk(view, j + len(phrase), 1, cls, taken)
            j += 1
        return []

    def _event_places(self, chain: list[Span], cls: EventClass, view: SentenceView) -> list[Span]:
        """Places an event can be at: no countries; a province that is a listed town's own is an apposition;
        "the Helmand capital" is the capital named in the same sentence."""
        spans = [self._capital_of(s, view) for s in chain if s.item.place.kind not in ("country", "region")
                 and not _in_dateline(view, s.item.start)]
        spans = [s for s in spans if not _is_apposition(s, spans, view.tokens)]
        if cls.territory:
            spans = [s for s in spans if s.item.place.kind in self.patterns.territory_kinds]
        unique: dict[str, Span] = {}
        for s in spans:
            unique.setdefault(s.item.place.id, s)
        return list(unique.values())

    def _capital_of(self, span: Span, view: SentenceView) -> Span:
        place, tokens = span.item.place, view.tokens
        if place.kind != "province" or span.last + 1 >= len(tokens) or tokens[span.last + 1].text != "capital":
            return span
        return next((s for s in view.places_near(span.first, span.last) if s.item.place.is_capital and s.item.place.kind != "province"
                     and fold(s.item.place.admin1 or "") == fold(place.name)), span)

    def _inherited_places(self, views: list[SentenceView], index: int, cls: EventClass) -> list[Span]:
        """For fighting or strikes "in the city": the one local place of one of the three sentences before."""
        for back in (1, 2, 3):
            if index - back < 0:
                break
            spans = [s for s in self._event_places(views[index - back].places, cls, views[index - back])
                     if s.item.place.kind != "province"]
            if spans:
                return spans if len(spans) == 1 else []   # several places: which one is unknowable
        return []

    # -- actors ------------------------------------------------------------------------------------
    def _agent(self, view: SentenceView, trigger: Trigger, cls: EventClass) -> Span | None:
        tokens = view.tokens
        usable = [a for a in view.actors_near(trigger.first, trigger.last) if not self._is_ally(tokens, a) and _base(a.item.actor_id) != "civilians"
                  and a.item.actor_id not in self.patterns.not_combatants]
        roles = _roles(view, trigger)
        if roles is not None:
            # the parse's subject (or "by X", "fell to X"); an actor that is what was hit or lost is never the agent
            named = [a for a in usable if roles.holds("agent", a.item.start, a.item.end)]
            if named:
                return named[0]
            usable = [a for a in usable if not roles.holds("patient", a.item.start, a.item.end)
                      and not roles.holds("source", a.item.start, a.item.end)]
            if self._subject_is_non_state(view, trigger):   # "armed rebels captured X": not the army said before
                usable = [a for a in usable if self.actors[a.item.actor_id].type_on(None) != "State forces"]
        after = [a for a in usable if a.first > trigger.last]
        for a in after:
            window = [t.text for t in tokens[trigger.last + 1:a.first]]
            if "by" in window and len(window) - window.index("by") <= 3 and len(window) <= 8:
                return a
        if trigger.phrase in cls.agent_after and after and after[0].first - trigger.last <= 6:
            return after[0]
        before = [a for a in usable if a.last < trigger.first and not self._after_word(tokens, a, {"from", "against"})]
        if before:
            return before[-1]
        if not cls.territory and after:
            return after[0]
        return None

    def _opponent(self, view: SentenceView, trigger: Trigger, cls: EventClass, actor_id: str,
                  chain: list[Span]) -> tuple[str | None, str | None]:
        """actor2 (named in the sentence, else the usual opponent of actor1) and, for territory, assoc_actor_2."""
        tokens, assoc = view.tokens, None
        others = [a for a in view.actors_near(trigger.first, trigger.last) if a.item.actor_id != actor_id and not self._is_ally(tokens, a)
                  and a.item.actor_id not in self.patterns.not_combatants
                  and (_base(a.item.actor_id) != "civilians" or cls.default_actor2 == "civilians")]
        if cls.territory:
            end = chain[-1].last if chain else trigger.last
            named = [a for a in others if a.first > trigger.last and self._after_word(tokens, a, {"from", "against"})]
            between = [a for a in others if trigger.last < a.first and (not chain or a.last < chain[0].first)
                       and self.actors[a.item.actor_id].type_on(None) == "Political militia"]
            assoc = between[0].item.actor_id if between else None
            if named and named[0].first - end <= 6:
                return named[0].item.actor_id, assoc
        elif others:
            return others[0].item.actor_id, None
        if cls.default_actor2:
            return (cls.default_actor2 if cls.default_actor2 in self.actors else None), None
        if cls.name == "arrests":
            return None, None
        listed = self.patterns.default_opponents.get(actor_id)
        if listed is None and self._fights_the_state(cls, actor_id):
            listed = STATE_FORCES if STATE_FORCES in self.actors else None
        return listed, assoc

    def _subject_is_non_state(self, view: SentenceView, trigger: Trigger) -> bool:
        """Does the parse's subject name non-state fighters without naming who ("armed rebels", "the militants")?"""
        roles = _roles(view, trigger)
        return roles is not None and any(t.text in self.patterns.non_state_words for t in view.tokens
                                         if roles.holds("agent", t.start, t.end))

    def _taker(self, loser: str, named: str | None, dominant: str | None) -> str | None:
        """Who took a place its holder gave up: the side named ("to the Taliban"), else the holder's usual opponent,
        else the article's main armed actor when it is not the holder's own kind (never the state's own forces).
        Foreign forces leaving a base hand it to their hosts, not to the enemy: no change of control is coded."""
        if self.actors[loser].type_on(None) == "External/Other forces":
            return None
        if named and named != loser and _base(named) not in (STATE_FORCES, "civilians"):
            return named
        listed = self.patterns.default_opponents.get(loser)
        if listed:
            return listed
        if dominant and dominant != loser and self.actors[dominant].type_on(None) != "State forces":
            return dominant
        return None

    def _claimant(self, view: SentenceView, day: date | None) -> str | None:
        """The party to the conflict a sentence attributes what it reports to: an armed actor followed within a
        few words by a claim verb ("the RSF said …", "Taliban spokesman Zabihullah Mujahid claimed …"), or named
        after "according to". Officials, residents and outlets are not parties: their reports are not claims."""
        words = [t.text for t in view.tokens]
        for span in view.actors:
            actor = self.actors.get(span.item.actor_id)
            if actor is None or actor.type_on(day) not in ARMED_TYPES or span.item.actor_id in self.patterns.not_combatants:
                continue
            if not self.patterns.claim_verbs.isdisjoint(words[span.last + 1:span.last + 6]) \
                    or words[max(0, span.first - 3):span.first][-3:-1] == ["according", "to"] \
                    or words[max(0, span.first - 2):span.first] == ["according", "to"]:
                return span.item.actor_id
        return None

    def _fights_the_state(self, cls: EventClass, actor_id: str) -> bool:
        """A non-state armed group in a battle whose other side goes unnamed fights the state forces there."""
        kind = self.actors[actor_id].type_on(None)
        return kind in ARMED_TYPES - {"State forces", "External/Other forces"} and \
            (cls.territory or self.taxonomy.event_type(cls.sub_event_for(None)) == "Battles")

    def _specific(self, actor_id: str | None, country: str | None, day: date | None) -> str | None:
        """The actor a generic id stands for in that country on that day ("the army" in Sudan: its state
        forces); None when a generic actor cannot be named (no country)."""
        if actor_id is None:
            return None
        specific = getattr(self.actors, "specific", None)
        found = specific(actor_id, country, day) if specific else actor_id
        actor = self.actors.get(found)
        return None if actor is None or "{country}" in actor.name else found

    def _is_ally(self, tokens: list[Token], span: Span) -> bool:
        return self._after_word(tokens, span, self.patterns.ally_markers, window=3)

    @staticmethod
    def _after_word(tokens: list[Token], span: Span, words: set[str], window: int = 2) -> bool:
        return any(t.text in words for t in tokens[max(0, span.first - window):span.first])

    def _actor_fits(self, actor_id: str, cls: EventClass, day: date | None) -> bool:
        actor = self.actors.get(actor_id)
        if actor is None:
            return False
        kind = actor.type_on(day)
        if kind == "Civilians":
            return False
        return cls.actor1_types is None or kind in cls.actor1_types

    def _name(self, actor_id: str | None) -> str | None:
        actor = self.actors.get(actor_id) if actor_id else None
        return actor.name if actor else None

    # -- dates -----------------------------------------------------------------------------------------
    def _date(self, article: Article, views: list[SentenceView], index: int, trigger: Trigger,
              anchor: Anchor | None) -> DateChoice | str:
        """The sentence's own date, else its paragraph's, else the anchor's, else the publication day."""
        pub, view = article.published or _reference_day(article), views[index]
        offset = view.tokens[trigger.first].start
        around = view.dates_near(trigger.first, trigger.last)
        own = [d for d in around if d.date_start and not _in_dateline(view, d.start)]
        if own:
            nearest = min(own, key=lambda d: abs(d.start - offset))
            if self._is_history(nearest, pub) and abs(nearest.start - offset) <= 80:
                return SKIP
        if self._refers_back(view, trigger, own):
            # "officials said on Tuesday that the Taliban had earlier captured Zaranj": Tuesday is the saying's
            return DateChoice(None, None, None, "none")
        usable = sorted((d for d in own if self._usable(d, pub)), key=lambda d: abs(d.start - offset))
        unresolved = [d for d in around if d.date_start is None and abs(d.start - offset) <= 40]
        if unresolved and (not usable or abs(unresolved[0].start - offset) < abs(usable[0].start - offset)):
            # "On 3 May the rebels seized the town" in an undated page: its own day, unknown; never a borrowed one
            return DateChoice(None, None, None, "none")
        anchor_choice = anchor.choice if anchor else None
        if usable:
            d = usable[0]
            choice = self._offset(view, trigger,
                                  DateChoice(d.date_start, d.date_end or d.date_start, d.precision or 1, "sentence"))
            if anchor_choice and _vague(choice) and _inside(anchor_choice, choice):
                return replace(anchor_choice, how="anchor")
            return choice
        paragraph = view.sentence.paragraph
        for back in range(index - 1, max(-1, index - 1 - PARAGRAPH_BACK), -1):
            if views[back].sentence.paragraph != paragraph:
                break
            near = [d for d in views[back].dates if d.date_start and self._usable(d, pub)]
            if near:
                d = near[-1]
                return DateChoice(d.date_start, d.date_end or d.date_start, d.precision or 1, "paragraph")
        if anchor_choice:
            return replace(anchor_choice, how="anchor")
        if article.published and not self._refers_back(view, trigger):
            pub = article.published
            days = trigger.event_class.recent_days
            return DateChoice(pub - timedelta(days=self.patterns.recent_days if days is None else days), pub, 2,
                              "published")
        return DateChoice(None, None, None, "none")

    def _refers_back(self, view: SentenceView, trigger: Trigger, dates: list[DateMention] = ()) -> bool:
        """ "had earlier captured", "had already taken", "Earlier, the Taliban captured", "which they captured
        earlier": an event before the report, on a day it does not give. The words right before the trigger, or
        (by the parse) a modifier of the trigger's verb; not "earlier on Sunday", which gives its day."""
        ends = [t.end for t in view.tokens[max(0, trigger.first - 2):trigger.first] if t.text in self.patterns.refers_back]
        grammar = view.grammar
        if grammar is not None and grammar.parsed:
            head = grammar.head(view.tokens[trigger.first].start, view.tokens[trigger.last].end)
            ends += [c.idx + len(c.text) for c in (head.children if head is not None else ())
                     if c.dep_ == "advmod" and c.lower_ in self.patterns.refers_back]
        return any(not any(0 <= d.start - end <= 4 for d in dates) for end in ends)

    def _offset(self, view: SentenceView, trigger: Trigger, choice: DateChoice) -> DateChoice:
        """ "a day after seizing Farah": the day before the sentence's date."""
        for phrase, days in self.patterns.day_offsets.items():
            before = tuple(t.text for t in view.tokens[max(0, trigger.first - len(phrase)):trigger.first])
            if before == phrase and choice.start:
                return replace(choice, start=choice.start + timedelta(days=days),
                               end=(choice.end or choice.start) + timedelta(days=days))
        return choice

    def _is_history(self, d: DateMention, pub: date | None) -> bool:
        if d.historical:
            return True
        if pub is None:
            return False   # no reference day: only the date finder's own "historical" flag can tell
        return d.date_start is not None and d.date_start < pub - timedelta(days=self.patterns.max_age_days)

    def _usable(self, d: DateMention, pub: date | None) -> bool:
        if d.date_start is None or self._is_history(d, pub) or _too_wide(d):
            return False
        return pub is None or d.date_start <= pub    # a date after publication is a plan, not the event

    def _apply_hierarchy(self, mentions: list[EventMention]) -> list[EventMention]:
        """One sentence, one place, one actor pair: keep the sub-event type the codebook ranks first."""
        rank = self.taxonomy.rank
        best: dict[tuple, EventMention] = {}
        for m in mentions:
            key = (m.place.id if m.place else None, frozenset({m.actor1, m.actor2}))
            kept = best.get(key)
            if kept is None or rank.get(m.sub_event_type, 99) < rank.get(kept.sub_event_type, 99):
                best[key] = m
        return [m for m in mentions if best.get((m.place.id if m.place else None, frozenset({m.actor1, m.actor2}))) is m]


# -- module helpers ---------------------------------------------------------------------------------
def _denied(view: SentenceView, trigger: Trigger) -> bool:
    """Does the parse say the trigger is denied ("did not fall", "has not witnessed clashes") or only describes
    something ("the captured outpost")?"""
    roles = _roles(view, trigger)
    return roles is not None and (roles.negated or roles.modifier or roles.backdrop)


def _roles(view: SentenceView, trigger: Trigger) -> Roles | None:
    """The trigger's arguments by the parse (None when the article was not parsed)."""
    if view.grammar is None or not view.tokens:
        return None
    key = (trigger.first, trigger.last)
    if key not in view.roles:
        view.roles[key] = view.grammar.roles(view.tokens[trigger.first].start, view.tokens[trigger.last].end)
    return view.roles[key]


def _qualifiers(view: SentenceView, trigger: Trigger, chain: list[Span]) -> set[str]:
    """The words between a territory trigger and the places it reaches ("captured much of X", "much of X fell",
    "seized five districts in X"): what says the place itself did not change hands."""
    tokens = view.tokens
    if chain[0].first > trigger.last:
        words = tokens[trigger.last + 1:chain[0].first]
    else:
        words = tokens[max(0, chain[0].first - 3):chain[0].first] + tokens[chain[-1].last + 1:trigger.first]
    return {t.text for t in words}


def _acts(tokens: list[Token], agent: Span, trigger: Trigger) -> bool:
    """Is the agent the one who did it: the subject before the verb, or named by "by" after it?"""
    return agent.last < trigger.first or "by" in [t.text for t in tokens[max(trigger.last + 1, agent.first - 2):agent.first]]


def _victims_fit(view: SentenceView, trigger: Trigger) -> bool:
    """A class that names its victims ("killed" is an attack on civilians) needs a count of such dead here."""
    wanted = trigger.event_class.victims
    return not wanted or any(q.kind == "killed" and q.subject in wanted for q in view.quantities)


def _reference_day(article: Article) -> date | None:
    """For an article without a publication date, the latest day it names: "captured in 2012" is history in a page
    that also speaks of January 2025 (None when it names no day)."""
    days = [d.date_end or d.date_start for d in article.dates if d.date_start and (d.precision or 1) <= 2]
    return max(days) if days else None


def _article_countries(article: Article) -> set[str]:
    """The countries an article is about: those it names as countries, those two or more of its place names lie
    in, and the country most of its places lie in. An event at a place elsewhere (one name, never its country)
    is most likely a misread name. Empty (no check) when the article names no place with a country."""
    located = [m.place for m in article.places if m.place and m.place.country]
    named = article.place_countries()
    if not named:
        return set()
    top = max(named.values())
    countries = {p.country for p in located if p.kind == "country"}
    distinct = Counter(country for country, _ in {(p.country, p.id) for p in located if p.kind != "country"})
    return countries | {c for c, n in distinct.items() if n >= 2} | {c for c, n in named.items() if n == top}


def _base(actor_id: str) -> str:
    """The dictionary actor behind a country actor id ("civilians:SD" -> "civilians")."""
    return actor_id.split(":", 1)[0]


def _by_sentence(article: Article) -> dict[str, dict[int, list]]:
    """Each kind of annotation grouped by sentence index, once per article (not once per sentence)."""
    out: dict[str, dict[int, list]] = {}
    for kind in ("places", "actors", "dates", "quantities"):
        groups: dict[int, list] = {}
        for item in getattr(article, kind):
            groups.setdefault(item.sentence, []).append(item)
        out[kind] = groups
    return out


def _span(mention: PlaceMention | ActorMention, tokens: list[Token], starts: list[int]) -> Span | None:
    """The tokens a mention covers (a mention inside a glued token, "HeratThe", covers that token)."""
    last = bisect_left(starts, mention.end) - 1
    first = bisect_right(starts, mention.start) - 1
    if first < 0 or tokens[first].end <= mention.start:
        first += 1
    if first >= len(tokens) or last < first:
        return None
    return Span(mention, first, last)


_DATELINE = re.compile(r"^[A-Z][A-Z .'\-]{1,40},[^\n]{0,40}?\s[-\u2013\u2014]+\s")


def _in_dateline(view: SentenceView, offset: int) -> bool:
    """Is the offset inside a wire dateline ("ZARANJ, Aug 7 (Frontlines Wire) - ")? Its date is the filing day."""
    match = _DATELINE.match(view.sentence.text)
    return bool(match) and offset < view.sentence.start + match.end()


def _is_apposition(span: Span, spans: list[Span], tokens: list[Token]) -> bool:
    """Is this place named only as where another listed place is ("Pul-i-Khumri, the capital of Baghlan")?"""
    place = span.item.place
    name = fold(place.name)
    homes = {fold(home) for o in spans if o.item.place.id != place.id and o.item.place.kind != "province"
             for home in (o.item.place.admin1, o.item.place.admin2) if home}
    followed_by_province = span.last + 1 < len(tokens) and tokens[span.last + 1].text in AREA_WORDS
    if name not in homes:
        # "Beni in North Kivu province": the area a listed town lies in, under another spelling of its name
        return place.kind in ("province", "district") and followed_by_province and fold(place.admin1 or "") in homes
    if place.kind == "province":
        return True
    if span.first > 0 and tokens[span.first - 1].text == "in":
        return True    # "clashes in Spin Boldak district in Kandahar": the province, though a city shares its name
    # the seat of a province or district of the same name: Kunduz (Kunduz), Qalat (Qalat district)
    own_seat = (place.is_capital and name == fold(place.admin1 or "")) or name == fold(place.admin2 or "")
    return followed_by_province or not own_seat


def _asserted_at(view: SentenceView, trigger: Trigger) -> bool:
    """Is the trigger's own clause asserted? Yes in an asserted sentence, or when the sentence's modality cue
    (a modal verb, a past year) comes well after the trigger, in a later clause."""
    sentence = view.sentence
    if sentence.modality == "asserted":
        return True
    if not sentence.modality_cue:
        return False
    at = sentence.text.find(sentence.modality_cue)
    trigger_end = view.tokens[trigger.last].end - sentence.start
    if sentence.modality in TRAILING_MODALITIES:
        return at >= trigger_end
    return sentence.modality in CLAUSE_BOUND_MODALITIES and at >= 0 and at - trigger_end >= CLAUSE_GAP


def _evidence(article: Article, sentence: Sentence) -> Evidence:
    return Evidence(article.id, sentence.index, sentence.start, sentence.end, article.text[sentence.start:sentence.end])


def _too_wide(d: DateMention) -> bool:
    """A year ("in 2021") says when a war went on, not the day of an event: it never dates one (ACLED's widest
    precision is a month; a year-end day would be invented)."""
    return d.date_end is not None and d.date_start is not None and (d.date_end - d.date_start).days > 31


def _vague(choice: DateChoice) -> bool:
    return (choice.precision or 1) >= 2 and choice.end is not None and choice.start is not None \
        and (choice.end - choice.start).days > 2


def _inside(inner: DateChoice, outer: DateChoice) -> bool:
    return inner.start is not None and outer.start <= inner.start and (inner.end or inner.start) <= outer.end


def _lowest_killed(quantities: list[Quantity]) -> Quantity | None:
    """ACLED's conservative figure: the lowest reported death toll in the sentence."""
    killed = [q for q in quantities if q.kind == "killed" and (q.low is not None or q.best is not None)]
    return min(killed, key=lambda q: q.low if q.low is not None else q.best) if killed else None


def _merge_within_article(mentions: list[EventMention]) -> list[EventMention]:
    """One article reporting the same event in several sentences: one mention with all its sentences."""
    merged: dict[tuple, EventMention] = {}
    seen: dict[tuple, set[int]] = {}
    for m in mentions:
        key = (m.sub_event_type, m.place.id if m.place else None, m.actor1)
        kept = merged.get(key)
        if kept is None:
            merged[key], seen[key] = m, {e.sentence for e in m.evidence}
            continue
        for e in m.evidence:
            if e.sentence not in seen[key] and len(kept.evidence) < MAX_EVIDENCE:
                seen[key].add(e.sentence)
                kept.evidence.append(e)
        if (m.time_precision or 9, _width(m)) < (kept.time_precision or 9, _width(kept)):
            kept.date_start, kept.date_end, kept.time_precision = m.date_start, m.date_end, m.time_precision
        kept.confidence = round(min(0.95, max(kept.confidence, m.confidence) + 0.05), 2)
        kept.actor2 = kept.actor2 or m.actor2
        kept.assoc_actor_2 = kept.assoc_actor_2 or m.assoc_actor_2
        if m.fatalities and (kept.fatalities is None or _toll(m.fatalities) < _toll(kept.fatalities)):
            kept.fatalities = m.fatalities
    for m in merged.values():
        m.evidence.sort(key=lambda e: e.start)
    return list(merged.values())


def _width(m: EventMention) -> int:
    return (m.date_end - m.date_start).days if m.date_start and m.date_end else 10_000


def _toll(q: Quantity) -> int:
    return q.low if q.low is not None else (q.best or 0)
