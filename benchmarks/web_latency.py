"""Latency of the web app over a store of synthetic events (default 100,000): the filtered event list and the map.

    .venv/bin/python benchmarks/web_latency.py [--events 100000] [--requests 40]
    .venv/bin/python benchmarks/web_latency.py --load [--events 4000] [--total 2000] [--concurrency 20]

``--load`` is a bounded local load test instead: a real `frontlines serve` process on 127.0.0.1 (nothing else is
ever addressed), ``--total`` requests (a mix of the pages below, JSON and HTML) sent ``--concurrency`` at a time;
prints p50, p95, p99, the slowest request, requests per second and the errors (any status but 200, any transport
error). In the same run, on a fresh server, ``--baseline`` requests of the same mix are sent one at a time: on a
shared machine the ratio of the burst's p99 to that baseline says more than the milliseconds do. ``--repeat``
runs the whole test that many times (each on fresh servers) and prints the medians.

Builds a throwaway store in a temporary folder (events spread over 2021 across 34 made-up provinces with
rectangular boundaries, 400 controlled places), then times requests in-process through FastAPI's TestClient
(the full app: routing, validation, the store, templates or JSON, headers). The map requests use a different
day each time, so no request is answered from the app's SVG cache. Prints median and p95 per endpoint.
"""
from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from frontlines.model import ControlInterval, Place
from frontlines.serve import create_app
from frontlines.storage import Store
from frontlines.storage.web import load_event_columns

START = date(2021, 1, 1)
DAYS = 365
SUB_TYPES = [("Battles", "Armed clash"), ("Strategic developments", "Non-state actor overtakes territory"),
             ("Strategic developments", "Government regains territory"),
             ("Explosions/Remote violence", "Air/drone strike"), ("Violence against civilians", "Attack")]
ACTORS = ["Taliban", "Military Forces of Afghanistan (2014-2021)", "Police Forces of Afghanistan (2014-2021)",
          "Islamic State (Afghanistan)", "Civilians (Afghanistan)"]
WORDS = "fighters attacked the district centre checkpoint overnight officials said clashes continued near the road".split()


def provinces() -> list[dict]:
    """34 made-up provinces on a 7 x 5 grid over Afghanistan's bounding box, each with a capital at its centre."""
    out = []
    for n in range(34):
        col, row = n % 7, n // 7
        lon0, lat0 = 60.5 + col * 2.0, 29.5 + row * 1.8
        out.append({"id": f"bench:p{n}", "name": f"Province {n}", "lon": lon0 + 1.0, "lat": lat0 + 0.9,
                    "wkt": f"POLYGON (({lon0} {lat0}, {lon0 + 2} {lat0}, {lon0 + 2} {lat0 + 1.8}, {lon0} {lat0 + 1.8}, {lon0} {lat0}))"})
    return out


def build_store(path: Path, n_events: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    areas = provinces()
    with Store(path) as store:
        places = [Place(a["id"], a["name"], "province", "AF", a["name"], source="boundary:bench") for a in areas]
        places += [Place(f"bench:c{n}", f"Capital {n}", "city", "AF", a["name"], f"District {n}-0", lat=a["lat"],
                         lon=a["lon"], is_capital=True) for n, a in enumerate(areas)]
        store.save_places(places, geometry={a["id"]: a["wkt"] for a in areas})
        control = []
        for n in range(400):
            a = areas[n % 34]
            pid = f"bench:c{n}" if n < 34 else f"bench:d{n}"
            if n >= 34:
                store.save_places([Place(pid, f"District centre {n}", "town", "AF", a["name"], f"District {n}",
                                         lat=a["lat"] + rng.uniform(-0.8, 0.8), lon=a["lon"] + rng.uniform(-0.9, 0.9))])
            fall = START + timedelta(days=rng.randrange(DAYS))
            control += [ControlInterval(pid, pid, "held", ACTORS[1], START, fall, a["name"]),
                        ControlInterval(pid, pid, "held", ACTORS[0], fall, None, a["name"])]
        store.save_control(control)
        columns: dict[str, list] = {k: [] for k in (
            "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
            "country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "notes", "fatalities",
            "source_count", "article_ids", "evidence", "place_id")}
        for i in range(n_events):
            a = areas[rng.randrange(34)]
            kind, sub = SUB_TYPES[rng.randrange(len(SUB_TYPES))]
            day = START + timedelta(days=rng.randrange(DAYS))
            district = f"District {rng.randrange(12)}"
            sentence = " ".join(rng.choice(WORDS) for _ in range(14))
            article = f"bench-article-{rng.randrange(n_events // 3 + 1)}"
            for key, value in (("event_id_cnty", f"AFGB{i:06d}"), ("event_date", day), ("year", day.year),
                               ("time_precision", 1), ("event_type", kind), ("sub_event_type", sub),
                               ("actor1", rng.choice(ACTORS)), ("actor2", rng.choice(ACTORS)), ("country", "Afghanistan"),
                               ("admin1", a["name"]), ("admin2", district), ("location", f"{district} centre"),
                               ("latitude", a["lat"] + rng.uniform(-0.8, 0.8)), ("longitude", a["lon"] + rng.uniform(-0.9, 0.9)),
                               ("geo_precision", 1), ("notes", sentence), ("fatalities", rng.randrange(10)),
                               ("source_count", 1 + rng.randrange(5)), ("article_ids", json.dumps([article])),
                               ("evidence", json.dumps([{"article_id": article, "sentence": 0, "start": 0,
                                                         "end": len(sentence), "text": sentence}])),
                               ("place_id", None)):
                columns[key].append(value)
        load_event_columns(store, columns)


def timed(client: TestClient, urls: list[str]) -> list[float]:
    out = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}: {response.text[:200]}")
    return out


