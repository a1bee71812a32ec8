"""The web app and JSON API in-process (FastAPI's TestClient) over a hand-made fixture store."""
from __future__ import annotations

import html
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from frontlines.model import Article, Event, Evidence
from frontlines.serve import create_app
from frontlines.serve.highlight import Span, highlight, highlight_in_context, windows
from frontlines.storage import Store, StoreError
from frontlines.understand.sentences import split_sentences
from test_serve_store import HOSTILE_TITLE, KUNDUZ_SENTENCE, build_fixture_store


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    db = build_fixture_store(tmp_path_factory.mktemp("app") / "fixture.duckdb")
    with TestClient(create_app(db), raise_server_exceptions=False) as c:
        yield c


# -- highlighting ---------------------------------------------------------------------------------------------
def test_highlight_escapes_before_marking():
    text = 'a <b>bold</b> & "quoted" claim'
    out = str(highlight(text, [Span(2, 13, "evidence", 'say "<hi>"')]))
    assert out == ('a <mark class="evidence" title="say &#34;&lt;hi&gt;&#34;">&lt;b&gt;bold&lt;/b&gt;</mark>'
                   ' &amp; &#34;quoted&#34; claim')


def test_highlight_clips_bad_offsets_and_drops_overlaps():
    out = str(highlight("abcdef", [Span(-5, 2, "place"), Span(1, 4, "actor"), Span(4, 99, "date"), Span(3, 3)]))
    assert out == '<mark class="place">ab</mark>cd<mark class="date">ef</mark>'


def test_highlight_never_takes_a_class_name_from_data():
    assert 'class="evidence"' in str(highlight("abc", [Span(0, 1, 'x" onclick="alert(1)')]))


def test_long_articles_show_windows_around_the_evidence():
    text = "x" * 50_000
    assert windows(len(text), [Span(1000, 1010), Span(1500, 1510), Span(40_000, 40_005)], 100) == [
        (900, 1110), (1400, 1610), (39_900, 40_105)]
    parts = highlight_in_context(text, [Span(40_000, 40_005)], full_below=20_000, context=10)
    assert [str(p) for p in parts] == ["x" * 10 + '<mark class="evidence">xxxxx</mark>' + "x" * 10]


# -- the store behind the app ---------------------------------------------------------------------------------
def test_create_app_refuses_what_is_not_a_store(tmp_path):
    with pytest.raises(StoreError):
        create_app(tmp_path / "missing.duckdb")
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"\x00\xff not a database")
    with pytest.raises(StoreError):
        create_app(junk)


def test_an_empty_store_still_serves_every_page(tmp_path):
    db = tmp_path / "empty.duckdb"
    Store(db).close()
    with TestClient(create_app(db), raise_server_exceptions=False) as c:
        for path in ("/", "/map", "/map.svg", "/events", "/articles", "/claims", "/report", "/api"):
            assert c.get(path).status_code == 200, path
        assert c.get("/events.json").json()["total"] == 0


# -- events ---------------------------------------------------------------------------------------------------
def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [e["event_id_cnty"] for e in response.json()["events"]]


@pytest.mark.parametrize("query, expected", [
    ("", ["AFG001", "AFG002", "AFG003", "AFG004", "AFG005", "AFG006", "AFG007", "AFG008"]),
    ("date_from=2021-08-06&date_to=2021-08-08", ["AFG004", "AFG005"]),
    ("event_type=Battles", ["AFG002", "AFG003", "AFG007"]),
    ("sub_event_type=Armed+clash&province=Herat", ["AFG003"]),
    ("province=Kunduz", ["AFG001", "AFG005"]),
    ("district=Imam+Sahib", ["AFG001"]),
    ("actor=military+forces", ["AFG001", "AFG002", "AFG003", "AFG004", "AFG005", "AFG006", "AFG007", "AFG008"]),
    ("min_sources=3", ["AFG002", "AFG008"]),
    ("q=captured+the+city", ["AFG005"]),  # the words of the evidence sentence
    ("q=%27%3B+DROP+TABLE+events%3B+--", []),  # parameterised: just text that matches nothing
    ("event_type=&province=&q=&date_from=", ["AFG001", "AFG002", "AFG003", "AFG004", "AFG005", "AFG006", "AFG007", "AFG008"]),
])
def test_event_filters(client, query, expected):
    assert ids(client.get(f"/events.json?{query}")) == expected


def test_pagination_and_next_url(client):
    first = client.get("/events.json?size=3").json()
    assert first["total"] == 8 and first["pages"] == 3 and len(first["events"]) == 3
    second = client.get(first["next_url"]).json()
    assert [e["event_id_cnty"] for e in second["events"]] == ["AFG004", "AFG005", "AFG006"]
    last = client.get("/events.json?size=3&page=3").json()
    assert len(last["events"]) == 2 and last["next_url"] is None


