"""Toponym recognition and resolution that do not trust NER labels.

Three sources of candidate spans: gazetteer names found by one Aho-Corasick pass over the text;
NER entities of any label (the small model calls "Lashkar Gah" PERSON and "Herat" ORG); capitalised
word runs. Known names are resolved by :meth:`Gazetteer.rank`; unknown spans get a transliteration-aware
fuzzy lookup restricted to the article's focus country. A name that cannot be resolved is dropped or
kept unresolved on its own; it never empties the rest of the article.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from frontlines.model import Article, Place, PlaceMention
from frontlines.understand.places.gazetteer import (
    AREA_KINDS, CUES, POINT_KINDS, Candidate, Gazetteer, Match, PlaceContext, default_gazetteer, near_any,
)
from frontlines.understand.places.geonames_dump import SOURCE as _DUMP
from frontlines.understand.places.names import name_key

# NER labels that say nothing about being a place (numbers, dates); every other label may hide one.
NUMERIC_LABELS = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
_CAPITALISED = re.compile(r"\b[A-Z][a-z\u00e0-\u024f'\u2019]+(?:[ -](?:(?:e|i|ye|al|el|ul)[ -])?[A-Z][a-z\u00e0-\u024f'\u2019]+)*")
_WINDOW = 40  # characters either side searched for kind cues
LOCALITY_KINDS = {"city", "town", "village", "district"}
REGION_KINDS = {"region", "sea", "river"}
NEIGHBOUR_KM = 50.0   # a name NER missed is a place when a reading lies this close to a supported one
_FEW_READINGS = 5
IN_COUNTRY_MIN_PEOPLE = 10_000   # a town NER misread counts in a country the article names from this size
MAX_CONTEXT_POINTS = 200  # distinct places whose nearness counts (keeps ranking linear in huge texts)


@dataclass
class _Span:
    start: int
    end: int
    label: str | None


class Geoparser:
    """Finds and resolves the places an article names."""

    def __init__(self, gazetteer: Gazetteer | None = None, country_focus: str | None = None,
                 min_score: float = 0.2, fuzzy_cutoff: float = 88.0, keep_unresolved: bool = True,
                 demonyms: bool = False) -> None:
        """``country_focus`` also enables fuzzy matching (in that country only); ``demonyms`` reads
        "Afghan" as Afghanistan (off: in conflict news a demonym names an actor, not a location)."""
        self.gazetteer = gazetteer or default_gazetteer()
        self.demonyms = demonyms
        self.country_focus = country_focus
        self.min_score = min_score
        self.fuzzy_cutoff = fuzzy_cutoff
        self.keep_unresolved = keep_unresolved
        kinds = CUES.get("kinds", {})
        self._after = [(kind, tuple(name_key(w).split())) for kind, cue in kinds.items() for w in cue.get("after") or []]
        self._before = [(kind, _phrase(w)) for kind, cue in kinds.items() for w in cue.get("before") or []]
        self._near = [_phrase(w) for w in (CUES.get("near") or {}).get("before") or []]
        self._kind_words = {w for kind, w in self._after if kind in _SUPPORTING_CUES}   # "airport", "province"…

    def parse(self, article: Article) -> list[PlaceMention]:
        """Every toponym in ``article.text`` with its resolution, in text order."""
        return self.parse_text(article.text, doc=article.doc, sentence_starts=[s.start for s in article.sentences])

    def parse_text(self, text: str, doc: Any = None, sentence_starts: list[int] | None = None) -> list[PlaceMention]:
        if not text:
            return []
        entities = _Entities(doc)
        found, matches, base, bounds = self._article_context(text, entities)
        unknown = self._unknown_spans(text, entities, found)
        mentions = []
        for match in matches:
            ranked = self._resolve(text, match.start, match.end, match.places, base, bounds)
            mentions.append(self._mention(text, match.start, match.end, ranked, sentence_starts))
        guesses = [self._resolve_unknown(text, span, base, bounds, sentence_starts) for span in unknown]
        # an NER span and a capitalised run may cover the same name: keep one, resolved and longest first
        used = bytearray(len(text) + 1)
        for m in mentions:
            used[m.start:m.end] = b"\x01" * (m.end - m.start)
        for guess in sorted((g for g in guesses if g is not None),
                            key=lambda g: (g.place is None, -(g.end - g.start), g.start)):
            if not any(used[guess.start:guess.end]):
                used[guess.start:guess.end] = b"\x01" * (guess.end - guess.start)
                mentions.append(guess)
        mentions = [m for m in mentions if m.place is not None or self.keep_unresolved]
        return sorted(mentions, key=lambda m: m.start)

    def resolve_spans(self, text: str, spans: list[tuple[int, int]], doc: Any = None) -> list[PlaceMention]:
        """Resolve given toponym spans (gold annotations, an analyst's selection) in the article's context.

        The resolver alone: each span is read as a place name whatever recognition would have said, and ranked
        with the same country focus, co-occurring places and cues as :meth:`parse_text` uses.
        """
        if not text:
            return []
        _, matches, base, bounds = self._article_context(text, _Entities(doc))
        main = _main_locality([self._resolve(text, m.start, m.end, m.places, base, bounds)
                               for m in matches if _standalone(text, m.start, m.end)], base)
        out = []
        for start, end in spans:
            name = text[start:end]
            key = name_key(name)
            places = self.gazetteer.lookup(name) if self.gazetteer.written_as_name(name) else []
            places += [(i, 1.0) for i in self.gazetteer.demonyms.get(key, []) if self.demonyms]
            if key in self.gazetteer.never and key not in self.gazetteer.listed:   # a person or group: no place
                out.append(PlaceMention(start=start, end=end, sentence=0, text=name, reason="never a place"))
                continue
            ranked = self._resolve(text, start, end, places, base, bounds) if places else []
            if ranked:
                out.append(self._mention(text, start, end, ranked, None, min_score=0.0))
                continue
            guess = self._resolve_unknown(text, _Span(start, end, "GPE"), base, bounds, None, recognised=False)
            if guess is None or guess.place is None:
                guess = _finer(self._named_inside(text, start, end, base, bounds, None),
                               self._placed_in(text, start, end, base, bounds, None)) \
                    or self._named_inside(text, start, end, base, bounds, None, demonyms=True) \
                    or _part_of(text, start, end, main) or guess
            out.append(guess or PlaceMention(start=start, end=end, sentence=0, text=name,
                                             reason="not in the gazetteer"))
        return out

    def _placed_in(self, text: str, start: int, end: int, base: PlaceContext, bounds: "_Bounds",
                   sentence_starts: list[int] | None) -> PlaceMention | None:
        """A venue the gazetteer lacks that the text places: "Palais des Nations in Geneva", "Celebrity Cake
        Studio in Tacoma", "Oulton Park, Cheshire", "Derry's Altnagelvin Hospital": that place, as part of it
        (geo_precision 2)."""
        after = _PLACED_AFTER.match(text, end)
        match = bounds.named_at.get(after.end()) if after else None
        if match is not None and after.group().startswith(",") and not _CLOSES.match(text, match.end):
            match = None   # "Oulton Park, Cheshire." places it; "Beyond Madinaty, Liverpool have" does not
        owner = _OWNER_BEFORE.search(text, max(0, start - 4), start) if match is None else None
        if owner is not None:
            match = bounds.named_until.get(owner.start())
        if match is None or _WORD_AFTER.match(text[match.end:match.end + 30]):
            return None   # "in Washington Township" is not in Washington
        ranked = self._resolve(text, match.start, match.end, match.places, base, bounds)
        if not ranked:
            return None
        place = ranked[0].place
        where = "the place the text puts it in" if match.start >= end else "the place that owns it"
        return PlaceMention(start=start, end=end, sentence=_sentence(sentence_starts, start), text=text[start:end],
                            place=place, score=round(ranked[0].score * 0.8, 3),
                            reason=f"not in the gazetteer: part of {place.name}, {where}", geo_precision=2)

    def _named_inside(self, text: str, start: int, end: int, base: PlaceContext, bounds: "_Bounds",
                      sentence_starts: list[int] | None, demonyms: bool = False) -> PlaceMention | None:
        """A facility or area named after a known place ("Colorado State University", "Kabul airport"):
        that place, as "part of" it (geo_precision 2). Only countries, regions, provinces, curated places and
        cities of 100,000 or more count, so "Ismail Khan Stadium" finds no village called Khan and
        "Colorado State University" no town called University. With ``demonyms`` (a span an analyst chose as a
        place) a demonym counts too: "the Mexican Senate" is in Mexico."""
        best: tuple[int, Candidate] | None = None
        for match in self.gazetteer.find(text[start:end]):
            national = demonyms and (match.demonym or any(self.gazetteer.places[i].kind == "country"
                                                          for i, _ in match.places))
            if not match.places or match.demonym and not demonyms \
                    or match.key in self.gazetteer.common and not national:   # "British", "US" are common words
                continue
            ranked = self._resolve(text, start + match.start, start + match.end, match.places, base, bounds)
            top = ranked[0] if ranked else None
            if top is None or not (top.place.kind in AREA_KINDS or top.place.source == "curated"
                                   or top.place.population >= 100_000):
                continue
            if best is None or match.end - match.start > best[0]:
                best = (match.end - match.start, top)
        if best is None:
            return None
        place = best[1].place
        return PlaceMention(start=start, end=end, sentence=_sentence(sentence_starts, start), text=text[start:end],
                            place=place, score=round(best[1].score * 0.8, 3),
                            reason=f"named after {place.name}: {best[1].reason}", geo_precision=2)

    def _article_context(self, text: str,
                         entities: "_Entities") -> tuple[list[Match], list[Match], PlaceContext, "_Bounds"]:
        """(every gazetteer match, the supported ones, the article's context, their bounds)."""
        found = self.gazetteer.find(text)
        matches, doubtful = [], []
        for m in found:
            if m.places and (self.demonyms or not m.demonym):
                (matches if self._supported(text, m, entities) else doubtful).append(m)
        rescued = self._neighbours(text, doubtful, matches, entities)
        rescued += self._in_named_country(text, [m for m in doubtful if m not in rescued], matches, found, entities)
        matches = sorted(matches + rescued, key=lambda m: m.start)
        bounds = _Bounds(matches)
        named = [m for m in found if m.places and not m.demonym]   # "in Montpellier" even inside an ORG entity
        bounds.named_at, bounds.named_until = {m.start: m for m in named}, {m.end: m for m in named}
        focus = self.country_focus or self._infer_focus(text, matches, bounds)
        base = PlaceContext(country=focus, focus_weight=0.3 if self.country_focus else 0.15)
        first = [self._resolve(text, m.start, m.end, m.places, base, bounds) for m in matches]
        bounds.seats, bounds.within = self._seats(text, matches, first)
        if bounds.seats or bounds.within:   # "Red Oak, Iowa" is now unambiguous: let it set the context
            first = [self._resolve(text, m.start, m.end, m.places, base, bounds) for m in matches]
        self._surroundings(first, base)
        base.home = _dateline_area(text, matches, first)
        return found, matches, base, bounds

    def _seats(self, text: str, matches: list[Match],
               first: list[list[Candidate]]) -> tuple[set[int], dict[int, set[str]]]:
        """Pairs written "Town, Area". (1) Starts of names that can be the province or state the town's best
        reading lies in: "Imam Sahib, Kunduz" is Kunduz province, "Tacoma, Washington" the state ("Kunduz, Taloqan"
        stays a list). (2) For each town whose area is a province or district, that area's names: "Faizabad,
        Jowzjan" is the Faizabad of Jowzjan, not the provincial capital of Badakhshan."""
        seats: set[int] = set()
        within: dict[int, set[str]] = {}
        for (town, ranked), area in zip(zip(matches, first), matches[1:]):
            if not ranked or text[town.end:area.start] != ", ":
                continue
            areas = [self.gazetteer.places[i] for i, _ in area.places]
            admin1 = ranked[0].place.admin1 if ranked[0].place.kind in POINT_KINDS else None
            if admin1 and any(a.kind == "province" and a.admin1 == admin1 for a in areas):
                seats.add(area.start)
            names = {a.name for a in areas if a.kind in ("province", "district")}
            if names:
                within[town.start] = names
        return seats, within

    # -- recognition -------------------------------------------------------------------------------------
    def _supported(self, text: str, match: Match, entities: _Entities) -> bool:
        """Is this gazetteer match a place here? Curated and focus-country names need no support."""
        places = [self.gazetteer.places[i] for i, _ in match.places]
        label = _label_at(entities, match.start, match.end)
        inside = _inside(entities, match.start, match.end)
        if match.demonym or self.demonyms and match.key in self.gazetteer.demonyms:
            return inside is None or inside.label == "NORP"   # not "French" in "French Quarter"
        if match.key in self.gazetteer.common and label not in PLACE_LABELS:
            return False
        longer = inside is not None and not _names_only(text, inside, match)
        if any(p.kind == "country" or p.source == "curated" and p.country == "AF" for p in places):
            return True
        if self._ends_with_kind(match.key) \
                or any(quality == 1.0 for _, quality in match.places) and self._kind_follows(text, match.end):
            return True   # "Mitiga airport", "Nangarhar province": the cue says it is a place
        if not longer and any(p.kind in REGION_KINDS for p in places):
            return True   # but not inside a longer name: "Atlantic Avenue", "Kanye West", "Middle East Eye"
        if inside is not None and inside.start == match.start and inside.label != "PERSON" \
                and text[match.end:match.end + 2] in ("'s", "\u2019s") and max(p.population for p in places) >= 100_000:
            return True   # a city owning the rest of the name: "Harare's Third Street", "Kabul's airport"
        if inside is not None:
            return False  # a word of a longer name: "Street" in "Frenchmen Street", "Johnson" in "Boris Johnson"
        if self.country_focus and any(p.country == self.country_focus and not p.source.startswith(_DUMP)
                                      for p in places):
            return True   # a village a user imported from a GeoNames dump needs NER, a cue or a neighbour
        if label in PLACE_LABELS:
            return True
        if label is None:
            return max(p.population for p in places) >= (100_000 if entities else 15_000)
        return False

    def _kind_follows(self, text: str, end: int) -> bool:
        """Is the name followed by a lower-case word saying which kind of place it is ("Mitiga airport"; not
        "North State Street", not "city": "Johnson City")?"""
        after = text[end:end + _WINDOW]
        if not after[:1].isspace() or after.lstrip()[:1].isupper():
            return False
        return not self._kind_words.isdisjoint(_leading_grams(f" {name_key(after)} ", 1))

    def _ends_with_kind(self, key: str) -> bool:
        """Does the name itself end with such a word ("Mitiga Airport")?"""
        words = tuple(key.split())
        return any(words[-n:] in self._kind_words for n in range(1, min(len(words), 4)))

    def _neighbours(self, text: str, doubtful: list[Match], accepted: list[Match],
                    entities: _Entities) -> list[Match]:
        """Names NER took for another kind of name that a reading places beside a name the article does
        support: "Cirencester" and "Cheltenham" (tagged PERSON) beside "Gloucester". Only names with a few
        readings of their own count (a surname that is a town in every state would always find a neighbour)."""
        keys = {m.key for m in accepted}
        near = list({(p.lat, p.lon) for m in accepted if not m.demonym for p in self._points(m) if p.lat is not None})
        if not near or len(near) > MAX_CONTEXT_POINTS:
            return []
        verdicts: dict[str, bool] = {}
        out = []
        for match in doubtful:
            span = entities.at(match.start, match.end)
            if match.demonym or match.key in keys or span is None or not _names_only(text, span, match):
                continue   # NER must see a name here, only of the wrong kind (not "Golf" in a list of amenities)
            if match.key not in verdicts:
                points = self._points(match, own_names=True)
                verdicts[match.key] = (match.key not in self.gazetteer.common and 0 < len(points) <= _FEW_READINGS
                                       and any(near_any(p, near, NEIGHBOUR_KM) for p in points if p.lat is not None))
            if verdicts[match.key]:
                out.append(match)
        return out

    def _in_named_country(self, text: str, doubtful: list[Match], accepted: list[Match], found: list[Match],
                          entities: _Entities) -> list[Match]:
        """Names NER took for a person or a group that are towns or provinces of a country the article names
        ("Sudan", "Sudanese"): "Wad Madani" and "Gezira" (tagged PERSON), "Omdurman" (NORP) in news of Sudan.
        What the focus country gets for free, any country gets once the article names it; a name must still be
        one NER sees as a name, not a common word, with few readings, and a town of some size or an area."""
        countries = {self.gazetteer.places[i].country for m in found if m.demonym for i, _ in m.places}
        countries |= {p.country for m in accepted for p in (self.gazetteer.places[i] for i, _ in m.places)
                      if p.kind == "country"}
        countries.discard(self.country_focus)
        if not countries:
            return []
        out = []
        for match in doubtful:
            span = entities.at(match.start, match.end)
            if match.demonym or span is None or not _names_only(text, span, match) or match.key in self.gazetteer.common \
                    or len(match.places) > _FEW_READINGS:
                continue
            places = [self.gazetteer.places[i] for i, _ in match.places]
            if any(p.country in countries and (p.kind in ("province", "district") or p.kind in POINT_KINDS
                                               and p.population >= IN_COUNTRY_MIN_PEOPLE) for p in places):
                out.append(match)
        return out

    def _points(self, match: Match, own_names: bool = False) -> list[Place]:
        return [self.gazetteer.places[i] for i, quality in match.places
                if self.gazetteer.places[i].kind in POINT_KINDS and (quality == 1.0 or not own_names)]

    def _unknown_spans(self, text: str, entities: _Entities, known: list[Match]) -> list[_Span]:
        covered = _Bounds(known)
        spans: dict[tuple[int, int], _Span] = {}
        for span in entities:
            if span.label not in NUMERIC_LABELS:
                spans[(span.start, span.end)] = span
        for found in _CAPITALISED.finditer(text):
            spans.setdefault((found.start(), found.end()), _Span(found.start(), found.end(), None))
        out = []
        for span in spans.values():
            if covered.overlaps(span.start, span.end):
                continue
            words = text[span.start:span.end]
            if len(words) < 4 or not words[0].isupper() or name_key(words) in self.gazetteer.common:
                continue
            out.append(span)
        return out

    def _infer_focus(self, text: str, matches: list[Match], bounds: "_Bounds") -> str | None:
        """The country whose places the article names most, each name voting for the country of its best
        reading (ranked without a focus) with that reading's score; demonyms do not vote."""
        votes: Counter[str] = Counter()
        neutral = PlaceContext()
        for match in matches:
            if match.demonym:
                continue
            ranked = self._resolve(text, match.start, match.end, match.places, neutral, bounds)
            if ranked and ranked[0].place.country:
                votes[ranked[0].place.country] += ranked[0].score
        return votes.most_common(1)[0][0] if votes else None

    # -- resolution ----------------------------------------------------------------------------------------
    def _resolve(self, text: str, start: int, end: int, found: list[tuple[int, float]], base: PlaceContext,
                 bounds: "_Bounds", how: str = "name") -> list[Candidate]:
        context = PlaceContext(country=base.country, admin1=base.admin1, admin1_codes=base.admin1_codes,
                               countries=base.countries, points=base.points, focus_weight=base.focus_weight,
                               home=base.home)
        lo = max(bounds.end_before(start), start - _WINDOW, 0)
        hi = min(bounds.start_after(end, len(text)), end + _WINDOW)
        before, after = f" {name_key(text[lo:start])} ", f" {name_key(text[end:hi])} "
        grams = _leading_grams(after, 3)
        context.cue_kinds = {kind for kind, w in self._after if w in grams}
        context.cue_kinds |= {kind for kind, w in self._before if before.endswith(w)}
        seat = start in bounds.seats
        if seat:
            context.cue_kinds.add("province")
        # the same name with the same cues in the same article ranks the same: rank it once
        memo_key = (tuple(found), frozenset(context.cue_kinds), context.country, len(context.points),
                    len(context.admin1), len(context.countries), context.home, how, seat,
                    frozenset(bounds.within.get(start, ())))
        if memo_key not in bounds.memo:
            ranked = self.gazetteer.rank(found, context, matched=text[start:end], how=how)
            if seat:   # the province outranks even a provincial capital of the same name here
                ranked = _first(ranked, lambda c: c.place.kind == "province", "the province of the town before it")
            areas = bounds.within.get(start)
            if areas:  # "Faizabad, Jowzjan": the reading in the area named after it goes first
                ranked = _first(ranked, lambda c: c.place.admin1 in areas or c.place.admin2 in areas,
                                "in the area named after it")
            bounds.memo[memo_key] = ranked
        return bounds.memo[memo_key]

    def _surroundings(self, resolved: list[list[Candidate]], context: PlaceContext) -> None:
        """Fill the article context from the names that are (nearly) unambiguous."""
        for ranked in resolved:
            if ranked and (len(ranked) == 1 or ranked[0].score - ranked[1].score >= 0.1):
                place = ranked[0].place
                if place.admin1:
                    context.admin1.add(place.admin1)
                if place.admin1_code:
                    context.admin1_codes.add(place.admin1_code.replace(".", "-"))
                context.countries.add(place.country)
                point = (place.lat, place.lon)
                if place.kind not in AREA_KINDS and place.lat is not None and point not in context.points \
                        and len(context.points) < MAX_CONTEXT_POINTS:
                    context.points.append(point)

    def _resolve_unknown(self, text: str, span: _Span, base: PlaceContext, bounds: "_Bounds",
                         sentence_starts: list[int] | None, recognised: bool = True) -> PlaceMention | None:
        """A name the gazetteer lacks: a garbled spelling of a place, a venue the text places, or nothing.
        ``recognised``: the span is NER's (an analyst's span is not evidence that a garbled name is meant)."""
        name = text[span.start:span.end]
        if name_key(name) in self.gazetteer.never:
            return None
        # Garbled names ("Kundu", "Rashkarga") are looked for in the focus country, or, for a name NER calls a
        # place, in the country the article is about.
        country = self.country_focus or (base.country if recognised and span.label in PLACE_LABELS else None)
        fuzzy_key = ("fuzzy", country, name_key(name))
        if fuzzy_key not in bounds.memo:
            bounds.memo[fuzzy_key] = self.gazetteer.fuzzy(name, country, cutoff=80.0) if country else []
        found = bounds.memo[fuzzy_key]
        ranked = []
        if found:
            ranked = self._resolve(text, span.start, span.end, found, base, bounds, how="fuzzy")
            best_ratio = max(r for _, r in found)
            cued = bool(ranked) and "cue" in ranked[0].reason
            cutoff = self.fuzzy_cutoff / 100 - (0.08 if cued else 0.0)
            known = bool(ranked) and ranked[0].place.source == "curated"
            if best_ratio < cutoff or not (span.label or cued or known):
                ranked = []  # a lone capitalised word ("Close") needs NER, a cue or a curated place
        if not ranked:
            inside = _finer(self._named_inside(text, span.start, span.end, base, bounds, sentence_starts),
                            self._placed_in(text, span.start, span.end, base, bounds, sentence_starts)) \
                if span.label in PLACE_LABELS else None
            if inside is not None:
                return inside
            if span.label in PLACE_LABELS and self.keep_unresolved:
                return PlaceMention(start=span.start, end=span.end, sentence=_sentence(sentence_starts, span.start),
                                    text=name, reason=f"not in the gazetteer (NER {span.label})")
            return None
        return self._mention(text, span.start, span.end, ranked, sentence_starts)

    def _mention(self, text: str, start: int, end: int, ranked: list[Candidate],
                 sentence_starts: list[int] | None, min_score: float | None = None) -> PlaceMention:
        sentence = _sentence(sentence_starts, start)
        if not ranked or ranked[0].score < (self.min_score if min_score is None else min_score):
            return PlaceMention(start=start, end=end, sentence=sentence, text=text[start:end],
                                reason="no candidate scored high enough")
        best = ranked[0]
        near = self._near_before(text, start)
        return PlaceMention(start=start, end=end, sentence=sentence, text=text[start:end], place=best.place,
                            score=best.score, reason=best.reason + ("; 'near' cue" if near else ""),
                            geo_precision=geo_precision(best.place.kind, near=near))

    def _near_before(self, text: str, start: int) -> bool:
        before = f" {name_key(text[max(0, start - _WINDOW):start])} "
        return any(before.endswith(w) for w in self._near)


class _Bounds:
    """Sorted match spans, for "the nearest name before/after" and overlap tests in log time."""

    def __init__(self, matches: list[Match]) -> None:
        spans = sorted((m.start, m.end) for m in matches)
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]
        self.sorted_ends = sorted(self.ends)
        self.named_at: dict[int, Match] = {}      # every gazetteer name, supported or not, by start and by end
        self.named_until: dict[int, Match] = {}
        self.memo: dict[tuple, Any] = {}
        self.seats: set[int] = set()   # starts of names read as the province of the town just before
        self.within: dict[int, set[str]] = {}   # start of a town -> names of the area written after it

    def end_before(self, offset: int) -> int:
        i = bisect.bisect_right(self.sorted_ends, offset)
        return self.sorted_ends[i - 1] if i else 0

    def start_after(self, offset: int, default: int) -> int:
        i = bisect.bisect_left(self.starts, offset)
        return self.starts[i] if i < len(self.starts) else default

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)  # spans starting before ``end``
        return i > 0 and max(self.ends[max(0, i - 8):i]) > start


