"""Conditional (one-step) likelihood of the record under the logit choice.

For each year the model sees last year's recorded levels and the other states'
recorded choices, and gives a probability to each level; the log-likelihood is
the sum of log P(recorded level). Used by calibration (and by explain, which
shows the same utilities term by term).
"""

from __future__ import annotations

import numpy as np

from . import stance as S_
from . import utility as U
from .engine import choice_probabilities, fresh_choices, with_reviews, year_utilities
from .inputs import ModelInputs
from .parameters import Parameters


def _weights(p: Parameters) -> dict[str, np.ndarray]:
    return {k: np.array([v]) for k, v in p.as_dict().items()}


def observed_context(inp: ModelInputs, t: int) -> tuple[np.ndarray, np.ndarray]:
    """(x, prev): recorded levels this year and last year, as (1, S, L) with absences as 0."""
    x = np.maximum(inp.record[t], 0)[None].astype(np.int8)
    prev = np.maximum(inp.record[t - 1], 0)[None].astype(np.int8) if t > 0 else np.zeros_like(x)
    prev = np.minimum(prev, inp.max_level[t][None]).astype(np.int8)
    return x, prev


def log_likelihood(inp: ModelInputs, params: Parameters, years: np.ndarray | None = None) -> tuple[float, int]:
    """Sum of log P(recorded level) over open state-organization-years (and the count of cells)."""
    w = _weights(params)
    total, n = 0.0, 0
    tenure = U.recorded_tenure(np.where(inp.exists[:, None, :], inp.record, -1))
    effects = params.effect_array(inp.states, inp.lines) if params.effects else None
    for t, y in enumerate(inp.years):
        if y > inp.record_until or (years is not None and y not in years):
            continue
        x, prev = observed_context(inp, t)
        util = year_utilities(inp, t, w, x, prev, tenure=tenure[t][None], effects=effects)
        p = choice_probabilities(util, inp.allowed[t], w["rationality"])
        p = with_reviews(p, prev, w["review_rate"], fresh_choices(inp, t, True))[0]   # (S, L, 3)
        rec = inp.record[t]
        ok = (rec >= 0) & (inp.max_level[t] >= 1) & (rec <= inp.max_level[t])
        if ok.any():
            pr = np.take_along_axis(p, np.maximum(rec, 0)[..., None].astype(np.int64), -1)[..., 0]
            total += float(np.log(np.clip(pr[ok], 1e-12, 1.0)).sum())
            n += int(ok.sum())
    st, m = stance_log_likelihood(inp, w, years, floor=1e-12)
    return total + st, n + m


def stance_log_likelihood(inp: ModelInputs, w: dict[str, np.ndarray], years: np.ndarray | None,
                          floor: float) -> tuple[float, int]:
    """Log-likelihood of the observed stances (claims on proposals) under the stance logit, one-step."""
    total, n = 0.0, 0
    for obs in inp.stance_observations:
        y = obs["year"]
        if y > inp.record_until or (years is not None and y not in years) or y < inp.years[0] or y > inp.years[-1]:
            continue
        t = int(y - inp.years[0])
        ed = U.economic_dependence({k: v[t] for k, v in inp.drivers.dependence.items()})
        util = S_.stance_utilities(S_.deepening_value(t, inp, w, ed), U.pressure_cost(t, inp, ed), w)
        p = S_.stance_probabilities(util, w["rationality"])[0, inp.states.index(obs["state"]), obs["line"]]
        total += float(np.log(max(p[obs["stance"]], floor)))
        n += 1
    return total, n
