"""What the dependency parse says about a trigger: who did it (agent), to what (patient) and from whom (source).

The coder finds triggers in its own tokens; this module reads spaCy's parse of the same text (``article.doc``) and
answers in character ranges, so the coder can keep its own spans. Passive ("Zaranj was captured by the Taliban"),
apposition ("Zaranj, the capital of Nimroz, fell"), coordination ("captured Kunduz, Sar-e Pul and Taloqan") and
relative clauses ("the Taliban, who took Kunduz") come from the parse; when it has no answer the coder falls back to
its token window.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

Range = tuple[int, int]   # [start, end) character offsets into Article.text

SUBJECTS = {"nsubj", "csubj"}
PASSIVE_SUBJECTS = {"nsubjpass", "csubjpass"}
OBJECTS = {"dobj", "obj", "attr"}
# A verb that shares the subject of the verb it hangs from: "seized Kunduz and captured Taloqan",
# "after seizing Farah", "began to attack".
SHARES_SUBJECT = {"conj", "xcomp", "advcl", "pcomp", "prep"}
# Prepositions after a verb or noun that name who did it ("fell to the Taliban", "an attack by the RSF").
AGENT_PREPOSITIONS = {"to", "by"}
# Prepositions after a noun trigger that name what it was done to ("the capture of Kunduz", "an attack on Goma").
PATIENT_PREPOSITIONS = {"of", "on", "against", "into", "over"}
# Prepositions that name the side that lost ("took Kunduz from the army").
SOURCE_PREPOSITIONS = {"from"}
# Prepositions that say where it happened ("attacked a post *in* Kobo", "clashes *near* Goma").
LOCATION_PREPOSITIONS = {"in", "at", "near", "around", "outside", "inside", "across"}
# A noun trigger after one of these is the backdrop of what a sentence reports, not an event it reports
# ("families left since the clashes started", "shops shut amid clashes", "residents spoke about fighting").
# ("After the fall of Kunduz, …" does report the fall: "after" is not among them.)
BACKDROP_PREPOSITIONS = {"amid", "amidst", "since", "about", "despite", "because"}
# Intransitive triggers whose subject is the place, not the agent ("Kunduz fell", "the town came under …").
PLACE_SUBJECT_LEMMAS = {"fall", "come", "pass", "surrender"}
# Their forms, for a pipeline run without the lemmatizer.
PLACE_SUBJECT_FORMS = PLACE_SUBJECT_LEMMAS | {"fell", "fallen", "falls", "falling", "came", "comes", "coming",
                                              "passed", "passes", "surrendered", "surrenders"}
# A place named only to locate another: "Ghazni, 150 km south-west of Kabul", "a base near Kandahar".
REFERENCE_PREPOSITIONS = {"near", "outside", "toward", "towards", "beyond", "around", "from"}
AREA_HEADS = {"capital", "city", "town", "province", "region", "state", "district", "seat", "hub", "centre", "center"}
REFERENCE_HEADS = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "km",
                   "kilometres", "kilometers", "miles", "mile", "kilometre", "kilometer"}


@dataclass
class Roles:
    """The arguments of one trigger, as character ranges (each a whole noun phrase, lists included)."""
    agent: list[Range] = field(default_factory=list)
    patient: list[Range] = field(default_factory=list)
    source: list[Range] = field(default_factory=list)
    location: list[Range] = field(default_factory=list)   # "in X", "at X", "near X" on the trigger itself
    negated: bool = False         # "did not capture", "never took"
    modifier: bool = False        # an adjective, not a report: "the captured outpost"
    backdrop: bool = False        # a noun in "amid clashes", "since the fighting began": not reported as news

    def holds(self, role: str, start: int, end: int) -> bool:
        """Does ``[start, end)`` overlap one of the role's ranges? (The parse may cut a hyphenated name,
        "Pul-e-Khumri", into several subjects: overlap, not containment.)"""
        return any(a < end and start < b for a, b in getattr(self, role))


class Grammar:
    """The parse of one article, looked up by character offset."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self._starts = [t.idx for t in doc]
        self.parsed = doc is not None and doc.has_annotation("DEP")

    def head(self, start: int, end: int) -> Any | None:
        """The syntactic head of the tokens in ``[start, end)``: the one whose own head lies outside."""
        first, last = bisect_left(self._starts, start), bisect_right(self._starts, end - 1)
        tokens = list(self.doc[first:last]) if first < last else []
        for token in tokens:
            if token.head.i < first or token.head.i >= last or token.head.i == token.i:
                return token
        return tokens[0] if tokens else None

    def is_reference(self, start: int, end: int, near: bool = True) -> bool:
        """Is the phrase at ``[start, end)`` a reference point ("150 km south-west of Kabul"; with ``near``, also
        "near Kandahar": what was *taken* near a town is not the town, though fighting near it is located by it)?"""
        token = self.head(start, end) if self.parsed else None
        if token is None or token.dep_ != "pobj":
            return False
        prep = token.head
        word = prep.lower_
        if near and word in REFERENCE_PREPOSITIONS:
            return True
        if word == "of" and prep.head.lower_ in REFERENCE_HEADS:
            # "took Ghazni, 150 km south-west of Kabul": another place is located by it; "clashes west of Bara"
            # are located by Bara (unless what happened is a capture, which was not of Bara)
            return near or prep.head.head.pos_ == "PROPN"
        # "Goma, the provincial capital of North Kivu": the province only says where the town is
        return word == "of" and prep.head.dep_ == "appos" and prep.head.lower_ in AREA_HEADS

    def roles(self, start: int, end: int) -> Roles | None:
        """The agent, patient and source of the trigger at ``[start, end)``; None without a parse."""
        if not self.parsed:
            return None
        head = self.head(start, end)
        if head is None:
            return None
        if head.pos_ in ("VERB", "AUX") or head.tag_.startswith("VB"):
            return self._verb_roles(head, start, end)
        return self._noun_roles(head, start, end)

    def _verb_roles(self, verb: Any, start: int, end: int) -> Roles:
        roles = Roles()
        roles.negated = _negated(verb)
        roles.modifier = verb.dep_ == "amod"
        # "interviewed residents about fighting": a gerund after a backdrop word
        roles.backdrop = verb.dep_ == "pcomp" and verb.head.lower_ in BACKDROP_PREPOSITIONS
        passive = any(c.dep_ in PASSIVE_SUBJECTS or c.dep_ == "auxpass" for c in verb.children)
        place_subject = verb.lemma_ in PLACE_SUBJECT_LEMMAS or verb.lower_ in PLACE_SUBJECT_FORMS
        for child in verb.children:
            if child.idx >= start and child.idx < end:
                continue      # inside the trigger phrase itself ("took control of")
            if child.dep_ in SUBJECTS:
                (roles.patient if place_subject else roles.agent).extend(_phrase(child))
            elif child.dep_ in PASSIVE_SUBJECTS or child.dep_ in OBJECTS:
                roles.patient.extend(_phrase(child))
            elif child.dep_ == "agent":
                roles.agent.extend(r for o in child.children if o.dep_ == "pobj" for r in _phrase(o))
        for prep, internal in _prepositions(verb, start, end):
            objects = [r for o in prep.children if o.dep_ == "pobj" for r in _phrase(o)]
            word = prep.lower_
            if internal and word == "of":
                # "came under the control of X", "fell into the hands of X" / "took control of X"
                (roles.agent if place_subject else roles.patient).extend(objects)
            elif word in AGENT_PREPOSITIONS and (place_subject or passive):
                roles.agent.extend(objects)
            elif word in SOURCE_PREPOSITIONS:
                roles.source.extend(objects)
            elif word in LOCATION_PREPOSITIONS:
                roles.location.extend(objects)
        if not roles.agent and not place_subject and not passive:
            roles.agent.extend(_inherited_subject(verb))
        return roles

    def _noun_roles(self, noun: Any, start: int, end: int) -> Roles:
        roles = Roles(negated=_negated(_governing_verb(noun)), backdrop=_backdrop(noun))
        for child in noun.children:
            if child.idx >= start and child.idx < end:
                continue
            if child.dep_ == "poss" or (child.dep_ == "compound" and child.i < noun.i):
                roles.agent.extend(_phrase(child))    # "the Taliban's capture", "an RSF attack"
        for prep, _ in _prepositions(noun, start, end):
            objects = [r for o in prep.children if o.dep_ == "pobj" for r in _phrase(o)]
            word = prep.lower_
            if word == "by":
                roles.agent.extend(objects)
            elif word in PATIENT_PREPOSITIONS:
                roles.patient.extend(objects)
            elif word in SOURCE_PREPOSITIONS:
                roles.source.extend(objects)
            elif word in LOCATION_PREPOSITIONS:
                roles.location.extend(objects)
        return roles


