"""A directed hostile run over every command and endpoint (issue 25): each case is run once and classified.

Classes: clean error (exit 1-2 / HTTP 4xx, one readable line, no traceback), valid result (exit 0 / HTTP 2xx
where a result is due), traceback, bug line ("internal error … bug", exit 70, HTTP 500), hang (no answer in
HANG seconds), exit 0 with nonsense (exit 0 / 2xx where the input should have been refused).

Each case says what is due: `ok` (a result) or `refuse`. The command line runs as a user's shell would
(a subprocess per case); the API in process through the test client.

Run: .venv/bin/python benchmarks/directed_run.py [--only cli|api] [--show]
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HANG = 120.0
ROOT = Path(__file__).resolve().parents[1]
CLASSES = ["clean error", "valid result", "traceback", "bug line", "hang", "exit 0 with nonsense"]


def cli_cases(tmp: Path) -> list[tuple[str, list[str]]]:
    fifo = tmp / "pipe.csv"
    os.mkfifo(fifo)
    folder = tmp / "folder.csv"
    folder.mkdir()
    deep = tmp / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    big = tmp / "big.csv"
    big.write_text("actor,capability,position,salience\n" + "".join(f"a{i},{1 + i % 7},{i % 101},{50}\n"
                                                                    for i in range(2000)))
    dup = tmp / "dup.csv"
    dup.write_text("actor,capability,position,salience\na,1,2,50\na,2,3,50\n")
    extra = tmp / "extra.csv"
    extra.write_text("actor,capability,position,salience\na,1,2,3,4\n")
    evil = tmp / "evil.yaml"
    evil.write_text('name: "evil\\e[2J\\u202e"\nstart: 2026\nend: 2027\nruns: 5\nseed: 1\n')
    afile = tmp / "a-file"
    afile.write_text("x")
    empty = tmp / "empty.csv"
    empty.write_text("")
    out = str(tmp / "out")
    ok = [
        ["overview"], ["kb", "actors"], ["kb", "orgs"], ["kb", "members", "CSTO", "--year", "2010"],
        ["kb", "search", "water", "--limit", "5"], ["kb", "events", "--from", "2000", "--to", "2005"],
        ["kb", "timeline", "UZB"], ["kb", "show", "CSTO"], ["kb", "validate"], ["scenarios"], ["proposals"],
        ["measures", "--from", "2010", "--to", "2012"], ["drivers", "--help"],
        ["negotiate", "--list-examples"],
        ["negotiate", str(big), "--model", "compromise", "--draws", "5"],
        ["simulate", str(evil)], ["kb", "export", "--format", "csv", "--out", out],
        ["serve", "--help"], ["sweep", "--help"], ["evaluate", "--help"],
        ["kb", "search", "\x1b[2J\u202e"],   # no hits, and the term shown escaped
    ]
    refuse = [
        ["calibrate", "--train-until", "2000000000"], ["calibrate", "--train-until", "1800"],
        ["calibrate", "--warmup", "1000000000"],
        ["evaluate", "--runs", "1000000000"], ["evaluate", "--runs", "0"], ["evaluate", "--runs", "-1"],
        ["backtest", "--train-until", "2000000000"], ["backtest", "--runs", "0"],
        ["backtest", "--weights", str(deep), "--runs", "1"],
        ["measures", "--from", "1", "--to", "2000000000"], ["measures", "--from", "-5", "--to", "1"],
        ["measures", "--from", "2012", "--to", "2010"],
        ["kb", "members", "CSTO", "--year", "2000000000"], ["kb", "members", "NOPE", "--year", "2010"],
        ["kb", "events", "--from", "3000"], ["kb", "search", "water", "--limit", "-1"],
        ["kb", "search", "water", "--limit", "99999999999999999999"], ["kb", "show", "nope-id"],
        ["kb", "actors", "--case", "/nonexistent"], ["kb", "validate", "/nonexistent"],
        ["negotiate", str(fifo)], ["negotiate", "/dev/zero"], ["negotiate", str(folder)],
        ["negotiate", "/nonexistent.csv"], ["negotiate", str(big), "--model", "bdm"],
        ["negotiate", str(dup)], ["negotiate", str(extra)], ["negotiate", str(empty)],
        ["simulate", str(fifo)], ["simulate", "/dev/zero"], ["simulate", str(folder)],
        ["simulate", "no-such-scenario"], ["simulate", "baseline", "--runs", "0"],
        ["simulate", "baseline", "--out", str(afile / "sub")],
        ["report", "--out", str(afile)], ["kb", "export", "--format", "csv", "--out", str(afile)],
        ["measures", "--cow", str(empty)], ["measures", "--cow", str(fifo)],
        ["serve", "--sweeps", "/nonexistent"], ["serve", "--port", "70000"],
        ["serve", "--allowed-host", "http://x/"], ["sweep", str(fifo), "--out", out + "2"],
    ]
    return [("ok", a) for a in ok] + [("refuse", a) for a in refuse]


def classify_cli(due: str, args: list[str], env: dict) -> tuple[str, str]:
    cmd = [sys.executable, "-c", "from multivector.cli import main; main()", *args]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=HANG, env=env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return "hang", ""
    err = r.stderr
    if "Traceback" in err:
        return "traceback", err[-300:]
    if "internal error" in err or r.returncode == 70:
        return "bug line", err[:300]
    if "\x1b" in r.stdout.replace("\x1b[", "") or "\u202e" in r.stdout + err:
        return "exit 0 with nonsense", "raw control or bidi character on the terminal"
    if r.returncode == 0:
        return ("valid result", "") if due == "ok" else ("exit 0 with nonsense", r.stdout[:200])
    return ("clean error", err.strip().splitlines()[0][:200] if err.strip() else "") if due == "refuse" \
        else ("clean error", "UNEXPECTED refusal: " + err[:200])


def api_cases() -> list[tuple[str, str, str, dict]]:
    actors = [{"id": f"a{i}", "capability": 1 + i % 5, "position": i % 101, "salience": 60} for i in range(2000)]
    small = actors[:3]
    return [
        ("ok", "GET", "/api/v1/health", {}), ("ok", "GET", "/api/v1/case", {}),
        ("ok", "GET", "/api/v1/negotiation/models", {}), ("ok", "GET", "/api/v1/negotiation/proposals", {}),
        ("ok", "POST", "/api/v1/negotiation/predict", {"json": {"actors": small, "models": ["bdm"]}}),
        ("ok", "POST", "/api/v1/negotiation/predict", {"json": {"actors": actors}}),
        ("ok", "GET", "/", {}), ("ok", "GET", "/evidence", {}),
        ("refuse", "POST", "/api/v1/negotiation/predict", {"json": {"actors": actors, "models": ["bdm"]}}),
        ("refuse", "POST", "/api/v1/negotiation/predict", {"content": b"{", "headers": {"content-type":
                                                                                          "application/json"}}),
        ("refuse", "POST", "/api/v1/negotiation/predict", {"content": b" " * (10 * 2**20),
                                                           "headers": {"content-type": "application/json"}}),
        ("refuse", "POST", "/api/v1/jobs", {"json": {"library": "baseline", "runs": "500"}}),
        ("refuse", "POST", "/api/v1/negotiation/upload", {"files": {"file": ("d.csv", b"actor,capability,position,"
                                                                             b"salience\na,1,2,50\na,2,3,50\n")}}),
        ("refuse", "POST", "/api/v1/negotiation/upload", {"files": {"file": ("d.csv", b"actor,capability,position,"
                                                                             b"salience\na,1e13,2,50\n")}}),
        ("refuse", "GET", "/api/v1/case", {"headers": {"host": "evil.example"}}),
        ("refuse", "GET", "/", {"headers": {"host": ""}}),
        ("refuse", "GET", "/api/v1/measures?from=1&to=2000000000", {}),
        ("refuse", "GET", "/no/such/page", {}), ("refuse", "PUT", "/api/v1/case", {}),
    ]


def run_api(show: bool) -> collections.Counter:
    from fastapi.testclient import TestClient

    from multivector.web import create_app

    counts: collections.Counter = collections.Counter()
    app = create_app(cache_dir=tempfile.mkdtemp(), workers=1, warm=False, allowed_hosts=("testserver",))
    with TestClient(app, raise_server_exceptions=False) as c:
        for due, method, path, kw in api_cases():
            t0 = time.monotonic()
            r = c.request(method, path, **kw)
            took = time.monotonic() - t0
            if took > HANG:
                kind = "hang"
            elif r.status_code >= 500 and r.status_code not in (503, 504):
                kind = "bug line"
            elif r.status_code < 400:
                kind = "valid result" if due == "ok" else "exit 0 with nonsense"
            else:
                kind = "clean error" if due == "refuse" and "content-security-policy" in r.headers else \
                    "exit 0 with nonsense"
            counts[kind] += 1
            if show:
                print(f"  api {kind:<22} {r.status_code} {method} {path[:60]} ({took:.1f} s)", flush=True)
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=["cli", "api"])
    ap.add_argument("--show", action="store_true", help="print every case")
    args = ap.parse_args()
    total: dict[str, collections.Counter] = {}
    if args.only in (None, "cli"):
        counts: collections.Counter = collections.Counter()
        with tempfile.TemporaryDirectory() as d:
            env = {**os.environ, "MULTIVECTOR_NO_PAGER": "1", "COLUMNS": "100"}
            for due, case in cli_cases(Path(d)):
                kind, detail = classify_cli(due, case, env)
                counts[kind] += 1
                if args.show or kind not in ("clean error", "valid result") or "UNEXPECTED" in detail:
                    print(f"  cli {kind:<22} {' '.join(case)[:70]}  {detail[:120]!r}", flush=True)
        total["command line"] = counts
    if args.only in (None, "api"):
        total["API"] = run_api(args.show)
    print(f"\n| where | {' | '.join(CLASSES)} | runs |")
    print("|:---|" + "---:|" * (len(CLASSES) + 1))
    for where, counts in total.items():
        print(f"| {where} | " + " | ".join(str(counts.get(k, 0)) for k in CLASSES) + f" | {sum(counts.values())} |")


if __name__ == "__main__":
    main()
