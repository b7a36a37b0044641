"""Dependence by partner as people read it: the imported yearly series the case's series drivers read,
beside the hand-coded indicators of the evidence base (one table for charts and tables)."""

from __future__ import annotations

import pandas as pd

from ..kb import CaseBase
from ..kb.vocab import DEPENDENCE_DRIVERS
from .inputs import load_model_spec
from .series_drivers import _flow_share


def dependence_rows(kb: CaseBase, states: list[str], period: tuple[int, int]):
    """Dependence by partner for charts and tables, one row per state, partner, measure and year:

    - `imported`: the published yearly series the case's series drivers read (model.yaml `series_drivers`
      with a partner, e.g. remittances from Russia, Chinese development finance over GDP), on the series'
      scale in percent (the driver's share × 100), only in years the series publishes;
    - `hand-coded`: the indicators of the evidence base (`measures.case_dependence`), observed years and the
      years interpolated between two observations (never carried beyond them).

    Columns: state, partner, name, label, year, value, unit, flag, ids (series names or indicator ids), sources.
    """
    from ..measures import case_dependence

    rules = (load_model_spec(kb.folder).get("series_drivers", []) or []) if (kb.folder / "model.yaml").exists() else []
    rows = []
    for r in rules:
        if r.get("driver") not in DEPENDENCE_DRIVERS or r.get("series") not in set(kb.series_names()):
            continue
        df = kb.series(r["series"])
        per = r.get("per")
        unit = (f"percent of {'GDP' if str(per).startswith('gdp') else per}, {int(r.get('window', 1))}-year sum"
                if per else str(df["unit"].iloc[0]) if len(df) else "percent")
        label = f"{r['driver'].replace('_', ' ')} ({r['partner']}): {r['series'].replace('_', ' ')}"
        for actor in r.get("actors", []) or []:
            if actor not in states:
                continue
            got = df[(df["actor"] == actor) & df["value"].notna()].sort_values("year")
            if "window" in r or per:
                got = _flow_share(kb, got, actor, int(r.get("window", 1)), per, int(df["year"].max()))
            for g in got.itertuples(index=False):
                if not period[0] <= int(g.year) <= period[1]:
                    continue
                share = float(g.value) / float(r.get("divide", 1))
                if r.get("cap") is not None:
                    share = min(share, float(r["cap"]))
                rows.append({"state": actor, "partner": r["partner"], "name": r["driver"], "label": label,
                             "year": int(g.year), "value": round(100 * share if (per or r.get("divide")) else share, 4),
                             "unit": unit, "flag": "imported", "ids": [r["series"]] + ([per] if per else []),
                             "sources": list(g.sources)})
    hand = case_dependence(kb, period, states=states)
    hand = hand[hand["flag"].isin(["observed", "interpolated"])]
    for h in hand.itertuples(index=False):
        rows.append({"state": h.state, "partner": h.partner, "name": h.name,
                     "label": f"{h.name.replace('_', ' ')} ({h.partner}), hand-coded", "year": int(h.year),
                     "value": float(h.value), "unit": h.unit, "flag": "hand-coded" if h.flag == "observed"
                     else "hand-coded, interpolated", "ids": list(h.indicator_ids), "sources": list(h.sources)})
    cols = ["state", "partner", "name", "label", "year", "value", "unit", "flag", "ids", "sources"]
    return pd.DataFrame(rows, columns=cols).sort_values(["flag", "name", "state", "year"], kind="stable",
                                                        ignore_index=True)
