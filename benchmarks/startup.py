"""Start-up, memory, throughput and worker scaling of frontlines on real news, against bare spaCy (issue 17).

    python benchmarks/startup.py ../shared/geoparsing            # every figure (a few minutes)
    python benchmarks/startup.py ../shared/geoparsing --repeat 5 # more start-up runs (the median is shown)

The texts are the 429 articles of GeoWebNews (GWN.xml) and GeoVirus (GeoVirus.xml), written to a temporary
JSON-lines file. The baseline is bare spaCy running the model's default pipeline (every component it enables:
tok2vec, tagger, parser, attribute_ruler, lemmatizer, ner), while frontlines runs its own default pipes
(``DEFAULT_PIPES``: the same without the lemmatizer) and everything after them. Each figure runs real commands
in fresh processes:

* start-up: ``frontlines run`` on one short article (the shortest of at least 500 characters) against a bare
  Python process that loads the same spaCy model and tags the same text with its default pipeline
  (target <= 1.5x);
* ``frontlines geocode "Kunduz"`` (target <= 1.0 s); both with the gazetteer index already built;
* peak resident memory of the whole process tree of ``frontlines run`` over the 429 texts against bare spaCy
  tagging them with ``nlp.pipe`` at the batch size frontlines uses (target <= 1.25x);
* whole-run throughput: wall and processor seconds of that run, start to end, against the bare spaCy process
  (target: ours >= 0.9x bare's articles/s); words/s and articles/s per process;
* the same run with ``--workers 2``: each worker's peak (RSS, and PSS, which splits pages shared between
  processes), and what the tree gained over one process (target: each extra worker <= 300 MiB);
* wall time of the whole run at one and two workers (target: two >= 1.7x one).

Wall times are medians of ``--repeat`` runs (start-up) and ``--runs`` runs (whole runs), interleaved; the machine
may be shared, so read them with the load average printed beside them, and with processor seconds.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MIB = 2 ** 20
# Bare spaCy: the model's default pipeline (no select_pipes), as a user of spaCy would run it.
BARE_ONE = """
import spacy, sys
nlp = spacy.load({model!r})
doc = nlp(open(sys.argv[1], encoding="utf-8").read())
print(len(doc.ents))
"""
BARE_ALL = """
import json, spacy, sys
nlp = spacy.load({model!r})
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
print(sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size={batch_size})))
"""


def read_texts(corpus: Path) -> list[str]:
    """The article texts of GWN.xml and GeoVirus.xml."""
    from frontlines.understand.places.benchmark import read_geovirus, read_gwn

    texts = [text for text, _ in read_gwn(corpus / "GWN.xml")]
    return texts + [text for text, _ in read_geovirus(corpus / "GeoVirus.xml")]


class Sampler:
    """Samples a process tree's resident memory until the process ends: peak of the sum, peak per process."""

    def __init__(self, process: subprocess.Popen, pss: bool = False) -> None:
        self.root = psutil.Process(process.pid)
        self.pss = pss
        self.peak = 0
        self.peaks: dict[int, tuple[int, int, str, int]] = {}   # pid -> (peak RSS, peak PSS, command line, parent)
        self.cpu: dict[int, float] = {}   # pid -> processor seconds at the latest sample (workers are not our children)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            total = 0
            try:
                if self.root.status() == psutil.STATUS_ZOMBIE:
                    break
                tree = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            for proc in tree:
                try:
                    times = proc.cpu_times()
                    self.cpu[proc.pid] = times.user + times.system
                    info = proc.memory_full_info() if self.pss else proc.memory_info()
                    rss, pss = info.rss, getattr(info, "pss", 0)
                    old = self.peaks.get(proc.pid, (0, 0, "", 0))
                    self.peaks[proc.pid] = (max(old[0], rss), max(old[1], pss),
                                            old[2] or " ".join(proc.cmdline())[:200], old[3] or proc.ppid())
                    total += rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            time.sleep(0.05)

    def join(self) -> None:
        self.thread.join(timeout=5)

    def processor(self) -> float:
        """Processor seconds of every process of the tree, as last sampled (a fork server's workers are not
        children of the run, so ``wait4`` does not count them)."""
        return sum(self.cpu.values())