def scenarios(rng: random.Random, n: int) -> dict[str, list[str]]:
    def day() -> date:
        return START + timedelta(days=rng.randrange(DAYS))

    def window() -> str:
        first = day()
        return f"date_from={first}&date_to={first + timedelta(days=30)}"

    map_days = rng.sample(range(DAYS), 2 * n)  # distinct days: the SVG cache never answers
    return {
        "events.json, no filter, page 1": ["/events.json"] * n,
        "events.json, 30 days + type + province": [
            f"/events.json?{window()}&event_type=Battles&province=Province+{rng.randrange(34)}" for _ in range(n)],
        "events.json, actor + min_sources, page 20": [
            f"/events.json?actor=taliban&min_sources=3&page=20" for _ in range(n)],
        "events.json, text search": [f"/events.json?q={rng.choice(WORDS)}+{rng.choice(WORDS)}" for _ in range(n)],
        "events (HTML table), 30 days + province": [
            f"/events?{window()}&province=Province+{rng.randrange(34)}" for _ in range(n)],
        "map.json, 30 days (as the slider asks)": [
            f"/map.json?as_of={START + timedelta(days=d)}&days=30&limit=200" for d in map_days[:n]],
        "map.svg, 30 days (uncached)": [f"/map.svg?as_of={START + timedelta(days=d)}&days=30" for d in map_days[n:]],
    }


# -- the bounded load test ---------------------------------------------------------------------------------
LOOPBACK = "127.0.0.1"


MIX = [*scenarios(random.Random(0), 0), "event pages (JSON)", "the map page, the overview, the Battles table (HTML)"]


