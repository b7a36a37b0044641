"""The simulator: the transition model run forward, vectorized over runs × states × lines.

Each year every state's level in every line is drawn from the transition model
(transition.py) given the run's own levels, tenure and depth reached the year
before; the theory's terms (terms.py) read those, exactly as the estimator reads
the record. Members then take their stances where a deepening step is on the
table, and the stances set the depth for next year (stance.py). Monte Carlo runs
differ by their random draws and by their weights (one whole posterior draw per
run). One seed drives everything.

Common random numbers: a run's weights and every year's uniforms are drawn for
all runs at once, before any chunking and without reading a driver, so two
inputs that differ only from some year on give identical runs before it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import stance as S_
from . import terms as TM
from . import utility as U
from .inputs import ModelInputs
from .parameters import Parameters
from .transition import DOWN, from_levels, logits, probabilities

CHUNK = 512  # runs computed together: small enough for the arrays to stay in cache, large enough to vectorize


@dataclass
class SimulationResult:
    inputs: ModelInputs
    seed: int
    runs: int
    probs: np.ndarray            # (T, S, L, 3) probability of each level, averaged over runs
    levels: np.ndarray | None    # (R, T, S, L) realized levels (int8), if kept
    balance: np.ndarray          # (R, T, S) balance index of each run
    # weight name -> (R,) draws; `alpha:LINE` -> (R, 4, 3) intercepts where drawn from a posterior
    parameters: dict[str, np.ndarray] = field(default_factory=dict)
    # (T, S, L, 3) support, go along, obstruct among member runs; NaN where no step is on the table
    stance_probs: np.ndarray | None = None
    depth: np.ndarray | None = None          # (R, T, L) the depth each organization had reached in each year
    # the state after the last year (levels, tenure, depth), to go on; and each run's probabilities of the
    # last year (`probs` (R, S, L, 3); `stance_probs` (R, S, L, 3), NaN where no step is on the table)
    final: dict[str, np.ndarray] | None = None
    # (R, T, S, L, 3) each run's transition probabilities, if kept (keep_probs): the intervals read them
    run_probs: np.ndarray | None = None

    @property
    def years(self) -> np.ndarray:
        return self.inputs.years


def draw_parameters(base: Parameters, spec: dict, runs: int, rng: np.random.Generator,
                    posterior=None) -> dict[str, np.ndarray]:
    """Per-run parameter values: one whole posterior draw per run, fixed numbers, or draws from the
    distributions in `spec` (which take precedence over the posterior for the weights they name).

    With `relative: true` a draw multiplies the calibrated weight. Weights are
    clipped at zero: a negative draw would reverse a mechanism. A posterior draw
    also gives the run's intercepts (`alpha:LINE`, `alpha:*`).
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
    out.update({k: v for k, v in drawn.items() if k.startswith("alpha:")})
    return out


def run_alpha(w: dict[str, np.ndarray], base: Parameters, lines: list[str], runs: int) -> np.ndarray:
    """(R, L, 4, 3) each run's intercepts: drawn ones where `w` has them, else `base`'s."""
    out = np.broadcast_to(base.alpha_array(lines), (runs, len(lines), 4, 3)).copy()
    pooled = w.get("alpha:*")
    for j, line in enumerate(lines):
        a = w.get(f"alpha:{line}", pooled)
        if a is not None:
            out[:, j] = a
    return out


