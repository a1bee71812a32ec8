"""The model's attribute rules (POS, morphology and lemma exceptions), matched by lookup instead of by spaCy's Matcher.

The English model's ``attribute_ruler`` holds ~180 rules, nearly all for one token with plain values (``{"TAG":
"NNP"}``, ``{"LOWER": "n't", "TAG": "RB"}``). spaCy's Matcher tries every rule at every token, about a tenth of the
model's time. :func:`speed_up` gives the ruler a ``match`` that finds those rules by comparing the doc's attribute
columns and leaves the rest (several tokens, operators) to a Matcher of their own. The matches are the same, sorted
the same way, and applied by the ruler's own ``set_annotations``: every token ends with the same attributes.
"""
from __future__ import annotations

import re
from typing import Any, NamedTuple

import numpy

# Token attributes a one-token rule may test by plain equality here (what the English model's rules use).
KEYED = ("TAG", "LOWER", "DEP", "IS_SPACE")


class KeyedRules:
    """``AttributeRuler.match`` for one ruler: rules of a fixed number of tokens, each testing KEYED attributes, by
    comparing the doc's attribute columns; any other rule (operators such as ``OP``) by a Matcher."""

    def __init__(self, ruler: Any) -> None:
        from spacy.matcher import Matcher

        self.vocab = ruler.vocab
        self.rules: list[tuple[int, int, list[list[Test]]]] = []   # (rule id, match id, each token's tests)
        self.others = Matcher(ruler.vocab, validate=False)
        for key in ruler.matcher._patterns:
            label = self.vocab.strings[key]
            for pattern in ruler.matcher.get(key)[1]:
                if all(_keyed(spec) for spec in pattern) and pattern:
                    self.rules.append((int(label), key, [[self._test(str(name).upper(), value)
                                                          for name, value in spec.items()] for spec in pattern]))
                else:
                    self.others.add(label, [pattern])

    def _test(self, name: str, value: Any) -> "Test":
        column = KEYED.index(name)
        if name == "IS_SPACE":
            return Test(column, frozenset([int(value)]), True)
        if not isinstance(value, dict):
            return Test(column, frozenset([self.vocab.strings.add(value)]), True)
        (operator, values), = value.items()
        if operator == "REGEX":
            return Test(column, frozenset(), True, re.compile(values))
        return Test(column, frozenset(self.vocab.strings.add(v) for v in values), operator == "IN")

    def __call__(self, doc: Any) -> list[tuple[int, int, int, int]]:
        """The ruler's matches on ``doc``: (rule id, match id, start, end), sorted as ``AttributeRuler.match``."""
        matches = [(int(self.vocab.strings[key]), key, start, end)
                   for key, start, end in self.others(doc, allow_missing=True, as_spans=False)] if len(self.others) else []
        if len(doc):
            columns = _Columns(doc)
            for rule, key, tokens in self.rules:
                starts = len(doc) - len(tokens) + 1
                if starts <= 0 or not all(columns.may_pass(test) for tests in tokens for test in tests):
                    continue
                mask = numpy.ones(starts, dtype=bool)
                for offset, tests in enumerate(tokens):
                    for test in tests:
                        mask &= columns.passes(test)[offset:offset + starts]
                matches.extend((rule, key, int(i), int(i) + len(tokens)) for i in numpy.flatnonzero(mask))
        matches.sort()
        return matches


class Test(NamedTuple):
    """One attribute test of a token: its column's value is among ``values`` (or, with ``wanted`` False, is not);
    or, with ``regex``, the value's text matches it (``re.search``, as the Matcher's REGEX)."""
    column: int
    values: frozenset[int]
    wanted: bool
    regex: re.Pattern[str] | None = None


class _Columns:
    """A doc's KEYED attribute columns, each as its distinct values and, per token, the index of its value."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        array = doc.to_array(list(KEYED))
        self.distinct, self.where = [], []
        for column in range(len(KEYED)):
            values, where = numpy.unique(array[:, column], return_inverse=True)
            self.distinct.append({int(v): i for i, v in enumerate(values.tolist())})
            self.where.append(where.reshape(-1))

    def may_pass(self, test: Test) -> bool:
        """False when no token can pass ``test`` (it wants values the doc does not have)."""
        return bool(test.regex) or not test.wanted or not test.values.isdisjoint(self.distinct[test.column])

    def passes(self, test: Test) -> Any:
        """Per token, whether it passes ``test``."""
        distinct = self.distinct[test.column]
        chosen = numpy.zeros(len(distinct), dtype=bool)
        if test.regex is not None:
            strings = self.doc.vocab.strings
            for value, i in distinct.items():
                chosen[i] = bool(test.regex.search(strings[value])) if value in strings else False
        else:
            for value in test.values:
                i = distinct.get(value)
                if i is not None:
                    chosen[i] = True
            if not test.wanted:
                chosen = ~chosen
        return chosen[self.where[test.column]]


def _keyed(spec: dict[str, Any]) -> bool:
    """Whether a token spec tests only KEYED attributes, each for a string (a bool for IS_SPACE), for being IN or
    NOT_IN a list of strings, or against a REGEX; anything else (``OP``, other attributes) is left to a Matcher."""
    if not spec:
        return False
    for name, value in spec.items():
        name = str(name).upper()
        if name not in KEYED:
            return False
        if name == "IS_SPACE":
            if not isinstance(value, bool):
                return False
        elif isinstance(value, dict):
            if len(value) != 1:
                return False
            (operator, values), = value.items()
            if operator == "REGEX":
                if not isinstance(values, str) or name == "IS_SPACE":
                    return False
            elif operator not in ("IN", "NOT_IN") or not isinstance(values, list) \
                    or not all(isinstance(v, str) for v in values):
                return False
        elif not isinstance(value, str):
            return False
    return True


def speed_up(nlp: Any) -> None:
    """Give the pipeline's attribute rulers the keyed ``match`` (same matches, found faster)."""
    for _, component in nlp.pipeline:
        if type(component).__name__ == "AttributeRuler" and not isinstance(component.match, KeyedRules):
            component.match = KeyedRules(component)
