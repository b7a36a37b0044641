"""Web app under load: p50/p95 latency of the main pages and API reads with 20 concurrent clients, and the time
from "run" to the chart's data for a 2,000-run scenario (alone, and while the 20 clients read).

Usage: ``python benchmarks/bench_web.py [--clients 20] [--rounds 8] [--runs 2000]``.
Starts `multivector serve` on a free 127.0.0.1 port with a fresh result folder, stops it at the end; bounded
(every client makes `rounds` passes over the URLs). Targets: p95 < 300 ms for pages and reads; scenario < 10 s.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import httpx

PAGES = ["/", "/?year=2005", "/evidence", "/evidence?q=remittances&state=KGZ", "/measures", "/measures?state=KAZ",
         "/lab", "/negotiation", "/check", "/docs"]
READS = ["/api/v1/case", "/api/v1/status?year=2010", "/api/v1/search?q=remittances",
         "/api/v1/measures?state=KAZ", "/api/v1/organizations/CSTO/members?year=2010",
         "/api/v1/claims?mechanism=economic_dependence", "/api/v1/negotiation/proposals",
         "/api/v1/events?actor=KGZ", "/api/v1/scenarios"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, cache: str) -> subprocess.Popen:
    env = {**os.environ, "MULTIVECTOR_CACHE_DIR": cache}
    code = "import sys; from multivector.cli import main; sys.argv[0] = 'multivector'; main()"
    return subprocess.Popen([sys.executable, "-c", code, "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_ready(base: str, timeout: float = 180.0) -> None:
    """Until the server answers and has computed the tables and charts it warms at start-up."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            r = httpx.get(base + "/api/v1/health", timeout=2)
            if r.status_code == 200 and r.json().get("warm"):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer within {timeout:.0f} s")


def load(base: str, clients: int, rounds: int, urls: list[str]) -> dict[str, list[float]]:
    """`clients` threads, each making `rounds` passes over `urls`; latency in ms per URL."""
    times: dict[str, list[float]] = {u: [] for u in urls}
    lock = threading.Lock()
    failures: list[str] = []
    barrier = threading.Barrier(clients)

    def client(k: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as c:
            barrier.wait()
            for _ in range(rounds):
                for u in urls[k % len(urls):] + urls[:k % len(urls)]:   # clients start at different URLs
                    t = time.perf_counter()
                    resp = c.get(u)
                    ms = 1000 * (time.perf_counter() - t)
                    with lock:
                        times[u].append(ms)
                        if resp.status_code != 200:
                            failures.append(f"{u}: {resp.status_code}")

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, e.g. {failures[:3]}")
    return times


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def run_scenario(base: str, runs: int, seed: int) -> tuple[float, float]:
    """(seconds from POST to the chart's data, seconds the job itself took) for a cold run."""
    with httpx.Client(base_url=base, timeout=120) as c:
        sc = c.get("/api/v1/scenarios/russia-distracted").json()
        body = {k: sc[k] for k in ("name", "description", "start", "end", "runs", "seed", "drivers", "parameters")}
        body.update(runs=runs, seed=seed)
        t0 = time.perf_counter()
        job = c.post("/api/v1/jobs", json={"scenario": body}).json()
        while job["status"] in ("queued", "running"):
            time.sleep(0.1)
            job = c.get(f"/api/v1/jobs/{job['id']}").json()
        if job["status"] != "done":
            raise SystemExit(f"the scenario did not finish: {job}")
        figs = c.get(f"/api/v1/results/{job['key']}/figures", params={"state": "KAZ"})
        figs.raise_for_status()
        return time.perf_counter() - t0, job["elapsed_s"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--runs", type=int, default=2000)
    a = ap.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as cache:
        # the case database compiled once into the fresh cache folder, so the server starts as it would
        subprocess.run([sys.executable, "-c", "from multivector import CaseBase; CaseBase.load()"], check=True,
                       env={**os.environ, "MULTIVECTOR_CACHE_DIR": cache})
        proc = start_server(port, cache)
        try:
            t0 = time.perf_counter()
            wait_ready(base)
            print(f"server up and warm in {time.perf_counter() - t0:.1f} s at {base} ({os.cpu_count()} cores)")
            cold = {}
            with httpx.Client(base_url=base, timeout=60) as c:   # the first visit of each URL computes its answer
                for u in PAGES + READS:
                    t = time.perf_counter()
                    c.get(u).raise_for_status()
                    cold[u] = 1000 * (time.perf_counter() - t)
            alone, job_s = run_scenario(base, a.runs, seed=101)
            print(f"scenario, {a.runs:,} runs 2022-2035 (russia-distracted), cold: run -> chart data {alone:.2f} s "
                  f"(the job {job_s:.2f} s)   target < 10 s: {'met' if alone < 10 else 'MISSED'}")
            result: dict = {}
            loaded = threading.Thread(target=lambda: result.update(t=run_scenario(base, a.runs, seed=202)))
            t1 = time.perf_counter()
            loaded.start()
            times = load(base, a.clients, a.rounds, PAGES + READS)
            loaded.join()
            wall = time.perf_counter() - t1
            n = sum(len(v) for v in times.values())
            print(f"{a.clients} clients x {a.rounds} rounds: {n:,} requests in {wall:.1f} s "
                  f"({n / wall:,.0f} requests/s), a {a.runs:,}-run scenario running meanwhile: "
                  f"run -> chart data {result['t'][0]:.2f} s")
            print("cold: the first request of each URL, alone, after the start-up warm-up (later requests are "
                  "answered from memory)")
            print(f"{'endpoint':<48}{'cold ms':>8}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}")
            worst = 0.0
            for group, urls in (("pages", PAGES), ("API reads", READS)):
                print(f"-- {group}")
                for u in urls:
                    v = times[u]
                    p95 = pct(v, 95)
                    worst = max(worst, p95)
                    print(f"{u:<48}{cold[u]:>8.0f}{len(v):>6}{statistics.median(v):>9.1f}{p95:>9.1f}")
            allv = [x for v in times.values() for x in v]
            print(f"{'all':<48}{'':>8}{len(allv):>6}{statistics.median(allv):>9.1f}{pct(allv, 95):>9.1f}")
            print(f"worst p95 {worst:.0f} ms   target < 300 ms: {'met' if worst < 300 else 'MISSED'}")
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
            err = proc.stderr.read() if proc.stderr else ""
            if proc.returncode not in (0, -15) and err:
                print(err[-2000:], file=sys.stderr)


if __name__ == "__main__":
    main()
