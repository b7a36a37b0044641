"""A scenario compared like for like: the same projection with and without its driver changes.

Both runs start from the record in the same year, with the same seed, runs and
weights, and the engine draws the same random numbers in both (common random
numbers), so they differ only by the scenario's changes: before its first
change the difference is exactly zero. Each difference (P(member), P(tie), the
balance index) is a mean over the paired runs with its 5th–95th percentile
bootstrap interval (model/paired.py). `simulate --compare`, the web app's
comparison and the report's difference charts all read `compare`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..kb import CaseBase
from .inputs import ModelInputs
from .paired import RESAMPLES, bootstrap_rng, paired_binary, paired_continuous
from .parameters import Parameters
from .projection import Projection, project, projection_start, scenario_inputs
from .scenario import Scenario

MEASURES = ("p_member", "p_tie", "balance")
COLUMNS = ["measure", "state", "line", "org", "year", "with_changes", "without_changes", "difference", "p05", "p95",
           "gained", "lost"]
RENAME = {"scenario": "with_changes", "baseline": "without_changes"}
INTERVAL = ("5th–95th percentiles of the mean paired difference over {n:,} bootstrap resamples of the runs "
            "(per-run outcomes: membership 0/1, any tie 0/1, the balance index)")


def without_changes(scenario: Scenario, start: int) -> Scenario:
    """The scenario's baseline: the same years, start, runs, seed and weight distributions, no driver changes."""
    return replace(scenario, name=f"{scenario.name} (without its changes)", changes=[], start=start)


@dataclass
class Comparison:
    """A scenario's projection, its baseline's, and their paired differences (a long table, `COLUMNS`)."""

    scenario: Projection
    baseline: Projection
    table: pd.DataFrame
    resamples: int = RESAMPLES

    @property
    def first_change(self) -> int | None:
        return self.scenario.start.first_change

    def largest(self, top: int = 15, measure: str = "p_member") -> pd.DataFrame:
        """For each state and line, the year of the largest difference from the first change on; largest first."""
        return largest_differences(self.table, self.first_change, top, measure)

    def summary(self) -> dict:
        p = self.scenario
        return {"baseline": "the same projection without the scenario's driver changes (same start, seed, runs "
                            "and random numbers)",
                "start": p.start.year, "first_change": self.first_change, "counterfactual": p.counterfactual,
                "seed": p.scenario.seed, "runs": p.scenario.runs, "interval": INTERVAL.format(n=self.resamples),
                "resamples": self.resamples}


def differences(scenario: Projection, baseline: Projection, resamples: int = RESAMPLES) -> pd.DataFrame:
    """The paired differences of two projections of the same years, seed and runs (per-run levels kept).

    One row per measure, state, line (for P(member) and P(tie): where the line is open to the state) and
    simulated year; balance rows have no line. Columns `COLUMNS`.
    """
    rs, rb = scenario.result, baseline.result
    if rs.levels is None or rb.levels is None:
        raise ValueError("the comparison needs the per-run levels of both runs (keep_levels=True)")
    if rs.seed != rb.seed or rs.runs != rb.runs or not np.array_equal(rs.inputs.years, rb.inputs.years):
        raise ValueError("a like-for-like comparison needs the same seed, runs and years in both runs")
    rng = bootstrap_rng(rs.seed)
    inp = rs.inputs
    t, s, l_ = np.nonzero(inp.max_level >= 1)
    states, lines = np.array(inp.states), np.array(inp.lines)
    frames = []
    for measure, level in (("p_member", 2), ("p_tie", 1)):
        st = paired_binary(rs.levels >= level, rb.levels >= level, rng, resamples)
        frames.append(pd.DataFrame({
            "measure": measure, "state": states[s], "line": lines[l_], "org": inp.era_org[t, l_].astype(str),
            "year": inp.years[t], **{RENAME.get(k, k): st[k][t, s, l_] for k in ("scenario", "baseline", "difference",
                                                                                  "p05", "p95", "gained", "lost")}}))
    bal = paired_continuous(rs.balance, rb.balance, rng, resamples)
    T, S = bal["difference"].shape
    frames.append(pd.DataFrame({
        "measure": "balance", "state": np.tile(states, T), "line": "", "org": "", "year": np.repeat(inp.years, S),
        **{RENAME.get(k, k): bal[k].ravel() for k in ("scenario", "baseline", "difference", "p05", "p95")},
        "gained": np.nan, "lost": np.nan}))
    out = pd.concat(frames, ignore_index=True)[COLUMNS]
    num = ["with_changes", "without_changes", "difference", "p05", "p95", "gained", "lost"]
    out[num] = out[num].round(4)
    order = {m: k for k, m in enumerate(MEASURES)}
    return out.sort_values(["measure", "state", "line", "year"], key=lambda c: c.map(order) if c.name == "measure"
                           else c, kind="stable").reset_index(drop=True)


def largest_differences(table: pd.DataFrame, first_change: int | None, top: int = 15,
                        measure: str = "p_member") -> pd.DataFrame:
    """Per state and line, the year (from `first_change` on) where `measure` differs most; the `top` largest.

    Nothing can differ before the first change, so earlier years are never counted; with no change
    (first_change None) there is nothing to list.
    """
    m = table[(table.measure == measure) & (table.difference != 0)]
    if first_change is None:
        m = m.iloc[0:0]
    m = m[m.year >= (first_change or 0)].assign(size=lambda d: d.difference.abs())
    best = m.sort_values(["size", "year"], ascending=[False, True], kind="stable").drop_duplicates(["state", "line"])
    return best.head(top).drop(columns="size").reset_index(drop=True)


def compare(kb: CaseBase | None, scenario: Scenario, parameters: Parameters | None = None, posterior="default",
            runs: int | None = None, seed: int | None = None, progress: Callable[[int], None] | None = None,
            inputs: ModelInputs | None = None, resamples: int = RESAMPLES) -> Comparison:
    """Project the scenario and its baseline (`without_changes`) from the same start, and difference them.

    progress(k) counts simulated years over both runs (2 × the years in all).
    """
    inputs = inputs if inputs is not None else scenario_inputs(kb or CaseBase.load(), scenario.end, scenario.states)
    if runs is not None:
        scenario.runs = runs
    if seed is not None:
        scenario.seed = seed
    start = projection_start(scenario, inputs.record_until, int(inputs.years[0]))
    n = scenario.end - start.year + 1
    step = (lambda k: (lambda t: progress(k + t + 1))) if progress else (lambda k: None)
    a = project(kb, scenario, parameters, keep_levels=True, posterior=posterior, inputs=inputs, start=start,
                progress=step(0))
    b = project(kb, without_changes(scenario, start.year), parameters, keep_levels=True, posterior=posterior,
                inputs=inputs, start=start, progress=step(n))
    return Comparison(a, b, differences(a, b, resamples), resamples)
