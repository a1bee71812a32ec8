"""Score the geoparser on the public gold corpora: GeoWebNews (GWN.xml) and GeoVirus (GeoVirus.xml).

Recognition: precision, recall and F1 of toponym spans (exact offsets, and any overlap). Resolution:
the error distance between our point and the gold point, for gold toponyms that have coordinates,
both end to end (a toponym we missed counts as a miss) and on the gold spans (the resolver alone,
as Mordecai 3's published GWN figures are): a gold span we found keeps our resolution, one we missed is
resolved by :meth:`Geoparser.resolve_spans` with the same article context.
"""
from __future__ import annotations

import math
import statistics
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from frontlines.model import PlaceMention
from frontlines.understand.places.gazetteer import default_gazetteer
from frontlines.understand.places.geoparser import Geoparser

# GWN annotates common nouns ("church", "citizens") as *_Expression and false toponyms as Non_Toponym.
GWN_NOT_TOPONYMS = {"Literal_Expression", "Non_Lit_Expression", "Non_Toponym"}
MORDECAI3_GWN = {"exact_match": 0.901, "acc_161km": 0.941, "toponyms": 474}


@dataclass
class Gold:
    start: int
    end: int
    name: str
    lat: float | None
    lon: float | None
    geonames_id: str | None = None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def read_gwn(path: Path) -> Iterator[tuple[str, list[Gold]]]:
    for article in ET.parse(path).getroot().iter("article"):
        text = article.findtext("text") or ""
        golds = []
        for node in article.iter("toponym"):
            fields = {child.tag: (child.text or "").strip() for child in node}
            if fields.get("type") in GWN_NOT_TOPONYMS:
                continue
            start, end = _fix_offsets(text, int(fields["start"]), int(fields["end"]), fields.get("extractedName", ""))
            lat, lon = _float(fields.get("latitude")), _float(fields.get("longitude"))
            golds.append(Gold(start, end, fields.get("extractedName", ""), lat, lon, fields.get("geonamesID") or None))
        yield text, golds


def read_geovirus(path: Path) -> Iterator[tuple[str, list[Gold]]]:
    for article in ET.parse(path).getroot().iter("article"):
        text = article.findtext("text") or ""
        golds = []
        for node in article.iter("location"):
            name = (node.findtext("name") or "").strip()
            start, end = _fix_offsets(text, int(node.findtext("start")) - 1, int(node.findtext("end")) - 1, name)
            golds.append(Gold(start, end, name, _float(node.findtext("lat")), _float(node.findtext("lon"))))
        yield text, golds


def _fix_offsets(text: str, start: int, end: int, name: str) -> tuple[int, int]:
    """Gold offsets are occasionally off by a little: trust the name when the span disagrees."""
    for shift in (0, 1, -1, 2, -2):
        if text[start + shift:start + shift + len(name)] == name:
            return start + shift, start + shift + len(name)
    found = text.find(name, max(0, start - 50))
    return (found, found + len(name)) if name and found >= 0 else (start, end)


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def score_corpus(docs: list[tuple[str, list[Gold]]], parser: Geoparser, nlp: Any = None) -> dict[str, Any]:
    """Recognition and resolution figures for one corpus."""
    tp_exact = tp_overlap_pred = tp_overlap_gold = n_pred = n_gold = 0
    end_to_end: list[float | None] = []
    gold_span: list[float | None] = []
    id_hits = id_total = 0
    started = time.perf_counter()
    texts = [text for text, _ in docs]
    parsed = nlp.pipe(texts, batch_size=16) if nlp is not None else (None for _ in texts)
    for (text, golds), doc in zip(docs, parsed):
        mentions = parser.parse_text(text, doc=doc)
        n_pred += len(mentions)
        n_gold += len(golds)
        spans = {(m.start, m.end) for m in mentions}
        tp_exact += sum((g.start, g.end) in spans for g in golds)
        tp_overlap_pred += sum(any(_overlaps(m, g) for g in golds) for m in mentions)
        tp_overlap_gold += sum(any(_overlaps(m, g) for m in mentions) for g in golds)
        located = [g for g in golds if g.lat is not None and g.lon is not None]
        alone = parser.resolve_spans(text, [(g.start, g.end) for g in located], doc=doc)
        for gold, resolved in zip(located, alone):
            mention = next((m for m in mentions if _overlaps(m, gold) and m.place is not None), None)
            end_to_end.append(_error(mention.place if mention else None, gold))
            place = mention.place if mention else resolved.place
            gold_span.append(_error(place, gold))
            if gold.geonames_id:
                id_total += 1
                id_hits += bool(place is not None and geonames_id(place) == gold.geonames_id)
    precision = tp_overlap_pred / n_pred if n_pred else 0.0
    recall = tp_overlap_gold / n_gold if n_gold else 0.0
    p_exact = tp_exact / n_pred if n_pred else 0.0
    r_exact = tp_exact / n_gold if n_gold else 0.0
    return {
        "articles": len(docs), "gold_toponyms": n_gold, "predicted": n_pred,
        "recognition_exact": _prf(p_exact, r_exact), "recognition_overlap": _prf(precision, recall),
        "resolution_end_to_end": _errors(end_to_end), "resolution_gold_spans": _errors(gold_span),
        "geonames_id_match_gold_spans": round(id_hits / id_total, 4) if id_total else None,
        "geonames_id_total": id_total, "seconds": round(time.perf_counter() - started, 1),
    }