def _negated(verb: Any | None) -> bool:
    """Is the verb denied ("did not capture", "has not witnessed clashes", "never fell")?"""
    return verb is not None and any(c.dep_ == "neg" or c.lower_ in ("never", "no") for c in verb.children)


def _backdrop(noun: Any) -> bool:
    """Is a noun trigger the object of a backdrop preposition, or the subject of a clause one opens ("since the
    clashes began")?"""
    if noun.dep_ == "pobj" and noun.head.lower_ in BACKDROP_PREPOSITIONS:
        return True
    clause = noun.head if noun.dep_ in ("nsubj", "nsubjpass") else None
    return clause is not None and any(c.dep_ == "mark" and c.lower_ in BACKDROP_PREPOSITIONS for c in clause.children)


def _governing_verb(noun: Any) -> Any | None:
    """The verb a noun trigger is an argument of ("has not witnessed *clashes*"), two steps up at most."""
    token = noun
    for _ in range(3):
        if token.head.i == token.i:
            return None
        token = token.head
        if token.pos_ in ("VERB", "AUX"):
            return token
    return None


def _phrase(token: Any) -> list[Range]:
    """The noun phrase a token heads, with its coordinated and appositive parts, up to a relative clause: one
    range per run of consecutive words (an apposition after the verb, "Two towns fell to them: Kunduz and Herat",
    is a second run, and the verb between stays outside)."""
    kept = sorted(t.i for t in token.subtree if not _in_clause(t, token))
    runs: list[Range] = []
    doc = token.doc
    start = prev = kept[0]
    for i in kept[1:] + [None]:
        if i is not None and i == prev + 1:
            prev = i
            continue
        runs.append((doc[start].idx, doc[prev].idx + len(doc[prev].text)))
        if i is not None:
            start = prev = i
    return runs


