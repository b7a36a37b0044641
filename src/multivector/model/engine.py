"""The vectorized simulation: runs × states × organizations, year by year.

Each year every state chooses a level (none, partner/observer, member) in every
organization open to it by a logit (quantal) response to its utilities; states
respond to each other's choices (network value, hegemony risk) for a few rounds
within the year. Monte Carlo runs differ by their random draws and, where a
scenario gives distributions, by their parameters. One seed drives everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import stance as S_
from . import utility as U
from .inputs import ENGAGEMENT, ModelInputs
from .parameters import Parameters

ROUNDS = 3  # best-response rounds within a year (enough for the choices to settle: docs/model.md)
CHUNK = 512  # runs computed together: small enough for the arrays to stay in cache, large enough to vectorize


@dataclass
class SimulationResult:
    inputs: ModelInputs
    seed: int
    runs: int
    probs: np.ndarray            # (T, S, L, 3) probability of each level, averaged over runs
    levels: np.ndarray | None    # (R, T, S, L) realized levels (int8), if kept
    balance: np.ndarray          # (R, T, S) balance index of each run
    parameters: dict[str, np.ndarray] = field(default_factory=dict)   # name -> (R,) draws
    stance_probs: np.ndarray | None = None   # (T, S, L, 3) support, go along, obstruct among member runs (NaN: none)
    depth: np.ndarray | None = None          # (R, T, L) the depth each organization had reached in each year
    final: dict[str, np.ndarray] | None = None   # the state after the last year (levels, tenure, depth), to go on

    @property
    def years(self) -> np.ndarray:
        return self.inputs.years


def draw_parameters(base: Parameters, spec: dict, runs: int, rng: np.random.Generator,
                    posterior=None) -> dict[str, np.ndarray]:
    """Per-run parameter values: fixed numbers, or draws from the distributions in `spec`.

    With `relative: true` a draw multiplies the calibrated weight. Weights are
    clipped at zero: a negative draw would reverse a mechanism. With a
    `posterior` (model/posterior.py) every weight the spec does not set is drawn
    from it, jointly, so runs carry the parameters' uncertainty.
    """
    out = {}
    drawn = posterior.draw(runs, rng) if posterior is not None else {}
    for name in Parameters.names():
        if name in drawn and name not in spec:
            out[name] = drawn[name]
            continue
        s = spec.get(name, getattr(base, name))
        if isinstance(s, dict):
            dist = s["dist"]
            if dist == "normal":
                v = rng.normal(s["mean"], s["sd"], runs)
            elif dist == "uniform":
                v = rng.uniform(s["low"], s["high"], runs)
            elif dist == "lognormal":
                v = rng.lognormal(np.log(s["median"]), s["sigma"], runs)
            else:  # validated earlier; kept for safety
                raise ValueError(f"unknown distribution {dist!r}")
            if s.get("relative"):  # a multiplier on the calibrated weight
                v = v * getattr(base, name)
            out[name] = np.clip(v, 0.0, None)
        else:
            out[name] = np.full(runs, float(s))
    return out


def balance_index(x: np.ndarray, depth: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """Balance index (0–100) of simulated levels x (..., S, L), as `multivector measures` defines it.

    Ties = status weight (member 1, partner/observer ½) × depth × lead weight; the
    index is `measures.indices.balance_index` over RUS, CHN and WEST (NaN where a
    state has no tie to any of them), so simulated and recorded indices compare.
    """
    from ..measures.indices import balance_index as bi

    return bi(U.ties_by_pole(x, depth, lead)[..., :3])


def static_utilities(inp: ModelInputs, t: int, w: dict[str, np.ndarray], prev: np.ndarray,
                     ed: np.ndarray | None = None, terms: dict | None = None,
                     tenure: np.ndarray | None = None, depth: np.ndarray | None = None,
                     effects: np.ndarray | None = None) -> np.ndarray:
    """The part (R, S, L, 3) of the utilities that does not depend on the other states' choices this year.

    Computed once a year; the rounds within the year add only `interactive_utilities`.
    effects: (S, L) state + organization effects on the value of full membership (Parameters.effects).
    """
    if ed is None:
        ed = U.economic_dependence({k: v[t] for k, v in inp.drivers.dependence.items()})
    b = U.benefit_terms(t, inp, ed)
    sov = U.sovereignty_cost(t, inp, depth)
    press = U.pressure_cost(t, inp, ed)
    r = lambda name: w[name][:, None, None]  # noqa: E731  (R,) -> (R, 1, 1)
    full = (r("security_weight") * b["security"] + r("economy_weight") * b["economy"]
            + r("regime_weight") * b["regime"] + r("legitimacy_weight") * inp.offers[t][None, :, 3])  # (R, S, L)
    ext = U.external_balancing(t, inp)
    full = full + r("external_weight") * ext[None]
    if effects is not None:
        full = full + effects[None]
    V = ENGAGEMENT
    util = V * full[..., None]
    util -= U.V_COST * (r("sovereignty_weight") * sov)[..., None]
    q = lambda name: w[name][:, None, None, None]  # noqa: E731  (R,) -> (R, 1, 1, 1)
    neutral = U.neutrality_cost(t, inp)
    util[..., 2] -= q("neutrality_weight")[..., 0] * neutral[None]                   # paid by members only
    util -= q("participation_cost") * (V > 0)
    util[..., :2] -= (q("pressure_weight") * press[None, :, :, None])                # paid below member
    switch = np.abs(V[None, None, None, :] - V[prev][..., None])
    if t > 0:  # founders and first-time entrants choose anew: no status quo where it was not open last year
        switch = switch * (inp.max_level[t - 1] > 0)[None, :, :, None]
    util -= q("switching_cost") * switch
    exit_ = U.exit_cost(tenure, prev, inp.depth[t]) if tenure is not None else None
    if exit_ is not None:
        util -= q("exit_tenure_weight") * exit_
    if terms is not None:  # for `explain`: every term before weights, per level
        terms.update(security=b["security"], economy=b["economy"], regime=b["regime"], external=ext,
                     effects=effects,
                     sovereignty=sov, pressure=press, neutrality=neutral, economic_dependence=ed, exit=exit_)
    return util


def interactive_utilities(inp: ModelInputs, t: int, w: dict[str, np.ndarray], x: np.ndarray,
                          terms: dict | None = None) -> np.ndarray:
    """The part (R, S, L, 3) that depends on the current choices x of all states: network value, hegemony risk."""
    net = U.network_value(x, inp.neighbours)
    risk = U.hegemony_risk(x, t, inp)
    # Sensitive states fear hegemony more: the risk is weighed by sovereignty sensitivity (mechanism 4).
    sens = inp.drivers.state["sovereignty_sensitivity"][t][None, :, None, None]
    util = ENGAGEMENT * (w["network_weight"][:, None, None] * net)[..., None]
    util -= (w["balance_weight"][:, None, None, None] * sens) * risk
    if terms is not None:
        terms.update(network=net, risk=risk)
    return util


def year_utilities(inp: ModelInputs, t: int, w: dict[str, np.ndarray], x: np.ndarray,
                   prev: np.ndarray, ed: np.ndarray | None = None, terms: dict | None = None,
                   tenure: np.ndarray | None = None, depth: np.ndarray | None = None,
                   effects: np.ndarray | None = None) -> np.ndarray:
    """Utilities (R, S, L, 3) of each level given the current choices x, last year's levels prev
    the tenure (R, S, L) of the ties held (years; None = no tie has a history) and the depth (R, L)
    the organizations have reached (None = their coded depth)."""
    return (static_utilities(inp, t, w, prev, ed, terms, tenure, depth, effects)
            + interactive_utilities(inp, t, w, x, terms))


def choice_probabilities(util: np.ndarray, allowed: np.ndarray, rationality: np.ndarray) -> np.ndarray:
    """Logit over the open levels. util (R, S, L, 3); allowed (S, L, 3) bool, level 0 always open."""
    z = util * rationality[:, None, None, None]
    z = np.where(allowed[None], z, -np.inf)
    # the level axis has three entries: slices are much faster than a reduction over it
    z -= np.maximum(np.maximum(z[..., 0], z[..., 1]), z[..., 2])[..., None]
    e = np.exp(z, out=z)
    e /= (e[..., 0] + e[..., 1] + e[..., 2])[..., None]
    return e


def fresh_choices(inp: ModelInputs, t: int, from_nothing: bool) -> np.ndarray:
    """(S, L) True where a state has no status quo: the organization was not open to it last year.

    In the first year of a run from nothing (1991) every choice is fresh; a run
    that starts from the record keeps the record's status quo.
    """
    if t == 0:
        if from_nothing or inp.open_before is None:
            return np.full(inp.max_level.shape[1:], from_nothing)
        return ~inp.open_before   # an organization that opens in the first year has no status quo
    return inp.max_level[t - 1] == 0


def with_reviews(p: np.ndarray, prev: np.ndarray, rate: np.ndarray, fresh: np.ndarray) -> np.ndarray:
    """Choice probabilities when a status is reconsidered only in some years.

    Each year a state reviews each of its statuses with probability `rate`
    (summits, treaty renewals, new leaders), and otherwise keeps it: a Calvo-style
    friction (Calvo 1983) that gives the record its persistence without a utility
    cost. Fresh choices (no status quo) are always made. p (R, S, L, 3); prev
    (R, S, L); rate (R,); fresh (S, L) or (R, S, L).
    """
    fresh = fresh if fresh.ndim == 3 else fresh[None]
    r = np.where(fresh, 1.0, np.clip(rate, 0.0, 1.0)[:, None, None])                # (R, S, L)
    out = p * r[..., None]
    stay = 1.0 - r
    for k in range(3):   # (1 − r) on the status quo, level by level (cheaper than a one-hot array)
        out[..., k] += np.where(prev == k, stay, 0.0)
    return out


def draw_levels(p: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Inverse-CDF draw of a level from probabilities p (..., 3) with uniforms u (...)."""
    c0 = p[..., 0]
    c1 = c0 + p[..., 1]
    return (u > c0).astype(np.int8) + (u > c1)


