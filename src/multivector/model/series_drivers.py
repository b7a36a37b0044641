"""Drivers read from published yearly series (`model.yaml: series_drivers`), not coded by hand.

A rule names a driver (and partner), a series of the evidence base
(`series/*.csv`, e.g. World Bank WDI remittances, % of GDP), the states it
covers, and how the series' unit maps onto the driver: `divide` (value / d,
so a percentage becomes a share with d = 100, the NUMBER rule of drivers.yaml)
and `cap` (at most this); `window: N` sums the last N years of a flow
(a year with no row counts as 0, as AidData publishes) and `per: SERIES`
divides by another series of the same state and year (e.g. GDP in US dollars),
so commitments become a share of the economy. Within the years the series covers, the driver takes
the series' value of that year; before its first published year the first
value stands (flagged `backfilled`), after its last the last value carries on
(as every driver does). A state the series does not cover keeps its coded
driver. Provenance records the series, its source ids and the rule, so
`explain` and `drivers` show where every value comes from.
"""

from __future__ import annotations

import numpy as np

from ..kb import CaseBase
from ..kb.problems import Problem
from ..kb.vocab import DEPENDENCE_DRIVERS, STATE_DRIVERS
from .drivers import POWERS, DriverPanel

KEYS = {"driver", "partner", "series", "actors", "divide", "cap", "window", "per", "evidence", "sources",
        "justification"}


def rule_problems(kb: CaseBase, rules: list, states: set[str], line=lambda n: 1) -> list[Problem]:
    """Every rule names a known driver, series and states, a positive `divide`, and its justification;
    `line(n)` is the line of the n-th rule (from 1) in model.yaml."""
    out = []
    known = set(kb.series_names()) if hasattr(kb, "series_names") else set()
    for n, r in enumerate(rules or [], 1):
        where = f"series_drivers {n}"
        if not isinstance(r, dict):
            out.append(Problem("model.yaml", line(n), f"{where} is not a mapping", "write it as `- driver: NAME` with its keys"))
            continue
        where += f" ({r.get('driver', '?')})"
        if set(r) - KEYS:
            out.append(Problem("model.yaml", line(n), f"{where}: unknown key(s) {', '.join(sorted(set(r) - KEYS))}",
                               f"use only {', '.join(sorted(KEYS))}"))
        if r.get("driver") not in (*STATE_DRIVERS, *DEPENDENCE_DRIVERS):
            out.append(Problem("model.yaml", line(n), f"{where}: a series can set a state or dependence driver only",
                               f"use one of {', '.join((*STATE_DRIVERS, *DEPENDENCE_DRIVERS))}"))
        if r.get("driver") in DEPENDENCE_DRIVERS and r.get("partner") not in POWERS:
            out.append(Problem("model.yaml", line(n), f"{where}: a dependence driver needs `partner`",
                               f"use one of {', '.join(POWERS)}"))
        if r.get("series") not in known:
            out.append(Problem("model.yaml", line(n), f"{where}: series '{r.get('series')}' is not in the evidence base",
                               "import it (multivector import econ/unga) or use one of " + ", ".join(sorted(known))))
        for a in r.get("actors", []) or []:
            if a not in states:
                out.append(Problem("model.yaml", line(n), f"{where}: unknown state '{a}'", f"use one of {', '.join(sorted(states))}"))
        d = r.get("divide", 1)
        if not isinstance(d, int | float) or isinstance(d, bool) or not np.isfinite(d) or d <= 0:
            out.append(Problem("model.yaml", line(n), f"{where}: `divide` must be a positive number, not {d!r}",
                               "e.g. divide: 100 turns a percentage into a share"))
        win = r.get("window", 1)
        if not isinstance(win, int) or isinstance(win, bool) or not 1 <= win <= 50:
            out.append(Problem("model.yaml", line(n), f"{where}: `window` must be a whole number of years from 1 to 50, "
                               f"not {win!r}", "e.g. window: 5 sums the last five years"))
        if "per" in r and r["per"] not in known:
            out.append(Problem("model.yaml", line(n), f"{where}: `per` series '{r['per']}' is not in the evidence base",
                               "use one of " + ", ".join(sorted(known))))
        if not r.get("justification"):
            out.append(Problem("model.yaml", line(n), f"{where}: a rule needs a `justification`",
                               "say in one sentence why the series measures the driver"))
    return out


def apply_series_drivers(kb: CaseBase, rules: list, drivers: DriverPanel, years: np.ndarray,
                         states: list[str]) -> None:
    """Overwrite the drivers the rules cover with their series (in place), recording provenance."""
    for r in rules or []:
        df = kb.series(r["series"])
        name, partner = r["driver"], r.get("partner")
        divide, cap = float(r.get("divide", 1)), r.get("cap")
        for actor in r.get("actors", []) or []:
            rows = df[df["actor"] == actor].sort_values("year")
            rows = rows[rows["value"].notna()]
            if "window" in r or "per" in r:
                rows = _flow_share(kb, rows, actor, int(r.get("window", 1)), r.get("per"), int(df["year"].max()))
            if rows.empty or actor not in states:
                continue
            i = states.index(actor)
            obs_years, vals = rows["year"].to_numpy(int), rows["value"].to_numpy(float) / divide
            if cap is not None:
                vals = np.minimum(vals, float(cap))
            series = np.interp(years, obs_years, vals)            # in-between gaps: linear
            series[years < obs_years[0]] = vals[0]                 # before the first year: backfilled
            series[years > obs_years[-1]] = vals[-1]               # after the last: carried forward
            arr = drivers.dependence[name][:, i, POWERS.index(partner)] if name in DEPENDENCE_DRIVERS \
                else drivers.state[name][:, i]
            arr[:] = series
            sources = sorted({s for lst in rows["sources"] for s in lst})
            for y, v in zip(years.tolist(), series.tolist(), strict=True):
                flag = "backfilled" if y < obs_years[0] else ("carried forward" if y > obs_years[-1] else
                                                              ("published" if y in set(obs_years) else "interpolated"))
                drivers.provenance[(name, actor, partner, None, int(y))] = {
                    "value": round(v, 4), "evidence": list(r.get("evidence", [])) + sources,
                    "justification": f"{r['justification']} (series {r['series']}, {flag})",
                    "from": int(y), "to": int(y), "file": "model.yaml", "line": 1, "series": r["series"]}


def _flow_share(kb: CaseBase, rows, actor: str, window: int, per: str | None, last: int):
    """Trailing `window`-year sums of a flow (years without a row count as 0), divided by the `per`
    series of the same year; only years the flow's dataset covers (to `last`) and where the divisor
    is published are kept."""
    import pandas as pd

    if rows.empty:
        return rows
    by_year = rows.groupby("year")["value"].sum()
    first = int(by_year.index.min())
    sources = sorted({s for lst in rows["sources"] for s in lst})
    if per is not None:
        den = kb.series(per)
        den = den[(den["actor"] == actor) & den["value"].notna()].groupby("year")["value"].mean()
        years = [int(y) for y in den.index if first <= y <= last]
        sources = sorted(set(sources) | {s for lst in kb.series(per).query("actor == @actor")["sources"] for s in lst})
    else:
        years = list(range(first, last + 1))
    out = []
    for y in years:
        total = float(sum(by_year.get(k, 0.0) for k in range(y - window + 1, y + 1)))
        value = total / float(den[y]) if per is not None else total
        if np.isfinite(value):
            out.append({"year": y, "value": value, "sources": sources})
    return pd.DataFrame(out, columns=["year", "value", "sources"])

