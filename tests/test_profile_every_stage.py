"""A profile of our own, written in a temporary folder, reaches every stage: recognition and the coder (an actor only
the profile knows), fusion (its ACLED type), control (its sides and tracked places), the report and the web app; a
starter from `frontlines profile new` runs; bad profiles and a store of another profile are refused in one line."""
from __future__ import annotations

import json
from datetime import date

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from frontlines.cli import app
from frontlines.profiles import ProfileError, load_profile

pytestmark = pytest.mark.slow

PROFILE = """name: darfur-test
title: "Darfur: a test war of our own"
countries: [SD]
focus: SD
period: {from: 2024-01-01}
actors:
  - id: darfur_front
    name: Darfur Freedom Front
    roles: [{type: Rebel group}]
    aliases: [Darfur Freedom Front, DFF, DFF fighters]
sides:
  army: {name: the army, colour: "#123456", actors: ["state_forces:SD"]}
  front: {name: the Front, colour: "#abcdef", actors: [darfur_front]}
tracked:
  label: Darfur state capitals
  places: [El Fasher, Nyala, Geneina]
claims_side: front
"""
# Our own sentences.
ARTICLES = [
    {"id": "fasher", "published": "2024-05-14", "title": "Front takes El Fasher",
     "text": "Fighters of the Darfur Freedom Front seized El Fasher on Monday after the Sudanese army withdrew from "
             "the city, residents said."},
    {"id": "nyala", "published": "2024-05-16", "title": "Clashes in Nyala",
     "text": "DFF fighters clashed with Sudanese troops in Nyala on Wednesday, witnesses said."},
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from frontlines.pipeline import load_config
    from frontlines.run import run_corpus

    folder = tmp_path_factory.mktemp("darfur")
    (folder / "profile").mkdir()
    (folder / "profile" / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    corpus = folder / "news.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    profile = load_profile(folder / "profile")
    summary = run_corpus([corpus], folder / "out", config=load_config(profile=profile))
    return folder, summary


def test_the_profile_reaches_the_coder_and_fusion(run):
    from frontlines.storage import Store

    folder, summary = run
    assert summary["profile"]["name"] == "darfur-test" and summary["profile"]["path"].endswith("profile.yaml")
    with Store(folder / "out" / "frontlines.duckdb", read_only=True) as store:
        events = {e.article_ids[0]: e for e in store.events()}
    fasher = events["fasher"]
    assert (fasher.sub_event_type, fasher.actor1, fasher.actor2) == (
        "Non-state actor overtakes territory", "Darfur Freedom Front", "Military Forces of Sudan (2019-)")
    assert fasher.iso == 729 and fasher.location == "El Fasher" and fasher.inter2 == 1
    assert events["nyala"].sub_event_type == "Armed clash" and len(events["nyala"].article_ids) == 1


def test_fusion_gives_a_profile_actor_its_acled_type(run):
    from frontlines.storage import Store

    folder, _ = run
    with Store(folder / "out" / "frontlines.duckdb", read_only=True) as store:
        fasher = next(e for e in store.events() if e.article_ids == ["fasher"])
    assert fasher.inter1 == 2   # the profile's type for the Front: Rebel group


def test_control_counts_the_profiles_sides_and_tracked_places(run):
    folder, _ = run
    result = CliRunner().invoke(app, ["control", "--as-of", "2024-05-20", "--db", str(folder / "out" / "frontlines.duckdb"),
                                      "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["place"]: r for r in json.loads(result.stdout)}
    assert rows["El Fasher"]["kind"] == "capital" and rows["El Fasher"]["side"] == "front"
    assert rows["Nyala"]["status"] == "contested"
    text = CliRunner().invoke(app, ["control", "--as-of", "2024-05-20", "--db", str(folder / "out" / "frontlines.duckdb")])
    assert "of the 3 Darfur state capitals: 1 held by the Front, 1 contested" in " ".join(text.output.split())


def test_the_report_speaks_of_the_profiles_sides_and_places(run, tmp_path):
    folder, _ = run
    result = CliRunner().invoke(app, ["report", "--as-of", "2024-05-20", "--out", str(tmp_path),
                                      "--db", str(folder / "out" / "frontlines.duckdb")])
    assert result.exit_code == 0, result.output
    text = " ".join((tmp_path / "report.md").read_text(encoding="utf-8").split())
    assert "1 of the 3 Darfur state capitals was held by the Front" in text
    assert "Darfur state capitals that changed hands: 1 of 3" in text
    assert "Taliban" not in text and "provincial" not in text
    svg = (tmp_path / "map.svg").read_text(encoding="utf-8")
    assert "#abcdef" in svg and "held by the Front" in svg          # the side's colour and name on the map


def test_the_web_app_shows_the_profiles_sides(run):
    from frontlines.serve import create_app

    folder, _ = run
    with TestClient(create_app(folder / "out" / "frontlines.duckdb")) as client:
        data = client.get("/map.json", params={"as_of": "2024-05-20"}).json()
    legend = {item["key"]: item for item in data["legend"]}
    assert legend["held:front"]["label"] == "held by the Front" and legend["held:front"]["colour"] == "#abcdef"
    assert legend["held:army"]["colour"] == "#123456"


def test_a_run_under_another_profile_into_this_store_is_refused(run, tmp_path):
    folder, _ = run
    db = folder / "out" / "frontlines.duckdb"
    before = db.stat().st_size, db.stat().st_mtime_ns
    news = tmp_path / "more.jsonl"
    news.write_text(json.dumps({"id": "x", "published": "2024-05-20", "text": "Nothing happened."}) + "\n")
    result = CliRunner().invoke(app, ["run", str(news), "--out", str(tmp_path / "o"), "--db", str(db),
                                      "--profile", "sudan-2023"])
    assert result.exit_code == 2
    assert "made with profile darfur-test, not --profile sudan-2023" in " ".join(result.output.split())
    assert "--force-profile" in result.output and (db.stat().st_size, db.stat().st_mtime_ns) == before


def test_a_starter_profile_loads_and_runs(tmp_path):
    from frontlines.pipeline import load_config
    from frontlines.run import run_corpus

    result = CliRunner().invoke(app, ["profile", "new", "sudan-mine", "--country", "SD", "--out", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    profile = load_profile(tmp_path / "p")
    assert profile.countries == ["SD"] and {"state", "rsf"} <= {s.key for s in profile.sides}
    assert len(profile.tracked) == 18                                   # Sudan's state seats in the gazetteer
    corpus = tmp_path / "a.jsonl"
    corpus.write_text(json.dumps(ARTICLES[0] | {"text": "Rapid Support Forces fighters seized El Fasher on Monday."})
                      + "\n", encoding="utf-8")
    summary = run_corpus([corpus], tmp_path / "out", config=load_config(profile=profile))
    assert summary["profile"]["name"] == "sudan-mine" and summary["events"] >= 1
    again = CliRunner().invoke(app, ["profile", "new", "sudan-mine", "--country", "SD", "--out", str(tmp_path / "p")])
    assert again.exit_code == 2 and "exists already" in again.output  # never overwritten


@pytest.mark.parametrize("broken, field", [
    (PROFILE.replace("aliases: [Darfur Freedom Front, DFF, DFF fighters]", "aliases: [RSF]"), "actors[0].aliases"),
    (PROFILE.replace('actors: ["state_forces:SD"]', "actors: [nobody_at_all]"), "sides.army.actors"),
    (PROFILE.replace("roles: [{type: Rebel group}]", "roles: [{type: Rebels}]"), "actors[0].roles[0].type"),
    (PROFILE.replace("places: [El Fasher, Nyala, Geneina]", "places: [Atlantis-on-Nile]"), "tracked.places"),
    (PROFILE.replace("claims_side: front", "claim_side: front"), "claim_side"),
    (PROFILE.replace("period: {from: 2024-01-01}", "period: {from: 2024-01-01, to: 2023-01-01}"), "period.to"),
    (PROFILE.replace("countries: [SD]", "countries: SD"), "countries"),
    (PROFILE.replace("sides:", "  - {id: darfur_front2, name: Other, roles: [{type: Rebel group}], aliases: [DFF]}\n"
                     "sides:"), "actors[1].aliases: 'DFF' is claimed by two actors"),
    (PROFILE.replace("title:", "title: [unclosed"), "cannot read"),
    (PROFILE.replace("name: darfur-test", "name: ../../elsewhere"), "name"),
])
def test_a_bad_profile_is_one_line_naming_the_file_and_field(tmp_path, broken, field):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "profile.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(ProfileError, match=field.replace("[", r"\[").replace("]", r"\]")) as caught:
        load_profile(tmp_path / "p")
    assert "profile.yaml" in str(caught.value) and "\n" not in str(caught.value)
    news = tmp_path / "a.jsonl"
    news.write_text(json.dumps({"id": "a", "text": "Nothing happened."}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(news), "--out", str(tmp_path / "out"), "--profile", str(tmp_path / "p")])
    assert result.exit_code == 2 and not (tmp_path / "out" / "frontlines.duckdb").exists()


def test_a_profiles_merged_dictionary_follows_the_packaged_one(tmp_path, monkeypatch):
    """The merged actor file in the cache is named by the packaged files it extends: a changed (or moved) package
    never runs with a stale copy of them."""
    from frontlines import profiles
    from frontlines.understand import actors

    profile = profiles.load_profile("sudan-2023")
    first = profiles.actor_file(profile)
    changed = tmp_path / "actors.yaml"
    changed.write_text(actors.ACTORS_FILE.read_text(encoding="utf-8") + "\n# a new line\n", encoding="utf-8")
    for name in ("armed_groups.yaml",):
        (tmp_path / name).write_text((actors.ACTORS_FILE.parent / name).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(actors, "ACTORS_FILE", changed)
    second = profiles.actor_file(profile)
    assert second != first and second.exists()
    assert str(tmp_path / "armed_groups.yaml") in second.read_text(encoding="utf-8")
