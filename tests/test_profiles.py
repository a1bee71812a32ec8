"""Conflict profiles: loaded, checked field by field, carried into the config, recorded with each run."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from frontlines.cli import app
from frontlines.pipeline import load_config
from frontlines.profiles import ProfileError, list_profiles, load_profile

GOOD = """name: ruritania-2024
title: "Ruritania: the northern war"
countries: [SD]
focus: SD
actors:
  - {id: northern_front, name: Northern Front, roles: [{type: Rebel group}], aliases: [Northern Front, the Front's fighters]}
sides:
  army: {name: the army, colour: "#2166ac", actors: ["state_forces:SD"]}
  front: {name: the Front, colour: "#b2182b", actors: [northern_front]}
claims_side: front
default_opponents: {northern_front: state_forces}
"""


def write(tmp_path, text: str):
    folder = tmp_path / "p"
    folder.mkdir(exist_ok=True)
    (folder / "profile.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_profile_reaches_places_coder_and_control_settings(tmp_path):
    profile = load_profile(write(tmp_path, GOOD))
    config = load_config(profile=profile)
    assert config["components"]["places"]["country_focus"] == "SD"
    assert config["components"]["events"]["default_opponents"] == {"northern_front": "state_forces"}
    assert config["corpus_stages"]["control"]["sides"]["front"] == ["northern front"]
    assert config["profile"]["name"] == "ruritania-2024" and len(config["profile"]["sha1"]) == 12


def test_the_coder_uses_the_profiles_focus_and_opponents(tmp_path):
    from frontlines.pipeline import PipelineContext
    from frontlines.coding import EventCodingComponent

    config = load_config(profile=load_profile(write(tmp_path, GOOD)))
    component = EventCodingComponent(config["components"]["events"], PipelineContext(config))
    assert component.coder.country_focus == "SD"
    assert component.coder.patterns.default_opponents["northern_front"] == "state_forces"


@pytest.mark.parametrize("broken, field", [
    (GOOD.replace("countries: [SD]", "countries: [XX]"), "countries"),
    (GOOD.replace('colour: "#2166ac"', 'colour: blue'), "sides.army.colour"),
    (GOOD.replace("claims_side: front", "claims_side: rebels"), "claims_side"),
    (GOOD.replace('title: "Ruritania: the northern war"\n', ""), "title"),
    ("just text", "mapping"),
])
def test_a_malformed_profile_names_the_file_and_field(tmp_path, broken, field):
    with pytest.raises(ProfileError, match=field) as caught:
        load_profile(write(tmp_path, broken))
    assert "profile.yaml" in str(caught.value)


def test_run_with_an_unknown_profile_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "a", "text": "Nothing happened."}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(tmp_path / "a.jsonl"), "--out", str(tmp_path / "out"),
                                      "--profile", "no-such-war"])
    assert result.exit_code == 2 and "unknown profile 'no-such-war'" in result.output
    assert not (tmp_path / "out" / "frontlines.duckdb").exists()


def test_the_shipped_profiles_load_and_the_list_command_shows_them():
    names = {p.name for p in list_profiles()}
    assert "afghanistan-2021" in names
    result = CliRunner().invoke(app, ["profiles", "--json"])
    assert result.exit_code == 0 and "afghanistan-2021" in {p["name"] for p in json.loads(result.output)}


def test_a_generic_run_names_the_shipped_profiles_of_its_events_countries_and_days():
    from datetime import date

    from frontlines.model import Event
    from frontlines.profiles import matching_profiles

    def event(iso: int, day: str) -> Event:
        return Event("x", date.fromisoformat(day), 1, "Battles", "Armed clash", "a", "b", iso=iso)

    found = matching_profiles([event(729, "2024-01-01"), event(729, "2024-02-01"), event(104, "2024-01-01"),
                               event(729, "2020-01-01"), event(4, "2024-01-01")])   # Sudan before its war; AF after
    assert found == [{"name": "sudan-2023", "events": 2}, {"name": "myanmar-2023", "events": 1}]
