"""The second decision: a member's stance inside, and the depth the organization reaches.

Each year a member of an organization whose lead power pushes integration
takes a stance on the deepening step: **support** it, **go along**, or
**obstruct** (block or water down, opt out, stay away from joint forces). The
stance follows a logit over

    U(support)  =  g_io
    U(go along) =  0
    U(obstruct) = −g_io − w_obs − w_press · press_io

where g_io, the value of a deeper organization to the state, is what the
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


def deepening_value(t: int, inp, w: dict[str, np.ndarray], ed: np.ndarray) -> np.ndarray:
    """g (R, S, L): the value of a deeper organization to each state, in utility units."""
    b = U.benefit_terms(t, inp, ed)
    kappa = 0.5 + inp.lead[t] @ U.lead_threat(t, inp)                         # (L,)
    sens = inp.drivers.state["sovereignty_sensitivity"][t][:, None]             # (S, 1)
    r = lambda name: w[name][:, None, None]  # noqa: E731
    # a state threatened by the body's own lead (pole_threat) wants it no deeper (external balancing)
    return (r("economy_weight") * b["economy"] + r("security_weight") * b["security"]
            - r("sovereignty_weight") * (sens * kappa[None, :])
            - r("external_weight") * U.threat_from_lead(t, inp)[None])


def stance_utilities(g: np.ndarray, press: np.ndarray, w: dict[str, np.ndarray]) -> np.ndarray:
    """(R, S, L, 3) utilities of support, go along, obstruct."""
    obstruct = -g - w["obstruction_cost"][:, None, None] - w["pressure_weight"][:, None, None] * press[None]
    return np.stack([g, np.zeros_like(g), obstruct], axis=-1)


def stance_probabilities(util: np.ndarray, rationality: np.ndarray) -> np.ndarray:
    """Logit over the three stances. util (R, S, L, 3)."""
    z = util * rationality[:, None, None, None]
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


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
