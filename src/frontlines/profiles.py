"""Conflict profiles: one conflict's countries, place focus, actors, sides and tracked places, carried through the
stages.

A profile is a folder with ``profile.yaml`` (``data/profiles/NAME/`` for the shipped ones; any folder for a user's
own; ``frontlines profile new NAME --country XX`` writes a starter)::

    name: sudan-2023
    title: "Sudan: the war between the army and the RSF"
    countries: [SD]              # ISO alpha-2
    focus: SD                    # optional: place names of this country need no NER support and match fuzzily
    period: {from: 2023-04-15}   # optional
    actors:                      # optional: actors the dictionary lacks (the format of data/armed_groups.yaml)
      - {id: darfur_front, name: Darfur Front, roles: [{type: Rebel group}], aliases: [Darfur Front]}
    sides:                       # any number; each lists actor ids, or pieces of ACLED actor names
      saf: {name: the army, colour: "#2166ac", actors: ["state_forces:SD", "state_police:SD"]}
      rsf: {name: the RSF, colour: "#b2182b", actors: [rsf]}
    tracked:                     # optional
      label: state capitals      # how the report names them (default: regional capitals)
      places: []                 # ids or names; default: the first-level seats of the countries (gazetteer)
    claims_side: rsf             # optional: the side whose claimed tallies are compared with control
    default_opponents: {}        # optional: actor id -> the opponent a battle with one named side gets

Without a profile the generic rules run (no focus country, the generic actors named per country, no sides, the
seats of the events' countries tracked). A run records the profile's name, hash and path in its summary (and so in
the store's run journal); a run under another profile into that store is refused unless forced.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

PROFILES_DIR = Path(__file__).resolve().parent / "data" / "profiles"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_ID = re.compile(r"^[a-z0-9_]+$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
FIELDS = ("name", "title", "countries", "focus", "period", "actors", "sides", "tracked", "claims_side",
          "default_opponents")
ACTOR_TYPES = ("State forces", "Rebel group", "Political militia", "Identity militia", "Rioters", "Protesters",
               "Civilians", "External/Other forces")
DEFAULT_TRACKED_LABEL = "regional capitals"


class ProfileError(ValueError):
    """A profile is missing or malformed (the message names the file and the field)."""
    one_line = True   # any command ends with the message in one line and exit status 2


class ProfileMismatch(ProfileError):
    """A run under one profile into a store made under another."""


@dataclass
class Side:
    key: str
    name: str
    colour: str
    actors: list[str]          # lower-case pieces of ACLED actor names (actor ids resolved to their names)


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
    actors: list[dict[str, Any]] = field(default_factory=list)
    tracked: list[str] = field(default_factory=list)
    tracked_label: str = DEFAULT_TRACKED_LABEL

    def control_settings(self) -> dict[str, Any]:
        """The control rules this profile sets (sides, names, colours, countries, tracked places)."""
        control: dict[str, Any] = {"countries": list(self.countries), "tracked": list(self.tracked),
                                   "tracked_label": self.tracked_label, "profile": self.name}
        if self.sides:
            control["sides"] = {s.key: s.actors for s in self.sides}
            control["side_names"] = {s.key: s.name for s in self.sides}
            control["side_colours"] = {s.key: s.colour for s in self.sides}
        if self.claims_side:
            control["claims_side"] = self.claims_side
        return control

    def config_overrides(self) -> dict[str, Any]:
        """What the profile changes in the pipeline config (merged over ``pipeline.toml``)."""
        events: dict[str, Any] = {"country_focus": self.focus}
        if self.default_opponents:
            events["default_opponents"] = dict(self.default_opponents)
        components: dict[str, Any] = {"places": {"country_focus": self.focus}, "events": events}
        if self.actors:
            components["actors"] = {"path": str(actor_file(self))}   # the coder reads the same file
        return {"components": components,
                "corpus_stages": {"control": self.control_settings()},
                "profile": {"name": self.name, "sha1": self.sha1, "countries": list(self.countries),
                            "path": str(self.path)}}


def list_profiles(directory: Path = PROFILES_DIR) -> list[Profile]:
    """The shipped profiles, by name."""
    return [load_profile(p) for p in sorted(directory.glob("*/profile.yaml"))]


def load_profile(name_or_path: str | Path) -> Profile:
    """A shipped profile by name, or a profile folder or ``profile.yaml`` by path."""
    path = Path(name_or_path)
    if path.is_dir():
        path = path / "profile.yaml"
    if not path.is_file():
        shipped = PROFILES_DIR / str(name_or_path) / "profile.yaml"
        if "/" in str(name_or_path) or not shipped.is_file():
            known = ", ".join(p.name for p in sorted(PROFILES_DIR.iterdir()) if (p / "profile.yaml").is_file())
            raise ProfileError(f"unknown profile {str(name_or_path)!r} (no such folder or file; shipped: "
                               f"{known or 'none'})")
        path = shipped
    try:
        text = path.read_text(encoding="utf-8")
        raw = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise ProfileError(f"{path}: cannot read the profile: {type(exc).__name__}{line}") from exc
    return _parse(raw, path, hashlib.sha1(text.encode("utf-8")).hexdigest()[:12])


def _parse(raw: Any, path: Path, sha1: str) -> Profile:
    from frontlines.understand.countries import load_countries

    if not isinstance(raw, dict):
        raise ProfileError(f"{path}: a profile is a YAML mapping of {', '.join(FIELDS)}")
    unknown = [str(k) for k in raw if k not in FIELDS]
    if unknown:
        raise ProfileError(f"{path}: {unknown[0]}: not a profile field (the fields: {', '.join(FIELDS)})")
    name, title = _text(raw, "name", path), _text(raw, "title", path)
    if not _NAME.match(name):
        raise ProfileError(f"{path}: name: {name!r} is not a profile name (letters, digits, '-', '_' and '.', "
                           f"like sudan-2025)")
    countries = raw.get("countries")
    known = load_countries()
    if not isinstance(countries, list) or not countries or any(str(c).upper() not in known for c in countries):
        raise ProfileError(f"{path}: countries: a list of ISO alpha-2 codes is required (got {countries!r})")
    countries = [str(c).upper() for c in countries]
    focus = raw.get("focus")
    if focus is not None and str(focus).upper() not in known:
        raise ProfileError(f"{path}: focus: {focus!r} is not an ISO alpha-2 country code")
    period = raw.get("period") or {}
    if not isinstance(period, dict):
        raise ProfileError(f"{path}: period: a mapping like {{from: 2023-04-15, to: 2024-01-01}} is required")
    start, end = _date(period, "from", path), _date(period, "to", path)
    if start and end and end < start:
        raise ProfileError(f"{path}: period.to: {end} is before period.from ({start})")
    actors = _actors(raw.get("actors"), path)
    sides = _sides(raw.get("sides"), path, actors, countries)
    claims_side = raw.get("claims_side")
    if claims_side is not None and claims_side not in {s.key for s in sides}:
        raise ProfileError(f"{path}: claims_side: {claims_side!r} is not one of the sides")
    opponents = raw.get("default_opponents") or {}
    if not isinstance(opponents, dict) or not all(isinstance(v, str) for v in opponents.values()):
        raise ProfileError(f"{path}: default_opponents: a mapping of actor id to actor id is required")
    tracked, label = _tracked(raw.get("tracked"), path, countries)
    return Profile(name=name, path=path, title=title, countries=countries,
                   focus=str(focus).upper() if focus else None, start=start, end=end, sides=sides,
                   claims_side=claims_side, default_opponents={str(k): str(v) for k, v in opponents.items()},
                   sha1=sha1, actors=actors, tracked=tracked, tracked_label=label)


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


# -- actors -----------------------------------------------------------------------------------------------------
def _actors(entries: Any, path: Path) -> list[dict[str, Any]]:
    """The profile's own actors, checked: ids, names, ACLED types, dated roles, and no alias claimed twice (here or
    by another actor of the dictionary)."""
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ProfileError(f"{path}: actors: a list of actors (id, name, roles, aliases) is required")
    claimed = _dictionary_aliases()
    out = []
    for n, entry in enumerate(entries):
        where = f"{path}: actors[{n}]"
        if not isinstance(entry, dict):
            raise ProfileError(f"{where}: an actor is a mapping of id, name, roles, aliases")
        actor_id, name = entry.get("id"), entry.get("name")
        if not isinstance(actor_id, str) or not _ID.match(actor_id):
            raise ProfileError(f"{where}.id: a snake_case id is required (got {actor_id!r})")
        if not isinstance(name, str) or not name.strip():
            raise ProfileError(f"{where}.name: the actor's ACLED name is required")
        roles = entry.get("roles") or []
        if not isinstance(roles, list) or not roles:
            raise ProfileError(f"{where}.roles: a list like [{{type: Rebel group}}] is required")
        for r, role in enumerate(roles):
            if not isinstance(role, dict) or role.get("type") not in ACTOR_TYPES:
                raise ProfileError(f"{where}.roles[{r}].type: one of {', '.join(ACTOR_TYPES)} is required")
            for key in ("from", "to"):
                try:
                    _date(role, key, path)
                except ProfileError as exc:
                    raise ProfileError(f"{where}.roles[{r}].{key}: {role.get(key)!r} is not an ISO date") from exc
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise ProfileError(f"{where}.aliases: a list of names is required")
        for alias in [name, *aliases]:
            owner = claimed.get(alias.casefold())
            if owner is not None and owner != actor_id:
                raise ProfileError(f"{where}.aliases: {alias!r} is claimed by two actors ({owner} and {actor_id})")
            claimed[alias.casefold()] = actor_id
        out.append(dict(entry))
    return out


def _dictionary_aliases() -> dict[str, str]:
    """Alias (case-folded) -> actor id, over the packaged actor dictionary."""
    dictionary = _dictionary()
    out = {alias.casefold(): actor_id for alias, actor_id in dictionary.names.items()}
    out.update({alias.casefold(): actor_id for alias, actor_id in dictionary.exact_names.items()})
    return out


def _dictionary() -> Any:
    from frontlines.understand.actors import load_actors
    return load_actors()


def actor_file(profile: Profile) -> Path:
    """An actor dictionary for a run under ``profile``: the packaged one with the profile's actors added (written
    once into the cache dir, named by the profile's hash); the actors component and the coder read it."""
    from frontlines.understand.actors import ACTORS_FILE, read_yaml
    from frontlines.understand.places.index import cache_dir

    raw = read_yaml(ACTORS_FILE) or {}
    packaged = [ACTORS_FILE] + [ACTORS_FILE.parent / name for name in raw.get("include", [])]
    # named by the profile and by the packaged files it extends (their place and content): a changed or moved
    # package never reads a stale copy
    digest = hashlib.sha1(profile.sha1.encode())
    for path in packaged:
        digest.update(str(path).encode() + path.read_bytes())
    folder = cache_dir() / "profiles"
    key = f"{profile.name}-{digest.hexdigest()[:16]}"
    own = folder / f"{key}-actors.yaml"
    merged = folder / f"{key}-dictionary.yaml"
    if not merged.exists():
        folder.mkdir(parents=True, exist_ok=True)
        raw["include"] = [str(path) for path in packaged[1:]] + [str(own)]
        actors = [_plain(a) for a in profile.actors]
        for target, data in ((own, {"actors": actors}), (merged, raw)):
            tmp = target.with_suffix(".tmp")
            tmp.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
            tmp.replace(target)
    return merged


