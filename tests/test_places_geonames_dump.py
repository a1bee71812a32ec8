"""A GeoNames dump a user downloads adds villages, quarters, passes and rivers to a store's gazetteer.

The fixture (tests/fixtures/geonames_dump_af.txt) is written by us in GeoNames' format: invented villages around
Kunduz, one row GeoNames already ships in cities500 (Kunduz), an administrative area and an abandoned village
(not imported) and a broken line."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontlines.cli import app
from frontlines.storage import Store
from frontlines.understand.places.component import load_gazetteer
from frontlines.understand.places.geonames_dump import DumpError, import_geonames, is_geonames_dump
from frontlines.understand.places.geoparser import Geoparser

DUMP = Path(__file__).parent / "fixtures" / "geonames_dump_af.txt"
runner = CliRunner()


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "store.duckdb"
    Store(path).close()
    return path


def _imported(db):
    with Store(db, read_only=True) as store:
        return {p.id: p for p in store.places(source_prefix="geonames-dump:")}


def test_import_adds_villages_quarters_passes_and_rivers_only(db):
    result = runner.invoke(app, ["places", "import", str(DUMP), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "Imported 5 places" in result.output and "1 already in the gazetteer" in " ".join(result.output.split())
    places = _imported(db)
    assert set(places) == {"gn:9000001", "gn:9000002", "gn:9000003", "gn:9000004", "gn:9000007"}
    gultepa, quarter, pass_, river = (places[i] for i in ("gn:9000001", "gn:9000002", "gn:9000003", "gn:9000004"))
    assert (gultepa.kind, gultepa.admin1, gultepa.admin1_code) == ("village", "Kunduz", "AF-KDZ")
    assert quarter.kind == "village" and pass_.kind == "region" and pass_.admin1 == "Baghlan" and river.kind == "river"
    # not the administrative area, not the abandoned village, not Kunduz again (cities500 has it, curated)
    assert "gn:9000005" not in places and "gn:9000006" not in places and "gn:1135689" not in places


def test_geocode_finds_an_imported_village_only_in_that_store(db):
    runner.invoke(app, ["places", "import", str(DUMP), "--db", str(db)])
    found = json.loads(runner.invoke(app, ["geocode", "Gul Tappeh", "--db", str(db), "--json"]).output)
    assert found and found[0]["id"] == "gn:9000001" and found[0]["lat"] == 36.8012
    other = runner.invoke(app, ["geocode", "Gul Tappeh", "--json"]).output
    assert "gn:9000001" not in other


def test_the_geoparser_reads_imported_places_but_not_a_name_nobody_calls_a_place(db):
    from frontlines.understand.language import load_model

    with Store(db) as store:
        import_geonames(DUMP, store, load_gazetteer())
    with Store(db, read_only=True) as store:
        parser = Geoparser(load_gazetteer(store), country_focus="AF")
    nlp = load_model()
    text = "Clashes broke out in Gultepa, a village west of Kunduz city. Fighting also reached Shahrak-e Naw."
    found = {m.text: m.place.id for m in parser.parse_text(text, doc=nlp(text)) if m.place}
    assert found == {"Gultepa": "gn:9000001", "Kunduz": "af:kunduz", "Shahrak-e Naw": "gn:9000002"}
    # "Rahim" is also a village of the dump: in the focus country, an imported name needs NER, a cue or a neighbour
    text = "Rahim told reporters the road was closed."
    assert not [m for m in parser.parse_text(text, doc=nlp(text)) if m.place]


def test_a_zipped_dump_is_read_like_the_text(db, tmp_path):
    archive = tmp_path / "AF.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(DUMP, "AF.txt")
        handle.writestr("readme.txt", "GeoNames dump readme")
    assert is_geonames_dump(archive)
    with Store(db) as store:
        assert import_geonames(archive, store, load_gazetteer())["imported"] == 5


def test_a_file_that_is_not_a_dump_is_refused_and_nothing_is_imported(db, tmp_path):
    geojson = tmp_path / "districts.geojson"
    geojson.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    assert not is_geonames_dump(geojson)
    latin1 = tmp_path / "AF.txt"
    latin1.write_bytes(DUMP.read_bytes() + "9000009\tKal\xe9\tKale\t\t36.7\t68.8\tP\tPPL\tAF\t\t24\t\t\t\t0\t\t400\tAsia/Kabul\t2024-03-01\n"
                       .encode("latin-1"))
    with Store(db) as store, pytest.raises(DumpError, match="not UTF-8"):
        import_geonames(latin1, store, load_gazetteer())
    assert _imported(db) == {}
    result = runner.invoke(app, ["places", "import", str(latin1), "--db", str(db)])
    assert result.exit_code == 2 and "Cannot import" in result.output


def test_worker_processes_get_the_imported_places_through_their_settings(db):
    """Workers cannot open the store the run writes: the run hands them the imported places, pickled."""
    import pickle

    from frontlines.model import Article
    from frontlines.run import with_imported_places
    from frontlines.understand.places.component import PlaceComponent
    from frontlines.understand.language import load_model
    from frontlines.understand.sentences import split_sentences

    config = {"components": {"places": {"factory": "frontlines.understand.places:PlaceComponent"}}}
    with Store(db) as store:
        assert with_imported_places(config, store) is config          # nothing imported: nothing to hand over
        import_geonames(DUMP, store, load_gazetteer())
        handed = pickle.loads(pickle.dumps(with_imported_places(config, store)))
    settings = handed["components"]["places"]
    assert settings["factory"] == config["components"]["places"]["factory"] and "imported" not in config["components"]["places"]
    text = "Clashes broke out in Gultepa, a village west of Kunduz city."
    article = Article(id="w1", text=text, doc=load_model()(text))
    article.sentences = split_sentences(text)
    places = PlaceComponent(settings, context=None)(article).places
    assert [m.place.id for m in places if m.place] == ["gn:9000001", "af:kunduz"]


def test_ray_actors_on_another_machine_get_the_imported_places_as_bytes(db, tmp_path, monkeypatch):
    """A Ray actor may run where the driver's cache dir is not: the index file of imported places travels as bytes,
    is written to that machine's cache dir, and gives the same gazetteer as the store."""
    from frontlines.understand.places.boundaries import gazetteer_for_store
    from frontlines.understand.places.gazetteer import default_gazetteer
    from frontlines.understand.places.overlay import hand_over, take_over

    with Store(db) as store:
        assert hand_over(store) is None
        import_geonames(DUMP, store, load_gazetteer())
        local, portable = hand_over(store), hand_over(store, portable=True)
        from_store = gazetteer_for_store(default_gazetteer(), store)
    assert local["data"] is None and portable["data"] == Path(portable["file"]).read_bytes()
    monkeypatch.setenv("FRONTLINES_CACHE_DIR", str(tmp_path / "elsewhere"))
    moved = {**portable, "file": str(tmp_path / "not-here" / Path(portable["file"]).name)}
    imported = take_over(moved)
    assert (tmp_path / "elsewhere" / "imported" / Path(portable["file"]).name).exists()
    assert [p.id for p in imported.places()] == [p.id for p in from_store.places if p.id in from_store.imported]
    with Store(db, read_only=True) as store:
        assert imported.place_names() == store.place_names([p.id for p in imported.places()])
        assert imported.table_hash("places") == store.table_hash("places")
