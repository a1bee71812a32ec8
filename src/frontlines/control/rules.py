"""The control rules as data: territory and contest events, thresholds (``data/control.yaml``), and a conflict
profile's sides, countries and tracked places on top (:func:`rules_for`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_RULES = Path(__file__).resolve().parents[1] / "data" / "control.yaml"


@dataclass
class ControlRules:
    """What counts as taking or contesting a place, which actors make up each side, which places are tracked.

    Without a profile there are no sides (each holder counts for itself), the countries are those the events are
    in and the tracked places are their first-level seats (:mod:`frontlines.control.tracked`)."""
    sides: dict[str, list[str]] = field(default_factory=dict)
    side_names: dict[str, str] = field(default_factory=dict)
    side_colours: dict[str, str] = field(default_factory=dict)
    territory_events: list[str] = field(default_factory=list)
    contest_events: list[str] = field(default_factory=list)
    capital_radius_km: float = 7.0
    claims_side: str | None = None
    claim_metrics: dict[str, str] = field(default_factory=dict)
    countries: list[str] = field(default_factory=list)      # the profile's (ISO alpha-2); empty: the events'
    tracked: list[str] = field(default_factory=list)        # the profile's tracked places (ids or names); empty: seats
    tracked_label: str = "regional capitals"                # how the report names the tracked places
    profile: str | None = None                              # the profile's name, for titles

    def side_of(self, actor: str | None) -> str | None:
        """The side an actor name belongs to (a key of ``sides``, "rsf"), or None."""
        if not actor:
            return None
        lowered = actor.lower()
        for side, patterns in self.sides.items():
            if any(p.lower() in lowered for p in patterns):
                return side
        return None

    def side_name(self, side: str | None) -> str:
        """A side as written in a sentence ("the RSF"); unknown sides are written as they are."""
        return self.side_names.get(side or "", side or "an unknown actor")

    def status_key(self, status: str, holder: str | None) -> str:
        """The map's status key: ``held:<side>``, ``held:other``, ``contested`` or ``unknown``."""
        if status == "held":
            return f"held:{self.side_of(holder) or 'other'}"
        return status if status in ("contested", "unknown") else "unknown"


def rules_for(profile: Any = None, path: str | Path | None = None) -> ControlRules:
    """The bundled rules with a conflict profile's sides, countries and tracked places (the generic rules when
    ``profile`` is None)."""
    if profile is None:
        return load_rules(path)
    return load_rules(path, profile.config_overrides()["corpus_stages"]["control"])


def load_rules(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> ControlRules:
    """Rules from the YAML file (default: the bundled one), with ``overrides`` (e.g. from pipeline.toml) on top."""
    data = dict(_read(str(path or DEFAULT_RULES)))
    known = set(ControlRules.__dataclass_fields__)
    data.update({k: v for k, v in (overrides or {}).items() if k in known})
    return ControlRules(**{k: v for k, v in data.items() if k in known})


@lru_cache(maxsize=4)
def _read(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}
