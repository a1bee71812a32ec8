"""Resolution outside Afghanistan: country and admin1 points, counties, state abbreviations, namesakes, and
places named inside facility names. Expected points are GeoNames' own, written by hand."""
from __future__ import annotations

import pytest

from frontlines.understand.places import sources
from frontlines.understand.places.benchmark import haversine_km
from frontlines.understand.places.gazetteer import default_gazetteer
from frontlines.understand.places.geoparser import Geoparser


@pytest.fixture(scope="session")
def gazetteer():
    return default_gazetteer()


@pytest.fixture(scope="session")
def world_parser(gazetteer):
    return Geoparser(gazetteer, country_focus=None, demonyms=True)


def _top(gazetteer, name):
    found = gazetteer.candidates(name)
    assert found, f"{name} not resolved"
    return found[0].place


@pytest.mark.parametrize("name,lat,lon", [
    ("Russia", 60.0, 100.0), ("China", 35.0, 105.0), ("United States", 39.76, -98.5), ("India", 22.0, 79.0),
])
def test_large_countries_sit_near_their_gazetteer_point(gazetteer, name, lat, lon):
    place = _top(gazetteer, name)
    assert place.kind == "country"
    assert haversine_km(place.lat, place.lon, lat, lon) <= 161


@pytest.mark.parametrize("name,code,lat,lon", [
    ("Tamil Nadu", "IN-TN", 11.0, 78.33), ("Queensland", "AU-QLD", -22.0, 145.0), ("Bavaria", None, 49.0, 11.5),
    ("Ontario", "CA-ON", 49.25, -84.5), ("Texas", "US-TX", 31.25, -99.25),
])
def test_first_level_subdivisions_have_points(gazetteer, name, code, lat, lon):
    place = _top(gazetteer, name)
    assert place.kind == "province" and place.lat is not None
    if code:
        assert place.id == f"iso:{code}"
    # the middle of its towns' extent: up to ~280 km off (Queensland)
    assert haversine_km(place.lat, place.lon, lat, lon) <= 300


def test_towns_know_their_admin1_name(gazetteer):
    chennai = next(p for p in (gazetteer.places[i] for i, _ in gazetteer.lookup("Chennai")) if p.country == "IN")
    assert chennai.admin1 == "Tamil Nadu"


def test_counties_are_places(gazetteer):
    orange = _top(gazetteer, "Orange County")
    assert orange.kind == "district" and orange.country == "US" and orange.admin1 == "California"
    assert _top(gazetteer, "Kent").id.startswith("gn-admin2:GB:")  # the English county, not Kent, Washington


def test_county_named_after_its_city_does_not_outrank_it(gazetteer):
    assert _top(gazetteer, "Bradford").kind == "city"


def test_state_abbreviations_need_their_period_or_capitals(gazetteer):
    text = "Trenton, N.J., and NJ Transit; Catholic Mass in Calif. Nj and Mass. too. Ind. and Ill health."
    found = {text[m.start:m.end]: m for m in gazetteer.find(text)}
    assert "N.J." in found and "NJ" in found and "Calif." in found and "Mass." in found and "Ind." in found
    assert "Nj" not in found and "Mass" not in found and "Ill" not in found
    assert _top(gazetteer, "N.J.").id == "iso:US-NJ"
    assert _top(gazetteer, "Calif.").id == "iso:US-CA"
    assert _top(gazetteer, "NSW").id == "iso:AU-NSW"


def test_an_alternate_name_does_not_beat_places_that_bear_it(gazetteer):
    assert _top(gazetteer, "Riverdale").name == "Riverdale"   # GeoNames lists "Riverdale" for Glendale
    assert _top(gazetteer, "Franklin").name == "Franklin"     # and "Franklin" for Columbus
    assert _top(gazetteer, "Bombay").name == "Mumbai"         # a hundred times larger than any Bombay


def test_resolve_spans_uses_the_article_and_names_inside(world_parser):
    text = ("Police at Colorado State University said a man was held. Fans at Ismail Khan Stadium cheered. "
            "Flooding hit Allendale, near Ramsey and Mahwah in Bergen County.")
    names = ("Colorado State University", "Ismail Khan Stadium", "Allendale")
    spans = [(text.index(n), text.index(n) + len(n)) for n in names]
    university, stadium, allendale = world_parser.resolve_spans(text, spans)
    assert university.place is not None and university.place.id == "iso:US-CO" and university.geo_precision == 2
    assert allendale.place is not None and allendale.place.admin1 == "New Jersey"
    # no village called Khan: a venue the gazetteer lacks is taken as part of a town the article names (each is
    # named once here, so the surest reading; not Bergen County, a town goes before a district on a tie)
    assert stadium.place.admin1 == "New Jersey" and stadium.place.kind in {"town", "village"}
    assert stadium.geo_precision == 2 and "taken as part of" in stadium.reason


