"""Shared fixtures. Seed articles are read from ../shared/seeds/ (never copied into the repo)."""
from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from frontlines.model import Article
from frontlines.storage import Store

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FRONTLINES_SHARED", REPO.parent / "shared"))
SEEDS = SHARED / "seeds"
GEO = SHARED / "geo"
GEOPARSING = SHARED / "geoparsing"
EXAMPLES = REPO / "examples" / "afghanistan-2021"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared/ is beside the repo on developer machines and in CI)")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return _need(SEEDS)


@pytest.fixture(scope="session")
def geo_dir() -> Path:
    return _need(GEO)


@pytest.fixture(scope="session")
def geoparsing_dir() -> Path:
    return _need(GEOPARSING)


def load_seed_articles() -> dict[str, Article]:
    """The five seed articles with their metadata, keyed by the 3-digit prefix ("000" … "004")."""
    out = {}
    for line in (_need(SEEDS) / "seeds.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        published = date.fromisoformat(record["published"]) if record.get("published") else None
        article = Article(id=record["id"], text=record["text"], title=record.get("title"), outlet=record.get("outlet"),
                          published=published, published_source="field" if published else None)
        out[record["id"][:3]] = article
    return out


@pytest.fixture()
def seed_articles() -> dict[str, Article]:
    """Fresh (unannotated) seed articles for each test."""
    return load_seed_articles()


@pytest.fixture()
def store() -> Store:
    s = Store(":memory:")
    yield s
    s.close()


@pytest.fixture(scope="session")
def pipeline():
    """The full per-article pipeline with the Afghanistan profile (the seeds' and examples' war), built once per
    test session (model and gazetteer load once)."""
    from frontlines.pipeline import Pipeline, load_config
    from frontlines.profiles import load_profile
    return Pipeline(load_config(profile=load_profile("afghanistan-2021")))


@pytest.fixture(scope="session")
def annotated_seeds(pipeline) -> dict[str, Article]:
    """The seed articles run through the whole default pipeline (shared; do not mutate)."""
    articles = load_seed_articles()
    done = {a.id: a for a in pipeline.pipe(list(articles.values()))}
    return {key: done[a.id] for key, a in articles.items()}


@pytest.fixture(scope="session")
def example_store(pipeline):
    """The bundled example corpus run through the pipeline, fused and with control derived (shared; read only)."""
    if not EXAMPLES.exists():
        pytest.skip("examples/afghanistan-2021 is not there")
    from frontlines.control import control_stage
    from frontlines.fuse import fuse
    from frontlines.ingest.readers import read_path, supported
    from frontlines.pipeline import load_config

    config = load_config()
    articles = []
    for path in sorted(p for p in EXAMPLES.rglob("*") if p.is_file() and supported(p)):
        articles += read_path(path, config)[0]
    store = Store(":memory:")
    for article in pipeline.pipe(articles):
        if store.add_article(article):
            store.save_annotations(article)
    fuse(store)
    afghanistan_run(store)
    yield store
    store.close()


def afghanistan_run(store: Store) -> None:
    """Derive control under the Afghanistan profile and record it as a run would (report and web read the store's
    profile from its runs)."""
    from datetime import datetime

    from frontlines.control import control_stage
    from frontlines.pipeline import PipelineContext, load_config
    from frontlines.profiles import load_profile

    config = load_config(profile=load_profile("afghanistan-2021"))
    control_stage(store, PipelineContext(config, store))
    store.record_run("afghanistan", datetime(2021, 9, 1), [], {"profile": config["profile"]})
