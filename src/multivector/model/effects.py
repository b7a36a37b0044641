"""The effect of one change of drivers, with its posterior uncertainty: paired runs per posterior draw.

From the record of the year before `start`, the baseline and the changed
inputs are run with the same seed and the same runs (common random numbers:
Glasserman 2004, §4.2), and every block of `runs_per_draw` runs shares one
posterior draw of the weights and intercepts. The effect of a draw is the mean
over its runs of the difference in the last year's probability (the runs'
own transition probabilities, not their drawn levels); the 90% interval is over
the draws, so it shows what the posterior leaves open, and the Monte Carlo
standard error of the mean effect is reported beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .design import recorded_tenure_of
from .inputs import ModelInputs
from .parameters import Parameters
from .posterior import Posterior
from .simulator import simulate


@dataclass
class Outcome:
    """P(member) (kind "member") or P(obstruct | member) (kind "obstruct"), averaged over `cells`."""

    label: str
    kind: str
    cells: list[tuple[str, str]]      # (state, line)
    sign: int                         # the direction the theory gives the effect: +1 or −1


@dataclass
class Effect:
    outcome: Outcome
    baseline: float                   # mean over draws of the baseline's probability
    mean: float                       # mean effect
    lo: float                         # 5% and 95% quantiles of the effect over posterior draws
    hi: float
    mc_se: float                      # Monte Carlo standard error of the mean effect
    draws: np.ndarray = field(repr=False)   # (D,) the effect of each draw

    @property
    def supported(self) -> bool:
        """At least 0.02 in the theory's direction, with a 90% interval that excludes 0."""
        s = self.outcome.sign
        return s * self.mean >= 0.02 and (self.lo > 0 if s > 0 else self.hi < 0)


def run_weights(posterior: Posterior, draws: int, runs_per_draw: int, rng: np.random.Generator
                ) -> dict[str, np.ndarray]:
    """Each run's weights and intercepts: `draws` posterior draws (without replacement), each repeated
    for a block of `runs_per_draw` runs."""
    idx = np.repeat(rng.choice(posterior.size, size=min(draws, posterior.size), replace=False), runs_per_draw)
    out = {w: posterior.columns[w][idx].astype(float) for w in posterior.weights}
    for line in [*posterior.lines, "*"]:
        out[f"alpha:{line}"] = posterior.alpha(line, idx).astype(float)
    return out


def _value(res, inp: ModelInputs, outcome: Outcome) -> np.ndarray:
    """(R,) each run's last-year probability of the outcome, averaged over its cells."""
    vals = []
    for state, line in outcome.cells:
        i, j = inp.states.index(state), inp.lines.index(line)
        if outcome.kind == "member":
            vals.append(res.final["probs"][:, i, j, 2])
        else:
            vals.append(res.final["stance_probs"][:, i, j, 2])
    return np.mean(vals, axis=0)


def paired_effects(inp: ModelInputs, changed: ModelInputs, outcomes: list[Outcome], start: int, year: int,
                   posterior: Posterior, parameters: Parameters, draws: int = 200, runs_per_draw: int = 50,
                   seed: int = 3, weights: dict | None = None) -> list[Effect]:
    """The effect on each outcome in `year` of running `changed` instead of `inp` from `start`.

    Both inputs cover the years to `year` at least and carry the same record; the runs start from the
    record of start − 1 (levels and tenure) and the coded depth.
    """
    t0 = inp.year_index(start)
    initial = np.maximum(inp.record[t0 - 1], 0).astype(np.int8)
    tenure = recorded_tenure_of(inp)[t0]
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    w = weights if weights is not None else run_weights(posterior, draws, runs_per_draw, rng)
    R = len(w[posterior.weights[0]])
    D = R // runs_per_draw
    runs = []
    for x in (inp, changed):
        res = simulate(x.restrict(start, year), parameters, runs=R, seed=seed, initial=initial,
                       initial_tenure=tenure, weights=w)
        runs.append(res)
    out = []
    for oc in outcomes:
        b = _value(runs[0], runs[0].inputs, oc)
        c = _value(runs[1], runs[1].inputs, oc)
        diff = c - b
        per_draw = diff.reshape(D, runs_per_draw).mean(1)
        out.append(Effect(oc, float(np.nanmean(b)), float(np.nanmean(diff)),
                          float(np.nanquantile(per_draw, 0.05)), float(np.nanquantile(per_draw, 0.95)),
                          float(np.nanstd(diff, ddof=1) / np.sqrt(R)), per_draw))
    return out
