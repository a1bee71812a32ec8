"""The design study behind the gazetteer index (issue 17): three ways to keep names and places on disk.

    python benchmarks/gazetteer_index.py ../shared/geoparsing

From the built index (``gazetteer-<fingerprint>.sqlite``) it writes the same names (name key -> place
indices) and place records in two other forms in a temporary folder, then measures each in a fresh process:

* ``sqlite``: the shipped design. Tables with a primary key on the name key and on the place index, read
  through a read-only, memory-mapped connection (``PRAGMA mmap_size``);
* ``marisa``: a ``marisa_trie.RecordTrie`` (name key -> place indices) and a ``marisa_trie.BytesTrie``
  (place index -> packed record), both memory-mapped files (``trie.mmap``);
* ``duckdb``: the same two tables in a DuckDB file with an ART index on each key.

For each: file size, time to open, resident memory after opening and after the lookups, microseconds per
name lookup (every name key the 429 GWN + GeoVirus texts contain, then 20,000 random keys) and per place
record (20,000 random indices). The pickled gazetteer it replaced: see docs/architecture.md.
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MIB = 2 ** 20

MEASURE = r'''
import json, random, sys, time, psutil
design, folder, sample_file = sys.argv[1], sys.argv[2], sys.argv[3]
sample = json.load(open(sample_file))
proc = psutil.Process()
base = proc.memory_info().rss
t = time.perf_counter()
if design == "sqlite":
    import sqlite3
    db = sqlite3.connect(f"file:{folder}/index.sqlite?mode=ro&immutable=1", uri=True)
    db.execute("PRAGMA mmap_size=1073741824")
    def names(key): return [r[0] for r in db.execute("SELECT value FROM names WHERE key = ? ORDER BY n", (key,))]
    def place(i): return db.execute("SELECT * FROM places WHERE i = ?", (i,)).fetchone()
elif design == "marisa":
    import marisa_trie
    keys = marisa_trie.RecordTrie("<i").mmap(f"{folder}/names.marisa")
    records = marisa_trie.BytesTrie().mmap(f"{folder}/places.marisa")
    def names(key): return [v for (v,) in keys.get(key, [])]
    def place(i): return json.loads(records[str(i)][0])
else:
    import duckdb
    db = duckdb.connect(f"{folder}/index.duckdb", read_only=True)
    def names(key): return [r[0] for r in db.execute("SELECT value FROM names WHERE key = ? ORDER BY n", [key]).fetchall()]
    def place(i): return db.execute("SELECT * FROM places WHERE i = ?", [i]).fetchone()
opened = time.perf_counter() - t
rss_open = proc.memory_info().rss - base
t = time.perf_counter(); found = sum(len(names(k)) for k in sample["text_keys"]); text_s = time.perf_counter() - t
t = time.perf_counter(); sum(len(names(k)) for k in sample["random_keys"]); key_s = time.perf_counter() - t
t = time.perf_counter(); [place(i) for i in sample["random_places"]]; place_s = time.perf_counter() - t
print(json.dumps({"open_s": opened, "rss_open": rss_open, "rss_after": proc.memory_info().rss - base, "found": found,
                  "text_us": 1e6 * text_s / len(sample["text_keys"]), "key_us": 1e6 * key_s / len(sample["random_keys"]),
                  "place_us": 1e6 * place_s / len(sample["random_places"])}))
'''


def text_keys(corpus: Path, gazetteer) -> list[str]:
    from frontlines.understand.places.benchmark import read_geovirus, read_gwn

    texts = [t for t, _ in read_gwn(corpus / "GWN.xml")] + [t for t, _ in read_geovirus(corpus / "GeoVirus.xml")]
    return [m.key for text in texts for m in gazetteer.find(text)]


def write_marisa(rows: list[tuple], names: list[tuple], folder: Path) -> None:
    import marisa_trie

    marisa_trie.RecordTrie("<i", ((key, (value,)) for key, _, value in names)).save(str(folder / "names.marisa"))
    marisa_trie.BytesTrie((str(row[0]), json.dumps(row[1:]).encode()) for row in rows).save(str(folder / "places.marisa"))


def write_duckdb(rows: list[tuple], names: list[tuple], folder: Path) -> None:
    import duckdb

    db = duckdb.connect(str(folder / "index.duckdb"))
    db.execute("CREATE TABLE names (key VARCHAR, n INTEGER, value INTEGER)")
    db.execute("INSERT INTO names SELECT key, n, value FROM read_json_auto(?)", [_as_json(folder, names, ("key", "n", "value"))])
    db.execute("CREATE TABLE places AS SELECT * FROM read_json_auto(?)",
               [_as_json(folder, rows, ("i", "id", "name", "kind", "country", "admin1", "admin2", "admin1_code",
                                        "admin2_code", "lat", "lon", "population", "is_capital", "source"))])
    db.execute("CREATE INDEX names_key ON names (key)")
    db.execute("CREATE INDEX places_i ON places (i)")
    db.close()


def _as_json(folder: Path, rows: list[tuple], columns: tuple[str, ...]) -> str:
    path = folder / f"rows-{columns[0]}.json"
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(dict(zip(columns, row))) + "\n")
    return str(path)


def main() -> None:
    import shutil
    import sqlite3

    from frontlines.understand.places.gazetteer import default_gazetteer

    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "geoparsing"
    gazetteer = default_gazetteer()
    source = gazetteer.source.path
    db = sqlite3.connect(source)
    rows = db.execute("SELECT * FROM places ORDER BY i").fetchall()
    names = db.execute("SELECT key, n, value FROM names").fetchall()
    db.close()
    rng = random.Random(17)
    every_key = sorted({key for key, _, _ in names})
    sample = {"text_keys": text_keys(corpus, gazetteer), "random_keys": rng.sample(every_key, 20000),
              "random_places": [rng.randrange(len(rows)) for _ in range(20000)]}
    with tempfile.TemporaryDirectory(prefix="frontlines-index-") as tmp:
        folder = Path(tmp)
        shutil.copy(source, folder / "index.sqlite")
        write_marisa(rows, names, folder)
        write_duckdb(rows, names, folder)
        (folder / "sample.json").write_text(json.dumps(sample))
        sizes = {"sqlite": (folder / "index.sqlite").stat().st_size,
                 "marisa": (folder / "names.marisa").stat().st_size + (folder / "places.marisa").stat().st_size,
                 "duckdb": (folder / "index.duckdb").stat().st_size}
        print(f"{len(rows):,} places, {len(every_key):,} name keys ({len(names):,} name -> place pairs); "
              f"{len(sample['text_keys']):,} names found in the 429 texts")
        for design in ("sqlite", "marisa", "duckdb"):
            out = subprocess.run([sys.executable, "-c", MEASURE, design, str(folder), str(folder / "sample.json")],
                                 capture_output=True, text=True, check=True).stdout
            r = json.loads(out)
            print(f"{design:7s} file {sizes[design] / MIB:6.1f} MiB  open {1000 * r['open_s']:6.1f} ms  "
                  f"RSS +{r['rss_open'] / MIB:5.1f} MiB open, +{r['rss_after'] / MIB:5.1f} MiB after  "
                  f"names in texts {r['text_us']:6.1f} us  random names {r['key_us']:6.1f} us  "
                  f"places {r['place_us']:6.1f} us")


if __name__ == "__main__":
    main()