def _in_clause(token: Any, top: Any) -> bool:
    """Is ``token`` inside a relative or adverbial clause hanging below ``top`` ("Kabul, where …")?"""
    while token.i != top.i:
        if token.dep_ in ("relcl", "acl", "advcl"):
            return True
        token = token.head
    return False


def _prepositions(head: Any, start: int, end: int) -> list[tuple[Any, bool]]:
    """Prepositions attached to the head, and (marked internal) those of the trigger's own words, including a
    preposition that is itself part of the phrase ("took control *of* X", "fell *to* the Taliban")."""
    found = [(c, False) for c in head.children if c.dep_ == "prep" and not start <= c.idx < end]
    for word in head.subtree:
        if not start <= word.idx < end or word.i == head.i:
            continue
        if word.dep_ == "prep":
            found.append((word, True))
        found.extend((c, True) for c in word.children if c.dep_ == "prep" and not start <= c.idx < end)
    return found


def _inherited_subject(verb: Any) -> list[Range]:
    """The subject a verb shares with the verb it hangs from (four steps up at most), or, in a relative
    clause, the noun the clause is about ("the Taliban, who took Kunduz")."""
    token = verb
    for _ in range(4):
        if token.dep_ == "relcl":
            return _phrase(token.head)
        if token.dep_ not in SHARES_SUBJECT or token.head.i == token.i:
            return []
        token = token.head
        subjects = [c for c in token.children if c.dep_ in SUBJECTS]
        if subjects:
            return _phrase(subjects[0])
    return []

