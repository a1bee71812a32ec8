"""The web app's fixture store (hand-made records; imported by the other serve and browser tests) and its read queries."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from frontlines.model import (
    ActorMention, Article, Claim, ControlInterval, DateMention, Event, Evidence, Place, PlaceMention, Quantity,
)
from frontlines.storage import Store
from frontlines.storage import web as queries
from frontlines.understand.sentences import split_sentences

TALIBAN = "Taliban"
ARMY = "Military Forces of Afghanistan (2014-2021)"

PLACES = {
    "kunduz": Place("t:kunduz", "Kunduz", "city", "AF", "Kunduz", "Kunduz", lat=36.728, lon=68.857, is_capital=True),
    "zaranj": Place("t:zaranj", "Zaranj", "city", "AF", "Nimroz", "Zaranj", lat=30.960, lon=61.860, is_capital=True),
    "kabul": Place("t:kabul", "Kabul", "city", "AF", "Kabul", "Kabul", lat=34.528, lon=69.172, is_capital=True),
    "lashkar": Place("t:lashkar-gah", "Lashkar Gah", "city", "AF", "Helmand", "Lashkar Gah", lat=31.593, lon=64.371,
                     is_capital=True),
    "herat": Place("t:herat", "Herat", "city", "AF", "Herat", "Herat", lat=34.348, lon=62.199, is_capital=True),
    "kandahar": Place("t:kandahar", "Kandahar", "city", "AF", "Kandahar", "Kandahar", lat=31.613, lon=65.710,
                      is_capital=True),
    "shirkhan": Place("t:sher-khan-bandar", "Sher Khan Bandar", "border_crossing", "AF", "Kunduz", "Imam Sahib",
                      lat=37.166, lon=68.640),
    "nimroz": Place("t:nimroz", "Nimroz", "province", "AF", "Nimroz", source="boundary:test"),
}
# A made-up rectangle standing for an imported province boundary.
NIMROZ_WKT = "POLYGON ((60.5 29.5, 63.0 29.5, 63.0 31.5, 60.5 31.5, 60.5 29.5))"

KUNDUZ_TEXT = ("Taliban take Kunduz city\n\n"
               "Taliban fighters captured the city of Kunduz on Sunday after days of fighting, officials said. "
               "Government forces withdrew to the airport outside the city. "
               "The group also took Sar-e Pul and Taloqan on the same day.\n\n"
               "A provincial council member said at least 20 civilians were killed in the fighting.")
ZARANJ_TEXT = ("Zaranj falls without a fight\n\n"
               "The Taliban entered Zaranj, the capital of Nimroz province, on Friday without resistance. "
               "It is the first provincial capital to fall this year. "
               "The insurgents claim to control more than 200 districts.")
SCRIPT = '<script>window.__pwned = "text"</script>'
IMG = '<img src=x onerror="window.__pwned = \'img\'">'
HOSTILE_TEXT = (f"Fighting near Kabul {SCRIPT} continued on Saturday. "
                f"Witnesses saw {IMG} armed men at the gate.")
HOSTILE_TITLE = '<script>window.__pwned = "title"</script>Kabul <img src=x onerror="window.__pwned = \'title-img\'">'

KUNDUZ_SENTENCE = "Taliban fighters captured the city of Kunduz on Sunday after days of fighting, officials said."
ZARANJ_SENTENCE = "The Taliban entered Zaranj, the capital of Nimroz province, on Friday without resistance."


def _article(id: str, text: str, title: str, published: date | None, **kw) -> Article:
    article = Article(id=id, text=text, title=title, published=published, published_source="field" if published else None, **kw)
    article.sentences = split_sentences(text)
    return article


def _span(article: Article, phrase: str) -> tuple[int, int, int]:
    start = article.text.index(phrase)
    sentence = article.sentence_at(start)
    return start, start + len(phrase), sentence.index


def _evidence(article: Article, phrase: str) -> Evidence:
    start, end, sentence = _span(article, phrase)
    return Evidence(article.id, sentence, start, end, phrase)


def fixture_articles() -> list[Article]:
    kunduz = _article("wire-kunduz", KUNDUZ_TEXT, "Taliban take Kunduz city", date(2021, 8, 8), outlet="Example Wire",
                      url="https://example.org/kunduz")
    s, e, i = _span(kunduz, "Kunduz on Sunday")
    kunduz.places = [PlaceMention(s, s + 6, i, "Kunduz", PLACES["kunduz"], 0.9, "capital")]
    s, e, i = _span(kunduz, "Taliban fighters")
    kunduz.actors = [ActorMention(s, s + 7, i, "Taliban", "taliban")]
    s, e, i = _span(kunduz, "on Sunday")
    kunduz.dates = [DateMention(s, e, i, "on Sunday", date(2021, 8, 8), date(2021, 8, 8), 1, rule="weekday")]
    s, e, i = _span(kunduz, "at least 20 civilians")
    kunduz.quantities = [Quantity(s, e, i, "at least 20 civilians", "killed", 20, 20, None, "civilians")]

    zaranj = _article("report-zaranj", ZARANJ_TEXT, "Zaranj falls without a fight", date(2021, 8, 6),
                      outlet="Example Daily", url="https://example.org/zaranj")
    s, e, i = _span(zaranj, "more than 200 districts")
    claim_sentence = zaranj.sentences[i]
    zaranj.claims = [Claim(zaranj.id, i, claim_sentence.start, claim_sentence.end, claim_sentence.text, "taliban",
                           "districts", 200, "more_than", None, date(2021, 8, 6))]
    zaranj.sentences[i].modality = "statement"
    zaranj.sentences[i].modality_cue = "claim"

    hostile = _article("hostile-1", HOSTILE_TEXT, HOSTILE_TITLE, date(2021, 8, 14), outlet="<b>Bold Outlet</b>",
                       url="javascript:window.__pwned='link'")
    s, e, i = _span(hostile, "Kabul")
    hostile.places = [PlaceMention(s, e, i, "Kabul", PLACES["kabul"], 0.8, "capital")]
    s, e, i = _span(hostile, SCRIPT)
    hostile.actors = [ActorMention(s, e, i, SCRIPT, "<b>actor</b>")]
    return [kunduz, zaranj, hostile]


def _event(id: str, day: date, sub: str, place: Place, evidence: list[Evidence] | None = None, sources: int = 1,
           actor2: str | None = ARMY, fatalities: int = 0) -> Event:
    kind = {"Armed clash": "Battles"}.get(sub, "Strategic developments" if "territory" in sub else "Battles")
    evidence = evidence or []
    return Event(event_id_cnty=id, event_date=day, time_precision=1, event_type=kind, sub_event_type=sub,
                 actor1=TALIBAN, actor2=actor2, country="Afghanistan", admin1=place.admin1, admin2=place.admin2,
                 location=place.name, place_id=place.id, latitude=place.lat, longitude=place.lon, geo_precision=1,
                 fatalities=fatalities, source_count=sources, article_ids=sorted({e.article_id for e in evidence}),
                 evidence=evidence, notes=f"{sub} at {place.name}.")


def fixture_events(articles: list[Article]) -> list[Event]:
    kunduz, zaranj, hostile = articles
    overtakes = "Non-state actor overtakes territory"
    return [
        _event("AFG001", date(2021, 6, 22), overtakes, PLACES["shirkhan"], sources=2),
        _event("AFG002", date(2021, 7, 29), "Armed clash", PLACES["lashkar"], sources=3, fatalities=12),
        _event("AFG003", date(2021, 7, 30), "Armed clash", PLACES["herat"], sources=2),
        _event("AFG004", date(2021, 8, 6), overtakes, PLACES["zaranj"], [_evidence(zaranj, ZARANJ_SENTENCE)]),
        _event("AFG005", date(2021, 8, 8), overtakes, PLACES["kunduz"], [_evidence(kunduz, KUNDUZ_SENTENCE)],
               fatalities=20),
        _event("AFG006", date(2021, 8, 13), overtakes, PLACES["kandahar"]),
        _event("AFG007", date(2021, 8, 14), "Armed clash", PLACES["kabul"],
               [_evidence(hostile, f"Fighting near Kabul {SCRIPT} continued on Saturday.")]),
        _event("AFG008", date(2021, 8, 15), overtakes, PLACES["kabul"], sources=4),
    ]


def fixture_control() -> list[ControlInterval]:
    def held(place: Place, holder: str, start: date, end: date | None, status: str = "held") -> ControlInterval:
        return ControlInterval(place.id, place.name, status, holder if status == "held" else None, start, end,
                               place.admin1, place.admin2)
    june = date(2021, 6, 1)
    return [
        held(PLACES["kunduz"], ARMY, june, date(2021, 8, 8)), held(PLACES["kunduz"], TALIBAN, date(2021, 8, 8), None),
        held(PLACES["zaranj"], ARMY, june, date(2021, 8, 6)), held(PLACES["zaranj"], TALIBAN, date(2021, 8, 6), None),
        held(PLACES["kabul"], ARMY, june, date(2021, 8, 15)), held(PLACES["kabul"], TALIBAN, date(2021, 8, 15), None),
        held(PLACES["kandahar"], ARMY, june, date(2021, 8, 13)),
        held(PLACES["kandahar"], TALIBAN, date(2021, 8, 13), None),
        held(PLACES["herat"], ARMY, june, date(2021, 7, 30)),
        held(PLACES["herat"], "", date(2021, 7, 30), date(2021, 8, 12), "contested"),
        held(PLACES["herat"], TALIBAN, date(2021, 8, 12), None),
        held(PLACES["lashkar"], "", date(2021, 7, 29), date(2021, 8, 13), "contested"),
        held(PLACES["lashkar"], TALIBAN, date(2021, 8, 13), None),
    ]


def build_fixture_store(path: Path) -> Path:
    """A small store with articles, annotations, events, claims and control, written to ``path``."""
    articles = fixture_articles()
    with Store(path) as store:
        store.save_places(list(PLACES.values()), geometry={"t:nimroz": NIMROZ_WKT})
        for article in articles:
            store.add_article(article)
            store.save_annotations(article)
        store.save_events(fixture_events(articles))
        store.save_control(fixture_control())
        # as `frontlines run --profile afghanistan-2021` records it: the web app reads the sides from it
        from datetime import datetime

        from frontlines.profiles import load_profile
        store.record_run("fixture", datetime(2021, 8, 16), [],
                         {"profile": load_profile("afghanistan-2021").config_overrides()["profile"]})
    return path


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory) -> Store:
    path = build_fixture_store(tmp_path_factory.mktemp("serve") / "fixture.duckdb")
    store = Store(path, read_only=True)
    yield store
    store.close()


def test_fixture_store_round_trips(fixture_store):
    assert fixture_store.count("events") == 8
    assert fixture_store.count("articles") == 3
    article = fixture_store.article("hostile-1")
    assert article.text == HOSTILE_TEXT and article.title == HOSTILE_TITLE


def test_date_range_and_facets(fixture_store):
    assert queries.event_date_range(fixture_store) == (date(2021, 6, 22), date(2021, 8, 15))
    facets = queries.event_facets(fixture_store)
    assert facets["sub_event_type"][0] == "Non-state actor overtakes territory"  # 5 of 8, most frequent first
    assert set(facets["event_type"]) == {"Strategic developments", "Battles"}
    assert "Helmand" in facets["admin1"] and "Imam Sahib" in facets["admin2"]


def test_map_events_window_is_inclusive_and_newest_first(fixture_store):
    rows, total = queries.map_events(fixture_store, date(2021, 8, 8), days=3)  # 6, 7 and 8 August
    assert [r["event_id_cnty"] for r in rows] == ["AFG005", "AFG004"] and total == 2
    rows, total = queries.map_events(fixture_store, date(2021, 8, 15), days=365, limit=3)
    assert total == 8 and [r["event_id_cnty"] for r in rows] == ["AFG008", "AFG007", "AFG006"]


def test_control_as_of_uses_half_open_intervals(fixture_store):
    on_7th = {r["place_name"]: (r["status"], r["holder"]) for r in queries.control_as_of(fixture_store, date(2021, 8, 7))}
    assert on_7th == {"Kunduz": ("held", ARMY), "Zaranj": ("held", TALIBAN), "Kabul": ("held", ARMY),
                      "Kandahar": ("held", ARMY), "Herat": ("contested", None), "Lashkar Gah": ("contested", None)}
    on_15th = {r["place_name"]: r["holder"] for r in queries.control_as_of(fixture_store, date(2021, 8, 15))}
    assert on_15th["Kabul"] == TALIBAN  # the day it changed hands counts as the new holder's
    assert all(r["lat"] is not None for r in queries.control_as_of(fixture_store, date(2021, 8, 15)))


def test_events_citing_reads_the_json_list(fixture_store):
    assert [r["event_id_cnty"] for r in queries.events_citing(fixture_store, "wire-kunduz")] == ["AFG005"]
    assert queries.events_citing(fixture_store, "wire") == []  # whole ids only, no substring match
    assert queries.events_citing(fixture_store, "x' OR 1=1 --") == []


def test_article_list_counts_claims_and_orders_by_date(fixture_store):
    rows, total = queries.article_list(fixture_store, limit=2)
    assert total == 3 and [r["id"] for r in rows] == ["hostile-1", "wire-kunduz"]
    rows, _ = queries.article_list(fixture_store, limit=10, offset=2)
    assert rows[0]["id"] == "report-zaranj" and rows[0]["claims"] == 1


def test_extent_and_boundaries(fixture_store):
    min_lon, min_lat, max_lon, max_lat = queries.located_extent(fixture_store)
    assert (min_lon, max_lon) == (61.86, 69.172) and (min_lat, max_lat) == (30.96, 37.166)
    [area] = queries.boundary_areas(fixture_store)
    assert area["id"] == "t:nimroz" and area["geometry"] == NIMROZ_WKT and area["kind"] == "province"


def test_claims_table_falls_back_to_publication_date(fixture_store):
    rows = queries.claims_table(fixture_store)
    assert len(rows) == 1 and rows[0]["claimant"] == "taliban" and rows[0]["as_of"] == date(2021, 8, 6)


@pytest.mark.parametrize("filters, expected", [
    ({}, None), ({"event_type": "Battles"}, None), ({"text": "nothing like this"}, 0),
    ({"text": "%"}, 0), ({"actor": "_"}, 0),   # the user's wildcards are literal characters
])
def test_query_events_pages_and_counts(fixture_store, filters, expected):
    everything, total = fixture_store.query_events(**filters, limit=1000)
    assert len(everything) == total
    if expected is not None:
        assert total == expected
    first, _ = fixture_store.query_events(**filters, limit=2)
    second, _ = fixture_store.query_events(**filters, limit=2, offset=2)
    assert first + second == everything[:4]
