"""Ties by pole, balance (hedging) index, concentration and sovereignty exposure.

Pure functions on arrays; `state_year_measures` assembles them into one tidy
table per state and year. Formulas (see docs/measures.md):

- status weight     v_iot ∈ {1, .75, .5, .5, .25, 0} (member, associate, observer, partner, candidate, none)
- ties by pole      T_ipt = Σ_o v_iot · d_o · L_op          (L_op lead weight of pole p in o, d_o depth)
- pole shares       s_ipt = T_ipt / Σ_{q∈B} T_iqt           over the balance poles B = {RUS, CHN, WEST}
- concentration     H_it  = Σ_{p∈B} s_ipt²                  (Herfindahl–Hirschman index, 1/K … 1)
- balance index     BI_it = 100 · (1 − (H_it − 1/K) / (1 − 1/K)),   K = |B|
- exposure          E_it  = Σ_o v_iot · d_o                 (summed depth of what the state joined)
- defined from      BI_it is reported from the first year t_i the state has ties to two balance poles or more;
                    before t_i it is undefined (NaN), not 0: a state with one pole to choose from has not balanced
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .panel import BALANCE_POLES, DEFAULT_DEPTH, MISSING, Panel


def effective_depth(depth: np.ndarray, coded: np.ndarray, default: float = DEFAULT_DEPTH) -> np.ndarray:
    """Depth per organization; uncoded organizations get `default` (median of the embedded case)."""
    d = np.asarray(depth, dtype=np.float64).copy()
    d[~np.asarray(coded, dtype=bool) | np.isnan(d)] = default
    return d


def ties_by_pole(weights: np.ndarray, depth: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """Institutional ties of each state to each pole: T[s, y, p] = Σ_o v[s, o, y] · d[o] · L[o, p].

    Status weights × depth × lead weight, summed over organizations: a state's
    engagement in each organization is split among the poles that lead it
    (SCO: half Russia, half China). The share of a state's institutional ties that
    each pole leads (docs/measures.md), in the spirit of alignment indices that
    weight ties by their depth (Kuik 2008; Lim & Cooper 2015).

    >>> w = np.ones((1, 2, 1), dtype=np.float32)                  # one state in two organizations
    >>> ties_by_pole(w, np.array([1.0, 0.5]), np.array([[1.0, 0.0], [0.5, 0.5]]))[0, 0].round(3).tolist()
    [1.25, 0.25]
    """
    dl = (np.asarray(depth, dtype=np.float64)[:, None] * np.asarray(lead, dtype=np.float64)).astype(np.float32)
    # (S, O, Y) x (O, P) -> (S, Y, P)
    return np.einsum("soy,op->syp", weights, dl, optimize=True).astype(np.float64)


def sovereignty_exposure(weights: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """E[s, y] = Σ_o v[s, o, y] · d[o]: the summed depth of what the state has joined, weighted by status.

    Depth codes how much sovereignty membership costs (0 loose forum … 1 supranational
    union), in the sense of delegation and pooling (Hooghe & Marks 2015).
    """
    return np.einsum("soy,o->sy", weights, np.asarray(depth, dtype=np.float32), optimize=True).astype(np.float64)


def pole_shares(ties: np.ndarray) -> np.ndarray:
    """Shares over the last axis; NaN where a state has no tie to any of the poles given."""
    total = ties.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, ties / np.where(total > 0, total, 1.0), np.nan)


def hhi(shares: np.ndarray) -> np.ndarray:
    """Herfindahl–Hirschman concentration Σ_p s_p² (Hirschman 1964; Herfindahl 1950): 1/K … 1.

    >>> float(hhi(np.array([0.5, 0.5, 0.0])))
    0.5
    """
    return np.sum(np.asarray(shares) ** 2, axis=-1)


def balance_index(ties: np.ndarray) -> np.ndarray:
    """Balance (hedging) index on 0–100 from ties to K poles (last axis).

    BI = 100 · (1 − H*), with H* = (H − 1/K) / (1 − 1/K) the normalized
    Herfindahl index of the pole shares. All ties on one pole: 0. Ties spread
    evenly over the K poles: 100. Two equal poles out of three: 75; out of two: 100.
    NaN when the state has no tie to any of the K poles (nothing to balance).

    Hedging as keeping ties spread so that no single power dominates: Kuik (2008),
    "The Essence of Hedging", Contemporary Southeast Asia 30(2); normalized HHI as
    in concentration measurement (Hirschman 1964).

    >>> balance_index(np.array([[1.0, 0, 0], [1, 1, 0], [1, 1, 1]])).round(1).tolist()
    [0.0, 75.0, 100.0]
    >>> balance_index(np.array([[2.0, 2.0]])).tolist()
    [100.0]
    """
    ties = np.asarray(ties, dtype=np.float64)
    k = ties.shape[-1]
    h = hhi(pole_shares(ties))
    if k == 1:
        return np.where(np.isnan(h), np.nan, 0.0)
    return 100.0 * (1.0 - (h - 1.0 / k) / (1.0 - 1.0 / k))


def balance_onset(ties: np.ndarray, min_poles: int = 2) -> np.ndarray:
    """Index along the year axis of the first year each state has ties to `min_poles` poles or more.

    ties: (..., Y, K) ties to the K balance poles. Returns an int array (...,), Y where that never happens.
    In 1991 every post-Soviet state sat only in the Russia-led CIS: an index of 0 there measures the
    absence of other poles to join, not a choice, so the index starts when a second pole is in reach
    (docs/measures.md, "From when the index is defined").

    >>> t = np.array([[[1.0, 0, 0], [1, 0, 0], [1, 1, 0], [1, 0, 0]]])   # one state, four years
    >>> balance_onset(t).tolist()
    [2]
    """
    many = (np.asarray(ties) > 0).sum(axis=-1) >= min_poles          # (..., Y)
    first = np.argmax(many, axis=-1)
    return np.where(many.any(axis=-1), first, many.shape[-1])


def balance_from_onset(balance: np.ndarray, ties: np.ndarray, min_poles: int = 2) -> np.ndarray:
    """The balance index with NaN before each state's onset year (`balance_onset`); (..., Y) from (..., Y, K).

    After the onset the index keeps its meaning, 0 included (all ties on one pole again).

    >>> t = np.array([[[1.0, 0, 0], [1, 1, 0], [1, 0, 0]]])
    >>> balance_from_onset(balance_index(t), t).tolist()
    [[nan, 75.0, 0.0]]
    """
    onset = balance_onset(ties, min_poles)
    years = np.arange(np.shape(balance)[-1])
    return np.where(years >= onset[..., None], balance, np.nan)


def state_year_measures(panel: Panel, balance_poles: tuple[str, ...] = BALANCE_POLES,
                        default_depth: float = DEFAULT_DEPTH) -> pd.DataFrame:
    """One row per covered state-year: ties by pole, shares, balance, concentration, exposure.

    Columns: state, year, ties_<POLE> for every pole of the panel, ties_total,
    balance_index (NaN before the first year with ties to two balance poles, `balance_from_onset`),
    concentration (HHI over the balance poles), effective_poles
    (1/HHI), sovereignty_exposure, n_orgs (organizations with a status > none),
    n_missing (cells coded missing, -9), n_uncoded (organizations joined whose
    lead/depth nobody coded). REGIONAL, GLOBAL (and UNCODED) ties are reported but
    left out of the balance: they tie the state to no great power.
    """
    missing = [p for p in balance_poles if p not in panel.poles]
    if missing:
        raise ValueError(f"balance poles {missing} are not poles of the panel {panel.poles}")
    w = panel.weights()
    depth = effective_depth(panel.depth, panel.coded, default_depth)
    ties = ties_by_pole(w, depth, panel.lead)                     # (S, Y, P)
    bidx = [panel.poles.index(p) for p in balance_poles]
    tb = ties[..., bidx]
    shares = pole_shares(tb)
    conc = hhi(shares)
    bal = balance_from_onset(balance_index(tb), tb)
    expo = sovereignty_exposure(w, depth)
    active = w > 0
    n_orgs = active.sum(axis=1)
    n_missing = (panel.codes == MISSING).sum(axis=1)
    n_uncoded = active[:, ~panel.coded, :].sum(axis=1) if (~panel.coded).any() else np.zeros_like(n_orgs)
    S, Y = len(panel.states), len(panel.years)
    si, yi = np.nonzero(panel.covered)
    out = {"state": panel.states[si], "year": panel.years[yi]}
    for j, pole in enumerate(panel.poles):
        out[f"ties_{pole}"] = ties[si, yi, j].round(6)
    out["ties_total"] = ties[si, yi].sum(axis=-1).round(6)
    out["balance_index"] = bal[si, yi].round(4)
    out["concentration"] = conc[si, yi].round(6)
    with np.errstate(divide="ignore"):
        out["effective_poles"] = np.where(conc[si, yi] > 0, 1.0 / conc[si, yi], np.nan).round(4)
    out["sovereignty_exposure"] = expo[si, yi].round(6)
    out["n_orgs"] = n_orgs[si, yi].astype(np.int32)
    out["n_missing"] = n_missing[si, yi].astype(np.int32)
    out["n_uncoded"] = n_uncoded[si, yi].astype(np.int32)
    assert ties.shape[:2] == (S, Y)
    return pd.DataFrame(out)
