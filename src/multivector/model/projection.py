"""Every projection starts from the record: the one way a scenario, the baseline, the web app and sweeps run.

A projection simulates the years `start..end` from the recorded statuses, the
recorded tenure of each tie and the organizations' coded depth of the year
before `start`, as `multivector evaluate` does at an origin (docs/model.md,
"Projections from the record"). The years before `start` are the record.

- Without a `start` in the scenario, it is the year after the record ends, or the
  year of the first driver change when that falls inside the recorded years: then
  the run is a **counterfactual** (what would have happened from that year on,
  given the record up to the year before).
- A scenario is compared with the same projection without its driver changes
  (model/compare.py): same start, seed, runs and random numbers.
- The free run from 1991 is the backtest (model/backtest.py), never a projection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..kb import CaseBase
from .engine import SimulationResult, simulate
from .inputs import ModelInputs, load_inputs, modelled_states
from .parameters import Parameters, default_parameters
from .record import record_depth, record_engagement, record_indices
from .run import (
    depth_table,
    engagement_table,
    indices_table,
    per_run_table,
    stances_table,
    write_per_run_parquet,
)
from .scenario import DriverChange, Scenario, apply_changes, load_scenario


@dataclass(frozen=True)
class Start:
    """Where a projection begins: its first simulated year and whether that lies inside the record."""

    year: int                     # the first simulated year; the years before it are the record
    record_until: int             # the last recorded year
    first_change: int | None      # the first year a driver change names (None: no change names one)

    @property
    def counterfactual(self) -> bool:
        """True when the projection replaces recorded years (it starts inside the record)."""
        return self.year <= self.record_until

    def describe(self) -> str:
        """One line for terminals and pages."""
        if self.counterfactual:
            return (f"counterfactual from {self.year}: starts from the record of {self.year - 1}; "
                    f"{self.year}–{self.record_until} replace recorded years")
        return f"projection from the record of {self.year - 1} (the record ends in {self.record_until})"


def projection_start(scenario: Scenario, record_until: int, first_year: int = 1991) -> Start:
    """The start of a scenario's projection (see the module's docstring); ValueError if it cannot start there.

    An explicit `start` may lie before the first change (the years between are simulated
    without any change, in the scenario and its baseline alike), never after the record's end + 1.
    """
    fc = scenario.first_change()
    if scenario.start is not None:
        year = scenario.start
        if year > record_until + 1:
            raise ValueError(f"`start` {year} in {scenario.path}: the record ends in {record_until}, so a projection "
                             f"starts in {record_until + 1} at the latest; leave `start` out to start from the record")
    else:
        year = record_until + 1 if fc is None else min(fc, record_until + 1)
    year = max(year, first_year)
    if scenario.end < year:
        raise ValueError(f"`end` {scenario.end} in {scenario.path} is before the projection's start {year} "
                         f"(the record ends in {record_until}); give `end` after {year - 1}, e.g. end: 2035")
    return Start(year, record_until, fc)


def resolve_changes(changes: list[DriverChange], start: int) -> list[DriverChange]:
    """The changes with `from` filled in: a change without one runs from the projection's start."""
    return [replace(c, start=start) if c.start is None else c for c in changes]


def initial_state(inp: ModelInputs, start: int) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray]:
    """(levels, tenure, depth) the projection starts from: the record of the year before `start`.

    levels: (S, L) recorded level in `start − 1` (0 where none is recorded), None from the first modelled
    year (nothing joined yet: that is the record too); tenure: (S, L) the consecutive years each recorded
    tie had been held by `start` (model.utility.recorded_tenure), None from the first year; depth: (L,) the
    coded depth of each line's organization in `start` (the record knows no other depth, and a new treaty
    that year brings its own).
    """
    from .utility import recorded_tenure

    depth = inp.depth[inp.year_index(start)].copy()
    if start <= int(inp.years[0]):
        return None, None, depth
    if start - 1 > inp.record_until:
        raise ValueError(f"start {start}: the record ends in {inp.record_until}; start at {inp.record_until + 1} "
                         "at the latest")
    levels = np.maximum(inp.record[inp.year_index(start - 1)], 0).astype(np.int8)
    rec = np.where(inp.exists[:, None, :], inp.record, -1)
    tenure = recorded_tenure(rec)[inp.year_index(start)]
    return levels, tenure, depth


def scenario_inputs(kb: CaseBase, end: int, states: list[str] | None = None) -> ModelInputs:
    """The case's inputs from the first modelled year to `end` (at least the case's own last year), for
    `states` (ids or region names; None: the regional states)."""
    return load_inputs(kb, end=max(end, 2035), states=states)


