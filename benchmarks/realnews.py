"""Score frontlines on real news: per conflict and per split (development / held-out), from the local cache.

    python benchmarks/realnews.py                          # every conflict, both splits
    python benchmarks/realnews.py --conflict sudan --split dev --errors /tmp/dev-errors.json
    python benchmarks/realnews.py --report docs/accuracy.md --json /tmp/realnews.json

Each conflict's split is run through the whole pipeline on its own (a fresh store), then scored against
``gold/realnews/<conflict>.jsonl`` (events, claims, non-events) and ``<conflict>.timeline.json`` (changes of
control, control by day). Error listings and error kinds are printed and written for the development half only:
reading the held-out half's errors would make its figures worthless. Exits 2 with one line when the cache is
missing (see benchmarks/realnews/README.md).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from frontlines.evaluate import GoldError, evaluate_store, load_gold
from frontlines.evaluate.realnews import (
    MANIFEST, SPLITS, CacheError, cache_dir, cached_articles, check_cache, load_manifest,
)
from frontlines.evaluate.report import percent
from frontlines.evaluate.timeline import load_timeline, score_changes, score_control_by_day

REPO = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO / "gold" / "realnews"
TAXONOMY = REPO / "src" / "frontlines" / "data" / "acled_taxonomy.yaml"
BLOCK_START, BLOCK_END = "<!-- realnews:start -->", "<!-- realnews:end -->"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Real-news accuracy per conflict and split.")
    parser.add_argument("--cache", type=Path, default=None, help="the cache folder (default: $FRONTLINES_REALNEWS_CACHE or ~/.cache/frontlines/realnews)")
    parser.add_argument("--conflict", action="append", help="only these conflicts (repeatable)")
    parser.add_argument("--split", choices=[*SPLITS, "both"], default="both")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--errors", type=Path, help="write the development half's errors here (never the held-out half's)")
    parser.add_argument("--report", type=Path, help="update the real-news block of this Markdown page (docs/accuracy.md)")
    parser.add_argument("--baseline", type=Path,
                        help="a --json file of an earlier run, shown beside this one in the --report block")
    parser.add_argument("--label", default=None, help="what to call this run when it is a --baseline later")
    parser.add_argument("--generic", action="store_true",
                        help="run with no conflict profile (by default each conflict runs with the shipped profile of its country, if any)")
    args = parser.parse_args(argv)
    manifest = load_manifest(MANIFEST)
    try:
        cache = cached_articles(args.cache or cache_dir())
    except CacheError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    problems = check_cache(manifest, cache)
    for article, problem in problems.items():
        print(f"warning: {article}: {problem}", file=sys.stderr)
    conflicts = sorted({e.conflict for e in manifest if not args.conflict or e.conflict in args.conflict})
    splits = SPLITS if args.split == "both" else (args.split,)
    results, errors = [], []
    for conflict in conflicts:
        for split in splits:
            entries = [e for e in manifest if e.conflict == conflict and e.split == split and e.id not in problems]
            result = score_set(conflict, split, [cache[e.id] for e in entries], None if args.generic else profile_for(conflict))
            results.append(result)
            if split == "dev":
                errors += result.pop("errors")
            else:
                result.pop("errors")
            print_row(result)
    kinds = error_kinds(errors)
    print_totals(results, kinds)
    figures = {"label": args.label, "sets": results, "dev_error_kinds": kinds, "cache_problems": problems}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, default=str), encoding="utf-8")
    if args.errors:
        args.errors.write_text(json.dumps(errors, indent=1, default=str, ensure_ascii=False), encoding="utf-8")
    if args.report:
        earlier = json.loads(args.baseline.read_text(encoding="utf-8")) if args.baseline else None
        update_report(args.report, results, earlier)
    return 0


def profile_for(conflict: str) -> Any:
    """The shipped profile whose countries hold most of the conflict's tracked towns, or None."""
    from collections import Counter as Tally

    from frontlines.profiles import list_profiles

    towns = json.loads((GOLD_DIR / f"{conflict}.timeline.json").read_text(encoding="utf-8"))["towns"]
    countries = Tally(t.get("country") for t in towns if t.get("country"))
    if not countries:
        return None
    main = countries.most_common(1)[0][0]
    return next((p for p in list_profiles() if main in p.countries), None)


