"""Generic actors, named per country and date: "the army" in Sudan in 2024 is "Military Forces of Sudan (2019-)".

The actor dictionary holds a few *generic* actors whose name is a template (``Military Forces of {country}{years}``,
``Civilians ({country})``): state forces, police, government, civilians, an unidentified armed group. Recognition
tags "the army" or "government forces" with the generic actor, and "Sudanese troops" or "Mali's junta" with the
generic actor of that country (``state_forces:SD``). When an event is coded, :meth:`ActorIndex.specific` names the
actor for the event's country (the place's, unless the mention named one) and day, from ``data/countries.csv`` and
``data/state_forces.csv`` (a regime's years, or an actor of the dictionary that stands for that role then).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from frontlines.model import INTER_CODES, Actor
from frontlines.understand.countries import Country, country, load_countries

STATE_FORCES_FILE = Path(__file__).resolve().parents[1] / "data" / "state_forces.csv"
# Country names ACLED writes with "the" inside an actor name ("Military Forces of the Democratic Republic of Congo").
_WITH_THE = re.compile(r"^(?:United |Democratic |Republic |Central African|Philippines|Netherlands|Bahamas|Gambia|"
                       r"Comoros|Maldives|Marshall|Solomon|Czech|Dominican Republic)")


@dataclass(frozen=True)
class Regime:
    """Who a country's state forces are between two days."""
    country: str
    start: date | None
    end: date | None
    years: str
    stands_for: dict[str, str]        # generic actor id -> dictionary actor id for that role then

    def holds(self, day: date | None) -> bool:
        return day is None or ((self.start is None or day >= self.start) and (self.end is None or day < self.end))


@lru_cache(maxsize=2)
def load_regimes(path: str | None = None) -> dict[str, tuple[Regime, ...]]:
    """ISO alpha-2 -> the country's regimes, earliest first (``data/state_forces.csv``)."""
    out: dict[str, list[Regime]] = {}
    with open(path or STATE_FORCES_FILE, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            roles = {k: row[k] for k in ("state_forces", "state_police", "state_government") if row.get(k)}
            out.setdefault(row["country"], []).append(Regime(
                row["country"], date.fromisoformat(row["from"]) if row["from"] else None,
                date.fromisoformat(row["to"]) if row["to"] else None, row["years"], roles))
    return {k: tuple(sorted(v, key=lambda r: r.start or date.min)) for k, v in out.items()}


def regime_on(iso2: str, day: date | None) -> Regime | None:
    """The regime on ``day`` (the latest one when the day is unknown)."""
    regimes = load_regimes().get(iso2, ())
    if day is None:
        return regimes[-1] if regimes else None
    return next((r for r in regimes if r.holds(day)), None)


def actor_country_name(c: Country) -> str:
    """A country as it stands inside an actor name: "the United States", "Sudan"."""
    return f"the {c.name}" if _WITH_THE.match(c.name) else c.name


def is_generic(actor: Actor) -> bool:
    return "{country}" in actor.name


class ActorIndex(dict):
    """Actor id -> :class:`Actor`, the dictionary's actors plus country actors made on demand.

    ``"state_forces:SD"`` (a mention that named its country) and ``"state_forces:SD:2019-"`` (named for a day) are
    valid ids once the generic ``state_forces`` is in the dictionary.
    """

    def __missing__(self, key: str) -> Actor:
        actor = self._make(key)
        if actor is None:
            raise KeyError(key)
        self[key] = actor
        return actor

    def __contains__(self, key: object) -> bool:
        if dict.__contains__(self, key):
            return True
        actor = self._make(key) if isinstance(key, str) else None
        if actor is not None:
            self[key] = actor
        return actor is not None

    def get(self, key: str, default: Actor | None = None) -> Actor | None:   # type: ignore[override]
        return self[key] if key in self else default

    def specific(self, actor_id: str | None, iso2: str | None, day: date | None) -> str | None:
        """The id of the actor a (possibly generic) id stands for in ``iso2`` on ``day``."""
        if actor_id is None:
            return None
        generic, _, rest = actor_id.partition(":")
        base = dict.get(self, generic)
        if base is None or not is_generic(base):
            return actor_id
        place_country, iso2 = iso2, rest.split(":")[0] or iso2
        if not iso2 or country(iso2) is None:
            return actor_id
        regime = regime_on(iso2, day)
        if regime is not None and generic in regime.stands_for and dict.__contains__(self, regime.stands_for[generic]):
            return regime.stands_for[generic]
        key = f"{generic}:{iso2}:{regime.years if regime and '{years}' in base.name else ''}"
        if place_country and place_country != iso2 and _is_state(base):
            key += ":abroad"   # "Rwandan troops" in Congo: an external force there (ACLED's inter code 8)
        return key if key in self else actor_id

    def _make(self, key: str) -> Actor | None:
        if key.startswith("org:"):
            return organisation(key)
        generic, _, rest = key.partition(":")
        base = dict.get(self, generic)
        if not rest or base is None or not is_generic(base):
            return None
        iso2, _, years = rest.partition(":")
        years, _, where = years.partition(":")
        c = country(iso2)
        if c is None:
            return None
        written = actor_country_name(c) if "of {country}" in base.name else c.name   # "Civilians (Sudan)"
        name = base.name.format(country=written, years=f" ({years})" if years else "")
        roles = [("External/Other forces", None, None)] if where == "abroad" else list(base.roles)
        return Actor(id=key, name=name, roles=roles, country=c.iso2)


def organisation(key: str) -> Actor | None:
    """The actor behind ``org:<ACLED type>:<name>``: an organisation the dictionary does not know, of the type its
    cue word gave ("Ambazonian separatists": a Rebel group)."""
    _, kind, name = (key.split(":", 2) + ["", ""])[:3]
    if kind not in INTER_CODES or not name:
        return None
    return Actor(id=key, name=name, roles=[(kind, None, None)])


def _is_state(actor: Actor) -> bool:
    return any(kind == "State forces" for kind, _, _ in actor.roles)


def actor_named(name: str, generics: list[Actor]) -> Actor | None:
    """A country actor from its name ("Military Forces of Sudan (2019-)"), for stages that see names only."""
    by_name = {written.casefold(): c for c in load_countries().values() for written in (actor_country_name(c), c.name)}
    for base in generics:
        pattern = re.escape(base.name).replace(r"\{country\}", "(?P<country>.+?)").replace(r"\{years\}", r"(?: \([^)]*\))?")
        found = re.fullmatch(pattern, name.strip())
        if found and found.group("country").casefold() in by_name:
            return Actor(id=f"{base.id}:{by_name[found.group('country').casefold()].iso2}", name=name,
                         roles=list(base.roles), country=by_name[found.group("country").casefold()].iso2)
    return None
