"""Start-up: a command loads nothing it does not need (issue 17): no Ray, FastAPI, matplotlib, shapely, SciPy or
datasketch for a run of one article or a geocode; the gazetteer is opened, not loaded."""
from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("ray", "fastapi", "matplotlib", "shapely", "scipy", "datasketch", "uvicorn")
PROBE = """
import atexit, json, sys
atexit.register(lambda: print("MODULES " + json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr))
sys.argv = ["frontlines"] + sys.argv[1:]
from frontlines.cli import main
main()
"""


def loaded(*args: str, cwd=None) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=cwd)
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(line for line in done.stderr.splitlines() if line.startswith("MODULES "))
    return set(json.loads(line[len("MODULES "):]))


def test_a_run_loads_nothing_it_does_not_need(tmp_path):
    # Twenty articles: enough rows for the store's bulk inserts, which must not hand DuckDB Arrow tables (it then
    # imports pandas, ~55 MiB in every run).
    lines = [json.dumps({"id": f"a{n}", "text": f"Fighters attacked Kunduz on Sunday, killing {n + 2} guards."})
             for n in range(20)]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n")
    modules = loaded("run", str(tmp_path / "a.jsonl"), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert "spacy" in modules and not modules & {*HEAVY, "pandas", "pyarrow"}


def test_geocode_opens_the_gazetteer_and_loads_no_model(tmp_path):
    modules = loaded("geocode", "Kunduz", "--json", cwd=tmp_path)
    assert not modules & {*HEAVY, "spacy", "torch", "thinc"}
