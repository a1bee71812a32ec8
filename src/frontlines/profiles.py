"""Conflict profiles: one conflict's countries, place focus, sides and defaults, carried through the stages.

A profile is a folder with ``profile.yaml`` (``data/profiles/NAME/`` for the shipped ones; any folder for a user's
own)::

    name: sudan-2023
    title: "Sudan: the war between the army and the RSF"
    countries: [SD]              # ISO alpha-2
    focus: SD                    # optional: place names of this country need no NER support and match fuzzily
    period: {from: 2023-04-15}   # optional
    sides:                       # any number; an event's actor belongs to a side when its name holds a pattern
      saf: {name: the army, colour: "#2166ac", actors: [military forces of sudan, police forces of sudan]}
      rsf: {name: the RSF, colour: "#b2182b", actors: [rapid support forces]}
    claims_side: rsf             # optional: the side whose claimed tallies are compared with control
    default_opponents: {}        # optional: actor id -> the opponent a battle with one named side gets

Without a profile the generic rules run (no focus country, the generic actors named per country). A run records
the profile's name and hash in its summary (and so in the store's run journal).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

PROFILES_DIR = Path(__file__).resolve().parent / "data" / "profiles"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class ProfileError(ValueError):
    """A profile is missing or malformed (the message names the file and the field)."""


@dataclass
class Side:
    key: str
    name: str
    colour: str
    actors: list[str]


@dataclass
class Profile:
    name: str
    path: Path
    title: str
    countries: list[str]
    focus: str | None = None
    start: date | None = None
    end: date | None = None
    sides: list[Side] = field(default_factory=list)
    claims_side: str | None = None
    default_opponents: dict[str, str] = field(default_factory=dict)
    sha1: str = ""

    def config_overrides(self) -> dict[str, Any]:
        """What the profile changes in the pipeline config (merged over ``pipeline.toml``)."""
        control: dict[str, Any] = {}
        if self.sides:
            control["sides"] = {s.key: s.actors for s in self.sides}
            control["side_names"] = {s.key: s.name for s in self.sides}
            control["side_colours"] = {s.key: s.colour for s in self.sides}
        if self.claims_side:
            control["claims_side"] = self.claims_side
        events: dict[str, Any] = {"country_focus": self.focus}
        if self.default_opponents:
            events["default_opponents"] = dict(self.default_opponents)
        return {"components": {"places": {"country_focus": self.focus}, "events": events},
                "corpus_stages": {"control": control},
                "profile": {"name": self.name, "sha1": self.sha1, "countries": list(self.countries)}}


def list_profiles(directory: Path = PROFILES_DIR) -> list[Profile]:
    """The shipped profiles, by name."""
    return [load_profile(p) for p in sorted(directory.glob("*/profile.yaml"))]


def load_profile(name_or_path: str | Path) -> Profile:
    """A shipped profile by name, or a profile folder or ``profile.yaml`` by path."""
    path = Path(name_or_path)
    if path.is_dir():
        path = path / "profile.yaml"
    if not path.exists():
        shipped = PROFILES_DIR / str(name_or_path) / "profile.yaml"
        if not shipped.exists():
            known = ", ".join(p.path.parent.name for p in list_profiles()) or "none"
            raise ProfileError(f"unknown profile {str(name_or_path)!r} (shipped: {known}; or give a folder)")
        path = shipped
    try:
        text = path.read_text(encoding="utf-8")
        raw = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ProfileError(f"{path}: cannot read the profile ({type(exc).__name__})") from exc
    return _parse(raw, path, hashlib.sha1(text.encode("utf-8")).hexdigest()[:12])


def _parse(raw: Any, path: Path, sha1: str) -> Profile:
    from frontlines.understand.countries import load_countries

    if not isinstance(raw, dict):
        raise ProfileError(f"{path}: a profile is a YAML mapping")
    name, title = _text(raw, "name", path), _text(raw, "title", path)
    countries = raw.get("countries")
    known = load_countries()
    if not isinstance(countries, list) or not countries or any(str(c).upper() not in known for c in countries):
        raise ProfileError(f"{path}: countries: a list of ISO alpha-2 codes is required (got {countries!r})")
    focus = raw.get("focus")
    if focus is not None and str(focus).upper() not in known:
        raise ProfileError(f"{path}: focus: {focus!r} is not an ISO alpha-2 country code")
    period = raw.get("period") or {}
    sides = []
    for key, side in (raw.get("sides") or {}).items():
        if not isinstance(side, dict) or not isinstance(side.get("actors"), list) or not side["actors"]:
            raise ProfileError(f"{path}: sides.{key}.actors: a list of actor name patterns is required")
        colour = str(side.get("colour", "#777777"))
        if not _COLOUR.match(colour):
            raise ProfileError(f"{path}: sides.{key}.colour: {colour!r} is not a #rrggbb colour")
        sides.append(Side(str(key), str(side.get("name") or key), colour, [str(a).lower() for a in side["actors"]]))
    claims_side = raw.get("claims_side")
    if claims_side is not None and claims_side not in {s.key for s in sides}:
        raise ProfileError(f"{path}: claims_side: {claims_side!r} is not one of the sides")
    opponents = raw.get("default_opponents") or {}
    if not isinstance(opponents, dict):
        raise ProfileError(f"{path}: default_opponents: a mapping of actor id to actor id is required")
    return Profile(name=name, path=path, title=title, countries=[str(c).upper() for c in countries],
                   focus=str(focus).upper() if focus else None, start=_date(period, "from", path),
                   end=_date(period, "to", path), sides=sides, claims_side=claims_side,
                   default_opponents={str(k): str(v) for k, v in opponents.items()}, sha1=sha1)


def _text(raw: dict[str, Any], key: str, path: Path) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(f"{path}: {key}: a non-empty string is required")
    return value


def _date(raw: dict[str, Any], key: str, path: Path) -> date | None:
    value = raw.get(key)
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ProfileError(f"{path}: period.{key}: {value!r} is not an ISO date") from exc
