"""Explain one choice: the transition probabilities of each level split into the theory's terms
(each weighted), the line's intercept α and the memory of ties, the drivers behind each term and
the evidence ids behind each driver.

Everything is computed as the estimator computes it (design.py): from the
statuses on record the year before and the coded depth of the era.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..kb import CaseBase
from . import terms as TM
from .design import recorded_prev, recorded_tenure_of
from .inputs import LEVELS, POWERS, load_inputs, pooled_states
from .parameters import Parameters, default_parameters
from .stance import STANCES, on_table, stance_components, stance_probabilities
from .transition import DOWN, FROM_LEVELS, from_levels, logits, probabilities

TERMS = (*TM.THEORY, "intercept", "memory")
STANCE_TERMS = ("deepening: economy", "deepening: security", "deepening: sovereignty",
                "deepening: threat from the lead", "obstruction friction", "obstruction: pressure")

TERM_DRIVERS = {
    "security": ["threat_level", "security_dependence"],
    "economy": ["trade_dependence", "remittance_dependence", "debt_dependence", "transit_dependence",
                "finance_dependence", "economic_offer"],
    "regime": ["regime_insecurity"],
    "network": [],
    "external": ["pole_threat"],
    "sovereignty": ["sovereignty_sensitivity", "revisionism", "capability", "attention"],
    "hegemony": ["sovereignty_sensitivity", "revisionism", "capability", "attention"],
    "neutrality": ["neutrality"],
    "pressure": ["integration_pressure", "attention", "security_dependence", "economic_offer"],
    "intercept": [],
    "memory": [],
}


@dataclass
class Explanation:
    state: str
    org: str
    year: int
    terms: pd.DataFrame         # term x level: w_m · ΔU_m(k), the intercept α and the memory of ties
    probabilities: dict[str, float]
    drivers: pd.DataFrame       # term, driver, partner/org, value, evidence, justification
    recorded: str
    previous: str               # last year's recorded level, or "first choice" (no status quo)
    stance: pd.DataFrame | None = None          # the second decision: term x stance utilities (weighted)
    stance_probabilities: dict[str, float] | None = None   # None: no deepening step on the table that year
    observed_stances: list[dict] | None = None   # claims on proposals of this organization in this year
    tenure: int = 0             # years the tie had been held before this year (on record)


def explain(kb: CaseBase | None, state: str, org: str, year: int, params: Parameters | None = None) -> Explanation:
    """The transition probabilities of one state, organization and year, term by term, as the
    estimator sees them: given the statuses on record the year before and the coded depth."""
    kb = kb or CaseBase.load()
    params = params or default_parameters()
    state = kb.require_actor(state)
    org = kb.require_org(org)
    inp = load_inputs(kb, pool=state in pooled_states(kb))
    if state not in inp.states:
        raise ValueError(f"{state} is not a regional state of the model ({', '.join(inp.states)})")
    t = inp.year_index(year)
    hits = [j for j, _ in enumerate(inp.lines) if inp.era_org[t, j] == org]
    if not hits:
        live = sorted({o for o in inp.era_org[t] if o})
        raise ValueError(f"{org} is not a modelled organization in {year}; in {year} the model has {', '.join(live)}")
    j, i = hits[0], inp.states.index(state)
    prev, fresh = recorded_prev(inp, t)
    f = int(from_levels(prev, fresh)[i, j])
    tenure = int(recorded_tenure_of(inp)[t, i, j])
    dU = TM.theory_terms(inp, t, prev[None])
    w = params.as_dict()
    rows = {name: w[TM.WEIGHT[name]] * np.broadcast_to(dU[name], (1, *prev.shape, 3))[0, i, j]
            for name in TM.THEORY}
    alpha = params.alpha_array(inp.lines)[j, f]
    rows["intercept"] = alpha
    memory = params.exit_tenure_weight * TM.tenure_memory(tenure) * DOWN[f]
    rows["memory"] = -memory
    terms = pd.DataFrame(rows, index=list(LEVELS)).T
    util = sum(rows[k] for k in TM.THEORY)
    z = logits(alpha, params.exit_tenure_weight, TM.tenure_memory(tenure), DOWN[f], util, inp.allowed[t, i, j])
    p = probabilities(z)
    terms.loc["total"] = terms.sum()
    for k in range(3):
        if not inp.allowed[t, i, j, k]:
            terms[LEVELS[k]] = np.nan  # not open to the state (entry rule, or no such tier)
    drivers = _driver_rows(inp, state, org, year)
    rec = inp.record[t, i, j]
    st, sp = _stance_terms(inp, t, params, i, j) if on_table(t, inp)[j] else (None, None)
    observed = [{"claim": o["evidence"], "proposal": o["proposal"], "stance": STANCES[o["stance"]]}
                for o in inp.stance_observations if o["year"] == year and o["state"] == state and o["line"] == j]
    previous = "first choice" if FROM_LEVELS[f] == "first" else LEVELS[f]
    return Explanation(state, org, year, terms.round(4) + 0.0, {LEVELS[k]: float(p[k]) for k in range(3)},
                       drivers, LEVELS[rec] if rec >= 0 else "not recorded", previous, st, sp, observed, tenure)


def _stance_terms(inp, t: int, params: Parameters, i: int, j: int) -> tuple[pd.DataFrame, dict[str, float]]:
    """The stance a member would take: utility of support, go along, obstruct split into its terms."""
    comps = stance_components(t, inp, TM.dependence_at(inp, t))
    w = params.as_dict()
    label = {"economy_weight": "deepening: economy", "security_weight": "deepening: security",
             "sovereignty_weight": "deepening: sovereignty", "external_weight": "deepening: threat from the lead",
             "obstruction_cost": "obstruction friction", "pressure_weight": "obstruction: pressure"}
    rows = {label[k]: w[k] * np.broadcast_to(v, comps["obstruction_cost"].shape)[i, j] for k, v in comps.items()}
    df = pd.DataFrame(rows, index=list(STANCES)).T
    df.loc["total"] = df.sum()
    p = stance_probabilities(df.loc["total"].to_numpy(float))
    return df.round(4) + 0.0, {STANCES[k]: float(p[k]) for k in range(3)}


def _driver_rows(inp, state: str, org: str, year: int) -> pd.DataFrame:
    out = []
    prov = inp.drivers.provenance
    for term, names in TERM_DRIVERS.items():
        for name in names:
            if name in ("threat_level", "regime_insecurity", "sovereignty_sensitivity", "neutrality"):
                keys = [(name, state, None, None)]
            elif name.endswith("_dependence") or name == "pole_threat":
                keys = [(name, state, p, None) for p in POWERS]
            elif name == "integration_pressure":
                keys = [(name, p, None, org) for p in POWERS]
            else:
                keys = [(name, p, None, None) for p in POWERS]
            for key in keys:
                seg = prov.get((*key, year))
                if seg is None:
                    if name == "integration_pressure":
                        continue
                    seg = _last_before(prov, key, year)
                    if seg is None:
                        continue
                out.append({"term": term, "driver": name, "actor": key[1], "partner": key[2], "org": key[3],
                            "value": seg["value"], "segment": f"{seg['from']}–{seg['to'] or 'open'}",
                            "evidence": seg["evidence"], "justification": seg["justification"]})
    return pd.DataFrame(out)


def _last_before(prov: dict, key: tuple, year: int):
    years = [k[4] for k in prov if k[:4] == key and k[4] <= year]
    return prov[(*key, max(years))] if years else None
