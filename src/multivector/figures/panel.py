"""The state-year table's worked regression: UN voting agreement with Russia on ties to Russia-led organizations.

The tables of docs/panel.md:

* `sample` — what the regression is fitted on: states, years, state-years;
* `regression` — OLS with state and year fixed effects, standard errors clustered by state, fitted
  with statsmodels (the `dev` extra) exactly as the page's code does on the CSV that
  `multivector panel` writes (a test runs the page's code and compares).

It illustrates the workflow; it is not a finding of the project (see the note under the table).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import Table

FORMULA = "unga_agree_rus ~ ties_RUS + log_gdp + C(iso3) + C(year)"
NEEDED = ["unga_agree_rus", "ties_RUS", "gdp_current_usd"]
TERMS = {"ties_RUS": "ties to Russia-led organizations", "log_gdp": "GDP in current USD, logged"}


def sample_states(kb) -> list[str]:
    """The case's five states and the six other former Soviet republics fitted with them."""
    return list(kb.meta.get("regional_states", [])) + list(kb.meta.get("pooled_states", []))


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """The rows with every variable published, and log GDP (as the page's code does)."""
    return df.dropna(subset=NEEDED).assign(log_gdp=lambda x: np.log(x.gdp_current_usd))


def fit(d: pd.DataFrame):
    import statsmodels.formula.api as smf

    return smf.ols(FORMULA, data=d).fit(cov_type="cluster", cov_kwds={"groups": d.iso3})


def build() -> dict[str, Table]:
    from ..kb import CaseBase
    from ..measures.state_year import state_year_table

    kb = CaseBase.load()
    table = state_year_table(kb, sample_states(kb))
    d = prepare(table)
    res = fit(d)
    ci = res.conf_int()
    rows, raw = [], []
    for term, label in TERMS.items():
        rows.append([f"`{term}` ({label})", f"{res.params[term]:.4f}", f"{res.bse[term]:.4f}",
                     f"[{ci.loc[term, 0]:.4f}, {ci.loc[term, 1]:.4f}]", f"{res.pvalues[term]:.3f}"])
        raw.append({"term": term, "coef": float(res.params[term]), "se": float(res.bse[term]),
                    "low": float(ci.loc[term, 0]), "high": float(ci.loc[term, 1]), "p": float(res.pvalues[term])})
    regression = Table(
        columns=["term", "coefficient", "std. error (clustered by state)", "95% interval", "p"], rows=rows,
        align="lrrrr", raw=raw,
        note=(f"OLS of `unga_agree_rus` with state and year fixed effects; n = {int(res.nobs)} state-years, "
              f"R² = {res.rsquared:.3f}. Standard errors clustered by state: with {d.iso3.nunique()} clusters they "
              "are too small as a rule (Cameron & Miller 2015), so read the intervals as optimistic."))
    sample = Table(columns=["states", "years", "state-years fitted"],
                   rows=[[", ".join(sorted(d.iso3.unique())), f"{d.year.min()}–{d.year.max()}", str(len(d))]],
                   align="lrr",
                   note=f"of the {len(table)} state-years of these states in the table, the others lack a published "
                        "value of UN voting agreement or GDP (a missing value is never read as zero).")
    return {"sample": sample, "regression": regression}
