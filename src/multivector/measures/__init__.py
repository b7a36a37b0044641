"""Measures of balancing per state and year, from any membership source.

>>> from multivector import CaseBase
>>> from multivector.measures import panel_from_case, measures_table
>>> kb = CaseBase.load()
>>> m = measures_table(panel_from_case(kb), states=["KAZ"], years=(2016, 2016))
>>> bool(0 < m.loc[0, "balance_index"] < 100)
True

Library first: `Panel` (states × organizations × years of status codes) is built
from the evidence base (`panel_from_case`) or an imported COW IGO file
(`multivector.cow.panel_from_cow`); every measure is a pure function of it.
"""

from __future__ import annotations

import pandas as pd

from .dependence import dependence_domain, dependence_table, fill_years
from .explain import FORMULAS, explain_rows, explain_state_year
from .indices import (
    balance_from_onset,
    balance_index,
    balance_onset,
    effective_depth,
    hhi,
    pole_shares,
    sovereignty_exposure,
    state_year_measures,
    ties_by_pole,
)
from .network import bipartite_betweenness, network_measures, projection_graph, year_graph
from .panel import (
    BALANCE_POLES,
    CODE_STATUS,
    DEFAULT_DEPTH,
    POLES,
    STATUS_CODE,
    STATUS_WEIGHT,
    UNCODED,
    Panel,
    codes_from_spells,
    lead_matrix,
    load_org_meta,
    org_meta_from_case,
    panel_from_case,
    panel_from_spells,
)

__all__ = [
    "BALANCE_POLES", "CODE_STATUS", "DEFAULT_DEPTH", "FORMULAS", "POLES", "STATUS_CODE", "STATUS_WEIGHT", "UNCODED",
    "Panel", "balance_from_onset", "balance_index", "balance_onset", "bipartite_betweenness", "codes_from_spells", "dependence_domain", "dependence_table",
    "effective_depth", "explain_rows", "explain_state_year", "fill_years", "hhi", "lead_matrix", "load_org_meta",
    "measures_table", "nest_rows", "network_measures", "org_meta_from_case", "panel_from_case",
    "panel_from_spells", "pole_shares", "projection_graph", "sovereignty_exposure", "state_year_measures",
    "ties_by_pole", "year_graph", "case_dependence",
]


def measures_table(panel: Panel, states: list[str] | None = None, years: tuple[int, int] | None = None,
                   network: bool = True, betweenness: bool = True, projection_betweenness: bool | None = None,
                   default_depth: float = DEFAULT_DEPTH) -> pd.DataFrame:
    """Core and network measures, one row per covered state-year.

    Network measures are computed on the whole graph of each selected year (every
    state of the panel), then the requested states are kept.
    """
    sub_years = panel.select(None, years) if years is not None else panel
    # on every year of the panel, then cut: whether the balance index is defined in a year depends on the
    # years before it (`balance_from_onset`)
    core_panel = panel.select(states) if states is not None else panel
    core = state_year_measures(core_panel, default_depth=default_depth)
    if years is not None:
        core = core[core["year"].between(*years)].reset_index(drop=True)
    if not network:
        return core
    net = network_measures(sub_years, betweenness=betweenness, projection_betweenness=projection_betweenness)
    if states is not None:
        net = net[net["state"].isin(states)]
    return core.merge(net, on=["state", "year"], how="left")


def nest_rows(df: pd.DataFrame, poles: tuple[str, ...] | None = None) -> list[dict]:
    """JSON rows with `ties` as an object by pole (`ties_<POLE>` columns folded in)."""
    from ..io_utils import records

    tie_cols = [c for c in df.columns if c.startswith("ties_") and c != "ties_total"]
    poles = poles or tuple(c[5:] for c in tie_cols)
    out = []
    for r in records(df):
        ties = {p: r.pop(f"ties_{p}") for p in poles if f"ties_{p}" in r}
        row = {"state": r.pop("state"), "year": r.pop("year"), "ties": ties}
        row.update(r)
        out.append(row)
    return out


def case_dependence(kb, years: tuple[int, int] | None = None, states: list[str] | None = None,
                    carry: bool = True, max_carry: int | None = None) -> pd.DataFrame:
    """Dependence by partner from a `CaseBase`'s indicators (partners must be actors of the case)."""
    period = kb.meta.get("period") or {}
    years = years or (int(period.get("start", 1991)), int(period.get("end", 2025)))
    ind = kb.sql("SELECT id, name, actor, partner, value, unit, period, period_start, period_end, sources "
                 "FROM indicators ORDER BY actor, name, period_start, id")
    ind["sources"] = [list(x) for x in ind["sources"]]
    return dependence_table(ind, years, partners=set(kb.actor_ids()), states=states, carry=carry,
                            max_carry=max_carry)