def test_resolve_spans_on_empty_and_unknown_text(world_parser):
    assert world_parser.resolve_spans("", []) == []
    [unknown] = world_parser.resolve_spans("Qzxvbn was quiet.", [(0, 6)])
    assert unknown.place is None and unknown.text == "Qzxvbn"


def test_without_the_admin_table_the_build_still_has_iso_subdivisions(monkeypatch):
    monkeypatch.setattr(sources, "_admin1_table", lambda: None)
    assert sources.geonames_admin1_names([{"admin1code": "25", "latitude": 13.08, "longitude": 80.27,
                                           "countrycode": "IN"}]) == {}
    assert list(sources.admin2_entries([], {})) == []
    entries = list(sources.subdivision_entries({"US.TX": [(30.0, -97.0), (32.0, -101.0)]}))
    texas = next(e.place for e in entries if e.place.id == "iso:US-TX")
    assert (texas.lat, texas.lon) == (31.0, -99.0)


def test_a_capital_or_a_city_of_millions_beats_its_small_namesakes_without_context(gazetteer):
    assert (_top(gazetteer, "Washington").country, _top(gazetteer, "Washington").kind) == ("US", "city")
    assert _top(gazetteer, "London").country == "GB"          # not London, Ontario
    assert _top(gazetteer, "Los Angeles").country == "US"     # not the town in Spain
    assert _top(gazetteer, "Mont.").id == "iso:US-MT"         # the abbreviation, not the French village Mont
    assert _top(gazetteer, "DPRK").id == "iso:KP" and _top(gazetteer, "Holland").id == "iso:NL"


def test_context_still_picks_the_small_namesake(world_parser):
    text = "Flooding closed roads in Sunderland, Gateshead and Washington, and Durham, in the north-east of England."
    start = text.index("Washington")
    [washington] = world_parser.resolve_spans(text, [(start, start + len("Washington"))])
    assert washington.place.country == "GB", washington.reason


def test_second_level_areas_answer_to_their_bare_names(gazetteer):
    laguna = _top(gazetteer, "Laguna")          # GeoNames: "Province of Laguna"
    assert laguna.country == "PH" and laguna.kind == "district" and laguna.name == "Province of Laguna"
    assert _top(gazetteer, "Brescia").kind == "city"              # the province named after it stays second
    assert _top(gazetteer, "London").id == "gn:2643743"           # "City of London" keeps its title


def test_countries_sit_at_geonames_own_point(gazetteer):
    points = sources.read_country_points()
    assert len(points) > 190 and points["CA"] == (60.10867, -113.64258)
    assert (_top(gazetteer, "Canada").lat, _top(gazetteer, "Canada").lon) == points["CA"]
    assert (_top(gazetteer, "Japan").lat, _top(gazetteer, "Japan").lon) == (35.68536, 139.75309)   # Tokyo
    greenland = _top(gazetteer, "Greenland")   # a territory the table lacks still has a point
    assert greenland.kind == "country" and "GL" not in points and greenland.lat is not None


def _resolve(parser, text, name):
    start = text.index(name)
    [mention] = parser.resolve_spans(text, [(start, start + len(name))])
    return mention


@pytest.mark.parametrize("text,venue,where", [
    ("Talks resumed at the Palais des Nations in Geneva on Monday.", "Palais des Nations", "Geneva"),
    ("28/29 April: Donington Park, Leicestershire. 9/10 June: Oulton Park, Cheshire.", "Oulton Park", "Cheshire"),
    ("Mary Ann from Celebrity Cake Studio in Tacoma, Washington shares tips.", "Celebrity Cake Studio", "Tacoma"),
    ("Felipe Caro, a professor at the University of California, Los Angeles, said so.",
     "University of California", "Los Angeles"),                 # the finer of the two places
    ("Work on the Tijuana River in Baja California starts in May.", "Tijuana River", "Tijuana"),
])
def test_a_venue_is_where_the_text_puts_it(world_parser, text, venue, where):
    mention = _resolve(world_parser, text, venue)
    assert mention.place is not None and mention.place.name == where, mention.reason
    assert mention.geo_precision == 2


@pytest.mark.parametrize("text,venue,not_there", [
    ("Guests gathered at Seasons restaurant in Washington Township in April.", "Seasons", "Washington"),
    ("Beyond Madinaty, Liverpool have other academy branches.", "Madinaty", "Liverpool"),
])
def test_a_venue_is_not_put_in_a_place_the_text_does_not_say(world_parser, text, venue, not_there):
    mention = _resolve(world_parser, text, venue)
    assert "puts it in" not in mention.reason
    assert mention.place is None or mention.place.name != not_there or "names most" in mention.reason