def balance_index(x: np.ndarray, depth: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """Balance index (0–100) of simulated levels x (..., S, L), as `multivector measures` defines it.

    Ties = status weight (member 1, partner/observer ½) × depth × lead weight; the
    index is `measures.indices.balance_index` over RUS, CHN and WEST (NaN where a
    state has no tie to any of them), so simulated and recorded indices compare.
    """
    from ..measures.indices import balance_index as bi

    return bi(U.ties_by_pole(x, depth, lead)[..., :3])


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


def year_utility(inp: ModelInputs, t: int, w: dict[str, np.ndarray], prev: np.ndarray,
                 depth: np.ndarray | None, static: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Σ_m w_m ΔU_m(k) (R, S, L, 3) for runs with levels prev (R, S, L) and depth reached (R, L) the year before."""
    terms = dict(static if static is not None else TM.static_terms(inp, t))
    terms["sovereignty"] = TM.sovereignty_term(inp, t, depth)
    terms.update(TM.interactive_terms(inp, t, prev))
    return TM.weighted_sum({k: terms[k] for k in TM.THEORY}, w)


def step_probabilities(inp: ModelInputs, t: int, w: dict[str, np.ndarray], alpha: np.ndarray, prev: np.ndarray,
                       fresh: np.ndarray, tenure: np.ndarray, depth: np.ndarray | None,
                       static: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """(R, S, L, 3) transition probabilities of year index t for R runs.

    alpha (R, L, 4, 3); prev (R, S, L) last year's levels (already capped at this year's
    highest open level); fresh (S, L) or (R, S, L) no status quo; tenure (R, S, L).
    """
    R, S, L = prev.shape
    f = from_levels(prev, fresh)
    a_jk = alpha[np.arange(R)[:, None, None], np.arange(L)[None, None, :], f]          # (R, S, L, 3)
    util = year_utility(inp, t, w, prev, depth, static)
    tau = np.asarray(w["exit_tenure_weight"], float)[:, None, None]
    z = logits(a_jk, tau, TM.tenure_memory(tenure), DOWN[f], util, inp.allowed[t][None])
    return probabilities(z)


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
             initial_depth: np.ndarray | None = None, keep_probs: bool = False) -> SimulationResult:
    """Run the model over all years of `inp`.

    initial: (S, L) levels of the year before the first (default: nothing joined), or (R, S, L) per run.
    initial_tenure: (S, L) or (R, S, L) years each tie of `initial` had been held by then (default 0).
    posterior: draw each run's weights and intercepts from it (model/posterior.py); None = the fixed
    `parameters`.
    weights: name -> (R,) weights of every run (and `alpha:LINE` intercepts), used as given instead of
    drawing them (a sweep that goes on from a shared history keeps each run's weights; the random
    streams of the choices are unchanged).
    initial_depth: (R, L) the depth each run's organizations had reached (default: the coded depth).
    keep_probs: keep each run's probabilities of every year (`run_probs`, float32) for the intervals.
    The result's `final` holds the levels, tenure and depth after the last year, so a run can go on
    (`simulate(..., initial=final["levels"], initial_tenure=final["tenure"], initial_depth=final["depth"])`).
    """
    ss = np.random.SeedSequence(seed)
    param_rng, choice_rng, stance_rng = (np.random.default_rng(s) for s in ss.spawn(3))
    if weights is None:
        w = draw_parameters(parameters, parameter_spec or {}, runs, param_rng, posterior)
    else:
        w = {name: np.broadcast_to(np.asarray(weights[name], float), (runs,)) for name in Parameters.names()}
        w.update({k: v for k, v in weights.items() if k.startswith("alpha:")})
    T, S, L = inp.T, len(inp.states), len(inp.lines)
    alpha = run_alpha(w, parameters, inp.lines, runs)
    prev = np.zeros((runs, S, L), np.int8) if initial is None else np.broadcast_to(initial, (runs, S, L)).astype(np.int8)
    probs = np.zeros((T, S, L, 3))
    levels = np.zeros((runs, T, S, L), np.int8) if keep_levels else None
    run_probs = np.zeros((runs, T, S, L, 3), np.float32) if keep_probs else None
    balance = np.zeros((runs, T, S))
    depth = np.broadcast_to(inp.depth[0] if initial_depth is None else initial_depth, (runs, L)).copy()
    depth_path = np.zeros((runs, T, L))
    stance_sum = np.zeros((T, S, L, 3))
    member_count = np.zeros((T, S, L))
    consensus = inp.consensus if inp.consensus is not None else np.ones((T, L), bool)
    tenure = np.zeros((runs, S, L), np.int16)
    last_p = np.zeros((runs, S, L, 3))
    last_sp = np.full((runs, S, L, 3), np.nan)
    if initial_tenure is not None:
        tenure[:] = np.where(prev >= 1, initial_tenure, 0)
    for t in range(T):
        if t > 0:   # a new treaty (a new organization of the line) sets the depth anew
            renewed = inp.era_org[t] != inp.era_org[t - 1]
            depth[:, renewed] = inp.depth[t][renewed]
        depth_path[:, t] = depth
        prev = np.minimum(prev, inp.max_level[t][None]).astype(np.int8)
        ed = TM.dependence_at(inp, t)
        static = TM.static_terms(inp, t, ed)
        fresh = fresh_choices(inp, t, initial is None)[None]
        table = S_.on_table(t, inp)
        on = np.flatnonzero(table)              # stances are computed only where a step is on the table
        comps = {k: v[:, on] for k, v in S_.stance_components(t, inp, ed).items()} if on.size else {}
        # every run's uniforms are drawn for the whole year first, so chunking does not change them
        u = choice_rng.random((runs, S, L))
        u_stance = stance_rng.random((runs, S, L))
        x = np.empty_like(prev)
        p_sum = np.zeros((S, L, 3))
        for lo in range(0, runs, CHUNK):
            c = slice(lo, min(lo + CHUNK, runs))
            wc = {k: v[c] for k, v in w.items()}
            p = step_probabilities(inp, t, wc, alpha[c], prev[c], fresh, tenure[c], depth[c], static)
            xc = draw_levels(p, u[c])
            p_sum += p.sum(axis=0)
            if run_probs is not None:
                run_probs[c, t] = p
            if t == T - 1:
                last_p[c] = p
                if on.size:
                    last_sp[c][..., on, :] = S_.stance_probabilities(S_.stance_utilities(comps, wc))
            x[c] = xc
            # the second decision, where a step is on the table: members' stances, and the depth they let through
            member = (xc == 2) & table[None, None, :]
            if member.any():
                sp = S_.stance_probabilities(S_.stance_utilities(comps, wc))          # (R, S, on, 3)
                stance = np.ones(xc.shape, np.int64)                                 # go along where none is taken
                stance[..., on] = draw_levels(sp, u_stance[c][..., on])
                stance_sum[t][:, on] += np.where(member[..., on, None], sp, 0.0).sum(0)
                member_count[t] += member.sum(0)
                depth[c] = S_.negotiate_depth(depth[c], stance, member, S_.lead_push(t, inp), consensus[t])
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
                            final={"levels": prev, "tenure": tenure, "depth": depth, "probs": last_p,
                                   "stance_probs": last_sp}, run_probs=run_probs)
