"""Daily tallies beside claimed tallies, and the chart of both."""
from __future__ import annotations

from datetime import date

import pytest

from frontlines.control.tallies import agrees, claimed_tallies, daily_tallies
from frontlines.model import Claim
from frontlines.report.charts import render_tallies_chart
from test_control_world import build_world, world  # noqa: F401  (a fixture)


def test_daily_tallies_count_capitals_and_districts_per_side(world):
    tallies = {t.day: t for t in daily_tallies(world, date(2021, 8, 16))}
    assert min(tallies) == date(2021, 6, 20) and max(tallies) == date(2021, 8, 16)
    assert tallies[date(2021, 8, 5)].capitals.get("taliban", 0) == 0
    assert tallies[date(2021, 8, 6)].capitals["taliban"] == 1          # Zaranj
    assert tallies[date(2021, 8, 10)].capitals["taliban"] == 8
    assert tallies[date(2021, 8, 13)].capitals["taliban"] == 18
    assert tallies[date(2021, 8, 15)].capitals["taliban"] == 33
    # Before its fall a capital counts as held by the side it was taken from (32: Herat's record starts with a clash).
    assert tallies[date(2021, 8, 5)].capitals["government"] == 32
    # Imam Sahib: lost on 20 June, retaken on 2 July; the recapture shows in the district tally (capitals count too)
    assert tallies[date(2021, 6, 25)].districts == {"taliban": 1, "government": 32}
    assert tallies[date(2021, 7, 3)].districts == {"government": 33}
    assert tallies[date(2021, 7, 31)].contested_capitals == 1          # Herat, after the clash of 30 July


def test_claims_are_set_beside_the_observed_tally_of_their_day(world):
    compared = {c.claim.id: c for c in claimed_tallies(world)}
    districts, capitals = compared["c1"], compared["c2"]
    assert (districts.claimant, districts.day, districts.metric, districts.observed, districts.agrees) == (
        "Taliban", date(2021, 6, 22), "districts", 1, False)          # "more than 80": we only have evidence for 1
    assert (capitals.claimant, capitals.metric, capitals.observed, capitals.agrees) == (
        "unattributed", "capitals", 18, True)                        # "at least 14" on 13 August: 18 observed
    assert [c.claim.id for c in claimed_tallies(world, as_of=date(2021, 7, 1))] == ["c1"]


@pytest.mark.parametrize("comparator,count,observed,expected", [
    ("exactly", 14, 14, True), ("exactly", 14, 15, False), ("more_than", 80, 80, False), ("more_than", 80, 81, True),
    ("at_least", 14, 14, True), ("up_to", 30, 31, False), ("nearly", 30, 28, True), ("nearly", 30, 31, False),
    ("about", 400, 390, True), ("about", 400, 300, False),
])
def test_comparators(comparator, count, observed, expected):
    claim = Claim("a", 0, 0, 1, "x", None, "districts", count=count, comparator=comparator)
    assert agrees(observed, claim) is expected


def test_chart_is_written_as_png_and_svg(world, tmp_path):
    written = render_tallies_chart(daily_tallies(world, date(2021, 8, 16)), claimed_tallies(world), tmp_path)
    assert sorted(p.name for p in written) == ["tallies.png", "tallies.svg"]
    assert written[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = written[1].read_text(encoding="utf-8")
    assert "<svg" in svg and "Taliban: more than 80" in svg