def _dateline_area(text: str, matches: list[Match], first: list[list[Candidate]]) -> str | None:
    """The province or state a dateline names: "CAMP MURRAY, Wash. - Lt. Col. ..." is an article from
    Washington state, so its bare "Washington" is the state."""
    for match, ranked in zip(matches, first):
        if match.start > _DATELINE_SPAN:
            break
        line = text[:match.start].rsplit("\n", 1)[-1]
        if ranked and ranked[0].place.kind == "province" and _DATELINE_PLACE.fullmatch(line) \
                and _DATELINE_END.match(text, match.end):
            return ranked[0].place.id
    return None


def _finer(named: PlaceMention | None, placed: PlaceMention | None) -> PlaceMention | None:
    """Of a place a venue is named after and the place the text puts it in, the finer: "University of
    California, Los Angeles" is in Los Angeles; the "Tijuana River in Baja California" stays the Tijuana's."""
    if named is None or placed is None:
        return named or placed
    return placed if _GRAIN[placed.place.kind] < _GRAIN[named.place.kind] else named


def _part_of(text: str, start: int, end: int, main: Place | None) -> PlaceMention | None:
    """The span as part of the article's main locality, if it has one."""
    if main is None:
        return None
    return PlaceMention(start=start, end=end, sentence=0, text=text[start:end], place=main, score=0.1,
                        reason=f"not in the gazetteer: taken as part of {main.name}, the locality the article "
                               "names most", geo_precision=2)


