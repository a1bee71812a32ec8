"""Wars the project was not built on, with no profile: one short article of our own per conflict, coded with the
generic rules (country from the place, state forces named per country and day, the world's armed groups)."""
from __future__ import annotations

import csv
import json

import pytest

pytestmark = pytest.mark.slow

# (id, published, text, expected: sub-event type, actor1, actor2, country, ISO numeric, place)
CASES = [
    ("sd", "2023-12-20", "Fighters of the Rapid Support Forces seized Wad Madani on Monday after the Sudanese army "
     "withdrew from the city, residents said.",
     ("Non-state actor overtakes territory", "Rapid Support Forces", "Military Forces of Sudan (2019-)", "Sudan",
      "729", "Wad Medani")),
    ("mm", "2024-08-04", "The Myanmar National Democratic Alliance Army captured Lashio on Saturday after weeks of "
     "fighting with the military.",
     ("Non-state actor overtakes territory", "MNDAA: Myanmar National Democratic Alliance Army",
      "Military Forces of Myanmar (2021-)", "Myanmar", "104", "Lashio")),
    ("et", "2023-08-10", "Fano militiamen took control of Lalibela on Wednesday after clashes with the Ethiopian "
     "army, residents said.",
     ("Non-state actor overtakes territory", "Fano Militia", "Military Forces of Ethiopia (2018-)", "Ethiopia",
      "231", "Lalibela")),
    ("ye", "2024-01-12", "US and British warplanes struck Houthi targets in Hodeidah on Friday.",
     ("Air/drone strike", "Military Forces of the United States (2021-)", "Ansar Allah", "Yemen", "887", None)),
    ("co", "2024-04-20", "ELN guerrillas clashed with Colombian soldiers near Tame in Arauca on Thursday.",
     ("Armed clash", "ELN: National Liberation Army", "Military Forces of Colombia (2022-)", "Colombia", "170", "Tame")),
    ("ng", "2024-06-30", "Suicide bombers killed at least 18 people in Gwoza in Borno state on Saturday, officials said.",
     ("Suicide bomb", "Unidentified Armed Group (Nigeria)", "", "Nigeria", "566", "Gwoza")),
]


@pytest.fixture(scope="module")
def events(tmp_path_factory) -> dict[str, dict[str, str]]:
    from frontlines.run import run_corpus

    folder = tmp_path_factory.mktemp("any-conflict")
    corpus = folder / "articles.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "published": p, "text": t}) + "\n" for i, p, t, _ in CASES),
                      encoding="utf-8")
    run_corpus([corpus], folder / "out")
    rows = list(csv.DictReader(open(folder / "out" / "events.csv", encoding="utf-8")))
    return {r["article_ids"].split(";")[0]: r for r in rows}


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_each_conflict_is_coded_in_its_own_country_with_its_own_actors(events, case):
    article_id, _, _, (sub, actor1, actor2, country, iso, place) = case
    row = events[article_id]
    assert (row["sub_event_type"], row["actor1"], row["actor2"], row["country"], row["iso"]) == \
        (sub, actor1, actor2, country, iso)
    if place:
        assert row["location"] == place
    assert "Afghan" not in row["actor1"] + row["actor2"] and "Taliban" not in row["actor1"] + row["actor2"]