@pytest.mark.parametrize("query, param", [
    ("date_from=yesterday", "date_from"),
    ("date_from=2021-02-30", "date_from"),
    ("size=0", "size"),
    ("size=100000", "size"),
    ("page=-1", "page"),
    ("min_sources=100000000000000000000000", "min_sources"),
    ("q=" + "a" * 500, "q"),
    ("actor=%00", "actor"),
])
def test_bad_parameters_get_422_naming_the_parameter(client, query, param):
    response = client.get(f"/events.json?{query}")
    assert response.status_code == 422
    assert param in [e["param"] for e in response.json()["errors"]]


@pytest.mark.parametrize("path", ["/map", "/map.json", "/map.svg", "/claims", "/claims.json", "/claims/chart.svg",
                                  "/report", "/report.json", "/events"])
@pytest.mark.parametrize("query", ["as_of=0001-01-01&days=3660", "as_of=9999-12-31", "since=0001-01-01", "limit=0",
                                   "date_from=0001-01-01&date_to=9999-12-31", "as_of=%F0%9F%92%A3", "as_of=2021-8-1",
                                   "page=999999&size=500", "days=-1", "as_of=%00"])
def test_odd_parameters_never_crash_the_server(client, path, query):
    assert client.get(f"{path}?{query}").status_code in (200, 422, 503)


def test_dates_out_of_order_get_a_message(client):
    response = client.get("/events.json?date_from=2021-09-01&date_to=2021-08-01")
    assert response.status_code == 422
    assert "date_from must be on or before date_to" in response.text


def test_a_bad_parameter_in_the_browser_gets_an_html_page_that_escapes_it(client):
    response = client.get("/events?date_from=%3Cscript%3Ealert(1)%3C/script%3E")
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    assert "<script>alert" not in response.text and "date_from" in response.text


def test_event_page_marks_the_evidence_sentence_in_its_article(client):
    page = client.get("/events/AFG005").text
    assert f'<mark class="evidence" title="sentence 1">{KUNDUZ_SENTENCE}</mark>' in page
    assert "withdrew to the airport" in page  # the context around it
    assert 'href="https://example.org/kunduz"' in page and 'href="/articles/wire-kunduz"' in page


def test_event_json_has_fields_sources_and_evidence(client):
    data = client.get("/events/AFG005.json").json()
    assert data["event"]["location"] == "Kunduz" and data["event"]["event_date"] == "2021-08-08"
    [source] = data["sources"]
    assert source["article_id"] == "wire-kunduz" and source["evidence"][0]["text"] == KUNDUZ_SENTENCE
    assert "html" not in source  # JSON carries the data, not the rendered fragments


def test_unknown_records_are_404_in_both_forms(client):
    assert client.get("/events/AFG999").status_code == 404
    response = client.get("/articles/nope.json")
    assert response.status_code == 404 and response.json()["error"] == "no article 'nope'"


def test_accept_header_selects_json(client):
    response = client.get("/events?province=Herat", headers={"accept": "application/json"})
    assert response.headers["content-type"] == "application/json"
    assert [e["event_id_cnty"] for e in response.json()["events"]] == ["AFG003"]


# -- hostile article text -------------------------------------------------------------------------------------
def test_hostile_article_is_shown_as_text(client):
    for path in ("/articles/hostile-1", "/events/AFG007", "/articles", "/report?as_of=2021-08-14"):
        page = client.get(path).text
        assert "<script>window" not in page and "<img src=x" not in page, path
        assert 'href="javascript' not in page, path
    page = client.get("/articles/hostile-1").text
    assert html.escape(HOSTILE_TITLE, quote=False) in page or "&lt;script&gt;window.__pwned" in page
    assert "<b>Bold Outlet</b>" not in page
    # The actor span over the script tag is marked, with the tag inside escaped.
    assert '<mark class="actor" title="&lt;b&gt;actor&lt;/b&gt; (alias)">&lt;script&gt;' in page


