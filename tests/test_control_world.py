"""A hand-made store for the control and report tests: the 2021 fall of the provincial capitals.

Dates are the real ones (6-15 August 2021); coordinates are rounded; articles are written here for
the tests. Other modules import ``build_world``; the one test below checks the world itself.
"""
from __future__ import annotations

from datetime import date, datetime

import pytest

import frontlines.control as control
from frontlines.control import control_stage
from frontlines.model import Article, Claim, Event, Evidence, Place
from frontlines.storage import Store

TALIBAN = "Taliban"
ARMY = "Military Forces of Afghanistan (2004-2021)"

# name, province, lat, lon, day the Taliban took it in August 2021 (None: not in this world)
CAPITALS = [
    ("Kabul", "Kabul", 34.53, 69.17, 15), ("Kandahar", "Kandahar", 31.61, 65.71, 13), ("Herat", "Herat", 34.35, 62.20, 12),
    ("Mazar-i-Sharif", "Balkh", 36.71, 67.11, 14), ("Kunduz", "Kunduz", 36.73, 68.86, 8),
    ("Jalalabad", "Nangarhar", 34.43, 70.45, 15), ("Lashkar Gah", "Helmand", 31.59, 64.37, 13),
    ("Taloqan", "Takhar", 36.74, 69.53, 8), ("Pul-e Khumri", "Baghlan", 35.94, 68.71, 10),
    ("Sheberghan", "Jowzjan", 36.67, 65.75, 7), ("Ghazni", "Ghazni", 33.55, 68.42, 12), ("Khost", "Khost", 33.34, 69.92, 15),
    ("Gardez", "Paktia", 33.60, 69.22, 14), ("Aybak", "Samangan", 36.26, 68.02, 9), ("Sar-e Pul", "Sar-e Pul", 36.22, 65.93, 8),
    ("Maymana", "Faryab", 35.92, 64.78, 14), ("Farah", "Farah", 32.37, 62.11, 10), ("Zaranj", "Nimroz", 30.96, 61.86, 6),
    ("Qala-i-Naw", "Badghis", 34.98, 63.13, 12), ("Firozkoh", "Ghor", 34.52, 65.25, 13), ("Tarinkot", "Uruzgan", 32.63, 65.87, 13),
    ("Qalat", "Zabul", 32.11, 66.91, 13), ("Sharana", "Paktika", 33.14, 68.79, 14), ("Pul-e Alam", "Logar", 33.99, 69.02, 13),
    ("Maidan Shahr", "Wardak", 34.40, 68.87, 15), ("Bamyan", "Bamyan", 34.82, 67.83, 15), ("Nili", "Daykundi", 33.72, 66.13, 14),
    ("Charikar", "Parwan", 35.01, 69.17, 15), ("Mahmud-i-Raqi", "Kapisa", 35.02, 69.34, 15),
    ("Mehtar Lam", "Laghman", 34.65, 70.21, 14), ("Asadabad", "Kunar", 34.87, 71.15, 14), ("Parun", "Nuristan", 35.42, 70.92, 14),
    ("Faizabad", "Badakhshan", 37.12, 70.58, 11), ("Bazarak", "Panjshir", 35.31, 69.52, None),
]

HOSTILE_TITLE = 'Zaranj falls <script>alert("title")</script> <img src=x onerror=alert(1)>'
HOSTILE_TEXT = ('The Taliban took Zaranj, the capital of Nimroz, on Friday. <script>alert("text")</script> '
                'Residents said <img src=x onerror=alert(2)> the governor left.')


def slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def capital_places() -> list[Place]:
    return [Place(id=f"test:{slug(n)}", name=n, kind="city", country="AF", admin1=p, lat=lat, lon=lon, is_capital=True,
                  source="curated") for n, p, lat, lon, _ in CAPITALS]


def _article(i: int, day: date, title: str, text: str, outlet: str = "Test Wire") -> Article:
    return Article(id=f"t{i:02d}", text=text, title=title, outlet=outlet, published=day, url=f"https://example.org/{i}")


def _event(eid: str, day: date, sub: str, actor1: str, actor2: str | None, place: Place, article_ids: list[str],
           quote: str, fatalities: int = 0) -> Event:
    event_type = "Battles" if sub != "Non-violent transfer of territory" else "Strategic developments"
    return Event(event_id_cnty=eid, event_date=day, time_precision=1, event_type=event_type, sub_event_type=sub,
                 actor1=actor1, actor2=actor2, admin1=place.admin1, admin2=place.admin2, location=place.name,
                 place_id=place.id, latitude=place.lat, longitude=place.lon, country="Afghanistan",
                 article_ids=article_ids, source_count=len(article_ids), fatalities=fatalities,
                 evidence=[Evidence(article_ids[0], 0, 0, len(quote), quote)])


