"""`--explain`: the formula of every number and the evidence ids behind it."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .indices import effective_depth
from .panel import BALANCE_POLES, CODE_STATUS, DEFAULT_DEPTH, MISSING, Panel

FORMULAS: dict[str, str] = {
    "status_weight": "v = 1 member, 0.75 associate, 0.5 observer, 0.5 partner, 0.25 candidate, 0 none "
                     "(-1 not existing, -9 missing: 0, counted apart)",
    "ties": "ties[p] = Σ_o v_o · depth_o · lead_o[p]   (every organization the state holds a status in)",
    "ties_total": "ties_total = Σ_p ties[p]",
    "concentration": "H = Σ_{p∈B} s_p²,  s_p = ties[p] / Σ_{q∈B} ties[q],  B = {RUS, CHN, WEST}  "
                     "(Herfindahl–Hirschman)",
    "balance_index": "BI = 100 · (1 − (H − 1/K)/(1 − 1/K)),  K = |B| = 3  (0 one pole … 100 even spread; "
                     "REGIONAL, GLOBAL and UNCODED ties are left out)",
    "effective_poles": "1 / H",
    "sovereignty_exposure": "E = Σ_o v_o · depth_o",
    "degree": "number of organizations with v_o > 0 (bipartite state–organization graph of the year)",
    "betweenness": "Σ_{s≠v≠t} σ_st(v)/σ_st / ((n−1)(n−2)) in the bipartite graph (Brandes 2001)",
    "proj_degree": "number of states sharing ≥ 1 forum (state–state projection)",
    "forums_with_RUS": "W_i,RUS = Σ_o 1[v_io > 0] · 1[v_RUS,o > 0]  (likewise CHN)",
    "dependence": "observed inside the period; linear interpolation between two periods; carried (flagged) "
                  "outside them",
}


def _spell_index(panel: Panel) -> dict[tuple[str, str], list[dict]]:
    idx: dict[tuple[str, str], list[dict]] = defaultdict(list)
    ev = panel.evidence()
    if ev is None or ev.empty:
        return idx
    for r in ev.to_dict(orient="records"):
        idx[(r["actor"], r["org"])].append(r)
    return idx


def explain_state_year(panel: Panel, state: str, year: int, default_depth: float = DEFAULT_DEPTH,
                       spells: dict | None = None, balance_poles: tuple[str, ...] = BALANCE_POLES) -> dict:
    """Every organization term of one state-year: status, weight, depth, lead, contribution by pole,
    and the evidence (membership facts with their citations, the organization's own sources)."""
    spells = spells if spells is not None else _spell_index(panel)
    s, y = panel.state_index(state), panel.year_index(year)
    w = panel.weights()[s, :, y]
    codes = panel.codes[s, :, y]
    depth = effective_depth(panel.depth, panel.coded, default_depth)
    terms = []
    for o in np.nonzero(w > 0)[0]:
        org = panel.orgs[o]
        contrib = {p: round(float(w[o] * depth[o] * panel.lead[o, j]), 6)
                   for j, p in enumerate(panel.poles) if panel.lead[o, j]}
        facts = [sp for sp in spells.get((state, org), [])
                 if sp["start_year"] <= year and (sp["end_year"] is None or np.isnan(sp["end_year"])
                                                  or sp["end_year"] >= year)]
        terms.append({
            "org": org, "status": CODE_STATUS[int(codes[o])], "weight": float(w[o]), "depth": float(depth[o]),
            "depth_coded": bool(panel.coded[o]), "lead": panel.lead_of(org), "contribution": contrib,
            "exposure": round(float(w[o] * depth[o]), 6),
            "evidence": [{"fact": f["fact"], "sources": list(f["sources"])} for f in facts],
            "org_sources": list(panel.org_sources.get(org, [])),
        })
    missing = [panel.orgs[o] for o in np.nonzero(codes == MISSING)[0]]
    return {"state": state, "year": int(year), "terms": terms, "missing_orgs": missing,
            "evidence_ids": sorted({f["fact"] for t in terms for f in t["evidence"]}),
            "citations": sorted({c for t in terms for f in t["evidence"] for c in f["sources"]})}


def explain_rows(panel: Panel, pairs, default_depth: float = DEFAULT_DEPTH) -> list[dict]:
    """`explain_state_year` for many (state, year) pairs, sharing one spell index."""
    spells = _spell_index(panel)
    return [explain_state_year(panel, s, int(y), default_depth, spells) for s, y in pairs]
