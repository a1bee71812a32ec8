"""A hand-made store of another war than the demo's (Sudan, 2023-24) with a conflict profile of its own: for the
web app's and the report's tests. Places, sides and sentences are our own; the dates follow public reporting."""
from __future__ import annotations

from pathlib import Path

SUDAN_PROFILE = """name: sudan-test
title: "Sudan: a test profile"
countries: [SD]
focus: SD
sides:
  saf:
    name: the Sudanese Armed Forces
    colour: "#1a5276"
    actors: [military forces of sudan]
  rsf:
    name: the Rapid Support Forces
    colour: "#b9770e"
    actors: [rapid support forces]
"""
SAF, RSF = "Military Forces of Sudan (2019-)", "Rapid Support Forces"
MADANI_SENTENCE = "Fighters of the paramilitary group drove into Wad Madani on Monday after the army left the city."


def build_sudan_store(folder: Path) -> Path:
    """A hand-made store of another war: places, control by two sides of its own profile, events, one source."""
    from datetime import date, datetime

    from frontlines.model import Article, ControlInterval, Event, Evidence, Place
    from frontlines.storage import Store
    from frontlines.understand.sentences import split_sentences

    (folder / "profile").mkdir(parents=True, exist_ok=True)
    (folder / "profile" / "profile.yaml").write_text(SUDAN_PROFILE, encoding="utf-8")
    places = {k: Place(f"sd:{k}", name, "city", "SD", admin1, name, lat=lat, lon=lon, is_capital=True)
              for k, name, admin1, lat, lon in [
                  ("fasher", "El Fasher", "North Darfur", 13.628, 25.350), ("khartoum", "Khartoum", "Khartoum", 15.501, 32.560),
                  ("madani", "Wad Madani", "Al Jazirah", 14.402, 33.519), ("nyala", "Nyala", "South Darfur", 12.049, 24.881)]}
    reports = {  # event number: (title, the sentence the event rests on), in our own words
        1: ("Nyala falls", "The paramilitary force took the army base in Nyala on Thursday, witnesses said."),
        2: ("Paramilitaries enter Wad Madani", MADANI_SENTENCE),
        3: ("Fighting in El Fasher", "Heavy fighting broke out in El Fasher on Friday and at least twelve people died."),
        4: ("Army pushes back in El Fasher", "The army said on Sunday it had pushed the attackers out of two quarters."),
        5: ("Army claims gains in Khartoum", "The army's spokesman said its troops had advanced in central Khartoum."),
    }
    articles, evidence = {}, {}
    for i, (title, sentence) in reports.items():
        text = f"{title}\n\n{sentence} Residents said many families had fled."
        article = Article(id=f"sd-wire-{i}", text=text, title=title, published=None, outlet="Test Wire",
                          url=f"https://example.org/sd/{i}")
        article.sentences = split_sentences(text)
        start = text.index(sentence)
        articles[i] = article
        evidence[i] = Evidence(article.id, article.sentence_at(start).index, start, start + len(sentence), sentence)

    def event(i: int, day: date, sub: str, place: Place, actor1: str, actor2: str | None) -> Event:
        kind = "Battles" if sub == "Armed clash" else "Strategic developments"
        articles[i].published = day
        return Event(event_id_cnty=f"SDN{i:03d}", event_date=day, time_precision=1, event_type=kind, sub_event_type=sub,
                     actor1=actor1, actor2=actor2, country="Sudan", admin1=place.admin1, admin2=place.admin2,
                     location=place.name, place_id=place.id, latitude=place.lat, longitude=place.lon, geo_precision=1,
                     source_count=1, article_ids=[articles[i].id], evidence=[evidence[i]])

    take = "Non-state actor overtakes territory"
    events = [event(1, date(2023, 10, 26), take, places["nyala"], RSF, SAF),
              event(2, date(2023, 12, 18), take, places["madani"], RSF, SAF),
              event(3, date(2024, 5, 10), "Armed clash", places["fasher"], RSF, SAF),
              event(4, date(2024, 5, 12), "Armed clash", places["fasher"], SAF, RSF),
              event(5, date(2024, 6, 1), "Armed clash", places["khartoum"], SAF, RSF)]
    events[2].fatalities, events[2].fatalities_low, events[2].fatalities_high = 12, 9, 15
    events[4].tier, events[4].claimed_by = "claimed", "the army's spokesman"   # only a party to the war says so
    start_day = date(2023, 10, 1)

    def held(p: Place, holder: str | None, a: date, b: date | None, status: str = "held") -> ControlInterval:
        return ControlInterval(p.id, p.name, status, holder, a, b, p.admin1, p.admin2)

    control = [held(places["nyala"], SAF, start_day, date(2023, 10, 26)), held(places["nyala"], RSF, date(2023, 10, 26), None),
               held(places["madani"], SAF, start_day, date(2023, 12, 18)), held(places["madani"], RSF, date(2023, 12, 18), None),
               held(places["fasher"], SAF, start_day, date(2024, 5, 10)),
               held(places["fasher"], None, date(2024, 5, 10), None, "contested"),
               held(places["khartoum"], None, start_day, None, "contested")]
    db = folder / "sudan.duckdb"
    with Store(db) as store:
        store.save_places(list(places.values()))
        for article in articles.values():
            store.add_article(article)
            store.save_annotations(article)
        store.save_events(events)
        store.save_control(control)
        store.record_run("sudan-test", datetime(2024, 6, 2), [], {"profile": {"name": str(folder / "profile")}})
    return db