def timed(command: list[str], pss: bool = False, env: dict | None = None) -> tuple[float, Sampler, float]:
    """Wall seconds of a command, its memory sampler and its processor seconds (user + system, its children
    included: on a shared machine they move less than wall time); exits if the command fails."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=REPO)
        sampler = Sampler(process, pss)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        sampler.join()
        if process.returncode != 0:
            err.seek(0)
            sys.exit(f"benchmark: {' '.join(command[:3])} failed ({process.returncode}): {err.read().decode()[-400:]}")
    return seconds, sampler, usage.ru_utime + usage.ru_stime


def run_command(inputs: Path, out: Path, workers: int = 1) -> list[str]:
    return [str(BIN / "frontlines"), "run", str(inputs), "--out", str(out), "--workers", str(workers), "--json"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="folder with GWN.xml and GeoVirus.xml (../shared/geoparsing)")
    parser.add_argument("--repeat", type=int, default=3, help="start-up runs of each command (median shown)")
    parser.add_argument("--runs", type=int, default=1, help="whole runs over the 429 texts of each kind (median)")
    parser.add_argument("--skip-workers", action="store_true", help="leave out the --workers 2 runs")
    args = parser.parse_args()
    from frontlines.pipeline import load_config
    from frontlines.understand.language import DEFAULT_MODEL, DEFAULT_PIPES
    from frontlines.understand.places.gazetteer import default_gazetteer

    default_gazetteer()   # the index is built once, before anything is timed
    language = load_config()["components"]["language"]
    batch_size = int(language.get("batch_size", 16))
    texts = read_texts(args.corpus)
    words = sum(len(t.split()) for t in texts)
    short = min((t for t in texts if len(t) >= 500), key=len)
    with tempfile.TemporaryDirectory(prefix="frontlines-startup-") as tmp:
        work = Path(tmp)
        (work / "short.txt").write_text(short, encoding="utf-8")
        (work / "one").mkdir()
        (work / "one" / "article.jsonl").write_text(json.dumps({"id": "short", "text": short}) + "\n", encoding="utf-8")
        (work / "all").mkdir()
        with open(work / "all" / "articles.jsonl", "w", encoding="utf-8") as handle:
            for n, text in enumerate(texts):
                handle.write(json.dumps({"id": f"t{n}", "text": text}) + "\n")
        (work / "bare_one.py").write_text(BARE_ONE.format(model=DEFAULT_MODEL))
        (work / "bare_all.py").write_text(BARE_ALL.format(model=DEFAULT_MODEL, batch_size=batch_size))
        python = sys.executable
        print(f"429 texts ({words:,} words); short article {len(short.split())} words; frontlines pipes "
              f"{', '.join(language.get('pipes', DEFAULT_PIPES))}, bare spaCy its default pipeline; "
              f"{batch_size} texts per nlp.pipe call; {load()}")

        ours, bare, geocode = [], [], []
        for n in range(args.repeat):
            ours.append(timed(run_command(work / "one", work / f"out-one-{n}")))
            bare.append(timed([python, str(work / "bare_one.py"), str(work / "short.txt")]))
            geocode.append(timed([str(BIN / "frontlines"), "geocode", "Kunduz"]))
        ours_cpu, bare_cpu, geocode_cpu = (statistics.median(r[2] for r in runs) for runs in (ours, bare, geocode))
        ours, bare, geocode = ([r[0] for r in runs] for runs in (ours, bare, geocode))
        ours_s, bare_s, geocode_s = map(statistics.median, (ours, bare, geocode))
        print(f"start-up  frontlines run, one article {ours_s:5.2f} s   bare spaCy {bare_s:5.2f} s   "
              f"ratio {ours_s / bare_s:.2f}x (target <= 1.5x)   runs {[round(s, 2) for s in ours]} / "
              f"{[round(s, 2) for s in bare]}; processor {ours_cpu:.2f} s / {bare_cpu:.2f} s: "
              f"{ours_cpu / bare_cpu:.2f}x   ({load()})")
        print(f"geocode   frontlines geocode Kunduz  {geocode_s:5.2f} s (target <= 1.0 s)   "
              f"runs {[round(s, 2) for s in geocode]}; processor {geocode_cpu:.2f} s")

        articles = work / "all" / "articles.jsonl"
        runs: dict[str, list[tuple[float, Sampler, float]]] = {"ours": [], "bare": [], "two": []}
        for n in range(args.runs):   # interleaved, so a busy spell of the machine falls on all kinds alike
            runs["ours"].append(timed(run_command(work / "all", work / f"out-all-1-{n}")))
            runs["bare"].append(timed([python, str(work / "bare_all.py"), str(articles)]))
            if not args.skip_workers:
                runs["two"].append(timed(run_command(work / "all", work / f"out-all-2-{n}", workers=2), pss=True))
            print(f"  whole runs {n + 1}: ours {runs['ours'][-1][0]:.1f} s, bare {runs['bare'][-1][0]:.1f} s"
                  + (f", two workers {runs['two'][-1][0]:.1f} s" if runs["two"] else "") + f" ({load()})")
        one_s, one_cpu = median_run(runs["ours"])
        bare_all_s, bare_all_cpu = median_run(runs["bare"])
        one = runs["ours"][0][1]
        one_peak = max(r[1].peak for r in runs["ours"])
        bare_peak = max(r[1].peak for r in runs["bare"])
        print(f"memory    frontlines run, 429 texts: peak {one_peak / MIB:,.0f} MiB   bare spaCy {bare_peak / MIB:,.0f} MiB"
              f"   ratio {one_peak / bare_peak:.2f}x (target <= 1.25x)")
        print(f"speed     whole process, 429 texts: frontlines run {one_s:.1f} s ({429 / one_s:.1f} articles/s, "
              f"{words / one_s:,.0f} words/s; processor {one_cpu:.1f} s), bare spaCy {bare_all_s:.1f} s "
              f"({429 / bare_all_s:.1f} articles/s, {words / bare_all_s:,.0f} words/s; processor {bare_all_cpu:.1f} s): "
              f"ours / bare {bare_all_s / one_s:.2f} (target >= 0.9), in processor time {bare_all_cpu / one_cpu:.2f}")
        if args.skip_workers:
            return
        two_s, _ = median_run(runs["two"])
        two_cpu = statistics.median(r[1].processor() for r in runs["two"])
        two = runs["two"][0][1]
        servers = {pid for pid, peak in two.peaks.items() if peak[3] == two.root.pid and "forkserver" in peak[2]}
        workers = [peak for pid, peak in two.peaks.items() if pid != two.root.pid and pid not in servers
                   and (peak[3] in servers or "spawn_main" in peak[2])]
        shown = ", ".join(f"RSS {rss / MIB:,.0f} / PSS {pss / MIB:,.0f} MiB" for rss, pss, _, _ in workers)
        server = "; ".join(f"their fork server RSS {two.peaks[pid][0] / MIB:,.0f} / PSS {two.peaks[pid][1] / MIB:,.0f} MiB"
                           for pid in servers)
        print(f"workers   --workers 2: tree peak {two.peak / MIB:,.0f} MiB; each worker's peak: {shown}; {server}; "
              f"tree gained {(two.peak - one.peak) / MIB:+,.0f} MiB over one process (target: <= 300 MiB per extra worker)")
        print(f"scaling   whole run, 429 texts: one process {one_s:.1f} s, two workers {two_s:.1f} s "
              f"({429 / two_s:.1f} articles/s, {words / two_s:,.0f} words/s): {one_s / two_s:.2f}x (target >= 1.7x); "
              f"processor {one_cpu:.1f} s and {two_cpu:.1f} s (sampled over the tree)   ({load()})")


def median_run(runs: list[tuple[float, "Sampler", float]]) -> tuple[float, float]:
    """Median wall and processor seconds of whole runs."""
    return statistics.median(r[0] for r in runs), statistics.median(r[2] for r in runs)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} on {os.cpu_count()} CPUs"


if __name__ == "__main__":
    main()
