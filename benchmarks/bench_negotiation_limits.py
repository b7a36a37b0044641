"""Benchmark: each negotiation model's declared size limit (negotiation/limits.py), in CPU seconds.

For every model it times one forecast at its declared limit on one dimension, and on
four dimensions at the most actors it takes there, on random problems (positions and
saliences uniform, a status quo, consensus) on which BDM and the SMP run every round
they allow — their slowest inputs. A declared limit is right when those take about
the budget (10 s; the pairwise models within 5–15 s on one dimension, at most 15 s on four), and the one-shot models far less
at the cap. `--find MODEL` searches the largest number of actors within the budget
(doubling, then bisection), which is how the declared numbers were chosen; it also
prints the growth exponent fitted between half that size and it.

Run: .venv/bin/python benchmarks/bench_negotiation_limits.py [--find bdm,smp,combination]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from multivector.negotiation import NegotiationProblem, get_model
from multivector.negotiation.limits import BUDGET_SECONDS, LIMITS, LINEAR_CAP, SizeLimit


def problem(n: int, m: int, seed: int = 0) -> NegotiationProblem:
    rng = np.random.default_rng(seed)
    return NegotiationProblem(name=f"random-{n}x{m}", actors=tuple(f"a{i}" for i in range(n)),
                              capability=rng.uniform(1, 10, n), position=rng.uniform(0, 100, (n, m)),
                              salience=rng.uniform(20, 100, (n, m)), status_quo=np.zeros(m),
                              decision_rule="consensus")


def cpu(model: str, n: int, m: int = 1) -> float:
    p = problem(n, m)
    t0 = time.process_time()
    get_model(model).predict(p)
    return time.process_time() - t0


def find(model: str) -> None:
    declared = dict(LIMITS)
    # the search goes past the declared limits (the combination's and the SMP's, which it runs)
    LIMITS.update({m: SizeLimit(LINEAR_CAP, 1.0) for m in LIMITS})
    try:
        _find(model, declared[model])
    finally:
        LIMITS.update(declared)


def _find(model: str, declared: SizeLimit) -> None:
    lo, hi, n = 0, None, 50
    while hi is None:   # double until over the budget
        s = cpu(model, n)
        print(f"  {model} {n:>7,} actors: {s:7.2f} s", flush=True)
        if s > BUDGET_SECONDS:
            hi = n
        else:
            lo, n = n, n * 2
            if n > declared.max_actors * 4 and n > 100_000:
                print(f"  {model}: under the budget at {lo:,} actors; limited by the cap, not by speed")
                return
    while hi - lo > max(5, lo // 50):   # bisect to within 2%
        mid = (lo + hi) // 2
        s = cpu(model, mid)
        print(f"  {model} {mid:>7,} actors: {s:7.2f} s", flush=True)
        lo, hi = (mid, hi) if s <= BUDGET_SECONDS else (lo, mid)
    half, full = cpu(model, lo // 2), cpu(model, lo)
    print(f"{model}: largest within {BUDGET_SECONDS:g} s: about {lo:,} actors on one dimension; growth exponent "
          f"{math.log(full / half, 2):.2f} (from {lo // 2:,} to {lo:,} actors)")


def check() -> None:
    print(f"{'model':<14}{'limit (1 dim)':>14}{'CPU s':>8}{'limit (4 dims)':>16}{'CPU s':>8}  verdict")
    for model, lim in LIMITS.items():
        one = cpu(model, lim.max_actors, 1)
        n4 = lim.most_actors(4)
        four = cpu(model, n4, 4)
        if lim.growth > 1:
            # one dimension: about the budget; four: at most about it (the SMP's votes grow less than linearly
            # with dimensions, so its declared linear growth is on the safe side there)
            ok = 0.5 * BUDGET_SECONDS <= one <= 1.5 * BUDGET_SECONDS and four <= 1.5 * BUDGET_SECONDS
            verdict = "OK (about the budget)" if ok else "RE-MEASURE"
        else:
            verdict = "OK (under the budget at the cap)" if max(one, four) <= BUDGET_SECONDS else "RE-MEASURE"
        print(f"{model:<14}{lim.max_actors:>14,}{one:>8.2f}{n4:>16,}{four:>8.2f}  {verdict}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--find", help="comma-separated models whose limit to search")
    args = ap.parse_args()
    if args.find:
        for model in args.find.split(","):
            find(model.strip())
    else:
        check()


if __name__ == "__main__":
    main()
