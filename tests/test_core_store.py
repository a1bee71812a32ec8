"""The store: migrations, transactions, idempotent articles, annotation round trips, Parquet export."""
from __future__ import annotations

from datetime import date

import duckdb
import pytest

from frontlines.model import (ActorMention, Article, Claim, DateMention, Event, EventMention, Evidence, Place,
                              PlaceMention, Quantity, Sentence)
from frontlines.storage import Store
from frontlines.storage.schema import MIGRATIONS


def test_migrations_recorded_once(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    with Store(path) as store:  # reopening applies nothing twice
        assert store.schema_version() == MIGRATIONS[-1][0]
        assert store.con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)


def test_same_content_twice_adds_nothing(store):
    a = Article(id="a1", text="Taliban fighters captured the district centre.")
    assert store.add_article(a)
    assert not store.add_article(Article(id="other-id", text="  Taliban fighters captured the district centre.\r\n"))
    assert store.count("articles") == 1


def test_failed_transaction_leaves_nothing(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add_article(Article(id="a1", text="one"))
            raise RuntimeError("killed")
    assert store.count("articles") == 0


def test_annotations_round_trip(store):
    kunduz = Place(id="af:kunduz", name="Kunduz", kind="city", country="AF", admin1="Kunduz", lat=36.73, lon=68.86,
                   is_capital=True, source="curated")
    text = "The Taliban captured Kunduz on Sunday."
    article = Article(id="a1", text=text, published=date(2021, 8, 9), published_source="field")
    store.add_article(article)
    article.sentences = [Sentence(0, 0, len(text), text, modality="asserted")]
    article.places = [PlaceMention(21, 27, 0, "Kunduz", kunduz, 0.9, "exact", 1)]
    article.actors = [ActorMention(4, 11, 0, "Taliban", "taliban")]
    article.dates = [DateMention(28, 37, 0, "on Sunday", date(2021, 8, 8), date(2021, 8, 8), 1)]
    article.quantities = [Quantity(0, 3, 0, "two", "killed", 2, 2, 2)]
    article.claims = [Claim("a1", 0, 0, 10, text, "taliban", "districts", 80, "more_than", 421)]
    article.mentions = [EventMention("a1", "Battles", "Non-state actor overtakes territory", "Taliban",
                                     "Military Forces of Afghanistan (2004-2021)", place=kunduz, geo_precision=1,
                                     date_start=date(2021, 8, 8), date_end=date(2021, 8, 8), time_precision=1,
                                     evidence=[Evidence("a1", 0, 0, len(text), text)])]
    store.save_annotations(article)
    store.save_annotations(article)  # re-processing replaces, never doubles
    loaded = store.article("a1")
    assert loaded.places[0].place == kunduz
    assert loaded.dates[0].date_start == date(2021, 8, 8)
    assert loaded.claims[0].denominator == 421
    assert loaded.mentions[0].evidence[0].text == text
    assert store.count("event_mentions") == 1
    assert store.article_ids(unprocessed_only=True) == []


def test_events_round_trip_and_parquet(store, tmp_path):
    event = Event("AFG1", date(2021, 8, 8), 1, "Battles", "Non-state actor overtakes territory", "Taliban",
                  "Military Forces of Afghanistan (2004-2021)", article_ids=["a1", "a2"],
                  evidence=[Evidence("a1", 0, 0, 5, "text")], disagreements={"dates": ["2021-08-07"]})
    store.save_events([event])
    store.save_events([event])
    assert store.events() == [event]
    written = store.export_parquet(tmp_path)
    events_file = next(p for p in written if p.name == "events.parquet")
    assert duckdb.sql(f"SELECT count(*) FROM '{events_file}'").fetchall() == [(1,)]


def test_table_hash_is_order_independent(tmp_path):
    one, two = Store(tmp_path / "1.duckdb"), Store(tmp_path / "2.duckdb")
    for s, order in ((one, ["x", "y"]), (two, ["y", "x"])):
        for t in order:
            s.add_article(Article(id=t, text=f"text {t}"))
    assert one.table_hash("articles") == two.table_hash("articles")


class _Recording:
    """A connection that remembers the SQL it runs."""

    def __init__(self, con) -> None:
        self.con, self.sql = con, []

    def execute(self, sql, *args):
        self.sql.append(sql)
        return self.con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.con, name)


def test_a_first_analysis_deletes_nothing_a_second_replaces(store):
    text = "The Taliban captured Kunduz."
    article = Article(id="a1", text=text)
    store.add_article(article)
    article.sentences = [Sentence(0, 0, len(text), text)]
    store.con = recording = _Recording(store.con)
    store.save_annotations(article)    # a first run must not scan every annotation table per batch
    assert not [q for q in recording.sql if q.lstrip().upper().startswith("DELETE")]
    store.save_annotations(article)
    assert [q for q in recording.sql if q.lstrip().upper().startswith("DELETE")]
    assert len(store.article("a1").sentences) == 1
    unknown = Article(id="never-added", text=text, sentences=[Sentence(0, 0, len(text), text)])
    store.save_annotations(unknown)
    store.save_annotations(unknown)    # not in the articles table: still replaced, never doubled
    assert store.con.execute("SELECT count(*) FROM sentences WHERE article_id = 'never-added'").fetchone()[0] == 1


def test_streaming_lowers_the_cap_of_a_store_file_and_restores_it(tmp_path, monkeypatch):
    def cap(s):
        return s.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]

    with Store(tmp_path / "s.duckdb", memory_limit="256MB") as store:
        before = cap(store)
        with store.streaming():
            assert cap(store).startswith("61.0") and cap(store) != before   # 64MB, as DuckDB prints it
        assert cap(store) == before
        monkeypatch.setenv("FRONTLINES_DB_STREAM_MEMORY", "32MB")
        with pytest.raises(RuntimeError), store.streaming():
            assert cap(store).startswith("30.5")
            raise RuntimeError("a failed batch")
        assert cap(store) == before                 # restored on the way out of a failure too
    with Store(":memory:") as memory:
        before = cap(memory)
        with memory.streaming():
            assert cap(memory) == before            # an in-memory store is never squeezed
