"""The geoparsing benchmark runs on a slice of the gold corpora and its metrics are computed correctly."""
from __future__ import annotations

import pytest

from frontlines.understand.places import run_geoparsing_benchmark
from frontlines.understand.places.benchmark import _errors, haversine_km, read_geovirus, read_gwn


def test_haversine_known_distance():
    assert haversine_km(34.5281, 69.1723, 34.3482, 62.1997) == pytest.approx(640, rel=0.02)  # Kabul-Herat
    assert haversine_km(10, 10, 10, 10) == 0


def test_error_summary_counts_unresolved_as_misses():
    summary = _errors([10.0, 500.0, None, 100.0])
    assert summary["acc_161km_of_all"] == 0.5 and summary["acc_161km_of_resolved"] == pytest.approx(0.6667, abs=1e-4)
    assert summary["median_error_km"] == 100.0


def test_gold_offsets_point_at_the_names(geoparsing_dir):
    for reader, name in ((read_gwn, "GWN.xml"), (read_geovirus, "GeoVirus.xml")):
        docs = list(reader(geoparsing_dir / name))[:20]
        golds = [(text, g) for text, gs in docs for g in gs]
        assert sum(text[g.start:g.end] == g.name for text, g in golds) >= 0.98 * len(golds)


def test_benchmark_runs_on_a_slice(geoparsing_dir):
    results = run_geoparsing_benchmark(geoparsing_dir, limit=3)
    for corpus in ("GWN", "GeoVirus"):
        r = results[corpus]
        assert r["articles"] == 3 and r["gold_toponyms"] > 0
        assert 0 < r["recognition_overlap"]["f1"] <= 1
        assert r["resolution_gold_spans"]["toponyms"] > 0
    assert results["mordecai3_gwn_published"]["acc_161km"] == 0.941
