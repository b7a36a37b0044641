"""Driver panels: the time-varying inputs of the model, with the evidence behind each value.

Drivers are hand-coded segments in the case's `drivers.yaml` (each with evidence
ids and a justification); this module expands them into yearly arrays and keeps,
for every cell, the segment it came from so `explain` can show the chain.
Years after the last coded year carry the last value forward (flagged).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..kb import CaseBase
from ..kb.problems import CaseError, Problem
from ..kb.vocab import DEPENDENCE_DRIVERS, ORG_DRIVERS, POWER_DRIVERS, STATE_DRIVERS

POWERS = ("RUS", "CHN", "WEST")
# Drivers with a natural default where a case codes nothing: no declared neutrality, no threat
# from a pole, no development finance from it (docs/model.md).
DEFAULTS = {"neutrality": 0.0, "pole_threat": 0.0, "finance_dependence": 0.0}


@dataclass
class DriverPanel:
    state: dict[str, np.ndarray]        # name -> (T, S)
    dependence: dict[str, np.ndarray]   # name -> (T, S, 3) over POWERS
    power: dict[str, np.ndarray]        # name -> (T, 3)
    pressure: np.ndarray                # (T, 3, L) integration pressure of each power on each line
    provenance: dict[tuple, dict] = field(default_factory=dict)  # (name, actor, partner, org, year) -> segment

    def restrict(self, a: int, b: int) -> DriverPanel:
        return DriverPanel(
            state={k: v[a:b] for k, v in self.state.items()},
            dependence={k: v[a:b] for k, v in self.dependence.items()},
            power={k: v[a:b] for k, v in self.power.items()},
            pressure=self.pressure[a:b], provenance=self.provenance)

    def copy(self) -> DriverPanel:
        return DriverPanel(
            state={k: v.copy() for k, v in self.state.items()},
            dependence={k: v.copy() for k, v in self.dependence.items()},
            power={k: v.copy() for k, v in self.power.items()},
            pressure=self.pressure.copy(), provenance=self.provenance)

    def series(self, name: str) -> np.ndarray:
        for group in (self.state, self.dependence, self.power):
            if name in group:
                return group[name]
        if name == "integration_pressure":
            return self.pressure
        raise KeyError(name)


def build_drivers(kb: CaseBase, years: np.ndarray, states: list[str], lines: list[str],
                  era_org: np.ndarray) -> DriverPanel:
    """Expand the case's driver segments into yearly arrays; every required series must be coded."""
    T, S, L = len(years), len(states), len(lines)
    seg = kb.sql('SELECT * FROM drivers ORDER BY driver, actor, partner, org, "from"')
    state = {n: np.full((T, S), np.nan) for n in STATE_DRIVERS}
    dep = {n: np.full((T, S, 3), np.nan) for n in DEPENDENCE_DRIVERS}
    power = {n: np.full((T, 3), np.nan) for n in POWER_DRIVERS}
    pressure = np.zeros((T, 3, L))
    provenance: dict[tuple, dict] = {}
    s_idx = {s: i for i, s in enumerate(states)}
    p_idx = {p: i for i, p in enumerate(POWERS)}
    coded_until = int(kb.meta.get("period", {}).get("end", 2025))

    for row in seg.to_dict(orient="records"):
        to = None if pd.isna(row["to"]) else int(row["to"])
        # Open segments reach the model's last year; coded segments stop where they stop.
        mask = (years >= row["from"]) & (years <= (to if to is not None else years[-1]))
        name, actor = row["driver"], row["actor"]
        row["partner"] = None if pd.isna(row["partner"]) else row["partner"]
        row["org"] = None if pd.isna(row["org"]) else row["org"]
        info = {"value": row["value"], "evidence": list(row["evidence"]), "justification": row["justification"],
                "from": row["from"], "to": to, "file": row["file"], "line": row["line"]}
        if name in STATE_DRIVERS and actor in s_idx:
            state[name][mask, s_idx[actor]] = row["value"]
        elif name in DEPENDENCE_DRIVERS and actor in s_idx:
            dep[name][mask, s_idx[actor], p_idx[row["partner"]]] = row["value"]
        elif name in POWER_DRIVERS and actor in p_idx:
            power[name][mask, p_idx[actor]] = row["value"]
        elif name in ORG_DRIVERS and actor in p_idx:
            for j in range(L):
                hit = mask & (era_org[:, j] == row["org"])
                pressure[hit, p_idx[actor], j] = row["value"]
        else:
            continue
        for y in years[mask]:
            provenance[(name, actor, row["partner"], row["org"], int(y))] = info

    # Every series must be coded for the record's years; after them the last value carries on.
    problems = []
    rec = years <= coded_until

    def check(arr: np.ndarray, label: str) -> None:
        missing = np.isnan(arr[rec])
        if missing.any():
            first = int(years[rec][np.argwhere(missing)[0][0]])
            problems.append(Problem("drivers.yaml", 1, f"driver {label} has no value for {first}",
                                    f"add a segment for {label} covering {first} (with evidence ids)"))
        _carry_forward(arr)

    for n, a in state.items():
        for i, s in enumerate(states):
            if n in DEFAULTS and np.isnan(a[:, i]).all():
                a[:, i] = DEFAULTS[n]
            check(a[:, i], f"{n}/{s}")
    for n, a in dep.items():
        for i, s in enumerate(states):
            for k, p in enumerate(POWERS):
                if n in DEFAULTS and np.isnan(a[:, i, k]).all():
                    a[:, i, k] = DEFAULTS[n]
                check(a[:, i, k], f"{n}/{s}/{p}")
    for n, a in power.items():
        for k, p in enumerate(POWERS):
            check(a[:, k], f"{n}/{p}")
    if problems:
        raise CaseError(problems, str(kb.folder))
    return DriverPanel(state=state, dependence=dep, power=power, pressure=pressure, provenance=provenance)


def _carry_forward(a: np.ndarray) -> None:
    """Fill NaN cells along the first axis with the last known value (in place)."""
    last = None
    for t in range(a.shape[0]):
        if np.isnan(a[t]).all() if a[t].ndim else np.isnan(a[t]):
            if last is not None:
                a[t] = last
        else:
            last = a[t].copy() if a[t].ndim else a[t]