def test_every_response_carries_a_strict_csp(client):
    for path in ("/", "/events.json", "/map.svg", "/static/app.js", "/events/AFG999", "/events.json?size=0"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp, path
        assert headers["x-content-type-options"] == "nosniff"


def test_pages_load_no_inline_script_and_nothing_from_elsewhere(client):
    for path in ("/", "/map", "/events", "/events/AFG005", "/articles/wire-kunduz", "/claims", "/report", "/api"):
        page = client.get(path).text
        assert "<script>" not in page and " on" + "click=" not in page, path
        assert "http://" not in page.replace("http://www.w3.org", "") or path == "/api", path
        assert "https://" not in page.replace("https://example.org", ""), path


# -- articles -------------------------------------------------------------------------------------------------
def test_article_explain_view(client):
    data = client.get("/articles/wire-kunduz.json").json()
    first = data["sentences"][1]
    assert first["modality"] == "asserted"
    assert [p["place"]["name"] for p in first["places"]] == ["Kunduz"]
    assert [a["actor_id"] for a in first["actors"]] == ["taliban"]
    assert [d["date_start"] for d in first["dates"]] == ["2021-08-08"]
    assert data["sentences"][-1]["quantities"][0]["best"] == 20
    assert [e["event_id_cnty"] for e in data["events"]] == ["AFG005"]
    page = client.get("/articles/wire-kunduz").text
    assert '<mark class="place" title="Kunduz">Kunduz</mark>' in page
    assert '<mark class="number" title="killed 20">at least 20 civilians</mark>' in page


def test_claims_are_listed_with_their_source(client):
    data = client.get("/claims.json").json()
    [claim] = data["claims"]
    assert claim["claimant"] == "taliban" and claim["count"] == 200 and claim["article_id"] == "report-zaranj"
    assert "more than 200 districts" in client.get("/claims").text
    if data["message"] is None:  # the control stage is built: the tally claim sits beside an observed count
        [compared] = data["compared"]
        assert compared["claim_id"] == claim["id"] and compared["count"] == 200 and compared["day"] == "2021-08-06"
        assert compared["observed"] is not None and "tally_changes" not in data
        chart = client.get("/claims/chart.svg?as_of=2021-08-15")
        assert chart.status_code == 200 and chart.headers["content-type"] == "image/svg+xml"


def test_a_huge_article_is_shown_in_part(tmp_path, monkeypatch):
    monkeypatch.setattr("frontlines.serve.pages.MAX_SENTENCES", 40)
    article = Article(id="huge", text="Fighting continued near <b>Kabul</b>. " * 50, title="huge")
    article.sentences = split_sentences(article.text)
    db = tmp_path / "huge.duckdb"
    with Store(db) as store:
        store.add_article(article)
        store.save_annotations(article)
    with TestClient(create_app(db)) as c:
        page = c.get("/articles/huge").text
        assert "10 further sentences are not shown" in page and "<b>Kabul" not in page
        assert len(c.get("/articles/huge.json").json()["sentences"]) == 40


# -- map ------------------------------------------------------------------------------------------------------
def test_map_json_as_of_a_day(client):
    data = client.get("/map.json?as_of=2021-08-08&days=3").json()
    assert [e["event_id_cnty"] for e in data["events"]] == ["AFG005", "AFG004"]
    assert data["control_counts"] == {"held:taliban": 2, "held:government": 2, "contested": 2}


def test_map_svg_colours_the_boundary_by_its_capital(client):
    before = client.get("/map.svg?as_of=2021-08-05").text
    after = client.get("/map.svg?as_of=2021-08-06").text
    assert before.startswith("<svg") and 'data-id="t:nimroz"' in before
    assert 'class="area status-held-government" data-id="t:nimroz"' in before
    assert 'class="area status-held-taliban" data-id="t:nimroz"' in after  # Zaranj fell on the 6th
    assert 'href="/events/AFG004"' in after


def test_map_rejects_a_bad_day(client):
    assert client.get("/map.svg?as_of=2021-13-01").status_code == 422
    assert client.get("/map.json?days=0").status_code == 422


# -- report and API -------------------------------------------------------------------------------------------
def test_report_page_renders_or_explains(client):
    response = client.get("/report?as_of=2021-08-16")
    assert response.status_code == 200
    assert 'id="report"' in response.text or 'id="report-message"' in response.text
    assert client.get("/report.json?as_of=2021-08-16&since=2021-08-20").status_code == 422


def test_openapi_documents_the_json_routes(client):
    schema = client.get("/openapi.json").json()
    assert {"/events.json", "/events/{event_id}.json", "/map.json", "/map.svg", "/articles/{article_id}.json",
            "/claims.json", "/report.json"} <= set(schema["paths"])
    params = {p["name"] for p in schema["paths"]["/events.json"]["get"]["parameters"]}
    assert {"date_from", "date_to", "event_type", "sub_event_type", "actor", "province", "district", "q",
            "min_sources", "page", "size"} <= params
    assert "/events" not in schema["paths"]  # the HTML twins are not part of the API


# -- a seed article as a source -------------------------------------------------------------------------------
def test_seed_article_evidence_is_marked_in_context(seed_articles, tmp_path):
    article: Article = seed_articles["001"]
    article.sentences = split_sentences(article.text)
    start = article.text.index("The northern capitals")          # the seed's own sentence, read at run time
    sentence_text = article.text[start:article.text.index("defend it.", start) + len("defend it.")]
    assert "Kunduz" in sentence_text and "\n" not in sentence_text
    sentence = article.sentence_at(start)
    db = tmp_path / "seed.duckdb"
    with Store(db) as store:
        store.add_article(article)
        store.save_annotations(article)
        store.save_events([Event("SEED1", None, None, "Strategic developments", "Non-state actor overtakes territory",
                                 "Taliban", None, location="Kunduz", source_count=1, article_ids=[article.id],
                                 evidence=[Evidence(article.id, sentence.index, start, start + len(sentence_text), sentence_text)])])
    with TestClient(create_app(db)) as c:
        page = c.get("/events/SEED1").text
    assert f'<mark class="evidence" title="sentence {sentence.index}">{sentence_text}</mark>' in page
    assert "Sheberghan" in page  # the rest of the article is there around it
