"""Run the engine for the points of one chunk, cheaply.

What a chunk shares is computed once:

- the case's inputs, with the base scenario's changes applied (loaded once per worker process);
- each run's weights (drawn from the posterior or the base scenario's distributions);
- the history before the first year any factor changes or any outcome is read (the "prefix"):
  no factor can change those years, so all points of the chunk start from the same simulated
  paths of the prefix (levels, tenure and depth reached, per run) and only the years from there
  on are simulated per point. The points of a chunk thereby share common random numbers up to
  that year, which lowers the noise of the differences between them (Glasserman 2004, §4.2).

Seeds: chunk c takes the child (1, c) of the sweep's SeedSequence(seed) (the design takes (0,));
its children are, in order, the weights' stream, the prefix's seed and one seed per point. A
chunk's result therefore depends on its points and the seed only, never on which worker ran it
or when.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..model.engine import draw_parameters, simulate
from ..model.inputs import ModelInputs
from ..model.parameters import Parameters
from .spec import SweepSpec

_CONTEXTS: dict[tuple, SweepContext] = {}   # per process: the loaded case, reused by every chunk


@dataclass
class SweepContext:
    """What every chunk of a sweep reads: the inputs with the base changes, the start, the weights."""

    inputs: ModelInputs           # all years to the end, base scenario's changes applied
    initial: np.ndarray | None    # (S, L) levels the year before the start (None from 1991)
    tenure: np.ndarray | None
    parameters: Parameters
    posterior: object | None
    prefix_end: int               # last year simulated once per chunk (start − 1: no prefix)


def split_year(spec: SweepSpec) -> int:
    """The first year that can differ between points: the earliest factor year or outcome year."""
    years = [f.first_year if f.first_year is not None else spec.start for f in spec.factors]
    years += [o.first_year for o in spec.outcomes]
    return max(spec.start, min(years))


def context(spec: SweepSpec, case: str | None = None) -> SweepContext:
    """The spec's context, loaded once per process (a worker serves many chunks of one sweep)."""
    key = (spec.digest(), case)
    if key not in _CONTEXTS:
        _CONTEXTS.clear()
        _CONTEXTS[key] = _load_context(spec, case)
    return _CONTEXTS[key]


def _load_context(spec: SweepSpec, case: str | None) -> SweepContext:
    from ..kb import CaseBase
    from ..model.inputs import load_inputs
    from ..model.parameters import default_parameters, default_posterior
    from ..model.run import prepare_with_tenure
    from ..model.scenario import apply_changes

    kb = CaseBase.load(case) if case else CaseBase.load()
    base = replace(spec.base, changes=[])
    full = load_inputs(kb, end=max(spec.end, 2035))
    _, initial, tenure = prepare_with_tenure(kb, base)
    inputs = apply_changes(full, spec.base.changes).restrict(int(full.years[0]), spec.end)
    posterior = default_posterior() if spec.weights == "posterior" else None
    return SweepContext(inputs, initial, tenure, default_parameters(), posterior, split_year(spec) - 1)


def chunk_seeds(seed: int, chunk: int, points: int) -> tuple[np.random.SeedSequence, int, list[int]]:
    """(weights' SeedSequence, prefix seed, point seeds) of a chunk: children of (1, chunk) of the sweep's seed."""
    kids = np.random.SeedSequence(seed, spawn_key=(1, chunk)).spawn(2 + points)
    as_int = lambda s: int(s.generate_state(1, np.uint64)[0] >> np.uint64(1))  # noqa: E731 (a non-negative int64)
    return kids[0], as_int(kids[1]), [as_int(k) for k in kids[2:]]


def point_weights(spec: SweepSpec, w0: dict[str, np.ndarray], values: dict[str, float]) -> dict[str, np.ndarray]:
    """Each run's weights at a point: the chunk's draws, with the weight factors set or scaled."""
    w = dict(w0)
    for f in spec.factors:
        if f.weight is None:
            continue
        v = values[f.name]
        w[f.weight] = np.full_like(w0[f.weight], v) if f.op == "set" else w0[f.weight] * v
        if f.weight == "review_rate":
            w[f.weight] = np.minimum(w[f.weight], 1.0)
    return w


def run_points(spec: SweepSpec, chunk: int, points: pd.DataFrame, case: str | None = None) -> pd.DataFrame:
    """Simulate every point of one chunk; {point, chunk, seed, point_seed, factors..., outcomes...}.

    points: rows of the design table (point, factor values) of this chunk, in point order.
    """
    from ..model.scenario import apply_changes

    ctx = context(spec, case)
    inp = ctx.inputs
    R = spec.runs
    wss, prefix_seed, seeds = chunk_seeds(spec.seed, chunk, len(points))
    w0 = draw_parameters(ctx.parameters, spec.base.parameters, R, np.random.default_rng(wss), ctx.posterior)
    y0 = ctx.prefix_end + 1
    initial, tenure, depth = ctx.initial, ctx.tenure, None
    if y0 > spec.start:
        pre = simulate(inp.restrict(spec.start, ctx.prefix_end), ctx.parameters, R, prefix_seed,
                       initial=initial, initial_tenure=tenure, weights=w0)
        initial, tenure, depth = pre.final["levels"], pre.final["tenure"], pre.final["depth"].copy()
        t = inp.year_index(y0)
        renewed = inp.era_org[t] != inp.era_org[t - 1]       # a new treaty in the first year sets the depth anew
        depth[:, renewed] = inp.depth[t][renewed]
    rows = []
    for (_, pt), pseed in zip(points.iterrows(), seeds, strict=True):
        values = {f.name: float(pt[f.name]) for f in spec.factors}
        changes = [replace(f.change, amount=values[f.name]) for f in spec.factors if f.change is not None]
        pinp = apply_changes(inp, changes).restrict(y0, spec.end)
        res = simulate(pinp, ctx.parameters, R, pseed, initial=initial, initial_tenure=tenure,
                       initial_depth=depth, weights=point_weights(spec, w0, values))
        row = {"point": int(pt["point"]), "chunk": chunk, "seed": spec.seed, "point_seed": pseed, **values}
        row.update({o.label: o.value(res) for o in spec.outcomes})
        rows.append(row)
    out = pd.DataFrame(rows)
    return out.astype({"point": np.int64, "chunk": np.int64, "seed": np.int64, "point_seed": np.int64})
