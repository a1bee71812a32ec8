"""Fusion through the store: one event per real event, all its sources, incremental and idempotent."""
from __future__ import annotations

from datetime import date

import pytest

from frontlines.fuse import compatible, fuse, same_place
from frontlines.model import Article, EventMention, Evidence, Place, Quantity

KUNDUZ = Place("t:kunduz", "Kunduz", "city", "AF", admin1="Kunduz", lat=36.73, lon=68.86, is_capital=True)
KUNDUZ_PROVINCE = Place("t:kunduz-p", "Kunduz", "province", "AF", admin1="Kunduz", lat=36.7, lon=68.8)
HERAT = Place("t:herat", "Herat", "city", "AF", admin1="Herat", lat=34.35, lon=62.2, is_capital=True)
OVERTAKES = "Non-state actor overtakes territory"


def mention(place=KUNDUZ, start=date(2021, 8, 8), end=None, precision=1, sub=OVERTAKES, actor1="Taliban",
            actor2="Military Forces of Afghanistan (2004-2021)", killed=None, confidence=0.7) -> EventMention:
    return EventMention(article_id="", event_type="Battles", sub_event_type=sub, actor1=actor1, actor2=actor2,
                        place=place, geo_precision=1, date_start=start, date_end=end or start, time_precision=precision,
                        fatalities=Quantity(0, 0, 0, "", "killed", killed, killed, killed) if killed is not None else None,
                        confidence=confidence)


def add(store, article_id: str, *mentions: EventMention, published=date(2021, 8, 9), outlet="Outlet",
        dup_group=None) -> Article:
    text = f"Report {article_id}: the Taliban captured the city."
    article = Article(id=article_id, text=text, published=published, outlet=outlet, dup_group=dup_group)
    for i, m in enumerate(mentions):
        m.article_id, m.id = article_id, f"{article_id}:m{i}"
        m.evidence = [Evidence(article_id, 0, 0, len(text), text)]
    article.mentions = list(mentions)
    store.add_article(article)
    store.save_annotations(article)
    return article


def test_one_capture_reported_by_three_articles_is_one_event_with_all_sources(store):
    add(store, "a", mention(), outlet="BBC News")
    add(store, "b", mention(start=date(2021, 8, 2), end=date(2021, 8, 9), precision=2), outlet="Financial Times")
    add(store, "c", mention(start=date(2021, 8, 7), end=date(2021, 8, 8), precision=2), outlet="Reuters")
    fuse(store)
    [event] = store.events()
    assert event.article_ids == ["a", "b", "c"] and event.source_count == 3
    assert event.event_date == date(2021, 8, 8) and event.time_precision == 1
    assert event.location == "Kunduz" and event.latitude == 36.73
    assert (event.inter1, event.inter2, event.interaction) == (2, 1, 12)
    assert event.event_id_cnty.startswith("AFG") and event.iso == 4 and event.country == "Afghanistan"
    assert event.source == "BBC News; Financial Times; Reuters"
    assert event.first_reported == date(2021, 8, 9)
    assert len(event.evidence) == 3
    assert "Kunduz" in event.notes and "Report a" not in event.notes


def test_wire_copies_count_once(store):
    add(store, "a", mention(), dup_group="g1")
    add(store, "b", mention(), dup_group="g1")
    add(store, "c", mention(), dup_group=None)
    fuse(store)
    [event] = store.events()
    assert event.source_count == 2 and len(event.article_ids) == 3


def test_death_tolls_keep_the_lowest_and_show_the_others(store):
    add(store, "a", mention(killed=12))
    add(store, "b", mention(killed=30, start=date(2021, 8, 9)))   # reports of a capture may differ by a day
    fuse(store)
    [event] = store.events()
    assert (event.fatalities, event.fatalities_low, event.fatalities_high) == (12, 12, 30)
    assert [d["fatalities"] for d in event.disagreements["fatalities"]] == [12, 30]
    assert [d["date"] for d in event.disagreements["event_date"]] == ["2021-08-08", "2021-08-09"]


def test_different_days_places_types_or_actors_stay_apart(store):
    add(store, "a", mention())
    add(store, "b", mention(start=date(2021, 8, 20)))                       # a week and a half later
    add(store, "c", mention(place=HERAT))
    add(store, "d", mention(sub="Armed clash"))
    add(store, "e", mention(actor1="Islamic State (Afghanistan)"))
    fuse(store)
    assert store.count("events") == 5