def score_set(conflict: str, split: str, articles: list[dict[str, Any]], profile: Any = None) -> dict[str, Any]:
    """Run the pipeline over one conflict's split in a fresh store (with ``profile``, if any) and score it."""
    from frontlines.pipeline import load_config
    from frontlines.run import run_corpus
    from frontlines.storage import Store

    ids = {a["id"] for a in articles}
    gold = [r for r in load_gold(GOLD_DIR / f"{conflict}.jsonl") if r.article_id in ids]
    timeline = load_timeline(GOLD_DIR / f"{conflict}.timeline.json").in_scope(ids)
    with tempfile.TemporaryDirectory(prefix=f"realnews-{conflict}-{split}-") as scratch:
        corpus = Path(scratch) / "articles.jsonl"
        corpus.write_text("".join(json.dumps({k: a[k] for k in ("id", "url", "title", "outlet", "published", "text")},
                                             ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
        started = time.perf_counter()
        run_corpus([corpus], Path(scratch) / "out", Path(scratch) / "store.duckdb", load_config(profile=profile))
        seconds = time.perf_counter() - started
        with Store(Path(scratch) / "store.duckdb", read_only=True) as store:
            try:
                evaluation = evaluate_store(gold, store)
            except GoldError as exc:
                raise SystemExit(f"error: {conflict}/{split}: {exc}")
            events = store.events()
            intervals = store.control()
            places = {p.id: p for p in store.places_by_id(sorted({c.place_id for c in intervals}))}
    changes = score_changes(timeline, events)
    by_day = score_control_by_day(timeline, intervals, places)
    result = {
        "conflict": conflict, "split": split, "profile": profile.name if profile else None,
        "articles": len(articles), "seconds": round(seconds, 1),
        "gold_events": sum(1 for r in gold for e in r.events if not e.optional),
        "events": evaluation.overall.as_dict(), "by_event_type": by_event_type(evaluation),
        "accuracy": {k: evaluation.rate(k) for k in ("place_within_25km", "date_within_1_day", "actors", "fatalities")},
        "non_events": sum(len(r.non_events) for r in gold), "non_events_coded": len(evaluation.violations),
        "fusion": {k: evaluation.fusion.get(k) for k in ("reported_by_several", "fused")},
        "changes": {k: v for k, v in changes.as_dict().items() if k not in ("missed", "wrong_date", "spurious_events")},
        "control_by_day": by_day.as_dict(),
    }
    result["errors"] = [{"conflict": conflict, "kind": "miss", **m} for m in evaluation.misses] + \
        [{"conflict": conflict, "kind": "false_alarm", **f} for f in evaluation.false_alarms] + \
        [{"conflict": conflict, "kind": "non_event_coded", **v} for v in evaluation.violations] + \
        [{"conflict": conflict, "kind": "change_missed", **m} for m in changes.missed] + \
        [{"conflict": conflict, "kind": "change_wrong_date", **m} for m in changes.wrong_date] + \
        [{"conflict": conflict, "kind": "change_spurious", **m} for m in changes.spurious_events]
    return result


def by_event_type(evaluation: Any) -> dict[str, dict[str, Any]]:
    """Sub-event counts summed into ACLED event types."""
    import yaml

    data = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    type_of = {sub: t for t, spec in data["event_types"].items() for sub in spec["sub_event_types"]}
    out: dict[str, dict[str, int]] = {}
    for sub, counts in evaluation.by_sub_event.items():
        tally = out.setdefault(type_of.get(sub, "other"), {"tp": 0, "fp": 0, "fn": 0})
        for key in tally:
            tally[key] += getattr(counts, key)
    for tally in out.values():
        p = tally["tp"] / (tally["tp"] + tally["fp"]) if tally["tp"] + tally["fp"] else None
        r = tally["tp"] / (tally["tp"] + tally["fn"]) if tally["tp"] + tally["fn"] else None
        tally.update(precision=p, recall=r, f1=2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None))
    return dict(sorted(out.items()))


def error_kinds(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Development-half errors grouped into kinds, most frequent first, each with one example reference."""
    counts: Counter = Counter()
    example: dict[str, str] = {}
    for e in errors:
        kind = describe_kind(e)
        counts[kind] += 1
        example.setdefault(kind, e.get("article_id") or ",".join(e.get("articles") or e.get("sources") or []))
    return [{"kind": k, "count": n, "example": example[k]} for k, n in counts.most_common()]


def describe_kind(e: dict[str, Any]) -> str:
    kind = e["kind"]
    if kind == "miss":
        if e.get("wrong"):
            return f"near miss on {e['sub_event_type']}: wrong {' + '.join(w.split(' (')[0] for w in e['wrong'])}"
        return f"missed {e['sub_event_type']} (nothing related coded)"
    if kind == "false_alarm":
        if e.get("near_miss_of"):
            return f"false alarm {e['sub_event_type']} (near miss of a gold event)"
        return f"false alarm {e['sub_event_type']} (no gold event)"
    if kind == "non_event_coded":
        return f"non-event ({e['reason']}) coded as {e['sub_event_type']}"
    return {"change_missed": "change of control missed", "change_wrong_date": "change of control found on the wrong day",
            "change_spurious": "spurious change of control at a tracked town"}[kind]


def _row(result: dict[str, Any]) -> list[str]:
    ev, ch, day = result["events"], result["changes"], result["control_by_day"]
    return [result["conflict"], result["split"], result.get("profile") or "—", str(result["articles"]), str(result["gold_events"]),
            percent(ev["precision"]), percent(ev["recall"]), percent(ev["f1"]),
            f"{ch['found']}/{ch['gold']}", percent(ch["date_within_1_day"]), percent(ch["right_type"]),
            "n/a" if ch["events_per_change"] is None else f"{ch['events_per_change']:.2f}", str(ch["spurious"]),
            percent(day["fallen"]["accuracy"]), percent(day["standing"]["accuracy"]),
            percent(result["accuracy"]["place_within_25km"]), percent(result["accuracy"]["actors"]),
            f"{result['non_events_coded']}/{result['non_events']}"]


HEADER = ["conflict", "split", "profile", "articles", "gold events", "event P", "event R", "event F1", "changes found",
          "change date ±1", "change type", "events/change", "spurious changes", "control fallen", "control standing",
          "place ≤25 km", "actors", "non-events coded"]


def print_row(result: dict[str, Any]) -> None:
    print(" | ".join(f"{h}={v}" for h, v in zip(HEADER, _row(result))), flush=True)


def print_totals(results: list[dict[str, Any]], kinds: list[dict[str, Any]]) -> None:
    print("\n" + "\n".join(markdown_table(results)))
    if kinds:
        print("\nDevelopment-half error kinds (most frequent first):")
        for k in kinds[:25]:
            print(f"  {k['count']:4d}  {k['kind']}  e.g. {k['example']}")


def markdown_table(results: list[dict[str, Any]]) -> list[str]:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for split in SPLITS:
        for result in results:
            if result["split"] == split:
                lines.append("| " + " | ".join(_row(result)) + " |")
    return lines


def update_report(path: Path, results: list[dict[str, Any]], earlier: dict[str, Any] | None = None) -> None:
    """Replace the real-news block of the accuracy page (added at the end when the page has none)."""
    lines = report_block(results)
    if earlier:
        lines += ["", f"The same sets scored on an earlier version ({earlier.get('label', 'baseline')}):", "",
                  *markdown_table(earlier["sets"])]
    block = "\n".join([BLOCK_START, *lines, BLOCK_END])
    page = path.read_text(encoding="utf-8") if path.exists() else ""
    if BLOCK_START in page and BLOCK_END in page:
        head, rest = page.split(BLOCK_START, 1)
        page = head + block + rest.split(BLOCK_END, 1)[1]
    else:
        page = page.rstrip() + "\n\n" + block + "\n"
    path.write_text(page, encoding="utf-8")


def report_block(results: list[dict[str, Any]]) -> list[str]:
    lines = ["## Real news: development and held-out halves", "",
             "Regenerate with `python benchmarks/realnews.py --report docs/accuracy.md` (needs the local cache: "
             "`benchmarks/realnews/README.md`). Each conflict's split runs alone through the whole pipeline. "
             "**Only the held-out rows say how good the record is**: the development half is read and tuned on; "
             "the held-out half is only scored, and its errors are never listed or read (doing so would make its "
             "figures worthless). In-sample figures (the seed articles and our own examples, on which the coder was "
             "developed) are at the top of this page.", "",
             "Changes of control: found = a territory event within 25 km with the new holder's side, within 30 days; "
             "date ±1 and type over those found; events/change = system territory events per found change; spurious = "
             "territory events at a tracked town that fit no change. Control by day: towns that changed hands "
             "(fallen) and towns that did not (standing), each day of the period.", ""]
    return lines + markdown_table(results)


if __name__ == "__main__":
    sys.exit(main())
