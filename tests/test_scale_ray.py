"""The Ray engine gives exactly what the local engine gives (issue 9's equivalence test)."""
from __future__ import annotations

import pytest

from frontlines.model import Article
from frontlines.pipeline import load_config
from frontlines.scale import article_to_record, process_local, runnable_config

ray = pytest.importorskip("ray")
pq = pytest.importorskip("pyarrow.parquet")

pytestmark = [pytest.mark.ray, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


@pytest.fixture(scope="module")
def local_ray():
    """A local Ray with two CPUs, as on CI; shut down after this module."""
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    if started:
        ray.shutdown()


def _fresh(seed_articles: dict[str, Article]) -> list[Article]:
    return [Article(id=a.id, text=a.text, title=a.title, outlet=a.outlet, published=a.published,
                    published_source=a.published_source) for a in list(seed_articles.values())[:3]]


def test_ray_engine_matches_local_engine(local_ray, seed_articles, tmp_path):
    from frontlines.scale.ray_engine import process_ray

    config, _ = runnable_config(load_config())
    config["pipeline"]["batch_size"] = 2    # several blocks, so both actors work
    local = [article_to_record(a) for a in process_local(_fresh(seed_articles), config, workers=1)]
    on_ray = [article_to_record(a) for a in process_ray(_fresh(seed_articles), config, tmp_path, None, workers=2)]
    assert [r["id"] for r in on_ray] == [a.id for a in _fresh(seed_articles)]
    differing = [(r["id"], name) for r, l in zip(on_ray, local) for name in r if r[name] != l[name]]
    assert differing == []
    assert all(r["sentences"] != "[]" for r in on_ray)   # annotated, not passed through

    (part,) = sorted((tmp_path / "ray").glob("*.parquet"))
    table = pq.read_table(part)
    assert table.num_rows == 3 and sorted(table.column("id").to_pylist()) == sorted(r["id"] for r in local)


def test_ray_engine_on_empty_input_writes_nothing(local_ray, tmp_path):
    from frontlines.scale.ray_engine import process_ray

    config, _ = runnable_config(load_config())
    assert list(process_ray([], config, tmp_path, None, workers=2)) == []
    assert list((tmp_path / "ray").glob("*.parquet")) == []


def test_a_ray_actor_opens_the_shared_gazetteer_index_and_is_sent_no_gazetteer():
    """Issue 17: what Ray ships to an actor is the config (kilobytes), and the actor's places component reads the
    gazetteer index file on its own node, as every local worker does: no pickled gazetteer per actor."""
    import pickle

    from frontlines.scale.ray_engine import PipelineActor
    from frontlines.understand.places.index import GazetteerIndex, cache_dir

    config, _ = runnable_config(load_config())
    config["pipeline"]["components"] = ["sentences", "places"]
    assert len(pickle.dumps(config)) < 100_000
    source = PipelineActor(config).pipeline.get("places").geoparser.gazetteer.source
    assert isinstance(source, GazetteerIndex) and source.path.parent in (cache_dir(), cache_dir().resolve())
    with pytest.raises(TypeError):
        pickle.dumps(source)
