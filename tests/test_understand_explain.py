"""`frontlines explain`: the per-sentence breakdown read back from the store, text never rendered as markup."""
from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from frontlines.cli import app
from frontlines.model import Article
from frontlines.pipeline import Pipeline
from frontlines.storage import Store

UNDERSTAND = Pipeline(components=["sentences", "actors", "dates", "quantities", "claims", "modality"])
HOSTILE = "[bold red]Taliban[/] \x1b[31mcaptured[0m [link=http://x]Kunduz[/link] on Friday."


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "store.duckdb"
    article = Article(id="a1", text="The Taliban claim to control more than 90 of the 407 regions.\n\n" + HOSTILE +
                      "\n\nThe army has vowed to defend the town.", published=date(2021, 8, 9), outlet="[red]Outlet[/red]")
    with Store(path) as store:
        store.add_article(UNDERSTAND(article))
        store.save_annotations(article)
    return path


def test_explain_json(db):
    result = CliRunner().invoke(app, ["explain", "a1", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    first, hostile, plan = data["sentences"]
    assert first["claims"][0]["count"] == 90 and first["claims"][0]["denominator"] == 407
    assert first["claims"][0]["claimant"] == "taliban"
    assert first["actors"][0]["name"] == "Taliban" and first["actors"][0]["type"] == "Rebel group"
    assert hostile["dates"][0]["date_start"] == "2021-08-06"
    assert hostile["text"] == HOSTILE
    assert (plan["modality"], plan["modality_cue"]) == ("plan", "vowed to")


def test_explain_prints_article_text_literally(db):
    result = CliRunner().invoke(app, ["explain", "a1", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "[bold red]Taliban[/]" in result.output          # markup shown, not interpreted
    assert "[link=http://x]Kunduz[/link]" in result.output
    assert "[red]Outlet[/red]" in result.output
    assert "\x1b" not in result.output                      # no terminal escapes from the article
    assert "vowed to" in result.output and "plan" in result.output


def test_explain_errors_are_messages_not_tracebacks(db, tmp_path):
    runner = CliRunner()
    missing = runner.invoke(app, ["explain", "nope", "--db", str(db)])
    assert missing.exit_code == 1 and "No article 'nope'" in missing.output
    no_store = runner.invoke(app, ["explain", "a1", "--db", str(tmp_path / "absent.duckdb")])
    assert no_store.exit_code == 2 and "No store" in no_store.output
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"\x00not a database" * 100)
    broken = runner.invoke(app, ["explain", "a1", "--db", str(garbage)])
    assert broken.exit_code == 2 and "Cannot read store" in broken.output
    assert "Traceback" not in missing.output + no_store.output + broken.output


def test_explain_names_a_generic_actor_for_the_country_of_its_place(tmp_path):
    path = tmp_path / "store.duckdb"
    article = Article(id="sd1", text="The army shelled El Fasher in North Darfur on Monday, killing four civilians.",
                      published=date(2024, 6, 11))
    with Store(path) as store:
        store.add_article(Pipeline(components=["sentences", "places", "actors", "dates"])(article))
        store.save_annotations(article)
    result = CliRunner().invoke(app, ["explain", "sd1", "--db", str(path), "--json"])
    assert result.exit_code == 0, result.output
    names = {a["text"]: a["name"] for a in json.loads(result.output)["sentences"][0]["actors"]}
    assert names["The army"] == "Military Forces of Sudan (2019-)", names
    assert names["civilians"] == "Civilians (Sudan)"