def load_urls(rng: random.Random, total: int) -> list[str]:
    """``total`` requests, the scenarios' pages in turn, plus event pages, the map page and the overview (a map
    day comes back after 182 requests for it, so some SVGs are answered from the cache, as for a real user)."""
    pools = list(scenarios(rng, DAYS // 2).values())
    pools.append([f"/events/AFGB{rng.randrange(4000):06d}.json" for _ in range(DAYS // 2)])
    pools.append(["/map?days=30", "/", "/events?event_type=Battles"])
    return [pools[i % len(pools)][(i // len(pools)) % len(pools[i % len(pools)])] for i in range(total)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    """`frontlines serve` on a free loopback port, once it answers."""
    port = _free_port()
    exe = Path(sys.executable).with_name("frontlines")
    process = subprocess.Popen([str(exe), "serve", "--db", str(db), "--host", LOOPBACK, "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://{LOOPBACK}:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/index.json", timeout=2)
            return process, base
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise SystemExit(f"frontlines serve did not start: {process.communicate()[1][-2000:]}")
            time.sleep(0.1)


async def _read_response(reader: asyncio.StreamReader) -> int:
    """One HTTP/1.1 response off a kept-alive connection; its status (the body is read and dropped)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                return status
    await reader.readexactly(int(headers.get("content-length", "0")))
    return status


async def burst(base: str, urls: list[str], concurrency: int) -> tuple[list[float], list[str], float]:
    """Send ``urls`` over ``concurrency`` kept-alive connections, each sending its next request when the last is
    answered; the latency of each (ms), the errors, the wall time (s). A bare HTTP/1.1 client: a full one (httpx)
    spent half as much CPU as the server, on the same two cores."""
    host, port = base.removeprefix("http://").split(":")
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    times: list[float] = []
    errors: list[str] = []

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while not queue.empty():
                url = queue.get_nowait()
                started = time.perf_counter()
                try:
                    writer.write(f"GET {url} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: */*\r\n\r\n".encode("ascii"))
                    status = await _read_response(reader)
                    if status != 200:
                        errors.append(f"{url}: HTTP {status}")
                except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    errors.append(f"{url}: {type(exc).__name__}")
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
                times.append((time.perf_counter() - started) * 1000)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return times, errors, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def serve_mix(db: Path, urls: list[str], concurrency: int) -> tuple[list[float], list[str], float, float]:
    """``urls`` sent to a fresh `frontlines serve` (warmed up first: query plans and templates, as a server that
    has run a while), ``concurrency`` at a time: latencies (ms), errors, wall time (s), server CPU (s)."""
    import psutil

    process, base = start_server(db)
    try:
        asyncio.run(burst(base, load_urls(random.Random(3), 40), 4))
        server = psutil.Process(process.pid)
        before = sum(server.cpu_times()[:2])
        times, errors, wall = asyncio.run(burst(base, urls, concurrency))
        return times, errors, wall, sum(server.cpu_times()[:2]) - before
    finally:
        process.terminate()
        process.wait(10)


def load_test(db: Path, total: int, concurrency: int, baseline: int) -> dict[str, float]:
    """One bounded burst and, on another fresh server, the single-request baseline of the same mix."""
    alone, _, _, _ = serve_mix(db, load_urls(random.Random(5), baseline), 1)
    times, errors, wall, cpu = serve_mix(db, load_urls(random.Random(11), total), concurrency)
    figures = {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95), "p99": percentile(times, 0.99),
               "max": max(times), "rps": len(times) / wall, "errors": len(errors), "cpu_ms": cpu * 1000 / len(times),
               "alone_p50": percentile(alone, 0.5), "alone_mean": statistics.mean(alone), "load": os.getloadavg()[0]}
    figures["ratio"] = figures["p99"] / figures["alone_mean"]
    print(f"{len(times):,} requests, {concurrency} at a time: p50 {figures['p50']:.0f} ms, p95 {figures['p95']:.0f} ms, "
          f"p99 {figures['p99']:.0f} ms, max {figures['max']:.0f} ms, {figures['rps']:.0f} requests/s, errors "
          f"{len(errors)}; server CPU {figures['cpu_ms']:.1f} ms a request | one at a time ({baseline}): mean "
          f"{figures['alone_mean']:.1f} ms, p50 {figures['alone_p50']:.1f} ms | p99 / single mean "
          f"{figures['ratio']:.1f}x | load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} on "
          f"{os.cpu_count()} CPUs", flush=True)
    for error in errors[:10]:
        print("  ", error)
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40, help="requests per endpoint (bounded loop)")
    parser.add_argument("--load", action="store_true", help="the bounded load test against a real server instead")
    parser.add_argument("--total", type=int, default=2000, help="--load: requests in all (at most 20,000)")
    parser.add_argument("--concurrency", type=int, default=20, help="--load: requests at a time (at most 100)")
    parser.add_argument("--baseline", type=int, default=200, help="--load: requests sent one at a time (baseline)")
    parser.add_argument("--repeat", type=int, default=1, help="--load: run the test this many times (at most 10)")
    args = parser.parse_args(argv)
    if args.load:
        args.total, args.concurrency = min(args.total, 20_000), max(1, min(args.concurrency, 100))
        args.baseline, args.repeat = max(1, min(args.baseline, 2000)), max(1, min(args.repeat, 10))
        if "--events" not in (argv if argv is not None else sys.argv):
            args.events = 4000
    with tempfile.TemporaryDirectory(prefix="frontlines-web-bench-") as folder:
        db = Path(folder) / "bench.duckdb"
        started = time.perf_counter()
        build_store(db, args.events)
        print(f"store: {args.events:,} synthetic events, 400 controlled places, 34 boundary areas "
              f"(built in {time.perf_counter() - started:.1f} s)")
        if args.load:
            print(f"load test: a `frontlines serve` process on {LOOPBACK}, {args.total:,} requests of this mix, in turn: "
                  f"{'; '.join(MIX)}")
            runs = [load_test(db, args.total, args.concurrency, args.baseline) for _ in range(args.repeat)]
            if len(runs) > 1:
                print("median of", len(runs), "runs: " + ", ".join(
                    f"{key} {statistics.median(r[key] for r in runs):.1f}" for key in runs[0]))
            return
        with TestClient(create_app(db)) as client:
            timed(client, ["/events.json", "/map.json"])  # warm-up: first query plans, template compilation
            print(f"{'endpoint':45} {'median ms':>10} {'p95 ms':>10} {'max ms':>10}  n")
            for name, urls in scenarios(random.Random(11), args.requests).items():
                times = sorted(timed(client, urls))
                p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
                print(f"{name:45} {statistics.median(times):10.1f} {p95:10.1f} {times[-1]:10.1f}  {len(times)}")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"python {sys.version.split()[0]}; {os.cpu_count()} CPUs, load average {load} (other work on the machine "
          f"inflates these figures); in-process TestClient; target: median < 100 ms")


if __name__ == "__main__":
    main()
