"""Render an :class:`Evaluation` as Markdown (for ``docs/accuracy.md`` and ``--out``) or JSON.

Sentences come from articles, which are untrusted: every one is escaped before it is written.
"""
from __future__ import annotations

import json
import re
from typing import Any

from frontlines.evaluate.score import Counts, Evaluation

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
MAX_CELL = 240


def md_escape(text: Any) -> str:
    """Text safe inside a Markdown table cell: no markup, no HTML, one line, bounded length."""
    if text is None:
        return "—"
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    value = " ".join(str(text).split())
    if len(value) > MAX_CELL:
        value = value[:MAX_CELL - 1] + "…"
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", value)


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _counts_row(label: str, c: Counts) -> str:
    return f"| {label} | {c.tp} | {c.fp} | {c.fn} | {percent(c.precision)} | {percent(c.recall)} | {percent(c.f1)} |"


def to_markdown(result: Evaluation, title: str = "Evaluation") -> str:
    """A complete Markdown report: figures first, then every miss, false alarm and violation."""
    lines = [f"# {md_escape(title)}", "",
             f"Articles scored: {result.articles}"
             + (f" ({len(result.articles_missing)} not found in the store)" if result.articles_missing else "")
             + f". System events on articles without gold (not scored): {result.unscored_events}.", "",
             "## Events", "", "| sub-event type | TP | FP | FN | precision | recall | F1 |", "|---|---|---|---|---|---|---|"]
    lines += [_counts_row(md_escape(k), v) for k, v in sorted(result.by_sub_event.items())]
    lines += [_counts_row("**all**", result.overall), "",
              "Accuracy over matched and near-missed events:", "", "| field | correct | total | rate |", "|---|---|---|---|"]
    for name, tally in result.accuracy.items():
        lines.append(f"| {name} | {tally['correct']} | {tally['total']} | {percent(result.rate(name))} |")
    c = result.claims
    lines += ["", "## Claims", "", f"TP {c.tp}, FP {c.fp}, FN {c.fn}; precision {percent(c.precision)}, "
              f"recall {percent(c.recall)}, F1 {percent(c.f1)}.", ""]
    for name, tally in result.claim_accuracy.items():
        lines.append(f"- {name}: {tally['correct']}/{tally['total']} ({percent(result.rate(name))})")
    fusion = result.fusion
    if fusion.get("reported_by_several"):
        lines += ["", "## Fusion", "", f"Changes of territory reported by several gold articles: "
                  f"{fusion['reported_by_several']}; kept as one system event citing every one of those articles: "
                  f"{fusion['fused']}.", ""]
        lines += [f"- {md_escape(g['place'])} ({md_escape(g['sub_event_type'])}): {g['articles']} reports, "
                  f"system events {md_escape(', '.join(g['system_events']) or 'none')}, unmatched {g['unmatched']}"
                  for g in fusion["not_fused"]]
    lines += ["", f"## Non-event violations ({len(result.violations)})", ""]
    lines += [f"- {md_escape(v['article_id'])} ({v['reason']}): {md_escape(v['sentence'])} → "
              f"{md_escape(v['sub_event_type'])} at {md_escape(v['place'])}" for v in result.violations] or ["None."]
    lines += _table(f"Misses ({len(result.misses)})", result.misses,
                    ("article_id", "sub_event_type", "place", "date", "wrong", "sentence"))
    lines += _table(f"False alarms ({len(result.false_alarms)})", result.false_alarms,
                    ("article_id", "sub_event_type", "place", "date", "actor1", "sentence"))
    lines += _table(f"Claim misses ({len(result.claim_misses)})", result.claim_misses,
                    ("article_id", "claimant", "metric", "count", "sentence"))
    lines += _table(f"Claim false alarms ({len(result.claim_false_alarms)})", result.claim_false_alarms,
                    ("article_id", "claimant", "metric", "count", "sentence"))
    return "\n".join(lines) + "\n"


def _table(heading: str, rows: list[dict[str, Any]], columns: tuple[str, ...]) -> list[str]:
    out = ["", f"## {heading}", ""]
    if not rows:
        return out + ["None."]
    out += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = [", ".join(row[c]) if isinstance(row.get(c), list) else row.get(c) for c in columns]
        out.append("| " + " | ".join(md_escape(v) for v in cells) + " |")
    return out


def to_json(result: Evaluation) -> str:
    return json.dumps(result.as_dict(), indent=2, ensure_ascii=False, default=str)


# Published reference points printed beside our figures (never measured by us; cited from the sources named).
ANCHORS = """\
## Anchors

* **Geoparsing.** Mordecai 3's published figures on GeoWebNews toponyms: 90.1% exact match, 94.1% within 161 km
  (Halterman 2023, "Mordecai 3: A Neural Geoparser and Event Geocoder"). Our own figures on the same corpus are in the geoparsing section when `--geoparsing` is given.
* **Duplicates.** GDELT codes one record per article, so one event reported by many outlets is counted many times
  (its documented duplicate inflation). frontlines fuses mentions of one event across articles; the ratio of event
  mentions to fused events given above is what fusion removed, measured on this run."""


def _summary_row(name: str, r: Evaluation) -> str:
    c = r.overall
    return (f"| {md_escape(name)} | {r.articles} | {percent(c.precision)} | {percent(c.recall)} | {percent(c.f1)} | "
            f"{percent(r.rate('place'))} | {percent(r.rate('date_exact'))} | {percent(r.rate('date_within_1_day'))} | "
            f"{percent(r.rate('actors'))} | {percent(r.claims.f1)} | {len(r.violations)} | {_fused(r)} |")


def _fused(r: Evaluation) -> str:
    several = r.fusion.get("reported_by_several", 0)
    return f"{r.fusion['fused']}/{several}" if several else "n/a"


def accuracy_report(sets: dict[str, Evaluation], combined: Evaluation, geoparsing: dict[str, Any] | None = None,
                    command: str = "") -> str:
    """The page ``docs/accuracy.md`` holds: one summary line per gold set, anchors, then every error."""
    lines = ["# Accuracy", ""]
    if command:
        lines += ["Regenerate with:", "", "```", command, "```", ""]
    lines += ["| gold | articles | event precision | recall | F1 | place | date exact | date ±1 day | actors | claim F1 "
              "| non-event violations | fused |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    lines += [_summary_row(name, r) for name, r in sets.items()]
    if len(sets) > 1:
        lines.append(_summary_row("all", combined))
    system = combined.system
    if system.get("events"):
        lines += ["", f"The store held {system['event_mentions']} event mentions fused into {system['events']} events "
                  f"({system['event_mentions'] / system['events']:.2f} mentions per event) from {system['articles']} articles."]
    lines += ["", ANCHORS, ""]
    if geoparsing:
        lines += ["## Geoparsing", "", "| figure | value |", "|---|---|"]
        lines += [f"| {md_escape(key)} | {md_escape(value)} |" for key, value in _flatten(geoparsing)] + [""]
    detail = to_markdown(combined, "Details").split("\n", 1)[1]
    return "\n".join(lines) + "\n" + detail.replace("\n## ", "\n### ")


def _flatten(figures: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested benchmark figures as (dotted.key, value) rows."""
    out: list[tuple[str, Any]] = []
    for key, value in figures.items():
        name = f"{prefix}{key}"
        out += _flatten(value, name + ".") if isinstance(value, dict) else [(name, value)]
    return out
