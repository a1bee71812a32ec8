"""Charts of the daily tallies beside the claimed ones (matplotlib, Agg backend, PNG and SVG)."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from typing import Any

from frontlines.control.tallies import ClaimedTally, DayTally
from frontlines.report.maps import PALETTE, side_styles


def _colour(side: str, styles: dict[str, tuple[str, str]], others: list[str]) -> str:
    """A side's colour from its profile; a holder of no side gets the palette's next colour."""
    if f"held:{side}" in styles:
        return styles[f"held:{side}"][1]
    return PALETTE[(len(styles) + others.index(side)) % len(PALETTE)] if side in others else PALETTE[-1]


def render_tallies_chart(tallies: list[DayTally], claims: list[ClaimedTally], folder: str | Path,
                         stem: str = "tallies", title: str | None = None, rules: Any = None) -> list[Path]:
    """Observed tracked places and districts held per side per day (lines) with claimed figures (marked points);
    the sides' names, colours and the tracked places' label from the control ``rules`` (a profile's).

    Writes ``<stem>.png`` and ``<stem>.svg`` in ``folder`` and returns their paths.
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fig, axes = plt.subplots(2, 1, figsize=(9, 7), sharex=True)
    try:
        label = (getattr(rules, "tracked_label", None) or "regional capitals").replace("$", r"\$")   # no mathtext
        for ax, metric, ylabel in ((axes[0], "capitals", f"{label} held"),
                                   (axes[1], "districts", "districts held (incl. seats)")):
            _plot_metric(ax, tallies, [c for c in claims if c.metric == metric], metric, rules)
            ax.set_ylabel(ylabel)
            ax.grid(alpha=0.3)
            handles, _ = ax.get_legend_handles_labels()
            if handles:
                ax.legend(fontsize=8, loc="best")
        axes[1].set_xlabel("date")
        fig.suptitle(title or "Observed tallies (lines) and claimed tallies (markers)")
        fig.autofmt_xdate()
        fig.tight_layout(rect=(0, 0.03, 1, 1))
        fig.text(0.01, 0.01, "Claimed tallies: o consistent with the observed tally that day, x not consistent. "
                 "Observed tallies count only places with evidence.", fontsize=7)
        written = []
        for fmt in ("png", "svg"):
            target = folder / f"{stem}.{fmt}"
            fig.savefig(target, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
            written.append(target)
        return written
    finally:
        plt.close(fig)


def _plot_metric(ax, tallies: list[DayTally], claims: list[ClaimedTally], metric: str, rules: Any = None) -> None:
    if not tallies:
        return
    # One more day at the end so the last day's change is drawn as a step, not a vertical line.
    days = [t.day for t in tallies] + [tallies[-1].day + timedelta(days=1)]
    styles = side_styles(rules) if rules is not None else {}
    sides = sorted({side for t in tallies for side in getattr(t, metric)})
    others = [s for s in sides if f"held:{s}" not in styles]
    for side in sides:
        values = [getattr(t, metric).get(side, 0) for t in tallies]
        name = rules.side_name(side) if rules is not None else side
        # Side names may come from articles (a holder of no side): "$" is mathtext to matplotlib.
        ax.step(days, values + values[-1:], where="post", color=_colour(side, styles, others),
                label=f"observed: {name}".replace("$", r"\$"))
    for claim in claims:
        if claim.day is None or claim.claim.count is None:
            continue
        marker = "o" if claim.agrees else "x"
        ax.plot([claim.day], [claim.claim.count], marker, color="black", markersize=7)
        # Chart text comes from articles; matplotlib treats "$" as mathtext, so it is neutralised.
        label = f"{claim.claimant}: {claim.claim.comparator.replace('_', ' ')} {claim.claim.count:g}".replace("$", r"\$")
        ax.annotate(label[:60], (claim.day, claim.claim.count), xytext=(5, 5), textcoords="offset points", fontsize=7)
