"""Benchmark: how fast bad input is refused, and how fast a finished result is served again.

The tests check that each of these is refused or served (behaviour); the times are targets shown
here, in CPU seconds, never asserted by a test:

* a YAML alias bomb ("billion laughs") in a scenario: refused at composition, target < 2 s;
* the slowest of many seeded random mutations of a valid scenario (truncations, byte flips, random
  bytes): each read or refused, target < 5 s;
* `multivector simulate SCENARIO --runs 5000 --out FILE` where FILE is a file: refused before the
  work, target < 15 s for the whole command (start-up included);
* a scenario job asked for again after it finished: answered from the result store, target < 1 s.

Run: .venv/bin/python benchmarks/bench_hostile_inputs.py [--mutations N]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from multivector.kb import CaseError
from multivector.model.scenario import load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[1]
STATES = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
ORGS = {"CSTO", "EAEU", "SCO"}
SCENARIO = """name: probe
start: 2020
end: 2025
runs: 10
seed: 1
drivers:
  - {actor: RUS, driver: revisionism, from: 2022, set: 0.9}
parameters:
  balance_weight: 1.5
"""
BOMB = "name: bomb\nparameters:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" + "".join(
    f"  {b}: &{b} [{','.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True))


def cpu(fn) -> float:
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def verdict(seconds: float, target: float) -> str:
    return f"{seconds:.3f} s CPU (target < {target:g} s: {'OK' if seconds < target else 'SLOW'})"


def alias_bomb() -> float:
    def refuse():
        try:
            parse_scenario(BOMB, "bomb.yaml", STATES, ORGS)
        except CaseError:
            return
        raise AssertionError("the alias bomb was read")
    return cpu(refuse)


def mutations(n: int, seed: int = 0) -> tuple[float, int]:
    """The slowest read of `n` seeded mutations of a valid scenario, and how many were refused."""
    rng = np.random.default_rng(seed)
    valid = SCENARIO.encode()
    slowest, refused = 0.0, 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.yaml"
        for _ in range(n):
            kind = rng.integers(3)
            if kind == 0:
                data = valid[: rng.integers(len(valid) + 1)]
            elif kind == 1:
                i = int(rng.integers(len(valid)))
                data = valid[:i] + rng.bytes(int(rng.integers(1, 5))) + valid[i + 1:]
            else:
                data = rng.bytes(int(rng.integers(400)))
            path.write_bytes(data)
            t0 = time.process_time()
            try:
                load_scenario(path, STATES, ORGS)
            except CaseError:
                refused += 1
            slowest = max(slowest, time.process_time() - t0)
    return slowest, refused


def simulate_out_is_a_file() -> float:
    """CPU seconds of the whole `simulate --out FILE` command (a child process), which must fail."""
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "file"
        f.write_text("")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        r = subprocess.run([sys.executable, "-c", "from multivector.cli import main; main()", "simulate",
                            str(ROOT / "scenarios" / "baseline.yaml"), "--runs", "5000", "--out", str(f)],
                           capture_output=True, text=True, timeout=300)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert r.returncode != 0 and "is a file" in r.stderr, r.stderr
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cached_result() -> float:
    """CPU seconds (server threads included: same process) to ask again for a finished scenario job."""
    from fastapi.testclient import TestClient

    from multivector.web import create_app

    body = {"scenario": {"name": "bench", "start": 2015, "end": 2030, "runs": 40, "seed": 11}}
    with tempfile.TemporaryDirectory() as tmp, TestClient(create_app(cache_dir=tmp, workers=1, warm=False)) as c:
        job = c.post("/api/v1/jobs", json=body).json()
        while c.get(f"/api/v1/jobs/{job['id']}").json()["status"] in ("queued", "running"):
            time.sleep(0.1)
        t0 = time.process_time()
        again = c.post("/api/v1/jobs", json=body).json()
        seconds = time.process_time() - t0
    assert again["status"] == "done", again
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mutations", type=int, default=2000)
    a = ap.parse_args()
    print(f"alias bomb refused: {verdict(alias_bomb(), 2)}")
    slowest, refused = mutations(a.mutations)
    print(f"{a.mutations} mutated scenarios ({refused} refused), slowest read: {verdict(slowest, 5)}")
    print(f"simulate --out FILE refused, whole command: {verdict(simulate_out_is_a_file(), 15)}")
    s = cached_result()
    print(f"finished scenario asked again: {verdict(s, 1)}")


if __name__ == "__main__":
    main()
