"""Run the engine for the points of one chunk, cheaply, every point a projection from the record.

Every point starts from the record as a scenario does (model/projection.py): the
recorded statuses, tenure and depth of the year before the sweep's start, the base
scenario's changes and the point's factor values applied from their years.

Every point uses the same random numbers (common random numbers; Glasserman 2004,
§4.2): run r draws the same weights and the same uniforms each year at every point,
so points differ only by their factor values. An outcome read before the first year
any factor changes is therefore exactly the same at every point, and the differences
Saltelli's and Morris's estimators take carry no sampling noise of their own.

What a process shares is computed once:

- the case's inputs, with the base scenario's changes applied;
- each run's weights (drawn from the posterior or the base scenario's distributions);
- the history before the first year any factor changes or any outcome is read (the "prefix"):
  no factor can change those years, so every point starts from the same simulated paths of
  the prefix (levels, tenure and depth reached, per run) and only the years from there on
  are simulated per point.

Seeds: the design takes the child (0,) of the sweep's SeedSequence(seed); the runs take the
child (1,), whose children are, in order, the weights' stream, the prefix's seed and the
points' seed. A chunk's result therefore depends on its points and the seed only, never on
which worker ran it or when.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..model.engine import draw_parameters, simulate
from ..model.inputs import ModelInputs
from ..model.parameters import Parameters
from ..model.projection import Start
from .spec import SweepSpec

_CONTEXTS: dict[tuple, SweepContext] = {}   # per process: the loaded case, reused by every chunk


@dataclass
class SweepContext:
    """What every chunk of a sweep reads: the inputs with the base changes, the start, the weights."""

    inputs: ModelInputs           # all years to the end, base scenario's changes applied
    start: Start                  # where every point's projection starts
    initial: np.ndarray | None    # (S, L) recorded levels the year before the start (None from 1991)
    tenure: np.ndarray | None
    depth: np.ndarray             # (L,) the coded depth the start year's organizations have
    parameters: Parameters
    posterior: object | None
    prefix_end: int               # last year simulated once for all points (start − 1: no prefix)
    shared: dict | None = None    # the weights and the prefix's end state, once computed


def split_year(spec: SweepSpec, start: int | None = None) -> int:
    """The first year that can differ between points: the earliest factor year or outcome year."""
    start = spec.start if start is None else start
    years = [f.first_year if f.first_year is not None else start for f in spec.factors]
    years += [o.first_year for o in spec.outcomes]
    return max(start, min(years))


def context(spec: SweepSpec, case: str | None = None) -> SweepContext:
    """The spec's context, loaded once per process (a worker serves many chunks of one sweep)."""
    key = (spec.digest(), case)
    if key not in _CONTEXTS:
        _CONTEXTS.clear()
        _CONTEXTS[key] = _load_context(spec, case)
    return _CONTEXTS[key]


def _load_context(spec: SweepSpec, case: str | None) -> SweepContext:
    from ..kb import CaseBase
    from ..model.parameters import default_parameters, default_posterior
    from ..model.projection import initial_state, resolve_changes, scenario_inputs
    from ..model.scenario import apply_changes

    kb = CaseBase.load(case) if case else CaseBase.load()
    full = scenario_inputs(kb, spec.end)
    start = spec.resolved   # resolved by the caller that knew the case; else here, without changing the spec
    if start is None:
        from ..model.projection import projection_start

        start = projection_start(spec.scenario(), full.record_until, int(full.years[0]))
    late = [o.label for o in spec.outcomes if o.first_year < start.year]
    if late:
        raise ValueError(f"outcome {late[0]} reads a year before the sweep's start {start.year} (the record); "
                         f"read a year from {start.year} on")
    initial, tenure, depth = initial_state(full, start.year)
    base = resolve_changes(spec.base.changes, start.year)
    inputs = apply_changes(full, base).restrict(int(full.years[0]), spec.end)
    posterior = default_posterior() if spec.weights == "posterior" else None
    return SweepContext(inputs, start, initial, tenure, depth, default_parameters(), posterior,
                        split_year(spec, start.year) - 1)