def test_a_selected_span_named_for_a_nation_is_in_it(world_parser, gazetteer):
    text = "The Mexican Senate voted as the US Federal Reserve raised rates."
    assert _resolve(world_parser, text, "Mexican Senate").place.id == "iso:MX"
    assert _resolve(world_parser, text, "US Federal Reserve").place.id == "iso:US"
    # reading an article, a demonym inside a facility's name does not place it ("the British Embassy in Kabul")
    text = "The British Embassy said the road to the airport was closed."
    found = Geoparser(gazetteer, country_focus="AF").parse_text(text, doc=_doc(text))
    assert not any(m.place is not None and m.place.id == "iso:GB" for m in found)


def _doc(text):
    from frontlines.understand.language import load_model
    return load_model()(text)


def test_short_capitals_in_a_selected_span_need_listing(world_parser):
    mention = _resolve(world_parser, "She attended a meeting at the OAS in Washington on March 15.", "OAS")
    assert mention.place is not None and mention.place.id == "gn:4140963", mention.reason   # not Oas, Philippines


def test_the_dateline_state_reads_a_bare_name_as_the_state(world_parser):
    body = "Lt. Col. Ricky Thomas says the team's focus has been at home in Washington."
    assert _resolve(world_parser, body, "Washington").place.id == "gn:4140963"        # the capital, without
    dated = "CAMP MURRAY, Wash. - " + body
    washington = _resolve(world_parser, dated, "Washington")
    assert washington.place.id == "iso:US-WA" and "dateline" in washington.reason
    assert _resolve(world_parser, dated, "CAMP MURRAY").place.id == "iso:US-WA"       # "CAMP MURRAY, Wash."


def test_a_name_spelled_with_its_own_capitals(gazetteer):
    assert _top(gazetteer, "LaFayette").admin1 == "Georgia"
    assert _top(gazetteer, "Lafayette").admin1 == "Louisiana"


def test_a_venue_goes_with_a_town_before_a_district_and_then_the_surest(world_parser):
    from frontlines.understand.places.gazetteer import Candidate, PlaceContext
    from frontlines.understand.places.geoparser import _main_locality
    from frontlines.model import Place

    town = lambda pid, kind="town": Place(id=pid, name=pid, kind=kind, country="US")   # noqa: E731
    ranked = [[Candidate(town("a"), 0.4, "")], [Candidate(town("b"), 0.6, "")],
              [Candidate(town("county", "district"), 0.9, "")]]
    assert _main_locality(ranked, PlaceContext(country="US")).id == "b"
    assert _main_locality(ranked + [[Candidate(town("a"), 0.4, "")]], PlaceContext(country="US")).id == "a"


@pytest.mark.parametrize("name,place_id", [
    ("Eastern Ghouta", "rg:eastern-ghouta"), ("Mindanao", "rg:mindanao"), ("Soviet Union", "iso:RU"),
    ("White House", "gn:4140963"), ("Trinidad", "iso:TT"), ("Berkshire", "rg:gb-berkshire"),
])
def test_names_the_registry_packages_lack(gazetteer, name, place_id):
    assert _top(gazetteer, name).id == place_id


def test_an_english_county_beats_its_american_namesake_in_english_text(world_parser):
    text = "7/8 April: Brands Hatch, Kent. 23/24 June: Croft, Yorkshire. 9/10 June: Oulton Park, Cheshire."
    assert _resolve(world_parser, text, "Yorkshire").place.id == "rg:gb-yorkshire"
    assert _resolve(world_parser, text, "Cheshire").place.id == "rg:gb-cheshire"


def test_short_capitals_with_a_number_are_a_model_not_a_place(gazetteer):
    text = "Fighters fired SA-7 missiles. SA holds large platinum reserves."
    found = [(text[m.start:m.end], m.start) for m in gazetteer.find(text) if m.places]
    assert found == [("SA", text.index("SA holds"))]
    assert _top(gazetteer, "SA").id == "iso:ZA"


@pytest.mark.parametrize("text, kind", [
    ("Kidal fell to Malian troops on Tuesday.", "town"),
    ("Fighting spread across Mali's Kidal region on Tuesday.", "province"),
])
def test_a_first_level_area_named_like_its_seat_is_the_town_unless_a_cue_says_the_area(world_parser, text, kind):
    from frontlines.understand.language import load_model

    [kidal] = [m for m in world_parser.parse_text(text, load_model()(text)) if m.text == "Kidal"]
    assert (kidal.place.name, kidal.place.kind, kidal.place.country) == ("Kidal", kind, "ML")
