"""A starter conflict profile for any country (``frontlines profile new NAME --country XX``).

Written from data the project already holds: the country's state forces as ACLED names them on each day
(``data/state_forces.csv``, ``data/countries.csv``), the armed groups of ``data/armed_groups.yaml`` whose home is
that country (one side each, to merge or drop), and its first-level seats from the gazetteer as tracked places.
The text is YAML with comments that say where each part came from; :func:`frontlines.profiles.load_profile` reads it.
"""
from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
STATE_COLOUR = "#2166ac"
GROUP_COLOURS = ("#b2182b", "#e08214", "#1b7837", "#542788", "#8c510a", "#01665e", "#c51b7d", "#4d4d4d", "#35978f",
                 "#bf812d", "#762a83", "#d6604d")


def starter_profile(name: str, countries: list[str], today: date | None = None) -> str:
    """The text of a starter profile named ``name`` for ``countries`` (ISO alpha-2, checked by the caller)."""
    from frontlines.control.tracked import admin_seats
    from frontlines.understand.countries import load_countries

    known = load_countries()
    names = [known[c].name for c in countries]
    lines = [f"# {name}: a starter conflict profile written by `frontlines profile new` on {today or date.today()}",
             "# from the gazetteer and the actor lists. Edit it (docs/profiles.md), then run with:",
             f"#   frontlines run news/ --out out/{name} --profile <this folder>",
             f"name: {name}",
             f"title: {_quoted(' and '.join(names) + ': (say which war this is)')}",
             f"countries: [{', '.join(countries)}]",
             "# Place names of this country need no NER support and match by sound; battles elsewhere are not coded.",
             f"focus: {countries[0]}",
             "# period: {from: 2024-01-01}     # when the conflict began (and `to:` when it ended), optional",
             "",
             "# Actors this conflict needs that the dictionary lacks, in the format of data/armed_groups.yaml, e.g.",
             "#   - {id: my_group, name: My Group, roles: [{type: Rebel group}], aliases: [My Group, MG]}",
             "actors: []",
             "",
             "# Sides: any number, each with a name, a map colour and its actors (actor ids, or pieces of ACLED names).",
             *_state_comments(countries),
             "sides:",
             "  state:",
             f"    name: {_quoted('the state forces of ' + ' and '.join(names))}",
             f"    colour: {_quoted(STATE_COLOUR)}",
             f"    actors: [{', '.join(_quoted(f'{role}:{c}') for c in countries for role in _STATE_ROLES)}]"]
    groups = _armed_groups(countries)
    if not groups:
        lines.append("# data/armed_groups.yaml names no armed group of this country: add sides for the groups you follow.")
    for i, group in enumerate(groups):
        kind = "/".join(r.get("type", "") for r in group.get("roles") or []) or "armed group"
        lines += [f"  {group['id']}:   # {kind}; also known as {', '.join(map(str, (group.get('aliases') or [])[:4]))}",
                  f"    name: {_quoted(group['name'])}",
                  f"    colour: {_quoted(GROUP_COLOURS[i % len(GROUP_COLOURS)])}",
                  f"    actors: [{group['id']}]"]
    lines += ["# claims_side: state             # optional: the side whose claimed tallies are compared with control", ""]
    seats = [p for c in countries for p in admin_seats(c)]
    lines += [f"# The places whose control is counted (\"N of {len(seats)}\"): the first-level seats of "
              f"{' and '.join(names)} in the gazetteer.",
              "# Drop `places` to follow the gazetteer, or list ids or names of your own.",
              "tracked:",
              "  label: regional capitals",
              "  places:" if seats else "  places: []"]
    lines += [f"    - {_quoted(p.id)}   # {p.name}" + (f" ({p.admin1})" if p.admin1 else "") for p in seats]
    return "\n".join(lines) + "\n"


_STATE_ROLES = ("state_forces", "state_police", "state_government")


def _state_comments(countries: list[str]) -> list[str]:
    """Who the state forces are, on which days, as ACLED names them (what `state_forces:XX` becomes)."""
    from frontlines.understand.generic_actors import ActorIndex, load_regimes
    from frontlines.understand.actors import load_actors

    index = ActorIndex({a.id: a for a in load_actors().all()})
    out = []
    for country in countries:
        regimes = load_regimes().get(country, ())
        if not regimes:
            out.append(f"# {index[f'state_forces:{country}'].name}: the state forces of {country} on any day.")
        for regime in regimes:
            actor = index.specific(f"state_forces:{country}", country, regime.start)
            span = f"from {regime.start or 'before'}" + (f" to {regime.end}" if regime.end else "")
            out.append(f"# {index[actor].name if actor in index else actor}: the state forces of {country} {span}.")
    return out


def _armed_groups(countries: list[str]) -> list[dict[str, Any]]:
    """The armed groups of the dictionary whose home country is one of ``countries``, in dictionary order."""
    from frontlines.understand.actors import ACTORS_FILE, read_yaml

    raw = read_yaml(ACTORS_FILE) or {}
    entries = list(raw.get("actors") or [])
    for name in raw.get("include", []):
        entries += (read_yaml(ACTORS_FILE.parent / name) or {}).get("actors") or []
    return [e for e in entries if e.get("country") in countries and "{country}" not in str(e.get("name"))]


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)
