"""Calibration: the posterior of the transition model on the record up to a year, and what to ship.

`calibrate` builds the design (design.py: every transition and stance on
record up to `train_until`, the theory's terms as covariates), samples the
posterior by NUTS (estimate.py), checks the diagnostics (an R-hat above 1.01
stops it with ConvergenceError) and returns the posterior means as
`Parameters` and the draws as a `Posterior`. `write_weights` stores both: the
weights file (JSON) and, beside it, the draws (`NAME.draws.parquet`, every
`thin`-th draw of each chain), which the JSON names.

The stances on record after `train_until` are the stance decision's
out-of-sample check (`stance_check`): the log score and accuracy of the
posterior predictive stance of each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..kb import CaseBase
from .design import STANCE_WEIGHTS, build_design, stance_rows
from .inputs import ModelInputs, load_inputs
from .parameters import Parameters
from .posterior import POOLED, Posterior
from .transition import ALPHA_NAMES, log_probabilities

THIN = 4   # draws shipped: every 4th of each chain (4 chains × 1,000 → 1,000)


@dataclass
class CalibrationResult:
    parameters: Parameters          # posterior means
    posterior: Posterior            # every draw (thin with `Posterior.thinned` before shipping)
    diagnostics: dict               # rhat_max, ess_bulk_min, divergences, parameters: {name: {rhat, ess_bulk}}
    seconds: float                  # CPU seconds of the sampling (compilation included)
    train_until: int
    seed: int
    n: int                          # training transitions
    n_stances: int
    settings: dict = field(default_factory=dict)
    scales: dict = field(default_factory=dict)   # the prior scale of each theory weight
    stances: dict = field(default_factory=dict)  # stance_check on the stances after train_until
    theory: bool = True

    def weights_summary(self) -> dict[str, dict[str, float]]:
        """{name: {mean, q05, q95}} of every weight."""
        return {k: {"mean": m, "q05": lo, "q95": hi} for k, (m, lo, hi) in self.posterior.intervals(0.9).items()}

    def summary(self) -> dict:
        """What `calibrate --format json` prints."""
        d = self.diagnostics
        return {"diagnostics": {"rhat_max": d["rhat_max"], "ess_bulk_min": d["ess_bulk_min"],
                                "divergences": d["divergences"]},
                "seconds": self.seconds, "weights": self.weights_summary(),
                "train_until": self.train_until, "seed": self.seed, "n": self.n, "n_stances": self.n_stances,
                "settings": self.settings, "stances_after": self.stances}


def point(posterior: Posterior) -> Parameters:
    """Posterior means: the weights, each line's intercepts and the pooled chain."""
    m = posterior.means()
    weights = {k: float(m[k]) for k in Parameters.names() if k in m}
    alpha = {line: tuple(float(m[f"alpha:{line}:{n}"]) for n in ALPHA_NAMES) for line in posterior.lines}
    pooled = tuple(float(m[f"alpha:{POOLED}:{n}"]) for n in ALPHA_NAMES)
    theory = {k: 0.0 for k in Parameters.theory_names() if k not in m}   # the nested reference
    return Parameters(**{**weights, **theory}, alpha=alpha, alpha_pooled=pooled)


def calibrate(kb: CaseBase | None = None, train_until: int = 2008, inputs: ModelInputs | None = None,
              pool: bool = True, seed: int = 0, chains: int = 4, warmup: int = 500, samples: int = 1000,
              theory: bool = True, progress=None, check: bool = True,
              max_tree_depth: int = 10) -> CalibrationResult:
    """The posterior of the transition model on the record up to `train_until` (pool: with the case's
    pooled republics, the default). progress(done, total, description) per NUTS iteration.
    Raises estimate.ConvergenceError if `check` and an R-hat exceeds 1.01."""
    from . import estimate as E

    inp = inputs if inputs is not None else load_inputs(kb or CaseBase.load(), pool=pool)
    design = build_design(inp, train_until)
    if design.n == 0:
        raise ValueError(f"no recorded transition up to {train_until}: the record starts in {inp.years[0]}")
    fit = E.sample(design, seed, chains=chains, warmup=warmup, samples=samples, theory=theory, progress=progress,
                   max_tree_depth=max_tree_depth)
    diag = E.diagnose(fit)
    if check:
        E.check(diag)
    post = fit.posterior()
    return CalibrationResult(parameters=point(post), posterior=post, diagnostics=diag, seconds=fit.seconds,
                             train_until=int(train_until), seed=int(seed), n=design.n,
                             n_stances=len(design.stance), settings=fit.settings, scales=fit.scales,
                             stances=stance_check(inp, post, train_until), theory=theory)


def stance_check(inp: ModelInputs, post: Posterior, train_until: int) -> dict:
    """Log score and accuracy of the posterior predictive stance on the stances on record after train_until."""
    X, y, _ = stance_rows(inp, train_until + 1, inp.record_until)
    if not len(y):
        return {"n": 0}
    W = np.stack([post.columns[c].astype(float) if c in post.columns else np.zeros(post.size)
                  for c in STANCE_WEIGHTS], axis=1)                                          # (D, C)
    p = np.exp(log_probabilities(np.einsum("nkc,dc->dnk", X, W))).mean(0)                    # (N, 3)
    return {"n": int(len(y)), "log_score": float(-np.log(np.maximum(p[np.arange(len(y)), y], 1e-12)).mean()),
            "accuracy": float((p.argmax(1) == y).mean()),
            "observed": np.bincount(y, minlength=3).tolist()}


def draws_path(weights_path: str | Path) -> Path:
    p = Path(weights_path)
    return p.with_name(p.stem + ".draws.parquet")


def write_weights(result: CalibrationResult, path: str | Path, thin: int = THIN, **extra) -> Path:
    """The weights file (posterior means, diagnostics, the fit's settings) and its draws beside it.

    The draws are written first, so a weights file never names draws that are not there."""
    draws = draws_path(path)
    shipped = result.posterior.thinned(thin)
    shipped.to_parquet(draws)
    # the point is the mean of the draws shipped, so the file and its draws agree
    point(shipped).to_json(
        path, draws=draws.name, thinned=f"every {thin}th draw of each chain",
        train_until=result.train_until, seed=result.seed, n=result.n, n_stances=result.n_stances,
        diagnostics={k: v for k, v in result.diagnostics.items() if k != "parameters"},
        diagnostics_weights={k: v for k, v in result.diagnostics["parameters"].items()
                             if k in Parameters.names()},
        seconds=result.seconds, settings=result.settings, prior_scales=result.scales,
        weights_all_draws=result.weights_summary(), stances_after=result.stances, **extra)
    return draws