@dataclass
class Projection:
    """A projection from the record: the simulation of `start..end` and the record before it."""

    scenario: Scenario
    start: Start
    inputs: ModelInputs           # every year from the first modelled one, the scenario's changes applied
    result: SimulationResult      # the simulated years start..end
    parameters: Parameters
    clipped: list[str] = field(default_factory=list)   # driver changes that left the 0–1 scale
    parameter_uncertainty: bool = False                 # weights drawn from the posterior in every run

    @property
    def counterfactual(self) -> bool:
        return self.start.counterfactual

    def engagement(self) -> pd.DataFrame:
        """Record rows (years before the start) then the simulated rows, `source` saying which."""
        return _with_record(record_engagement(self.inputs, self.start.year), engagement_table(self.result),
                            ["state", "line", "year"])

    def indices(self) -> pd.DataFrame:
        return _with_record(record_indices(self.inputs, self.start.year), indices_table(self.result),
                            ["state", "year"])

    def depth(self) -> pd.DataFrame:
        return _with_record(record_depth(self.inputs, self.start.year), depth_table(self.result), ["line", "year"])

    def stances(self) -> pd.DataFrame:
        """Stance probabilities of the simulated years (the record's stances are observations, not tables)."""
        return stances_table(self.result).assign(source="model")

    def record(self) -> pd.DataFrame:
        """The whole record (every recorded year, also after a counterfactual's start), for charts."""
        return record_engagement(self.inputs)

    def per_run(self) -> pd.DataFrame:
        return per_run_table(self.result, self.scenario.name)

    def write_per_run(self, path, progress=None) -> None:
        """Stream the per-run table of the simulated years to Parquet (see `run.write_per_run_parquet`)."""
        write_per_run_parquet(self.result, self.scenario.name, path, progress=progress)

    def summary(self) -> dict:
        """What the projection is, for summaries: years, start, whether it is a counterfactual, seed, runs."""
        sc = self.scenario
        return {"scenario": sc.name, "description": sc.description, "seed": sc.seed, "runs": sc.runs,
                "start": self.start.year, "end": sc.end, "first_change": self.start.first_change,
                "record_until": self.start.record_until, "counterfactual": self.counterfactual,
                "kind": "counterfactual" if self.counterfactual else "projection",
                "from_record_of": self.start.year - 1, "start_description": self.start.describe(),
                "parameters": self.parameters.as_dict(), "parameter_distributions": sc.parameters,
                "clipped_changes": self.clipped, "parameter_uncertainty": self.parameter_uncertainty}


def _with_record(record: pd.DataFrame, model: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    out = pd.concat([record, model.assign(source="model")], ignore_index=True)
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def project(kb: CaseBase | None, scenario: Scenario | str | Path, parameters: Parameters | None = None,
            runs: int | None = None, seed: int | None = None, keep_levels: bool = False,
            progress: Callable[[int], None] | None = None, posterior="default",
            inputs: ModelInputs | None = None, start: Start | None = None, keep_probs: bool = False) -> Projection:
    """Run a scenario from the record. posterior: "default" draws every run's weights from the shipped
    posterior when the shipped weights are used (None: fixed weights; or a Posterior).

    inputs: the case's inputs from the first modelled year to at least the scenario's end (loaded when
    None; a caller that runs several projections passes them once). start: force the start (the
    comparison runs the baseline from its scenario's start). progress(t) after each simulated year.
    """
    kb = kb if kb is not None or inputs is not None else CaseBase.load()
    full = inputs if inputs is not None else scenario_inputs(kb, scenario.end if isinstance(scenario, Scenario)
                                                             else 2035, getattr(scenario, "states", None))
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, full.states, {o for o in full.era_org.ravel() if o},
                                 modelled_states(kb) if kb is not None else None)
        if scenario.end > full.years[-1] or (scenario.states and scenario.states != list(full.states)):
            full = scenario_inputs(kb, max(scenario.end, int(full.years[-1])), scenario.states)
    if scenario.states and scenario.states != list(full.states):
        raise ValueError(f"the inputs hold {', '.join(full.states)}, not the scenario's states "
                         f"{', '.join(scenario.states)}: load them with load_inputs(kb, states=...)")
    if scenario.end > full.years[-1]:
        raise ValueError(f"the inputs end in {full.years[-1]}, before the scenario's end {scenario.end}")
    if runs is not None:
        scenario.runs = runs
    if seed is not None:
        scenario.seed = seed
    if isinstance(posterior, str):
        from .parameters import default_posterior

        posterior = default_posterior() if parameters is None else None
    parameters = parameters or default_parameters()
    start = start or projection_start(scenario, full.record_until, int(full.years[0]))
    clipped: list[str] = []
    changed = apply_changes(full, resolve_changes(scenario.changes, start.year), clipped)
    initial, tenure, depth = initial_state(full, start.year)
    res = simulate(changed.restrict(start.year, scenario.end), parameters, runs=scenario.runs, seed=scenario.seed,
                   parameter_spec=scenario.parameters, initial=initial, initial_tenure=tenure,
                   initial_depth=np.broadcast_to(depth, (scenario.runs, len(depth))), keep_levels=keep_levels,
                   progress=progress, posterior=posterior, keep_probs=keep_probs)
    return Projection(scenario, start, changed, res, parameters, clipped, posterior is not None)