def _main_locality(resolved: list[list[Candidate]], context: PlaceContext) -> Any:
    """The town, city or district an article names most, preferring those of its country, then those in a
    province or state it names ("Va."), a town before a district and then the surest reading on a tie (Santa
    Barbara, not the Newcomerstown that a restaurant called "Newcomers" matched): where a street, building or
    venue it names but the gazetteer lacks most likely is. None when it names none."""
    counts: Counter[str] = Counter()
    best: dict[str, Candidate] = {}
    for ranked in resolved:
        if ranked and ranked[0].place.kind in LOCALITY_KINDS:
            top = ranked[0]
            counts[top.place.id] += 1
            if top.place.id not in best or top.score > best[top.place.id].score:
                best[top.place.id] = top
    if not counts:
        return None
    return max(best.values(), key=lambda c: (c.place.country == context.country, c.place.admin1 in context.admin1,
                                             counts[c.place.id], c.place.kind != "district", c.score)).place


# "<venue> in|at|near|outside <place>", "<venue>, <place>"; "<place>'s <venue>"
_PLACED_AFTER = re.compile(r",[ \t]+|[ \t]+(?:in|at|near|outside)[ \t]+(?:the[ \t]+)?")
_SUPPORTING_CUES = {"airport", "province", "district", "base"}   # not "port": "The river port"
_DATELINE_SPAN = 80
_DATELINE_PLACE = re.compile(r"[ \t]*[A-Z][A-Za-z.'\u2019 -]{1,40}, ")     # "CAMP MURRAY, " "Tacoma, "
_DATELINE_END = re.compile(r"[ \t]*(?:[-\u2013\u2014]|\()")               # " -", " \u2014", " (AP)"
_CLAUSE_END = re.compile(r"[.;:!?)]")
_CLOSES = re.compile(r"[ \t]*(?:[.,;:)\n\u2013\u2014-]|$)")   # a dateline "CAMP MURRAY, Wash. -" too
_OWNER_BEFORE = re.compile(r"['\u2019]s[ \t]+$")
# how fine a place of each kind is: a town is finer than its district, a district than its province
_GRAIN = defaultdict(lambda: 1, {"district": 2, "province": 3, "region": 4, "sea": 4, "river": 4, "country": 5})
_WORD_BEFORE = re.compile(r"([A-Z][\w'\u2019-]*)[ \t]+$")
_WORD_AFTER = re.compile(r"^[ \t]+([A-Z][\w'\u2019-]*)")