def simulate(inp: ModelInputs, parameters: Parameters, runs: int, seed: int,
             parameter_spec: dict | None = None, initial: np.ndarray | None = None,
             keep_levels: bool = False, progress: Callable[[int], None] | None = None,
             initial_tenure: np.ndarray | None = None, posterior=None,
             weights: dict[str, np.ndarray] | None = None,
             initial_depth: np.ndarray | None = None) -> SimulationResult:
    """Run the model over all years of `inp`.

    initial: (S, L) levels of the year before the first (default: nothing joined), or (R, S, L) per run.
    initial_tenure: (S, L) or (R, S, L) years each tie of `initial` had been held by then (default 0).
    posterior: draw each run's weights from it (model/posterior.py); None = the fixed `parameters`.
    weights: name -> (R,) weights of every run, used as given instead of drawing them (a sweep that goes
    on from a shared history keeps each run's weights; the random streams of the choices are unchanged).
    initial_depth: (R, L) the depth each run's organizations had reached (default: the coded depth).
    The result's `final` holds the levels, tenure and depth after the last year, so a run can go on
    (`simulate(..., initial=final["levels"], initial_tenure=final["tenure"], initial_depth=final["depth"])`).
    """
    ss = np.random.SeedSequence(seed)
    # children by index: the first two streams are the same as before stances existed
    param_rng, choice_rng, stance_rng = (np.random.default_rng(s) for s in ss.spawn(3))
    if weights is None:
        w = draw_parameters(parameters, parameter_spec or {}, runs, param_rng, posterior)
    else:
        w = {name: np.broadcast_to(np.asarray(weights[name], float), (runs,)) for name in Parameters.names()}
    T, S, L = inp.T, len(inp.states), len(inp.lines)
    effects = parameters.effect_array(inp.states, inp.lines) if parameters.effects else None
    prev = np.zeros((runs, S, L), np.int8) if initial is None else np.broadcast_to(initial, (runs, S, L)).astype(np.int8)
    probs = np.zeros((T, S, L, 3))
    levels = np.zeros((runs, T, S, L), np.int8) if keep_levels else None
    balance = np.zeros((runs, T, S))
    depth = np.broadcast_to(inp.depth[0] if initial_depth is None else initial_depth, (runs, L)).copy()
    depth_path = np.zeros((runs, T, L))
    stance_sum = np.zeros((T, S, L, 3))
    member_count = np.zeros((T, S, L))
    consensus = inp.consensus if inp.consensus is not None else np.ones((T, L), bool)
    tenure = np.zeros((runs, S, L), np.int16)
    if initial_tenure is not None:
        tenure[:] = np.where(prev >= 1, initial_tenure, 0)
    for t in range(T):
        if t > 0:   # a new treaty (a new organization of the line) sets the depth anew
            renewed = inp.era_org[t] != inp.era_org[t - 1]
            depth[:, renewed] = inp.depth[t][renewed]
        depth_path[:, t] = depth
        prev = np.minimum(prev, inp.max_level[t][None]).astype(np.int8)
        ed = U.economic_dependence({k: v[t] for k, v in inp.drivers.dependence.items()})
        press = U.pressure_cost(t, inp, ed)
        fresh_t = fresh_choices(inp, t, initial is None)[None]
        # every run's uniforms are drawn for the whole year first, so chunking does not change them
        u = choice_rng.random((ROUNDS, runs, S, L))
        u_stance = stance_rng.random((runs, S, L))
        x_year = np.empty_like(prev)
        p_sum = np.zeros((S, L, 3))
        for lo in range(0, runs, CHUNK):
            c = slice(lo, min(lo + CHUNK, runs))
            wc = {k: v[c] for k, v in w.items()}
            pc = prev[c]
            # A status quo that is no longer open (a tier abolished, a rule changed) must be chosen anew.
            closed = ~np.take_along_axis(inp.allowed[t][None], pc[..., None].astype(np.int64), -1)[..., 0]
            fresh = fresh_t | closed
            base = static_utilities(inp, t, wc, pc, ed, tenure=tenure[c], depth=depth[c], effects=effects)
            x = pc.copy()
            for k in range(ROUNDS):
                util = base + interactive_utilities(inp, t, wc, x)
                p = choice_probabilities(util, inp.allowed[t], wc["rationality"])
                p = with_reviews(p, pc, wc["review_rate"], fresh)
                x = draw_levels(p, u[k, c])
            p_sum += p.sum(axis=0)
            x_year[c] = x
            # the second decision: members' stances, and the depth they let through for next year
            member = (x == 2) & inp.exists[t][None, None, :]
            sp = S_.stance_probabilities(S_.stance_utilities(S_.deepening_value(t, inp, wc, ed), press, wc),
                                         wc["rationality"])
            stance = draw_levels(sp, u_stance[c])
            stance_sum[t] += np.where(member[..., None], sp, 0.0).sum(0)
            member_count[t] += member.sum(0)
            depth[c] = S_.negotiate_depth(depth[c], stance, member, S_.lead_push(t, inp), consensus[t])
        x = x_year
        probs[t] = p_sum / runs
        balance[:, t] = balance_index(x, inp.depth[t], inp.lead[t])
        if levels is not None:
            levels[:, t] = x
        tenure = np.where(x >= 1, tenure + 1, 0).astype(np.int16)
        prev = x
        if progress:
            progress(t)
    with np.errstate(invalid="ignore", divide="ignore"):
        stance_probs = stance_sum / member_count[..., None]
    return SimulationResult(inputs=inp, seed=seed, runs=runs, probs=probs, levels=levels, balance=balance,
                            parameters=w, stance_probs=stance_probs, depth=depth_path,
                            final={"levels": prev, "tenure": tenure, "depth": depth})
