"""Economic and security dependence by partner, from the indicators, year by year.

An indicator holds a value for a period (`YYYY` or `YYYY-YYYY`). To give a value
for every year, each year is filled by one explicit rule and flagged with it:

- ``observed``     the year lies inside an indicator's period: that value
                   (if periods overlap, the shortest period wins, then the latest);
- ``interpolated`` the year lies between two observations: linear interpolation
                   between the end of the earlier period and the start of the later one,
                   x_t = x_a + (x_b − x_a) · (t − a) / (b − a);
- ``carried``      the year lies before the first or after the last observation: the
                   nearest value, carried (flagged, with `distance` in years; dropped
                   when `carry=False` or beyond `max_carry` years).

Nothing is filled silently: every row names its flag and the indicator ids used.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

SECURITY_NAMES = re.compile(r"troop|arms|military|base|security|weapon")
ECONOMIC_NAMES = re.compile(r"trade|transit|debt|remittance|migrant|invest|loan|energy|export|import|aid|fdi|gas|oil")

COLUMNS = ["state", "partner", "name", "domain", "unit", "year", "value", "flag", "distance", "indicator_ids",
           "periods", "sources"]


def dependence_domain(name: str) -> str | None:
    """'security', 'economic' or None (not a dependence indicator) from an indicator's name."""
    if SECURITY_NAMES.search(name):
        return "security"
    if ECONOMIC_NAMES.search(name):
        return "economic"
    return None


def fill_years(obs: pd.DataFrame, years: np.ndarray, carry: bool = True, max_carry: int | None = None
               ) -> list[dict]:
    """Year-by-year values for one series of observations (columns id, value, period_start, period_end).

    Examples:
        >>> obs = pd.DataFrame({"id": ["a", "b"], "value": [20.0, 35.0], "period_start": [2000, 2008],
        ...                     "period_end": [2000, 2008], "sources": [["s1"], ["s2"]]})
        >>> [(r["year"], r["value"], r["flag"]) for r in fill_years(obs, np.arange(1999, 2010, 4))]
        [(1999, 20.0, 'carried'), (2003, 25.625, 'interpolated'), (2007, 33.125, 'interpolated')]
    """
    obs = obs.sort_values(["period_start", "period_end", "id"]).reset_index(drop=True)
    start = obs["period_start"].to_numpy(dtype=np.int64)
    end = obs["period_end"].to_numpy(dtype=np.int64)
    value = obs["value"].to_numpy(dtype=np.float64)
    ids = obs["id"].tolist()
    srcs = [list(s) for s in obs["sources"]] if "sources" in obs else [[] for _ in ids]
    periods = [f"{a}" if a == b else f"{a}-{b}" for a, b in zip(start, end, strict=True)]
    out = []
    for t in map(int, years):
        inside = np.nonzero((start <= t) & (t <= end))[0]
        if len(inside):
            span = end[inside] - start[inside]
            pick = inside[np.lexsort((-start[inside], span))[0]]
            out.append({"year": t, "value": float(value[pick]), "flag": "observed", "distance": 0,
                        "indicator_ids": [ids[pick]], "periods": [periods[pick]], "sources": srcs[pick]})
            continue
        before = np.nonzero(end < t)[0]
        after = np.nonzero(start > t)[0]
        if len(before) and len(after):
            a = before[np.argmax(end[before])]
            b = after[np.argmin(start[after])]
            xa, xb, ta, tb = value[a], value[b], end[a], start[b]
            v = xa + (xb - xa) * (t - ta) / (tb - ta)
            out.append({"year": t, "value": float(v), "flag": "interpolated", "distance": int(min(t - ta, tb - t)),
                        "indicator_ids": [ids[a], ids[b]], "periods": [periods[a], periods[b]],
                        "sources": srcs[a] + [s for s in srcs[b] if s not in srcs[a]]})
            continue
        if not carry:
            continue
        near = before[np.argmax(end[before])] if len(before) else after[np.argmin(start[after])]
        dist = int(t - end[near]) if len(before) else int(start[near] - t)
        if max_carry is not None and dist > max_carry:
            continue
        out.append({"year": t, "value": float(value[near]), "flag": "carried", "distance": dist,
                    "indicator_ids": [ids[near]], "periods": [periods[near]], "sources": srcs[near]})
    return out


def dependence_table(indicators: pd.DataFrame, years: tuple[int, int], partners: set[str] | None = None,
                     states: list[str] | None = None, carry: bool = True, max_carry: int | None = None
                     ) -> pd.DataFrame:
    """Dependence by partner for every state-year in `years`.

    `indicators` has the columns of `CaseBase.indicators()` plus `period_start`,
    `period_end` (parsed from `period` when absent). Only indicators whose name is
    a dependence measure (`dependence_domain`) and whose partner is in `partners`
    (default: any partner) are used; series are (state, partner, name, unit).
    """
    from ..kb.dates import parse_period

    df = indicators.copy()
    if df.empty:
        return pd.DataFrame(columns=COLUMNS)
    if "period_start" not in df:
        bounds = [parse_period(p) for p in df["period"]]
        df["period_start"] = [b[0] for b in bounds]
        df["period_end"] = [b[1] for b in bounds]
    df["domain"] = [dependence_domain(n) for n in df["name"]]
    df = df[df["domain"].notna() & df["partner"].notna()]
    if partners is not None:
        df = df[df["partner"].isin(partners)]
    if states is not None:
        df = df[df["actor"].isin(states)]
    yrs = np.arange(int(years[0]), int(years[1]) + 1)
    rows = []
    for (actor, partner, name, unit), grp in df.groupby(["actor", "partner", "name", "unit"], sort=True):
        domain = grp["domain"].iloc[0]
        for r in fill_years(grp, yrs, carry=carry, max_carry=max_carry):
            rows.append({"state": actor, "partner": partner, "name": name, "domain": domain, "unit": unit, **r})
    return pd.DataFrame(rows, columns=COLUMNS)