def _standalone(text: str, start: int, end: int) -> bool:
    """Is the name at [start, end) a whole name, not a word of a longer capitalised one ("University" in
    "Colorado State University")? A capitalised word that starts a sentence does not count."""
    head = text[max(0, start - 30):start]
    before = _WORD_BEFORE.search(head)
    if before:
        ahead = text[:max(0, start - 30) + before.start()].rstrip(" \t")
        if ahead and ahead[-1] not in ".!?\n\"'\u201c":
            return False
    return _WORD_AFTER.match(text[end:end + 30]) is None


def geo_precision(kind: str, near: bool = False) -> int:
    """ACLED geo_precision for a place of this kind: 1 a town, 2 near a town or a district, 3 a larger region."""
    if kind in POINT_KINDS:
        return 2 if near else 1
    if kind == "district":
        return 2
    return 3 if kind in AREA_KINDS else 2


def _phrase(words: str) -> str:
    return f" {name_key(words)} "


def _leading_grams(after: str, limit: int) -> set[tuple[str, ...]]:
    """Word n-grams (n <= 3) starting in the first ``limit`` words after a name ("Ghazni, a key province")."""
    clause = _CLAUSE_END.split(after, maxsplit=1)[0]   # "Heathrow airport." has its cue; "Kabul. Airport" none
    words = clause.replace(",", " ").split()[:limit + 2]
    return {tuple(words[i:i + n]) for i in range(min(limit, len(words))) for n in (1, 2, 3) if i + n <= len(words)}


