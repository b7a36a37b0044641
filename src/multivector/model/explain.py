"""Explain one choice: the utility of each level split into its terms, the drivers behind
each term and the evidence ids behind each driver.

Utilities are computed as in the calibration's likelihood: given last year's
recorded levels and the other states' recorded choices in that year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..kb import CaseBase
from .engine import choice_probabilities, fresh_choices, with_reviews, year_utilities
from .inputs import ENGAGEMENT, LEVELS, POWERS, load_inputs, pooled_states
from .likelihood import _weights, observed_context
from .parameters import Parameters, default_parameters
from .stance import STANCES

TERMS = ("security", "economy", "regime", "legitimacy", "network", "sovereignty_cost", "hegemony_risk",
         "neutrality", "participation", "pressure", "switching", "exit_tenure")
STANCE_TERMS = ("deepening: economy", "deepening: security", "deepening: sovereignty", "obstruction friction",
                "obstruction: pressure")

TERM_DRIVERS = {
    "security": ["threat_level", "security_dependence"],
    "economy": ["trade_dependence", "remittance_dependence", "debt_dependence", "transit_dependence",
                "finance_dependence", "economic_offer"],
    "regime": ["regime_insecurity"],
    "external_balancing": ["pole_threat"],
    "effects": [],
    "legitimacy": [],
    "network": [],
    "sovereignty_cost": ["sovereignty_sensitivity"],
    "hegemony_risk": ["revisionism", "capability", "attention"],
    "neutrality": ["neutrality"],
    "participation": [],
    "pressure": ["integration_pressure", "attention", "security_dependence", "economic_offer"],
    "switching": [],
    "exit_tenure": [],
    "stance: deepening": ["trade_dependence", "remittance_dependence", "security_dependence", "threat_level",
                          "sovereignty_sensitivity", "revisionism", "pole_threat"],
}


@dataclass
class Explanation:
    state: str
    org: str
    year: int
    terms: pd.DataFrame         # term x level utilities (weighted)
    probabilities: dict[str, float]
    drivers: pd.DataFrame       # term, driver, partner/org, value, evidence, justification
    recorded: str
    previous: str
    stance: pd.DataFrame | None = None          # the second decision: term x stance utilities (weighted)
    stance_probabilities: dict[str, float] | None = None
    observed_stances: list[dict] | None = None   # claims on proposals of this organization in this year


def explain(kb: CaseBase | None, state: str, org: str, year: int, params: Parameters | None = None) -> Explanation:
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
    w = _weights(params)
    x, prev = observed_context(inp, t)
    parts: dict = {}
    from .utility import recorded_tenure

    tenure = recorded_tenure(np.where(inp.exists[:, None, :], inp.record, -1))[t][None]
    effects = params.effect_array(inp.states, inp.lines) if params.effects else None
    util = year_utilities(inp, t, w, x, prev, terms=parts, tenure=tenure, effects=effects)
    p = choice_probabilities(util, inp.allowed[t], w["rationality"])
    p = with_reviews(p, prev, w["review_rate"], fresh_choices(inp, t, True))[0, i, j]
    V = ENGAGEMENT
    below = np.array([1.0, 1.0, 0.0])
    rows = {
        "security": V * params.security_weight * parts["security"][i, j],
        "economy": V * params.economy_weight * parts["economy"][i, j],
        "regime": V * params.regime_weight * parts["regime"][i, j],
        "legitimacy": V * params.legitimacy_weight * inp.offers[t, j, 3],
        "external_balancing": V * params.external_weight * parts["external"][i, j],
        # the fitted state and organization effects (pooled estimation)
        "effects": V * (0.0 if effects is None else effects[i, j]),
        "network": V * params.network_weight * parts["network"][0, i, j],
        "sovereignty_cost": -(V ** 2) * params.sovereignty_weight * parts["sovereignty"][i, j],
        "hegemony_risk": -params.balance_weight * inp.drivers.state["sovereignty_sensitivity"][t, i] * parts["risk"][0, i, j],
        "neutrality": -params.neutrality_weight * parts["neutrality"][i, j] * np.array([0.0, 0.0, 1.0]),
        "participation": -params.participation_cost * (V > 0),
        "pressure": -params.pressure_weight * parts["pressure"][i, j] * below,
        "switching": -params.switching_cost * np.abs(V - V[prev[0, i, j]]) * (1.0 if t == 0 or inp.max_level[t - 1, i, j] > 0 else 0.0),
        # ties with memory: leaving a tie held for `tenure` years (docs/model.md)
        "exit_tenure": -params.exit_tenure_weight * parts["exit"][0, i, j],
    }
    terms = pd.DataFrame(rows, index=list(LEVELS)).T
    terms.loc["total"] = terms.sum()
    for k in range(3):
        if not inp.allowed[t, i, j, k]:
            terms[LEVELS[k]] = np.nan  # not open to the state (entry rule, or no such tier)
    drivers = _driver_rows(inp, state, org, year)
    rec = inp.record[t, i, j]
    st, sp = _stance_terms(inp, t, w, i, j)
    observed = [{"claim": o["evidence"], "proposal": o["proposal"], "stance": STANCES[o["stance"]]}
                for o in inp.stance_observations if o["year"] == year and o["state"] == state and o["line"] == j]
    return Explanation(state, org, year, terms.round(4) + 0.0, {LEVELS[k]: float(p[k]) for k in range(3)},
                       drivers, LEVELS[rec] if rec >= 0 else "not recorded", LEVELS[prev[0, i, j]],
                       st, sp, observed)


def _stance_terms(inp, t: int, w: dict, i: int, j: int) -> tuple[pd.DataFrame, dict[str, float]]:
    """The stance a member would take: utility of support, go along, obstruct split into its terms."""
    from . import utility as U

    ed = U.economic_dependence({k: v[t] for k, v in inp.drivers.dependence.items()})
    b = U.benefit_terms(t, inp, ed)
    kappa = 0.5 + inp.lead[t] @ U.lead_threat(t, inp)
    sens = inp.drivers.state["sovereignty_sensitivity"][t, i]
    press = U.pressure_cost(t, inp, ed)[i, j]
    g = {"deepening: economy": float(w["economy_weight"][0] * b["economy"][i, j]),
         "deepening: security": float(w["security_weight"][0] * b["security"][i, j]),
         "deepening: sovereignty": float(-w["sovereignty_weight"][0] * sens * kappa[j]),
         "deepening: threat from the lead": float(-w["external_weight"][0] * U.threat_from_lead(t, inp)[i, j])}
    rows = {k: [v, 0.0, -v] for k, v in g.items()}
    rows["obstruction friction"] = [0.0, 0.0, -float(w["obstruction_cost"][0])]
    rows["obstruction: pressure"] = [0.0, 0.0, -float(w["pressure_weight"][0] * press)]
    df = pd.DataFrame(rows, index=list(STANCES)).T
    df.loc["total"] = df.sum()
    z = w["rationality"][0] * df.loc["total"].to_numpy(float)
    e = np.exp(z - z.max())
    return df.round(4) + 0.0, {STANCES[k]: float(e[k] / e.sum()) for k in range(3)}


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
