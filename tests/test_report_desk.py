"""The situation report as analysts write them (issue 18.4): period and next update, highlights, key figures with
their evidence, a confidence tier on every statement, per-area sections; for the demo's war and another; the PDF
made and rendered through pdftoppm."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest

from frontlines.report.situation import build_report, write_report
from frontlines.storage import Store
from sudan_store import build_sudan_store
from test_control_world import world  # noqa: F401  (a fixture: the Afghan world with its articles)


def _statements(report):
    return (report.highlights + report.headline + report.key_figures + report.numbers + report.changes
            + report.claims + report.casualties + [s for _, group in report.regions for s in group])


@pytest.fixture()
def afghan(world):  # noqa: F811
    return build_report(world, date(2021, 8, 16), since=date(2021, 8, 1))


@pytest.fixture(scope="module")
def sudan(tmp_path_factory):
    with Store(build_sudan_store(tmp_path_factory.mktemp("desk-sd")), read_only=True) as store:
        yield build_report(store, date(2024, 6, 2), since=date(2023, 10, 1))


@pytest.mark.parametrize("name", ["afghan", "sudan"])
def test_every_statement_has_its_citation_and_tier(name, request):
    report = request.getfixturevalue(name)
    listed = {s.number for s in report.sources}
    statements = _statements(report)
    assert statements
    for s in statements:
        assert s.cites and set(s.cites) <= listed, s.text
        assert s.tier in ("confirmed", "reported") or s.tier.startswith("claimed by "), (s.tier, s.text)
    assert all(s.tier.startswith("claimed by") for s in report.claims)   # a claim is never stated as fact


@pytest.mark.parametrize("name", ["afghan", "sudan"])
def test_period_highlights_key_figures_and_areas(name, request):
    report = request.getfixturevalue(name)
    assert report.period and report.next_update == report.as_of.replace(day=report.as_of.day + 1)
    assert 3 <= len(report.highlights) <= 5
    figures = " ".join(s.text for s in report.key_figures)
    assert "Events in the period" in figures and "Places that changed hands" in figures and "Places held by" in figures
    if name == "sudan":   # the Afghan world records no deaths
        assert "Fatalities reported in the period" in figures and "(low " in figures
    assert len(report.regions) >= 2


def test_another_conflict_speaks_of_its_own_sides(sudan):
    text = " ".join(s.text for s in _statements(sudan))
    assert "Places held by the Rapid Support Forces" in text and "Taliban" not in text
    # the tracked places are Sudan's state seats (18 in the gazetteer; the store's 4 while the Afghan world's
    # fixture keeps the gazetteer out); the test profile gives no label
    assert re.search(r"2 of the (18|4) regional capitals were held by the Rapid Support Forces", text)
    assert "of the 34" not in text and "provincial" not in text
    areas = [area for area, _ in sudan.regions]
    assert "Al Jazirah" in areas and "North Darfur" in areas
    claimed = [s for group in sudan.regions for s in group[1] if s.tier.startswith("claimed")]
    assert claimed and claimed[0].tier == "claimed by the army's spokesman"
    assert "Fatalities reported in the period (1 October 2023 to 2 June 2024): 12 (low 9, high 15)" in text \
        or "Fatalities reported in the period (2 October 2023 to 2 June 2024): 12 (low 9, high 15)" in text


def test_markdown_and_html_show_tiers_and_the_pdf_is_made(tmp_path):
    pytest.importorskip("weasyprint")
    db = build_sudan_store(tmp_path)
    with Store(db, read_only=True) as store:
        written = write_report(store, date(2024, 6, 2), tmp_path / "out", since=date(2023, 10, 1))
    markdown = written["report.md"].read_text(encoding="utf-8")
    for heading in ("## Highlights", "## Key figures", "Period covered:", "Next update:"):
        assert heading in markdown
    assert "_(claimed by the army's spokesman)_" in markdown and "_(reported)_" in markdown
    html = written["report.html"].read_text(encoding="utf-8")
    assert 'class="tier tier-claimed"' in html and "Next update:" in html
    pdf = written["report.pdf"]
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5_000
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the PDF was made but not rendered")
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    from PIL import Image

    page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    dark = sum(1 for v in page.getdata() if v < 128)
    assert page.size[0] > 300 and dark > 2_000   # a page with text on it, not a blank one


def test_the_web_report_shows_period_highlights_figures_and_tiers(tmp_path):
    from fastapi.testclient import TestClient

    from frontlines.serve import create_app

    with TestClient(create_app(build_sudan_store(tmp_path), refresh_s=0)) as client:
        page = client.get("/report?as_of=2024-06-02&since=2023-10-01")
        data = client.get("/report.json?as_of=2024-06-02&since=2023-10-01").json()["report"]
    assert page.status_code == 200
    for marker in ('id="report-period"', 'id="report-highlights"', 'id="report-key-figures"', "tier-claimed"):
        assert marker in page.text
    assert data["period"] == "2 October 2023 to 2 June 2024" and 3 <= len(data["highlights"]) <= 5
    assert all(s["tier"] for s in data["key_figures"])