class _Entities:
    """The NER entities of a Doc (non-overlapping, in order), looked up by offset in log time."""

    def __init__(self, doc: Any) -> None:
        self.spans = [_Span(e.start_char, e.end_char, e.label_) for e in getattr(doc, "ents", ())] if doc is not None else []
        self.starts = [span.start for span in self.spans]

    def __iter__(self):
        return iter(self.spans)

    def __bool__(self) -> bool:
        return bool(self.spans)

    def at(self, start: int, end: int) -> _Span | None:
        """The entity overlapping [start, end), if any."""
        i = bisect.bisect_left(self.starts, end) - 1
        return self.spans[i] if i >= 0 and self.spans[i].end > start else None


def _label_at(entities: _Entities, start: int, end: int) -> str | None:
    span = entities.at(start, end)
    return span.label if span else None


def _inside(entities: _Entities, start: int, end: int) -> _Span | None:
    """The entity that strictly contains [start, end) (a word of a longer name), if any."""
    span = entities.at(start, end)
    if span and span.start <= start and end <= span.end and span.end - span.start > end - start:
        return span
    return None


def _first(ranked: list[Candidate], chosen: Any, why: str) -> list[Candidate]:
    """The candidates ``chosen`` picks, raised above the best score (with ``why``), then the rest."""
    picked = [c for c in ranked if chosen(c)]
    if not picked or not ranked:
        return ranked
    top = round(min(1.0, ranked[0].score + 0.1), 3)
    raised = [Candidate(c.place, max(c.score, top), f"{c.reason}; {why}", c.matched) for c in picked]
    return raised + [c for c in ranked if not chosen(c)]


def _names_only(text: str, span: "_Span", match: Match) -> bool:
    """Does the entity name just this match ("the Amu Darya" does; "Atlantic Avenue" does not name "Atlantic")?"""
    return text[span.start:span.end].removeprefix("the ") == text[match.start:match.end]


def _sentence(starts: list[int] | None, offset: int) -> int:
    if not starts:
        return 0
    return max(0, bisect.bisect_right(starts, offset) - 1)
