"""Outcomes of interest: the numbers a sweep records for every point, computed from one simulation.

An outcome is a small expression, written as a user says it:

- `P_member(UZB, EAEU, 2035)`: the probability that the state is a full member of the organization
  (or of its line: `EURASEC` names the line of the customs union, EurAsEC and EAEU) in a year;
  `P_partner(...)` the same for partner/observer status, `P_tie(...)` for any tie;
- `balance(KAZ, 2035)`: the mean balance index (0–100) of a state in a year, over runs;
- `mean_balance(KAZ, 2026, 2035)`: the same averaged over years;
- `n_members(EAEU, 2035)`: the expected number of the regional states that are full members.

Probabilities are the engine's choice probabilities averaged over runs (as `simulate` reports them),
not the share of runs that drew the level: the same expectation with less Monte Carlo noise.
A condition for scenario discovery is `OUTCOME > value` (or <, >=, <=).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np

FUNCS = {"P_member": ("state", "org", "year"), "P_partner": ("state", "org", "year"),
         "P_tie": ("state", "org", "year"), "balance": ("state", "year"),
         "mean_balance": ("state", "year", "year"), "n_members": ("org", "year")}
_CALL = re.compile(r"^\s*([A-Za-z_]+)\s*\(([^()]*)\)\s*$")
_COND = re.compile(r"^(.*\))\s*(>=|<=|>|<)\s*([-+0-9.eE]+)\s*$")


class OutcomeError(ValueError):
    def __init__(self, what: str, fix: str):
        super().__init__(f"{what} — {fix}")
        self.what, self.fix = what, fix


@dataclass(frozen=True)
class Outcome:
    func: str
    args: tuple

    @property
    def label(self) -> str:
        return f"{self.func}({', '.join(map(str, self.args))})"

    @property
    def first_year(self) -> int:
        return min(a for a in self.args if isinstance(a, int))

    def value(self, res) -> float:
        """The outcome of one simulation result (model.engine.SimulationResult)."""
        inp = res.inputs
        years = list(int(y) for y in inp.years)
        f, a = self.func, self.args
        if f in ("P_member", "P_partner", "P_tie"):
            t = years.index(a[2])
            p = res.probs[t, inp.states.index(a[0]), line_index(inp, a[1], a[2])]
            return float({"P_member": p[2], "P_partner": p[1], "P_tie": 1.0 - p[0]}[f])
        if f == "n_members":
            t = years.index(a[1])
            return float(res.probs[t, :, line_index(inp, a[0], a[1]), 2].sum())
        s = inp.states.index(a[0])
        t0, t1 = (years.index(a[1]), years.index(a[1])) if f == "balance" else (years.index(a[1]), years.index(a[2]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return float(np.nanmean(res.balance[:, t0:t1 + 1, s]))


def line_index(inp, org: str, year: int) -> int:
    """The line of `org` in `year`: the line whose organization that year is `org`, or the line so named."""
    t = list(int(y) for y in inp.years).index(year)
    for k, o in enumerate(inp.era_org[t]):
        if o == org:
            return k
    return list(inp.lines).index(org)


def parse_outcome(text: str, states: list[str] | None = None, orgs: set[str] | None = None,
                  lines: list[str] | None = None, start: int = 1991, end: int = 2100) -> Outcome:
    """Parse `FUNC(args)`; raise OutcomeError(what, fix) naming what is wrong."""
    m = _CALL.match(text)
    if not m:
        raise OutcomeError(f"cannot read outcome {text!r}", 'write e.g. "P_member(UZB, EAEU, 2035)" or '
                           '"mean_balance(KAZ, 2026, 2035)"')
    func, parts = m.group(1), [p.strip() for p in m.group(2).split(",")]
    if func not in FUNCS:
        raise OutcomeError(f"unknown outcome {func!r}", f"use one of {', '.join(FUNCS)}")
    kinds = FUNCS[func]
    if len(parts) != len(kinds):
        raise OutcomeError(f"{func} takes {len(kinds)} arguments ({', '.join(kinds)}), got {len(parts)}",
                           f"write {func}({', '.join(k.upper() for k in kinds)})")
    args: list = []
    for kind, p in zip(kinds, parts, strict=True):
        if kind == "year":
            if not re.fullmatch(r"\d{4}", p) or not start <= int(p) <= end:
                raise OutcomeError(f"year {p!r} of {func} is outside the sweep's years {start}-{end}",
                                   "use a year within the base scenario's start..end")
            args.append(int(p))
        elif kind == "state":
            if states is not None and p not in states:
                raise OutcomeError(f"unknown state {p!r} in {func}", f"use one of {', '.join(states)}")
            args.append(p)
        else:
            known = set(orgs or ()) | set(lines or ())
            if (orgs is not None or lines is not None) and p not in known:
                raise OutcomeError(f"unknown organization {p!r} in {func}", f"use one of {', '.join(sorted(known))}")
            args.append(p)
    if func == "mean_balance" and args[2] < args[1]:
        raise OutcomeError(f"the years of {func} run backwards ({args[1]} > {args[2]})", "swap them")
    return Outcome(func, tuple(args))


@dataclass(frozen=True)
class Condition:
    """`outcome OP threshold`, the case of interest of scenario discovery (Bryant & Lempert 2010)."""

    outcome: str      # an outcome label as recorded
    op: str
    threshold: float

    def __call__(self, y: np.ndarray) -> np.ndarray:
        return {">": np.greater, "<": np.less, ">=": np.greater_equal, "<=": np.less_equal}[self.op](y, self.threshold)

    def __str__(self) -> str:
        return f"{self.outcome} {self.op} {self.threshold:g}"


def parse_condition(text: str) -> Condition:
    m = _COND.match(text.strip())
    if not m:
        raise OutcomeError(f"cannot read condition {text!r}", 'write e.g. "P_member(UZB, EAEU, 2035) > 0.5"')
    o = parse_outcome(m.group(1))
    try:
        thr = float(m.group(3))
    except ValueError:
        raise OutcomeError(f"threshold {m.group(3)!r} is not a number", "write e.g. > 0.5") from None
    return Condition(o.label, m.group(2), thr)
