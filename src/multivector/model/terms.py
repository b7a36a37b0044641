"""The theory's terms ΔU_m(k): what each mechanism adds to the value of each level, before its weight.

One definition serves estimation and simulation. Every term is a pure function
of the year's drivers, the statuses of the year before (`prev`: the record's in
estimation, the run's own in simulation) and the depth each organization has
(the coded depth of the era in estimation, the depth the members let through in
simulation). So in estimation every ΔU_m is a covariate computed once, and the
likelihood is an exact multinomial logit (transition.py); in simulation the same
functions read the run's statuses.

Each term is returned as an array broadcastable to (R, S, L, K), K = 3 levels
(none, partner, member), signed so that the theory gives its weight a positive
sign (docs/model.md, "Terms"):

    security     +v(k) · sec_o · threat_i · (½ + ½ Σ_p lead_op SD_ip)             mechanism 3
    economy      +v(k) · eco_o · Σ_p lead_op ED_ip · (½ + ½ Σ_p lead_op offer_p)   mechanisms 2, 5
    regime       +v(k) · reg_o · regime_insecurity_i                              mechanism 6
    network      +v(k) · share of the region's other states that were members     (neighbours inside)
    external     +v(k) · Σ_p τ_ip (1 − 2 lead_op)                                 mechanism 4 (Walt 1987)
    sovereignty  −v(k)² · sensitivity_i · depth_o · (½ + Σ_p lead_op threat_p)     mechanism 1
    hegemony     −sensitivity_i · Σ_p threat_p · share_ip(ties of t−1, line o at k)²  mechanism 4
    neutrality   −[k = member] · neutrality_i · aligning_o                         (declared neutrality)
    pressure     −[k < member] · Σ_p pressure_po · attention_p · leverage_ip       mechanism 5
"""

from __future__ import annotations

import numpy as np

from . import utility as U
from .inputs import ModelInputs

THEORY = ("security", "economy", "regime", "network", "external", "sovereignty", "hegemony", "neutrality",
          "pressure")
# the weight (Parameters field) of each term
WEIGHT = {"security": "security_weight", "economy": "economy_weight", "regime": "regime_weight",
          "network": "network_weight", "external": "external_weight", "sovereignty": "sovereignty_weight",
          "hegemony": "balance_weight", "neutrality": "neutrality_weight", "pressure": "pressure_weight"}
V = U.V                               # (K,) engagement of each level
MEMBER = np.array([0.0, 0.0, 1.0])
BELOW = np.array([1.0, 1.0, 0.0])


def dependence_at(inp: ModelInputs, t: int) -> np.ndarray:
    """(S, 3) combined economic dependence on each power in year index t."""
    return U.economic_dependence({k: v[t] for k, v in inp.drivers.dependence.items()})


def static_terms(inp: ModelInputs, t: int, ed: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The terms that read only the year's drivers: name -> (S, L, K)."""
    ed = dependence_at(inp, t) if ed is None else ed
    b = U.benefit_terms(t, inp, ed)
    return {
        "security": b["security"][..., None] * V,
        "economy": b["economy"][..., None] * V,
        "regime": b["regime"][..., None] * V,
        "external": U.external_balancing(t, inp)[..., None] * V,
        "neutrality": -U.neutrality_cost(t, inp)[..., None] * MEMBER,
        "pressure": -U.pressure_cost(t, inp, ed)[..., None] * BELOW,
    }


def sovereignty_term(inp: ModelInputs, t: int, depth: np.ndarray | None = None) -> np.ndarray:
    """−v(k)² × the sovereignty cost of full membership at the depth reached: (S, L, K), or (R, S, L, K)
    with depth (R, L) (None: the coded depth of the era)."""
    return -U.sovereignty_cost(t, inp, depth)[..., None] * U.V_COST


def interactive_terms(inp: ModelInputs, t: int, prev: np.ndarray) -> dict[str, np.ndarray]:
    """The terms that read the statuses of the year before, prev (R, S, L): name -> (R, S, L, K)."""
    sens = inp.drivers.state["sovereignty_sensitivity"][t][None, :, None, None]
    return {"network": U.network_value(prev, inp.neighbours)[..., None] * V,
            "hegemony": -sens * U.hegemony_risk(prev, t, inp)}


def theory_terms(inp: ModelInputs, t: int, prev: np.ndarray, depth: np.ndarray | None = None,
                 ed: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Every term of THEORY for year index t: name -> array broadcastable to (R, S, L, K).

    prev: (R, S, L) levels of the year before (0 where the line was not open);
    depth: (R, L) the depth reached (None: the coded depth).
    """
    out = static_terms(inp, t, ed)
    out["sovereignty"] = sovereignty_term(inp, t, depth)
    out.update(interactive_terms(inp, t, prev))
    return {name: out[name] for name in THEORY}


def weighted_sum(terms: dict[str, np.ndarray], w: dict[str, np.ndarray]) -> np.ndarray:
    """Σ_m w_m ΔU_m: (R, S, L, K) with per-run weights w[WEIGHT[m]] of shape (R,).

    The terms that do not vary by run (S, L, K) are summed by one matrix product.
    """
    fixed = [(n, a) for n, a in terms.items() if a.ndim == 3]
    per_run = [(n, a) for n, a in terms.items() if a.ndim == 4]
    R = len(np.asarray(w[WEIGHT[next(iter(terms))]]).reshape(-1))
    shape = np.broadcast_shapes(*(a.shape[-3:] for a in terms.values()))
    total = np.zeros((R, *shape))
    if fixed:
        W = np.stack([np.asarray(w[WEIGHT[n]], float).reshape(-1) for n, _ in fixed], axis=1)     # (R, M)
        A = np.stack([np.broadcast_to(a, shape) for _, a in fixed]).reshape(len(fixed), -1)   # (M, S·L·K)
        total += (W @ A).reshape(total.shape)
    for n, a in per_run:
        total += np.asarray(w[WEIGHT[n]], float).reshape(-1, 1, 1, 1) * a
    return total


def tenure_memory(tenure: np.ndarray) -> np.ndarray:
    """g(tenure) = log(1 + tenure): the memory of a tie held `tenure` years (the hazard of leaving falls
    with it, more slowly the longer the tie is held)."""
    return np.log1p(np.asarray(tenure, float))