def run_seeds(seed: int) -> tuple[np.random.SeedSequence, int, int]:
    """(weights' SeedSequence, prefix seed, points' seed): children of (1,) of the sweep's seed, the same for
    every chunk and point."""
    kids = np.random.SeedSequence(seed, spawn_key=(1,)).spawn(3)
    as_int = lambda s: int(s.generate_state(1, np.uint64)[0] >> np.uint64(1))  # noqa: E731 (a non-negative int64)
    return kids[0], as_int(kids[1]), as_int(kids[2])


def shared_start(spec: SweepSpec, ctx: SweepContext) -> dict:
    """Each run's weights, and the levels, tenure and depth every point goes on from (computed once)."""
    if ctx.shared is not None:
        return ctx.shared
    inp, R = ctx.inputs, spec.runs
    wss, prefix_seed, point_seed = run_seeds(spec.seed)
    w0 = draw_parameters(ctx.parameters, spec.base.parameters, R, np.random.default_rng(wss), ctx.posterior)
    y0, start = ctx.prefix_end + 1, ctx.start.year
    initial, tenure, depth = ctx.initial, ctx.tenure, np.broadcast_to(ctx.depth, (R, len(ctx.depth)))
    if y0 > start:
        pre = simulate(inp.restrict(start, ctx.prefix_end), ctx.parameters, R, prefix_seed,
                       initial=initial, initial_tenure=tenure, initial_depth=depth, weights=w0)
        initial, tenure, depth = pre.final["levels"], pre.final["tenure"], pre.final["depth"].copy()
        t = inp.year_index(y0)
        renewed = inp.era_org[t] != inp.era_org[t - 1]       # a new treaty in the first year sets the depth anew
        depth[:, renewed] = inp.depth[t][renewed]
    ctx.shared = {"weights": w0, "y0": y0, "initial": initial, "tenure": tenure, "depth": depth,
                  "point_seed": point_seed}
    return ctx.shared


def point_weights(spec: SweepSpec, w0: dict[str, np.ndarray], values: dict[str, float]) -> dict[str, np.ndarray]:
    """Each run's weights at a point: the chunk's draws, with the weight factors set or scaled."""
    w = dict(w0)
    for f in spec.factors:
        if f.weight is None:
            continue
        v = values[f.name]
        w[f.weight] = np.full_like(w0[f.weight], v) if f.op == "set" else w0[f.weight] * v
    return w


def run_points(spec: SweepSpec, chunk: int, points: pd.DataFrame, case: str | None = None) -> pd.DataFrame:
    """Simulate every point of one chunk; {point, chunk, seed, point_seed, factors..., outcomes...}.

    points: rows of the design table (point, factor values) of this chunk, in point order.
    """
    from ..model.projection import resolve_changes
    from ..model.scenario import apply_changes

    ctx = context(spec, case)
    sh = shared_start(spec, ctx)
    rows = []
    for _, pt in points.iterrows():
        values = {f.name: float(pt[f.name]) for f in spec.factors}
        changes = [replace(f.change, amount=values[f.name]) for f in spec.factors if f.change is not None]
        pinp = apply_changes(ctx.inputs, resolve_changes(changes, ctx.start.year)).restrict(sh["y0"], spec.end)
        res = simulate(pinp, ctx.parameters, spec.runs, sh["point_seed"], initial=sh["initial"],
                       initial_tenure=sh["tenure"], initial_depth=sh["depth"],
                       weights=point_weights(spec, sh["weights"], values))
        row = {"point": int(pt["point"]), "chunk": chunk, "seed": spec.seed, "point_seed": sh["point_seed"], **values}
        row.update({o.label: o.value(res) for o in spec.outcomes})
        rows.append(row)
    out = pd.DataFrame(rows)
    return out.astype({"point": np.int64, "chunk": np.int64, "seed": np.int64, "point_seed": np.int64})
