"""The local engine: one process or a pool, same annotations, input order, bounded streaming."""
from __future__ import annotations

from itertools import count, islice

import pytest

from frontlines.model import Article
from frontlines.pipeline import load_config
from frontlines.scale import ScaleError, article_to_record, batched, process_local, runnable_config


@pytest.fixture(scope="module")
def config():
    """The default pipeline, minus components not written yet; small batches so a pool gets several."""
    config, _ = runnable_config(load_config())
    config["pipeline"]["batch_size"] = 2
    return config


@pytest.fixture(scope="module")
def light(config):
    """Only the model: for tests of the engine itself, where workers should start fast."""
    return {**config, "pipeline": {**config["pipeline"], "components": ["sentences", "language"]}}


def _wire(n: int) -> Article:
    return Article(id=f"wire-{n:06d}", text=f"Taliban fighters captured {n} districts in Kunduz province on Sunday. "
                                            f"Officials in Kabul said {n + 3} soldiers were killed.")


def test_batched_keeps_order_and_remainder():
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batched([], 3)) == []


def test_runnable_config_keeps_order_and_names_what_it_dropped():
    config = load_config(overrides={"pipeline": {"components": ["sentences", "nonsense", "language"]},
                                    "components": {"nonsense": {"factory": "frontlines.nowhere:Nothing"}}})
    kept, dropped = runnable_config(config)
    assert kept["pipeline"]["components"] == ["sentences", "language"] and dropped == ["nonsense"]
    assert config["pipeline"]["components"] == ["sentences", "nonsense", "language"]   # the input is untouched


def test_pool_gives_the_same_annotations_in_input_order(config, seed_articles):
    one = [article_to_record(a) for a in process_local(load_seeds(seed_articles), config, workers=1)]
    timings: dict[str, float] = {}
    two = [article_to_record(a) for a in process_local(load_seeds(seed_articles), config, workers=2, timings=timings)]
    assert [r["id"] for r in two] == [a.id for a in seed_articles.values()]
    assert [(r["id"], name) for r, o in zip(two, one) for name in r if r[name] != o[name]] == []
    assert one[0]["sentences"] != "[]"   # the pipeline really ran
    assert set(timings) == set(config["pipeline"]["components"]) and timings["language"] > 0


def test_pool_streams_an_endless_input(light):
    """Only a bounded number of batches is read ahead, so an endless stream still yields results."""
    read = count()
    endless = (_wire(next(read)) for _ in iter(int, 1))
    first = list(islice(process_local(endless, light, workers=2), 5))
    assert [a.id for a in first] == [f"wire-{n:06d}" for n in range(5)]
    assert next(read) <= 5 + 2 * 2 * light["pipeline"]["batch_size"] + 2


def test_in_process_keeps_the_doc_and_fills_timings(light):
    timings: dict[str, float] = {}
    (article,) = process_local([_wire(1)], light, workers=1, timings=timings)
    assert article.doc is not None and article.sentences[0].text.startswith("Taliban fighters")
    assert timings["language"] > 0


def test_worker_that_cannot_start_is_a_clear_error(light):
    broken = {**light, "components": {**light["components"],
                                      "language": {**light["components"]["language"], "model": "no_such_model_xyz"}}}
    with pytest.raises(ScaleError, match="no_such_model_xyz"):
        list(process_local([_wire(1), _wire(2)], broken, workers=2))


def load_seeds(seed_articles: dict[str, Article]) -> list[Article]:
    """Fresh copies, so one run's annotations do not leak into the other."""
    return [Article(id=a.id, text=a.text, title=a.title, outlet=a.outlet, published=a.published,
                    published_source=a.published_source) for a in seed_articles.values()]


KILLED_PARENT = """
import os, sys, psutil
from frontlines.model import Article
from frontlines.pipeline import load_config
from frontlines.scale import process_local, runnable_config

if __name__ == "__main__":
    config, _ = runnable_config(load_config())
    config["pipeline"]["components"] = ["sentences"]
    articles = (Article(id=f"a{i}", text="Kabul fell. Herat too.") for i in range(10 ** 9))
    for i, _ in enumerate(process_local(articles, config, workers=2)):
        if i == 300:
            # spawned workers, or the fork server and the workers forked from it
            workers = [p.pid for p in psutil.Process().children(recursive=True)
                       if "spawn_main" in " ".join(p.cmdline()) or "forkserver" in " ".join(p.cmdline())]
            print(" ".join(map(str, workers)), flush=True)
            os.kill(os.getpid(), 9)
"""


def test_workers_leave_when_the_run_is_killed(tmp_path):
    import subprocess
    import sys
    import time

    import psutil

    script = tmp_path / "killed.py"
    script.write_text(KILLED_PARENT, encoding="utf-8")
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with open(out, "w") as stdout, open(err, "w") as stderr:   # files, not pipes: orphans would hold a pipe open
        subprocess.run([sys.executable, str(script)], stdout=stdout, stderr=stderr, timeout=120)
    workers = [int(pid) for pid in out.read_text().split()]
    assert len(workers) in (2, 3), err.read_text()[-2000:]   # two workers (and their fork server)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"
                                               for p in workers):
        time.sleep(0.2)
    alive = [p for p in workers if psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"]
    for pid in alive:
        psutil.Process(pid).kill()
    assert not alive, "workers outlived the killed run"
