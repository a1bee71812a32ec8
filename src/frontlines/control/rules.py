"""The control rules as data: sides, territory and contest events, thresholds (``data/control.yaml``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_RULES = Path(__file__).resolve().parents[1] / "data" / "control.yaml"


@dataclass
class ControlRules:
    """What counts as taking or contesting a place, and which actors make up each side."""
    sides: dict[str, list[str]] = field(default_factory=dict)
    side_names: dict[str, str] = field(default_factory=dict)
    territory_events: list[str] = field(default_factory=list)
    contest_events: list[str] = field(default_factory=list)
    capital_radius_km: float = 7.0
    capitals_total: int = 34
    claims_side: str = "taliban"
    claim_metrics: dict[str, str] = field(default_factory=dict)

    def side_of(self, actor: str | None) -> str | None:
        """The side an actor name belongs to ("taliban", "government"), or None."""
        if not actor:
            return None
        lowered = actor.lower()
        for side, patterns in self.sides.items():
            if any(p.lower() in lowered for p in patterns):
                return side
        return None

    def side_name(self, side: str | None) -> str:
        """A side as written in a sentence ("the Taliban"); unknown sides are written as they are."""
        return self.side_names.get(side or "", side or "an unknown actor")

    def status_key(self, status: str, holder: str | None) -> str:
        """The map's status key: ``held:<side>``, ``held:other``, ``contested`` or ``unknown``."""
        if status == "held":
            return f"held:{self.side_of(holder) or 'other'}"
        return status if status in ("contested", "unknown") else "unknown"


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