def geonames_id(place: Any) -> str | None:
    """The GeoNames id behind one of our places (countries and curated places carry their own ids)."""
    if place.id.startswith("gn:"):
        return place.id[3:]
    return _geonames_ids().get(place.id)


@lru_cache(maxsize=1)
def _geonames_ids() -> dict[str, str]:
    import json
    from frontlines.understand.places.sources import _geonames_file, read_curated
    with open(_geonames_file("countries.json"), encoding="utf-8") as handle:
        out = {f"iso:{iso}": str(record["geonameid"]) for iso, record in json.load(handle).items()}
    out.update({row["id"]: row["geonameid"] for row in read_curated() if row["geonameid"]})
    return out


def _overlaps(mention: PlaceMention, gold: Gold) -> bool:
    return mention.start < gold.end and gold.start < mention.end


def _error(place: Any, gold: Gold) -> float | None:
    if place is None or place.lat is None or place.lon is None:
        return None
    return haversine_km(place.lat, place.lon, gold.lat, gold.lon)


def _prf(precision: float, recall: float) -> dict[str, float]:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _errors(errors: list[float | None]) -> dict[str, Any]:
    known = [e for e in errors if e is not None]
    return {
        "toponyms": len(errors), "resolved": len(known),
        "acc_161km_of_all": round(sum(e <= 161 for e in known) / len(errors), 4) if errors else None,
        "acc_161km_of_resolved": round(sum(e <= 161 for e in known) / len(known), 4) if known else None,
        "median_error_km": round(statistics.median(known), 1) if known else None,
        "mean_error_km": round(statistics.fmean(known), 1) if known else None,
    }


def run_geoparsing_benchmark(corpus_dir: Path, limit: int | None = None, demonyms: bool = True) -> dict[str, Any]:
    """Figures for GWN.xml and GeoVirus.xml in ``corpus_dir`` (first ``limit`` articles of each).

    No country focus (so no fuzzy matching); demonyms on, since both corpora annotate them as toponyms.
    """
    from frontlines.understand.language import ModelError, load_model

    corpus_dir = Path(corpus_dir)
    parser = Geoparser(default_gazetteer(), country_focus=None, keep_unresolved=True, demonyms=demonyms)
    try:
        nlp = load_model()
    except ModelError:
        nlp = None
    out: dict[str, Any] = {"ner": nlp is not None, "demonyms": demonyms, "mordecai3_gwn_published": MORDECAI3_GWN}
    for name, reader in (("GWN", read_gwn), ("GeoVirus", read_geovirus)):
        path = corpus_dir / f"{name}.xml"
        if not path.exists():
            continue
        docs = list(reader(path))[:limit] if limit else list(reader(path))
        out[name] = score_corpus(docs, parser, nlp)
    return out
