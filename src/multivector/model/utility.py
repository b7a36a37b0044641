"""The utility terms of the engagement model, as pure functions on arrays.

Shapes: R runs, S states, L lines (organizations), K = 3 levels (none,
partner/observer, member), P = 5 poles (RUS, CHN, WEST, REGIONAL, GLOBAL).
Each function returns one term; `utilities` adds them with the weights.
See docs/model.md for the equations and the claims behind each term.
"""

from __future__ import annotations

import numpy as np

from .inputs import ENGAGEMENT

V = ENGAGEMENT  # (K,) engagement value of each level
V_COST = ENGAGEMENT ** 2  # (K,) share of the sovereignty cost each level pays: an observer delegates little


def economic_dependence(dep: dict[str, np.ndarray]) -> np.ndarray:
    """Combined economic dependence on each power: the mean of trade, remittances, debt and transit.

    An index with equal weights: a single channel (remittances for Kyrgyzstan,
    debt for Tajikistan) counts, without one shared channel (transit through
    Russia, 0.7 for every state) making every state equally dependent. (S, 3)
    """
    names = ("trade_dependence", "remittance_dependence", "debt_dependence", "transit_dependence")
    ed = sum(dep[n] for n in names) / len(names)
    # Development finance is a flow on top of the structural channels (AidData commitments / GDP):
    # it adds to the dependence on the lender rather than diluting the other four.
    return ed + dep["finance_dependence"] if "finance_dependence" in dep else ed


def benefit_terms(t: int, inp, ed: np.ndarray) -> dict[str, np.ndarray]:
    """Per-state, per-line benefits of full membership for year index t, before weights. Each (S, L)."""
    d = inp.drivers
    lead3 = inp.lead[t, :, :3]                          # (L, 3) lead weights of RUS, CHN, WEST
    offers = inp.offers[t]                              # (L, 3) security, economy, regime
    sd = d.dependence["security_dependence"][t]         # (S, 3)
    threat = d.state["threat_level"][t][:, None]        # (S, 1)
    regime = d.state["regime_insecurity"][t][:, None]
    offer = d.power["economic_offer"][t]                # (3,)
    lead_offer = lead3 @ offer                          # (L,)
    security = offers[None, :, 0] * threat * (0.5 + 0.5 * (sd @ lead3.T))
    economy = offers[None, :, 1] * (ed @ lead3.T) * (0.5 + 0.5 * lead_offer[None, :])
    regime_t = offers[None, :, 2] * regime
    return {"security": security, "economy": economy, "regime": regime_t}


def lead_threat(t: int, inp) -> np.ndarray:
    """Threat each pole poses, revisionism × capability × attention, over the 5 poles (0 for REGIONAL, GLOBAL)."""
    p = inp.drivers.power
    theta = p["revisionism"][t] * p["capability"][t] * p["attention"][t]
    return np.concatenate([theta, np.zeros(inp.lead.shape[2] - 3)])


def sovereignty_cost(t: int, inp, depth: np.ndarray | None = None) -> np.ndarray:
    """Sovereignty cost of full membership: sensitivity × depth × (½ + threat of the lead). (S, L)

    Delegating to a body led by a revisionist power is costlier: the states act
    most carefully in the Russian-led CSTO and EAEU (article: Conclusion).
    depth: (R, L) the depth each run's organizations have reached (stance.py);
    then the cost is (R, S, L). Default: the coded depth.
    """
    kappa = 0.5 + inp.lead[t] @ lead_threat(t, inp)                       # (L,)
    sens = inp.drivers.state["sovereignty_sensitivity"][t][:, None]
    if depth is None:
        return sens * (inp.depth[t] * kappa)[None, :]
    return sens[None] * (depth * kappa[None, :])[:, None, :]


def external_balancing(t: int, inp) -> np.ndarray:
    """Value of a tie that balances a threatening pole: Σ_p τ_ip (1 − 2·lead_op) over RUS, CHN, WEST. (S, L)

    τ_ip = pole_threat: the military threat the state faces from pole p itself
    (occupation, troops behind separatists, war). A threatened state values the
    bodies the threatening pole does not lead (other poles', regional and
    universal ones) and values the pole's own bodies less (the article's
    Conclusion: the states answered Georgia 2008 and Ukraine 2014 by widening
    their ties; Walt 1987 on balancing against threat). Zero where no threat is coded.
    """
    tau = inp.drivers.dependence["pole_threat"][t]          # (S, 3)
    return tau @ (1.0 - 2.0 * inp.lead[t][:, :3]).T          # (S, L)


def threat_from_lead(t: int, inp) -> np.ndarray:
    """(S, L) threat the state faces from the power(s) leading each body: Σ_p τ_ip · lead_op."""
    return inp.drivers.dependence["pole_threat"][t] @ inp.lead[t][:, :3].T


