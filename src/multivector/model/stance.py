"""The second decision: a member's stance inside, and the depth the organization reaches.

In a year when a deepening step is on the table (`on_table`: the lead power
pushes the body, or a proposal of it is on record) each member takes a stance
on it: **support** it, **go along**, or **obstruct** (block or water down, opt
out, stay away from joint forces); elsewhere a member takes no stance and none
is reported. The stance follows a logit over

    U(support)  =  g_io
    U(go along) =  0
    U(obstruct) = −g_io − w_obs − w_press · press_io

with the weights of the status choice, where g_io, the value of a deeper organization to the state, is what the
deeper body gives (its economic and security offers as the state values them,
mechanisms 2–3) less what it costs in sovereignty per unit of depth
(sensitivity × (½ + threat of the lead), mechanism 1, so a more revisionist
lead draws more obstruction: mechanism 4 from inside); obstruction costs a
fixed friction with the lead (w_obs) and more where the lead has leverage and
pushes (mechanism 5).

The members' stances and the decision rule then give the organization's
depth for the next year, by the project's negotiation model
(`negotiation.rules.consensus_compromise`): the lead power and the supporters
stand at full depth (1), members who go along at the status quo (the current
depth, without a veto), obstructers at no deepening (0, with a veto). Under
consensus one obstructer keeps the depth where it is (Steunenberg 1994); with
no obstructer the compromise moves it toward the lead's aim. The lead's
weight is its push (integration pressure × attention × capability) times the
number of members; without a push there is no proposal and the depth stays.
Depth starts at each organization's coded depth (organizations.yaml, the
founding treaty) and is carried over within a line until a new treaty (a new
organization of the line) sets it anew.
"""

from __future__ import annotations

import numpy as np

from ..negotiation.rules import consensus_compromise
from . import utility as U

STANCES = ("support", "go_along", "obstruct")
POSITION = np.array([1.0, np.nan, 0.0])   # go_along stands at the status quo
SALIENCE = np.array([1.0, 0.5, 1.0])
VETO = np.array([True, False, True])


def stance_components(t: int, inp, ed: np.ndarray) -> dict[str, np.ndarray]:
    """The stance utilities' coefficient of each weight: name -> (S, L, 3) over support, go along, obstruct.

    U = Σ_name w_name · component[name]: linear in the weights, so the estimator
    treats the observed stances as one more exact multinomial logit on the same weights.
    """
    b = U.benefit_terms(t, inp, ed)
    kappa = 0.5 + inp.lead[t] @ U.lead_threat(t, inp)                         # (L,)
    sens = inp.drivers.state["sovereignty_sensitivity"][t][:, None]             # (S, 1)
    shape = b["economy"].shape
    # g, the value of deepening, enters support with +1 and obstruction with −1
    sign = np.array([1.0, 0.0, -1.0])
    g_parts = {"economy_weight": b["economy"], "security_weight": b["security"],
               "sovereignty_weight": -np.broadcast_to(sens * kappa[None, :], shape),
               # a state threatened by the body's own lead (pole_threat) wants it no deeper (external balancing)
               "external_weight": -U.threat_from_lead(t, inp)}
    out = {k: v[..., None] * sign for k, v in g_parts.items()}
    out["obstruction_cost"] = np.broadcast_to(np.array([0.0, 0.0, -1.0]), shape + (3,))
    out["pressure_weight"] = -U.pressure_cost(t, inp, ed)[..., None] * np.array([0.0, 0.0, 1.0])
    return out


def stance_utilities(components: dict[str, np.ndarray], w: dict[str, np.ndarray]) -> np.ndarray:
    """(R, S, L, 3) utilities of support, go along, obstruct with per-run weights w (R,)."""
    W = np.stack([np.asarray(w[k], float) for k in components], axis=1)                      # (R, C)
    A = np.stack([np.broadcast_to(v, next(iter(components.values())).shape) for v in components.values()])
    return (W @ A.reshape(len(A), -1)).reshape((W.shape[0], *A.shape[1:]))


def stance_probabilities(util: np.ndarray) -> np.ndarray:
    """Logit over the three stances. util (..., 3)."""
    z = util - util.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def on_table(t: int, inp) -> np.ndarray:
    """(L,) True where a deepening step is on the table in year index t: the lead pushes the body
    (integration pressure) or a proposal of it is on record. Elsewhere no stance is taken."""
    table = lead_push(t, inp) > 0
    if inp.proposals is not None:
        table = table | inp.proposals[t]
    return table & inp.exists[t]


def lead_push(t: int, inp) -> np.ndarray:
    """(L,) how hard the lead power(s) push a deepening step: Σ_p pressure_p,o · attention_p · capability_p."""
    p = inp.drivers.power
    return (inp.drivers.pressure[t] * (p["attention"][t] * p["capability"][t])[:, None]).sum(0)


def negotiate_depth(depth: np.ndarray, stance: np.ndarray, member: np.ndarray, push: np.ndarray,
                    consensus: np.ndarray) -> np.ndarray:
    """Next year's depth (R, L) from this year's depth (R, L), stances (R, S, L) of members (R, S, L) bool,
    the lead's push (L,) and whether the organization decides by consensus (L,)."""
    R, S, L = stance.shape
    q = depth                                                                   # status quo (R, L)
    pos = np.where(stance == 1, q[:, None, :], POSITION[stance])                # (R, S, L)
    wgt = np.where(member, SALIENCE[stance], 0.0)
    veto = member & VETO[stance]
    n_members = member.sum(axis=1)                                              # (R, L)
    lead_w = np.broadcast_to(push[None, :] * np.maximum(n_members, 1), (R, L))
    # actors on the last axis: the S states, then the lead power
    x = np.concatenate([pos.transpose(0, 2, 1), np.ones((R, L, 1))], axis=-1)
    wt = np.concatenate([wgt.transpose(0, 2, 1), lead_w[..., None]], axis=-1)
    vt = np.concatenate([veto.transpose(0, 2, 1), (push > 0)[None, :, None].repeat(R, 0)], axis=-1)
    vt = vt & consensus[None, :, None]                                          # vetoes exist under consensus only
    new = consensus_compromise(x, wt, vt, q)
    active = (push > 0)[None, :] & (n_members > 0)
    return np.clip(np.where(active, new, q), 0.0, 1.0)