def _plain(actor: dict[str, Any]) -> dict[str, Any]:
    """An actor entry with its dates as text (what YAML writes back)."""
    return json.loads(json.dumps(actor, default=str))


# -- sides ------------------------------------------------------------------------------------------------------
def _sides(raw: Any, path: Path, actors: list[dict[str, Any]], countries: list[str]) -> list[Side]:
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise ProfileError(f"{path}: sides: a mapping of side key to {{name, colour, actors}} is required")
    names = _known_names(actors)
    sides = []
    seen: dict[str, str] = {}
    for key, side in raw.items():
        if not isinstance(side, dict) or not isinstance(side.get("actors"), list) or not side["actors"]:
            raise ProfileError(f"{path}: sides.{key}.actors: a list of actor ids or actor name pieces is required")
        colour = str(side.get("colour", "#777777"))
        if not _COLOUR.match(colour):
            raise ProfileError(f"{path}: sides.{key}.colour: {colour!r} is not a #rrggbb colour")
        patterns = []
        for entry in side["actors"]:
            pattern = _side_pattern(str(entry), names, actors)
            if pattern is None:
                raise ProfileError(f"{path}: sides.{key}.actors: {entry!r} is no known actor (an actor id such as "
                                   f"rsf or state_forces:{countries[0]}, or a piece of an ACLED actor name)")
            if pattern in seen and seen[pattern] != str(key):
                raise ProfileError(f"{path}: sides.{key}.actors: {entry!r} is on two sides ({seen[pattern]} and {key})")
            seen[pattern] = str(key)
            patterns.append(pattern)
        sides.append(Side(str(key), str(side.get("name") or key), colour, patterns))
    return sides


