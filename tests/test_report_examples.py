"""Done-when on the bundled example corpus: the control table and the report follow the real fall of the capitals."""
from __future__ import annotations

from datetime import date

import pytest

from frontlines.control import control_table
from frontlines.report.situation import build_report, write_report

# Provinces whose capital had fallen, by day (2021), written by hand from the public record.
FALLEN_BY_10_AUGUST = {"Nimroz", "Jowzjan", "Kunduz", "Sar-e Pul", "Takhar", "Samangan", "Farah", "Baghlan"}
FALLEN_11_TO_13 = {"Badakhshan", "Ghazni", "Herat", "Badghis", "Kandahar", "Helmand", "Ghor", "Uruzgan", "Zabul", "Logar"}
FALLEN_14_TO_15 = {"Balkh", "Faryab", "Paktika", "Paktia", "Kunar", "Kabul", "Nangarhar", "Wardak"}
NEVER_BEFORE_SEPTEMBER = {"Panjshir"}


@pytest.fixture(scope="module")
def examples(example_store):
    return example_store


def _fallen(store, day: date) -> set[str]:
    return {r.admin1 for r in control_table(store, day) if r.kind == "capital" and r.side == "taliban"}


def test_control_as_of_10_and_15_august_matches_the_real_sequence(examples):
    assert _fallen(examples, date(2021, 8, 5)) == set()
    assert _fallen(examples, date(2021, 8, 10)) == FALLEN_BY_10_AUGUST
    on_15 = _fallen(examples, date(2021, 8, 15))
    assert FALLEN_BY_10_AUGUST | FALLEN_11_TO_13 <= on_15
    assert {"Kabul", "Balkh", "Nangarhar"} <= on_15 and not on_15 & NEVER_BEFORE_SEPTEMBER
    assert on_15 <= FALLEN_BY_10_AUGUST | FALLEN_11_TO_13 | FALLEN_14_TO_15


def test_report_of_13_august_names_each_fallen_capital_with_date_and_sources(examples):
    report = build_report(examples, date(2021, 8, 13))
    rows = {row.province: row for row in report.capitals}
    assert set(rows) == FALLEN_BY_10_AUGUST | FALLEN_11_TO_13
    assert rows["Nimroz"].name == "Zaranj" and rows["Nimroz"].since == date(2021, 8, 6)
    assert rows["Kunduz"].since == date(2021, 8, 8) and len(rows["Kunduz"].cites) >= 2
    assert all(row.since and row.cites for row in rows.values())
    assert "Kabul" not in rows


def test_report_of_16_august_shows_kabul_fallen(examples, tmp_path):
    written = write_report(examples, date(2021, 8, 16), tmp_path, since=date(2021, 8, 14))
    report = build_report(examples, date(2021, 8, 16), since=date(2021, 8, 14))
    kabul = {row.province: row for row in report.capitals}["Kabul"]
    assert kabul.since == date(2021, 8, 15) and kabul.cites
    assert any("took Kabul" in s.text for s in report.changes)
    html = written["report.html"].read_text(encoding="utf-8")
    assert "<td>Kabul</td><td>Kabul</td><td>Taliban</td><td>15 August 2021</td>" in html
