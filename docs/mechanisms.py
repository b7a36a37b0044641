"""Each mechanism of the article on its own: a scenario from 2026 that changes one driver.

Prints the change in P(member) (and P(obstruct) among members) in 2030 against the
baseline, with common random numbers (same seed) and the weights drawn from the
shipped posterior, and the Monte Carlo standard error of each difference (from the
per-run probabilities). The table in docs/model.md is this script's output.

Run: .venv/bin/python docs/mechanisms.py [--runs 2000] [--seed 3]
"""

from __future__ import annotations

import argparse

import numpy as np

from multivector import CaseBase
from multivector.model.run import run_scenario
from multivector.model.scenario import parse_scenario

YEAR = 2030
CHANGES = {
    "KGZ sovereignty 0.5 -> 0.9": "{actor: KGZ, driver: sovereignty_sensitivity, from: 2026, set: 0.9}",
    "RUS revisionism x 2": "{actor: RUS, driver: revisionism, from: 2026, scale: 2}",
    "RUS threat to KAZ -> 0.7":
        "{actor: KAZ, driver: pole_threat, partner: RUS, from: 2026, set: 0.7}",
    "TJK threat 0.7 -> 0.1": "{actor: TJK, driver: threat_level, from: 2026, set: 0.1}",
    "KGZ remittances -> 0": "{actor: KGZ, driver: remittance_dependence, partner: RUS, from: 2026, set: 0}",
    "CHN finance KAZ, TJK +0.3": None,   # two rows, below
}
OUTCOMES = {
    "KGZ sovereignty 0.5 -> 0.9": [("KGZ", "EAEU", "member"), ("KGZ", "EAEU", "obstruct")],
    "RUS revisionism x 2": [("KAZ", "CSTO", "member"), ("KAZ", "CSTO", "obstruct"), ("KAZ", "EAEU", "member"),
                                 ("KAZ", "EAEU", "obstruct"), ("UZB", "C5P1", "member"), ("KAZ", "SCO", "member")],
    "RUS threat to KAZ -> 0.7": [
        ("KAZ", "CSTO", "member"), ("KAZ", "CSTO", "obstruct"), ("KAZ", "EAEU", "member"),
        ("KAZ", "EAEU", "obstruct"), ("KAZ", "NATO_PFP", "member"), ("KAZ", "AIIB", "member")],
    "TJK threat 0.7 -> 0.1": [("TJK", "CSTO", "member")],
    "KGZ remittances -> 0": [("KGZ", "EAEU", "member"), ("KGZ", "EAEU", "obstruct")],
    "CHN finance KAZ, TJK +0.3": [("KAZ", "BRI", "member"), ("KAZ", "AIIB", "member"),
                                            ("TJK", "BRI", "member"), ("TJK", "AIIB", "member")],
}


def scenario_text(name: str, change: str | None, runs: int, seed: int) -> str:
    if change is None:
        lines = ["  - {actor: KAZ, driver: finance_dependence, partner: CHN, from: 2026, add: 0.3}",
                 "  - {actor: TJK, driver: finance_dependence, partner: CHN, from: 2026, add: 0.3}"]
    else:
        lines = [f"  - {change}"]
    return f"name: m\nstart: 2026\nend: 2035\nruns: {runs}\nseed: {seed}\ndrivers:\n" + "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=3)
    a = ap.parse_args()
    kb = CaseBase.load()
    orgs = set(kb.organizations().id)
    base_sc = parse_scenario(f"name: baseline\nstart: 2026\nend: 2035\nruns: {a.runs}\nseed: {a.seed}\n")
    base = run_scenario(kb, base_sc, keep_levels=True).result
    t = int(YEAR - base.years[0])
    print(f"Change in {YEAR} against the baseline ({a.runs} runs, seed {a.seed}, weights from the posterior);")
    print("se: Monte Carlo standard error of the difference (same seed in both runs)")
    print(f"{'change':<27} {'outcome':<20} {'base':>6} {'delta':>7} {'se':>6}")
    for name, change in CHANGES.items():
        sc = parse_scenario(scenario_text(name, change, a.runs, a.seed), states=list(kb.regional_states),
                            orgs=orgs)
        res = run_scenario(kb, sc, keep_levels=True).result
        for state, line, what in OUTCOMES[name]:
            i, j = base.inputs.states.index(state), base.inputs.lines.index(line)
            if what == "member":
                b = base.levels[:, t, i, j] == 2
                s = res.levels[:, t, i, j] == 2
                pb, ps = base.probs[t, i, j, 2], res.probs[t, i, j, 2]
            else:
                pb, ps = base.stance_probs[t, i, j, 2], res.stance_probs[t, i, j, 2]
                b = s = None
            if b is not None:
                se = float(np.std(s.astype(float) - b.astype(float), ddof=1) / np.sqrt(a.runs))
            else:   # among members: binomial bound on each side
                se = float(np.sqrt((pb * (1 - pb) + ps * (1 - ps)) / a.runs))
            print(f"{name:<27} {state + ' ' + line + ' ' + what:<20} {pb:6.3f} {ps - pb:+7.3f} {se:6.3f}")


if __name__ == "__main__":
    main()