def _side_pattern(entry: str, names: list[str], actors: list[dict[str, Any]]) -> str | None:
    """The lower-case name piece an entry of a side stands for: an actor id's name (a country actor's without its
    years), or the entry itself when it is a piece of a known actor name."""
    own = {a["id"]: a["name"] for a in actors}
    if entry in own:
        return own[entry].lower()
    from frontlines.understand.generic_actors import ActorIndex, is_generic

    dictionary = _dictionary()
    index = ActorIndex(dictionary.actors)
    if entry in dictionary.actors and not is_generic(dictionary.actors[entry]):
        return dictionary.actors[entry].name.lower()
    generic = dictionary.actors.get(entry.split(":")[0])
    if ":" in entry and generic is not None and is_generic(generic) and entry in index:
        return index[entry].name.lower()   # "state_forces:SD": "military forces of sudan", any years
    lowered = entry.lower().strip()
    return lowered if lowered and any(lowered in n for n in names) else None


def _known_names(actors: list[dict[str, Any]]) -> list[str]:
    """Every actor name a run can write, lower-case: the dictionary's, the profile's, every country's generic ones."""
    from frontlines.understand.countries import load_countries
    from frontlines.understand.generic_actors import actor_country_name, is_generic

    dictionary = _dictionary()
    out = [a.name.lower() for a in dictionary.all() if not is_generic(a)] + [a["name"].lower() for a in actors]
    for base in (a for a in dictionary.all() if is_generic(a)):
        for c in load_countries().values():
            written = actor_country_name(c) if "of {country}" in base.name else c.name
            out.append(base.name.format(country=written, years="").lower())
    return out