def test_clashes_on_consecutive_days_are_two_events_but_a_clash_reported_twice_is_one(store):
    add(store, "a", mention(sub="Armed clash", start=date(2021, 7, 30)))
    add(store, "b", mention(sub="Armed clash", start=date(2021, 7, 31)))
    add(store, "c", mention(sub="Armed clash", start=date(2021, 7, 31), actor1="Military Forces of Afghanistan (2004-2021)",
                            actor2="Taliban"))
    fuse(store)
    assert sorted(e.article_ids for e in store.events()) == [["a"], ["b", "c"]]


def test_a_city_and_the_province_it_is_the_seat_of_fuse_at_the_city(store):
    assert same_place(KUNDUZ, KUNDUZ_PROVINCE) and not same_place(HERAT, KUNDUZ_PROVINCE)
    add(store, "a", mention(place=KUNDUZ_PROVINCE))
    add(store, "b", mention(place=KUNDUZ))
    fuse(store)
    [event] = store.events()
    assert event.place_id == "t:kunduz"


def test_an_undated_report_of_a_change_of_hands_joins_the_dated_one_but_undated_fighting_does_not():
    assert compatible(mention(start=None), mention())
    assert not compatible(mention(start=None, actor1="Military Forces of Afghanistan (2004-2021)"), mention())
    assert not compatible(mention(start=None, sub="Armed clash"), mention(sub="Armed clash"))


def test_an_undated_copy_of_a_capture_is_a_source_of_the_dated_event_not_an_event_of_its_own(store):
    add(store, "dated", mention())
    add(store, "undated", mention(start=None), published=None)
    fuse(store)
    [event] = store.events()
    assert event.event_date == date(2021, 8, 8) and event.article_ids == ["dated", "undated"]


def test_a_second_identical_run_changes_nothing(store):
    add(store, "a", mention())
    add(store, "b", mention(place=HERAT))
    fuse(store)
    before = store.table_hash("events"), store.table_hash("event_mentions")
    summary = fuse(store)
    assert summary["new_mentions"] == 0
    assert (store.table_hash("events"), store.table_hash("event_mentions")) == before


def test_a_new_article_updates_only_the_events_it_touches(store):
    add(store, "a", mention())
    add(store, "b", mention(place=HERAT))
    fuse(store)
    herat_before = [e for e in store.events() if e.location == "Herat"]
    add(store, "c", mention(start=date(2021, 8, 7), end=date(2021, 8, 8), precision=2))
    summary = fuse(store)
    assert summary == {"new_mentions": 1, "events_touched": 1, "events_removed": 0, "events": 2}
    kunduz = [e for e in store.events() if e.location == "Kunduz"][0]
    assert kunduz.article_ids == ["a", "c"]
    assert [e for e in store.events() if e.location == "Herat"] == herat_before


def test_incremental_and_from_scratch_give_the_same_events(store):
    from frontlines.storage import Store
    batches = [("a", mention()), ("b", mention(start=date(2021, 8, 2), end=date(2021, 8, 9), precision=2)),
               ("c", mention(place=HERAT))]
    for article_id, m in batches:
        add(store, article_id, m)
        fuse(store)
    other = Store(":memory:")
    for article_id, m in batches:
        add(other, article_id, mention(place=m.place, start=m.date_start, end=m.date_end, precision=m.time_precision))
    fuse(other)
    key = lambda s: sorted((e.event_id_cnty, tuple(e.article_ids), e.event_date) for e in s.events())  # noqa: E731
    assert key(store) == key(other)
    other.close()


def test_reprocessing_an_article_rebuilds_its_events(store):
    add(store, "a", mention())
    article = add(store, "b", mention())
    fuse(store)
    article.mentions = []                     # b re-processed: it no longer reports the capture
    store.save_annotations(article)
    fuse(store)
    [event] = store.events()
    assert event.article_ids == ["a"] and event.source_count == 1


def test_a_late_vague_report_joins_the_dated_event_and_keeps_its_day(store):
    add(store, "a", mention(start=date(2021, 8, 8)))
    add(store, "b", mention(start=date(2021, 7, 20), end=date(2021, 8, 19), precision=2), published=date(2021, 8, 19))
    fuse(store)
    [event] = store.events()
    assert event.event_date == date(2021, 8, 8) and event.source_count == 2


@pytest.mark.parametrize("runs", [1, 2])
def test_event_ids_are_stable_across_stores(runs):
    from frontlines.storage import Store
    ids = []
    for _ in range(runs + 1):
        s = Store(":memory:")
        add(s, "a", mention())
        fuse(s)
        ids.append(s.events()[0].event_id_cnty)
        s.close()
    assert len(set(ids)) == 1


