"""A scenario against the baseline: where the membership probabilities and balance index differ most.

Both inputs are the summary tables of `model.run` (`engagement_table`,
`indices_table`) for two runs with the same seed and number of runs, so the
differences come from the scenario's changes, not from sampling noise of
different draws (common random numbers).
"""

from __future__ import annotations

import pandas as pd


def engagement_differences(scenario: pd.DataFrame, baseline: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """For each state and organization line, the year where P(member) moves most; the `top` largest first.

    Columns: state, line, org, year, p_member_scenario, p_member_baseline, difference (scenario − baseline).
    """
    keys = ["state", "line", "year"]
    m = scenario[keys + ["org", "p_member"]].merge(baseline[keys + ["p_member"]], on=keys, how="inner",
                                                   suffixes=("_scenario", "_baseline"))
    if m.empty:
        return m.assign(difference=pd.Series(dtype=float))
    m["difference"] = (m.p_member_scenario - m.p_member_baseline).round(4)
    m["size"] = m.difference.abs()
    best = m.sort_values(["size", "year"], ascending=[False, True], kind="stable").drop_duplicates(["state", "line"])
    best = best[best["size"] > 0].head(top)
    return best.drop(columns="size")[["state", "line", "org", "year", "p_member_scenario", "p_member_baseline",
                                      "difference"]].reset_index(drop=True)


def balance_differences(scenario: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """Mean balance index per state and year in both runs and their difference."""
    keys = ["state", "year"]
    m = scenario[keys + ["balance_index_mean"]].merge(baseline[keys + ["balance_index_mean"]], on=keys,
                                                      suffixes=("_scenario", "_baseline"))
    m["difference"] = (m.balance_index_mean_scenario - m.balance_index_mean_baseline).round(2)
    return m