# -- tracked places ---------------------------------------------------------------------------------------------
def _tracked(raw: Any, path: Path, countries: list[str]) -> tuple[list[str], str]:
    if raw is None:
        return [], DEFAULT_TRACKED_LABEL
    if not isinstance(raw, dict):
        raise ProfileError(f"{path}: tracked: a mapping of label and places is required")
    label = raw.get("label", DEFAULT_TRACKED_LABEL)
    if not isinstance(label, str) or not label.strip():
        raise ProfileError(f"{path}: tracked.label: a name for the tracked places is required (\"state capitals\")")
    places = raw.get("places") or []
    if not isinstance(places, list) or not all(isinstance(p, (str, int)) for p in places):
        raise ProfileError(f"{path}: tracked.places: a list of place ids or names is required")
    places = [str(p) for p in places]
    if places:
        from frontlines.control.tracked import unknown_places

        missing = unknown_places(places, countries)
        if missing:
            raise ProfileError(f"{path}: tracked.places: {missing[0]!r} is no place the gazetteer knows in "
                               f"{', '.join(countries)}")
    return places, label.strip()


# -- suggestions ------------------------------------------------------------------------------------------------
def matching_profiles(events: list[Any], directory: Path = PROFILES_DIR) -> list[dict[str, Any]]:
    """The shipped profiles whose countries and period hold some of ``events``, most events first: what a run
    without a profile suggests ({name, events})."""
    from frontlines.control.tracked import event_country

    found = []
    for profile in list_profiles(directory):
        n = sum(1 for e in events if event_country(e) in profile.countries and e.event_date is not None
                and (profile.start is None or e.event_date >= profile.start)
                and (profile.end is None or e.event_date <= profile.end))
        if n:
            found.append({"name": profile.name, "events": n})
    return sorted(found, key=lambda m: (-m["events"], m["name"]))


# -- the store's profile ----------------------------------------------------------------------------------------
def recorded_profile(store: Any) -> dict[str, Any] | None:
    """The profile the store's latest run recorded ({name, sha1, countries, path}); None for a generic run or a
    store whose runs predate profiles."""
    return made_with(store)[1]


def made_with(store: Any) -> tuple[bool, dict[str, Any] | None]:
    """(whether any run recorded its profile, the latest such record)."""
    runs = [r for r in store.rows("runs", order_by="started_at") if r.get("summary")]
    for run in reversed(runs):
        summary = run["summary"] if isinstance(run["summary"], dict) else json.loads(run["summary"])
        if "profile" in summary:
            return True, summary["profile"]
    return False, None


def store_profile(store: Any) -> Profile | None:
    """The profile of the store's latest run, loaded again (from its path, else by name); None when the store was
    made without one or the profile is gone or broken."""
    try:
        record = recorded_profile(store)
    except Exception:  # noqa: BLE001  a store without a runs table
        return None
    if not record:
        return None
    for where in (record.get("path"), record.get("name")):
        if not where:
            continue
        try:
            return load_profile(where)
        except ProfileError:
            continue
    return None


def check_store_profile(store: Any, config: dict[str, Any]) -> None:
    """Refuse (:class:`ProfileMismatch`) a run whose profile is not the one the store was made with, unless the
    config says ``[run] force_profile``."""
    if config.get("run", {}).get("force_profile"):
        return
    try:
        recorded, record = made_with(store)
    except Exception:  # noqa: BLE001  a new store
        return
    if not recorded:
        return
    before = (record or {}).get("name")
    now = (config.get("profile") or {}).get("name")
    if before != now:
        made = f"profile {before}" if before else "no profile (the generic rules)"
        asked = f"--profile {now}" if now else "no profile"
        hint = f"--profile {before}" if before else "no --profile"
        raise ProfileMismatch(f"{store.path}: this store was made with {made}, not {asked}: run with {hint}, "
                              f"use another --db, or add --force-profile to mix them")
