"""One tidy state-year table for regressions: codes, statuses, measures and the case's yearly series merged.

Researchers of international relations load a state-year table and regress (peacesciencer in R:
Miller 2022, *Conflict Management and Peace Science* 39(6); the COW state system as its backbone).
`state_year_table` is that table for a case: one row per state and year, keyed by the Correlates of
War state code (`ccode`) and the ISO 3166 alpha-3 code (`iso3`, the case's actor id), with

* `status_ORG` — the state's status in every organization of the case that year (member,
  associate, observer, partner, candidate, none; empty where the organization did not exist), as
  the measures read it (:mod:`.panel`);
* the measures of :func:`multivector.measures.measures_table` (ties by pole, balance index,
  concentration, sovereignty exposure, network measures; docs/measures.md);
* every yearly series of the case (`series/*.csv`: the imported WDI and AidData series and UN
  General Assembly voting agreement, or the user's own imports), one column each, empty where the
  publisher gives no value (never zero).

`codebook` says what each column is, its unit and its source. Pure pandas on the case's tables; the
command line (`multivector panel`) and docs/panel.md are thin readers of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .panel import CODE_STATUS, Panel, panel_from_case

KEYS = ["ccode", "iso3", "year"]
MEASURE_UNITS = {
    "ties_": "status weight × depth, summed over the organizations led by the pole",
    "balance_index": "0–100 (100: ties spread evenly over RUS, CHN and WEST)",
    "concentration": "Herfindahl index of the ties' pole shares (0–1)",
    "effective_poles": "1 / concentration",
    "sovereignty_exposure": "Σ status weight × depth",
    "n_orgs": "count of organizations with a status above none",
    "n_missing": "count of organizations not covered that year",
    "n_uncoded": "count of organizations without a coded lead",
    "degree": "number of organizations the state is in",
    "strength": "Σ status weights over the organizations",
    "betweenness": "normalized betweenness in the state–organization graph of the year",
    "proj_degree": "number of states sharing at least one forum with the state",
    "proj_strength": "Σ forums shared with each other state",
    "proj_betweenness": "weighted betweenness in the state projection (distance 1 / shared forums)",
    "forums_with_": "distinct forums shared with the power (empty for the power itself)",
}


def _series_columns(series: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(series, partner) → column: the series' name, with the partner appended when it has several."""
    partners = series.groupby("series")["partner"].nunique()
    return {(s, p): (s if partners[s] == 1 else f"{s}_{p.lower()}" if p else s)
            for s, p in series[["series", "partner"]].drop_duplicates().itertuples(index=False)}


def statuses(panel: Panel) -> pd.DataFrame:
    """`status_ORG` columns, one row per state-year of the panel (empty where the organization did not exist)."""
    s, o, y = panel.codes.shape
    words = np.vectorize(lambda c: CODE_STATUS[int(c)] if c >= 0 else None, otypes=[object])(panel.codes)
    out = pd.DataFrame({"iso3": np.repeat(panel.states, y), "year": np.tile(panel.years, s)})
    for k, org in enumerate(panel.orgs):
        out[f"status_{org}"] = words[:, k, :].reshape(-1)
    return out


def state_year_table(kb, states: list[str] | None = None, years: tuple[int, int] | None = None) -> pd.DataFrame:
    """The state-year table of a case (see the module docstring); `states` (ISO3 ids) and `years` select rows.

    Measures are computed on every state of the case (network measures need the whole graph), then
    the rows are selected.
    """
    from . import measures_table

    panel = panel_from_case(kb, years=years)
    known = list(panel.states)
    if states is not None:
        unknown = [s for s in states if s not in known]
        if unknown:
            from ..kb.problems import UnknownIdError

            raise UnknownIdError("state", unknown[0], known)
    codes = kb.actors().set_index("id")["cow_code"]
    table = statuses(panel).merge(measures_table(panel).rename(columns={"state": "iso3"}), on=["iso3", "year"],
                                  how="left")
    series = kb.series(start=int(panel.years[0]), end=int(panel.years[-1]))
    if not series.empty:
        names = _series_columns(series)
        series = series.assign(column=[names[(s, p)] for s, p in zip(series.series, series.partner, strict=True)])
        wide = series.pivot_table(index=["actor", "year"], columns="column", values="value", aggfunc="first")
        wide = wide.reset_index().rename(columns={"actor": "iso3"})
        wide.columns.name = None
        table = table.merge(wide, on=["iso3", "year"], how="left")
    table.insert(0, "ccode", table["iso3"].map(codes).astype("Int64"))
    if states is not None:
        table = table[table["iso3"].isin(states)]
    return table.sort_values(["iso3", "year"], kind="stable").reset_index(drop=True)


def codebook(kb, table: pd.DataFrame) -> pd.DataFrame:
    """What each column of `table` is: its group, unit or meaning, and source."""
    series = kb.series()
    names = _series_columns(series) if not series.empty else {}
    by_column = {}
    for (s, p), col in names.items():
        row = series[(series.series == s) & (series.partner == p)].iloc[0]
        by_column[col] = ("series", f"{row.unit}" + (f" (partner {p})" if p else ""), ", ".join(row.sources))
    rows = []
    for col in table.columns:
        if col == "ccode":
            rows.append((col, "key", "Correlates of War state code", "actors.yaml (cow_code)"))
        elif col == "iso3":
            rows.append((col, "key", "ISO 3166-1 alpha-3 code (the case's actor id)", "actors.yaml"))
        elif col == "year":
            rows.append((col, "key", "calendar year", ""))
        elif col.startswith("status_"):
            rows.append((col, "status", f"status in {col[7:]} that year (empty: {col[7:]} did not exist)",
                         "memberships.csv"))
        elif col in by_column:
            group, unit, src = by_column[col]
            rows.append((col, group, unit, src))
        else:
            unit = next((u for k, u in MEASURE_UNITS.items() if col.startswith(k)), "see docs/measures.md")
            rows.append((col, "measure", unit, "docs/measures.md"))
    return pd.DataFrame(rows, columns=["column", "group", "meaning", "source"])
