"""A scenario compared like for like: the same projection with and without its driver changes.

Both runs start from the record in the same year, with the same seed, runs and
weights, and the engine draws the same random numbers in both (common random
numbers), so they differ only by the scenario's changes: before its first
change the difference is exactly zero. Each difference (P(member), P(tie), the
balance index) is the mean of the per-run differences with its 90% interval over
the posterior draws the runs share (model/intervals.py): the per-run transition
probabilities for the memberships, the realized index for the balance; the shares
of runs whose status went up or down are reported beside them. `simulate --compare`,
the web app's comparison and the report's difference charts all read `compare`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..kb import CaseBase
from .inputs import ModelInputs
from .intervals import describe, interval
from .parameters import Parameters
from .projection import Projection, project, projection_start, scenario_inputs
from .scenario import Scenario

MEASURES = ("p_member", "p_tie", "balance")
COLUMNS = ["measure", "state", "line", "org", "year", "with_changes", "without_changes", "difference", "p05", "p95",
           "gained", "lost"]
RENAME = {"scenario": "with_changes", "baseline": "without_changes"}


def without_changes(scenario: Scenario, start: int) -> Scenario:
    """The scenario's baseline: the same years, start, runs, seed and weight distributions, no driver changes."""
    return replace(scenario, name=f"{scenario.name} (without its changes)", changes=[], start=start)


@dataclass
class Comparison:
    """A scenario's projection, its baseline's, and their paired differences (a long table, `COLUMNS`)."""

    scenario: Projection
    baseline: Projection
    table: pd.DataFrame

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
                "seed": p.scenario.seed, "runs": p.scenario.runs,
                "interval": describe(p.parameter_uncertainty, p.scenario.runs)}


def differences(scenario: Projection, baseline: Projection) -> pd.DataFrame:
    """The paired differences of two projections of the same years, seed and runs (per-run probabilities and
    levels kept: `keep_probs`, `keep_levels`).

    One row per measure, state, line (for P(member) and P(tie): where the line is open to the state) and
    simulated year; balance rows have no line. Columns `COLUMNS`: `with_changes`, `without_changes` and
    `difference` are means over the runs, `p05`/`p95` the difference's interval over the posterior draws,
    `gained`/`lost` the shares of runs whose drawn status rose to / fell from the measure's level.
    """
    rs, rb = scenario.result, baseline.result
    if rs.run_probs is None or rb.run_probs is None or rs.levels is None or rb.levels is None:
        raise ValueError("the comparison needs the per-run probabilities and levels of both runs "
                         "(keep_probs=True, keep_levels=True)")
    if rs.seed != rb.seed or rs.runs != rb.runs or not np.array_equal(rs.inputs.years, rb.inputs.years):
        raise ValueError("a like-for-like comparison needs the same seed, runs and years in both runs")
    inp = rs.inputs
    t, s, l_ = np.nonzero(inp.max_level >= 1)
    states, lines = np.array(inp.states), np.array(inp.lines)
    frames = []
    for measure, level in (("p_member", 2), ("p_tie", 1)):
        ps = rs.run_probs[:, t, s, l_, level:].sum(-1, dtype=float)           # (R, n)
        pb = rb.run_probs[:, t, s, l_, level:].sum(-1, dtype=float)
        diff, lo, hi = interval(ps - pb)
        xs, xb = rs.levels[:, t, s, l_] >= level, rb.levels[:, t, s, l_] >= level
        frames.append(pd.DataFrame({
            "measure": measure, "state": states[s], "line": lines[l_], "org": inp.era_org[t, l_].astype(str),
            "year": inp.years[t], "with_changes": ps.mean(0), "without_changes": pb.mean(0), "difference": diff,
            "p05": lo, "p95": hi, "gained": (xs & ~xb).mean(0), "lost": (~xs & xb).mean(0)}))
    d = rs.balance - rb.balance                                                  # (R, T, S), NaN: no index
    both = ~np.isnan(d)
    diff, lo, hi = interval(d)
    with np.errstate(invalid="ignore"):
        a = np.where(both, rs.balance, np.nan)
        b = np.where(both, rb.balance, np.nan)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            a, b = np.nanmean(a, 0), np.nanmean(b, 0)
    T, S = diff.shape
    frames.append(pd.DataFrame({
        "measure": "balance", "state": np.tile(states, T), "line": "", "org": "", "year": np.repeat(inp.years, S),
        "with_changes": a.ravel(), "without_changes": b.ravel(), "difference": diff.ravel(), "p05": lo.ravel(),
        "p95": hi.ravel(), "gained": np.nan, "lost": np.nan}))
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
            inputs: ModelInputs | None = None) -> Comparison:
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
    a = project(kb, scenario, parameters, keep_levels=True, keep_probs=True, posterior=posterior, inputs=inputs,
                start=start, progress=step(0))
    b = project(kb, without_changes(scenario, start.year), parameters, keep_levels=True, keep_probs=True,
                posterior=posterior, inputs=inputs, start=start, progress=step(n))
    return Comparison(a, b, differences(a, b))