def build_world(store: Store) -> Store:
    """Fill a store: 33 capital falls, a contested Herat, a border crossing, a district lost and retaken, claims."""
    capitals = capital_places()
    by_name = {p.name: p for p in capitals}
    crossing = Place(id="test:sher-khan-bandar", name="Sher Khan Bandar", kind="border_crossing", country="AF",
                     admin1="Kunduz", admin2="Imam Sahib", lat=37.15, lon=68.64, source="curated")
    district = Place(id="test:dist:imam-sahib", name="Imam Sahib", kind="district", country="AF", admin1="Kunduz",
                     admin2="Imam Sahib", admin2_code="AF1702", lat=37.18, lon=68.92, source="curated")
    store.save_places(capitals + [crossing, district])
    articles = [
        _article(1, date(2021, 6, 23), "Border crossing seized", "The Taliban seized Sher Khan Bandar on Tuesday."),
        _article(2, date(2021, 7, 31), "Fighting in Herat", "Fighting raged in Herat on Friday, officials said."),
        _article(3, date(2021, 8, 7), HOSTILE_TITLE, HOSTILE_TEXT, outlet="Wire <b>Service</b>"),
        _article(4, date(2021, 8, 10), "Capitals fall in the north", "Kunduz, Sar-e Pul and Taloqan fell on Sunday."),
        _article(5, date(2021, 8, 13), "Kandahar and Herat fall", "The Taliban captured Kandahar and Herat."),
        _article(6, date(2021, 8, 16), "Kabul falls", "The Taliban entered Kabul on Sunday; the president left."),
        _article(7, date(2021, 7, 2), "District retaken", "Government forces retook Imam Sahib on Friday."),
    ]
    for article in articles:
        store.add_article(article)
    source_of = {6: "t03", 7: "t03", 8: "t04", 9: "t04", 10: "t04", 12: "t05", 13: "t05", 14: "t05", 11: "t05", 15: "t06"}
    events = []
    for name, _, _, _, day in CAPITALS:
        if day is None:
            continue
        article = source_of[day]
        quote = HOSTILE_TEXT if name == "Zaranj" else f"The Taliban took {name}."
        events.append(_event(f"AFG{day:02d}{slug(name)}", date(2021, 8, day), "Non-state actor overtakes territory",
                             TALIBAN, ARMY, by_name[name], [article], quote))
    events += [
        _event("AFG-herat-clash", date(2021, 7, 30), "Armed clash", TALIBAN, ARMY, by_name["Herat"], ["t02"],
               "Fighting raged in Herat on Friday, officials said.", fatalities=5),
        _event("AFG-skb", date(2021, 6, 22), "Non-state actor overtakes territory", TALIBAN, ARMY, crossing, ["t01"],
               "The Taliban seized Sher Khan Bandar on Tuesday."),
        _event("AFG-imam-lost", date(2021, 6, 20), "Non-state actor overtakes territory", TALIBAN, ARMY, district, ["t01"],
               "The Taliban seized Sher Khan Bandar on Tuesday."),
        _event("AFG-imam-back", date(2021, 7, 2), "Government regains territory", ARMY, TALIBAN, district, ["t07"],
               "Government forces retook Imam Sahib on Friday."),
    ]
    store.save_events(events)
    claims = {
        "t01": Claim("t01", 0, 0, 10, "The Taliban claim more than 80 of the 421 districts.", "Taliban", "districts", 80,
                     "more_than", 421, date(2021, 6, 22), id="c1"),
        "t05": Claim("t05", 0, 0, 10, "at least 14 of the 34 provincial capitals", None, "provincial_capitals", 14,
                     "at_least", 34, date(2021, 8, 13), id="c2"),
    }
    for article in articles:
        article.claims = [claims[article.id]] if article.id in claims else []
        store.save_annotations(article)
    # as `frontlines run --profile afghanistan-2021` records it: control, report and web read its sides from it
    from frontlines.profiles import load_profile
    store.record_run("world", datetime(2021, 8, 16), [], {"profile": load_profile("afghanistan-2021").config_overrides()["profile"]})
    return store


@pytest.fixture(scope="module")
def world():
    """One world per module (the tests only read it); capitals from the store, not the gazetteer."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(control, "_component_capitals", lambda *a: [])
        store = Store(":memory:")
        build_world(store)
        control_stage(store, None)
        yield store
        store.close()


def test_world_has_what_the_other_tests_assume(store):
    build_world(store)
    assert len(capital_places()) == 34
    assert len(store.events()) == 37
    assert {c.metric for c in store.claims()} == {"districts", "provincial_capitals"}
