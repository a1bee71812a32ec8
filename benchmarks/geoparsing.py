"""Geoparsing benchmark: GeoWebNews and GeoVirus (../shared/geoparsing/), beside Mordecai 3's published GWN figures.

    python benchmarks/geoparsing.py [CORPUS_DIR] [--limit N] [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from frontlines.understand.places import run_geoparsing_benchmark

DEFAULT_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "geoparsing"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus_dir", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--limit", type=int, default=None, help="first N articles of each corpus")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.corpus_dir.is_dir():
        print(f"no corpus folder at {args.corpus_dir}", file=sys.stderr)
        return 2
    results = run_geoparsing_benchmark(args.corpus_dir, args.limit)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    m3 = results["mordecai3_gwn_published"]
    print(f"NER model used: {results['ner']}")
    for name in ("GWN", "GeoVirus"):
        if name not in results:
            continue
        r = results[name]
        exact, overlap = r["recognition_exact"], r["recognition_overlap"]
        e2e, gold = r["resolution_end_to_end"], r["resolution_gold_spans"]
        print(f"\n{name}: {r['articles']} articles, {r['gold_toponyms']} gold toponyms, {r['predicted']} predicted, {r['seconds']} s")
        print(f"  recognition  exact spans  P {exact['precision']:.3f}  R {exact['recall']:.3f}  F1 {exact['f1']:.3f}")
        print(f"  recognition  overlap      P {overlap['precision']:.3f}  R {overlap['recall']:.3f}  F1 {overlap['f1']:.3f}")
        print(f"  resolution on gold spans ({gold['toponyms']} with coordinates): acc@161km {gold['acc_161km_of_all']:.3f}"
              f"  median error {gold['median_error_km']} km  (resolved {gold['resolved']})")
        print(f"  resolution end to end: acc@161km {e2e['acc_161km_of_all']:.3f} of all gold,"
              f" {e2e['acc_161km_of_resolved']:.3f} of those found and resolved ({e2e['resolved']}); median {e2e['median_error_km']} km")
        if r["geonames_id_match_gold_spans"] is not None:
            print(f"  GeoNames id exact match on gold spans: {r['geonames_id_match_gold_spans']:.3f} of {r['geonames_id_total']}")
    print(f"\nMordecai 3 (published, GWN, {m3['toponyms']} toponyms): exact match {m3['exact_match']:.1%}, "
          f"acc@161km {m3['acc_161km']:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