def _reports(store) -> None:
    """Twelve reports of captures, a clash and vague summaries over a week, in two places."""
    for day in range(1, 7):
        add(store, f"p{day}", mention(start=date(2021, 8, day)), mention(place=HERAT, start=date(2021, 8, day // 2 + 1)))
        add(store, f"v{day}", mention(start=date(2021, 8, 1), end=date(2021, 8, day + 1), precision=2),
            mention(sub="Armed clash", place=HERAT, start=date(2021, 8, day), actor2="Taliban",
                    actor1="Military Forces of Afghanistan (2004-2021)"))


def test_fusing_a_few_mentions_at_a_time_gives_the_same_events_as_all_at_once(store, tmp_path, monkeypatch):
    import frontlines.fuse as fusion
    from frontlines.storage import Store

    _reports(store)
    whole = fuse(store)
    monkeypatch.setattr(fusion, "GROUP", 2)   # and rebuild events two mentions' worth at a time
    with Store(tmp_path / "chunked.duckdb") as chunked:
        _reports(chunked)
        parts = fuse(chunked, chunk=3)
        assert parts["new_mentions"] == whole["new_mentions"] == 24
        assert parts["events"] == whole["events"] and parts["events_touched"] == whole["events_touched"]
        assert parts["events_removed"] == 0
        assert chunked.table_hash("events") == store.table_hash("events")
        assert chunked.table_hash("event_mentions") == store.table_hash("event_mentions")
    assert 1 < whole["events"] < 24


def test_an_event_reported_many_times_keeps_every_source_but_a_readable_evidence_list(store):
    from frontlines.fuse import EVIDENCE_KEPT

    for i in range(EVIDENCE_KEPT + 10):
        add(store, f"r{i:03d}", mention(precision=1 if i >= 10 else 2, start=date(2021, 8, 8)), outlet=f"Outlet {i}")
    fuse(store)
    [event] = store.events()
    assert event.source_count == EVIDENCE_KEPT + 10 and len(event.article_ids) == EVIDENCE_KEPT + 10
    assert len(event.evidence) == EVIDENCE_KEPT
    assert {e.article_id for e in event.evidence} == {f"r{i:03d}" for i in range(10, EVIDENCE_KEPT + 10)}  # precise first


def test_clearing_the_corpus_stages_keeps_the_annotations_and_a_new_fusion_rebuilds_the_same_events(store):
    _reports(store)
    fuse(store)
    events = store.table_hash("events")
    store.clear_corpus_stages()
    assert store.count("events") == 0 and store.count("event_mentions") == 24
    fuse(store)
    assert store.table_hash("events") == events


def test_tiers_confirmed_reported_and_claimed(store):
    from dataclasses import replace
    add(store, "a", mention())
    add(store, "b", mention())                                       # two independent sources: confirmed
    add(store, "c", mention(place=HERAT))                            # one source: reported
    add(store, "d", replace(mention(place=HERAT, start=date(2021, 7, 1)), claimed_by="Taliban"))   # only a party
    add(store, "e", mention(start=date(2021, 8, 9)), dup_group="g")  # a wire copy of one story ...
    add(store, "f", mention(start=date(2021, 8, 9)), dup_group="g")  # ... counts once
    fuse(store)
    tiers = sorted((e.location, e.event_date.isoformat(), e.tier, e.claimed_by, e.alt_dates) for e in store.events())
    assert ("Herat", "2021-07-01", "claimed", "Taliban", []) in tiers
    assert ("Herat", "2021-08-08", "reported", None, []) in tiers
    assert [t[2] for t in tiers if t[0] == "Kunduz"] == ["confirmed"]
    [kunduz] = [e for e in store.events() if e.location == "Kunduz"]
    assert kunduz.alt_dates == ["2021-08-09"]   # the wire copies' day, kept beside the event's


def test_the_day_most_independent_sources_give_wins_and_the_others_are_kept(store):
    add(store, "a", mention(start=date(2021, 8, 9)))
    add(store, "b", mention(start=date(2021, 8, 9)))
    add(store, "c", mention(start=date(2021, 8, 8)))                  # one outlet's stray day
    add(store, "d", mention(start=date(2021, 8, 8)), dup_group="w")   # and a wire story on it ...
    add(store, "e", mention(start=date(2021, 8, 8)), dup_group="w")   # ... reprinted: still one source
    add(store, "f", mention(start=date(2021, 8, 9)))
    fuse(store)
    [event] = store.events()
    assert event.event_date == date(2021, 8, 9) and event.alt_dates == ["2021-08-08"]   # three sources to two


def test_a_tie_between_days_goes_to_the_earlier(store):
    add(store, "a", mention(start=date(2021, 8, 9)))
    add(store, "b", mention(start=date(2021, 8, 8)))
    fuse(store)
    [event] = store.events()
    assert event.event_date == date(2021, 8, 8) and event.alt_dates == ["2021-08-09"]