def neutrality_cost(t: int, inp) -> np.ndarray:
    """Cost of full membership for a neutral state where membership aligns it with a bloc. (S, L)

    neutrality_i × aligning_o: a declared, recognised neutrality (Turkmenistan, UN
    GA resolution 50/80 A) rules out membership of blocs, whatever their depth,
    but not observer, associate or partner status, nor bodies where Europe's
    neutral states take full part (OSCE, PfP). Paid by full membership only.
    """
    return inp.drivers.state["neutrality"][t][:, None] * inp.aligning[t][None, :]


def network_value(x: np.ndarray, neighbours: np.ndarray | None = None) -> np.ndarray:
    """Share of the state's neighbours (the other states of its region) that are full members of each line.

    x: (R, S, L) levels; neighbours: (S, S) 1 where j is a neighbour of i (None: every other state).
    """
    full = (x == 2).astype(np.float64)
    S = x.shape[1]
    if neighbours is None:
        others = full.sum(axis=1, keepdims=True) - full
        return others / max(S - 1, 1)
    count = np.maximum(neighbours.sum(1), 1.0)[:, None]        # (S, 1)
    return np.matmul(neighbours, full) / count


def ties_by_pole(x: np.ndarray, tie_weight: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """Institutional ties of each state by pole: Σ_o v(x_o) · w_o · lead_o,p. (R, S, P)"""
    return V[x] @ (tie_weight[:, None] * lead)   # a matrix product: faster than the einsum


def hegemony_risk(x: np.ndarray, t: int, inp) -> np.ndarray:
    """Hegemony risk of each level of each line, holding the state's other ties fixed. (R, S, L, K)

    risk = Σ_p threat_p · share_p², share_p = ties_p / Σ ties, threat_p =
    revisionism_p × capability_p × attention_p (zero for REGIONAL and GLOBAL poles).
    Expanded as Σ_p θ_p (b_p + a_p)² / (B + A)² so no (R, S, L, K, P) array is built.
    """
    lead = inp.lead[t]                                   # (L, P)
    tie_w = 0.25 + inp.depth[t]                          # deeper ties bind more (docs/model.md)
    wl = tie_w[:, None] * lead                           # (L, P) tie of full membership, by pole
    ties = ties_by_pole(x, tie_w, lead)                  # (R, S, P)
    v = V[x]                                             # (R, S, L)
    theta = lead_threat(t, inp)[:3]                                             # (3,)
    # ties without line l: b_p (R, S, L); the level's own tie: a_kp = V_k · wl_lp. Then
    # Σ_p θ_p (b_p + a_kp)² = Σ_p θ_p b_p² + 2 V_k Σ_p θ_p wl_lp b_p + V_k² Σ_p θ_p wl_lp²,
    # so every (R, S, L, K) array is built from three (R, S, L) ones.
    b2 = np.zeros(v.shape)
    cross = np.zeros(v.shape)
    for p in range(3):
        if theta[p] == 0:
            continue
        b = ties[:, :, None, p] - v * wl[None, None, :, p]                      # (R, S, L)
        b2 += theta[p] * b * b
        cross += (2.0 * theta[p]) * wl[None, None, :, p] * b
    own2 = (theta[None, :] * wl[:, :3] ** 2).sum(-1)                           # (L,)
    num = b2[..., None] + cross[..., None] * V + own2[None, None, :, None] * (V * V)
    total = (ties.sum(-1)[:, :, None] - v * wl.sum(-1)[None, None, :])[..., None] + V * wl.sum(-1)[None, None, :, None]
    return np.divide(num, total * total, out=np.zeros_like(num), where=total > 0)


def pressure_cost(t: int, inp, ed: np.ndarray) -> np.ndarray:
    """Cost of staying below full membership where a power pushes: (S, L), paid by levels < member.

    pressure_p,o · attention_p · leverage_i,p, with leverage = max(economic, security
    dependence) reduced by the best economic offer of the other powers.
    """
    d = inp.drivers
    sd = d.dependence["security_dependence"][t]
    leverage = np.maximum(ed, sd)                                  # (S, 3)
    offer = d.power["economic_offer"][t]
    other_best = np.array([max(offer[q] for q in range(3) if q != p) for p in range(3)])
    leverage = leverage * (1.0 - 0.5 * other_best[None, :])
    push = d.pressure[t] * d.power["attention"][t][:, None]        # (3, L)
    return leverage @ push                                         # (S, L)


def recorded_tenure(record: np.ndarray) -> np.ndarray:
    """(T, S, L) consecutive years before each year that a tie (level ≥ 1) is recorded in the line.

    >>> recorded_tenure(np.array([1, 2, 2, 0, 2])[:, None, None])[:, 0, 0].tolist()
    [0, 1, 2, 3, 0]
    """
    out = np.zeros(record.shape, np.int16)
    for t in range(1, record.shape[0]):
        out[t] = np.where(record[t - 1] >= 1, out[t - 1] + 1, 0)
    return out
