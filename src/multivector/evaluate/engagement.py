"""The engagement model as a forecaster: its posterior at each origin, then run forward from the record.

At each origin the transition model's posterior is sampled anew by NUTS
(`multivector.model.calibrate`) on the record up to the origin — never the
shipped draws, which have seen the record up to 2008. Each run of the forecast
takes one whole posterior draw (weights and intercepts) and starts from the
statuses, tenure and depth on record at the origin.

`EngagementModel(theory=False, name="nested")` is the nested reference: the
same model with every theory weight w_m = 0 — the hierarchical per-line Markov
chain with its memory of ties — fitted the same way, so the theory's worth is a
measured difference (the theory test). `idata(task)` gives the ArviZ
InferenceData of a fit with the pointwise log-likelihood of its training
transitions (`log_likelihood["transitions"]`, dims chain, draw, obs), for
ELPD-LOO comparisons (`arviz.loo`, `arviz.compare`).

A fit is cached on disk under a hash of everything it reads (the masked
inputs, the settings, the seed, whether the theory is in, and the model's
source code), so a second evaluation is quick and a change to any of them fits
again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..io_utils import write_atomic
from ..model.calibrate import calibrate, point
from ..model.inputs import ModelInputs
from ..model.parameters import Parameters
from ..model.posterior import Posterior
from ..model.simulator import simulate
from .task import ForecastTask

MODEL_SOURCES = ("terms.py", "transition.py", "design.py", "estimate.py", "calibrate.py", "posterior.py",
                 "parameters.py", "utility.py", "inputs.py", "stance.py", "series_drivers.py", "drivers.py")


@dataclass(frozen=True)
class CalibrationSettings:
    """How the posterior is sampled at each origin (see `multivector.model.calibrate`)."""

    chains: int = 4
    warmup: int = 500
    samples: int = 1000
    check: bool = True        # stop with ConvergenceError if an R-hat exceeds 1.01
    max_tree_depth: int = 10


def inputs_digest(inp: ModelInputs) -> str:
    """A hash of every array the model reads (the record as masked)."""
    h = hashlib.sha256()
    for arr in (inp.years, inp.record, inp.max_level, inp.allowed, inp.depth, inp.lead, inp.offers, inp.aligning,
                inp.exists, inp.drivers.pressure):
        h.update(np.ascontiguousarray(arr).tobytes())
    for group in (inp.drivers.state, inp.drivers.dependence, inp.drivers.power):
        for k in sorted(group):
            h.update(k.encode())
            h.update(np.ascontiguousarray(group[k]).tobytes())
    h.update(json.dumps([inp.states, inp.lines, inp.record_until]).encode())
    return h.hexdigest()


def _source_digest() -> str:
    folder = Path(__file__).resolve().parent.parent / "model"
    h = hashlib.sha256()
    for name in MODEL_SOURCES:
        h.update((folder / name).read_bytes())
    return h.hexdigest()


def calibration_cache_dir() -> Path:
    from ..kb.store import cache_dir

    return cache_dir() / "calibrations"


@dataclass
class EngagementModel:
    """The engagement model (`multivector.model`), fitted per origin and run forward from the record."""

    runs: int = 500
    calibration: CalibrationSettings = field(default_factory=CalibrationSettings)
    use_cache: bool = True
    parameter_uncertainty: bool = True   # each run takes a posterior draw (False: the posterior means)
    theory: bool = True                  # False: the nested reference, every theory weight 0
    name: str = "model"
    fitted: dict = field(default_factory=dict, repr=False)      # origin -> (Parameters, info)
    _posteriors: dict = field(default_factory=dict, repr=False)   # cache key -> (Parameters, Posterior, info)

    def fit(self, task: ForecastTask) -> Parameters:
        return self._fit(task)[0]

    def _key(self, task: ForecastTask, seed: int) -> str:
        # the fit reads the years up to the origin only, so ex-post and ex-ante tasks share it
        seen = task.inputs.restrict(int(task.inputs.years[0]), task.origin)
        extra = {"stances": seen.stance_observations,
                 "neighbours": None if seen.neighbours is None else seen.neighbours.tolist()}
        return hashlib.sha256(json.dumps({
            "inputs": inputs_digest(seen), "extra": extra, "origin": task.origin, "settings": asdict(self.calibration),
            "theory": self.theory, "seed": seed, "model": _source_digest()}, sort_keys=True).encode()
        ).hexdigest()[:32]

    def _fit(self, task: ForecastTask) -> tuple[Parameters, Posterior]:
        seed = task.seed_int(self.name + ":calibration")
        key = self._key(task, seed)
        if key in self._posteriors:   # fitted before by this forecaster: as good as the disk cache
            params, post, info = self._posteriors[key]
            self.fitted[task.origin] = (params, {**info, "cached": True})
            return params, post
        info_path = calibration_cache_dir() / f"{key}.json"
        draws_path = calibration_cache_dir() / f"{key}.draws.parquet"
        post = None
        if self.use_cache and info_path.exists() and draws_path.exists():
            try:
                info = {**json.loads(info_path.read_text()), "cached": True}
                post = Posterior.from_parquet(draws_path)
            except (ValueError, KeyError, TypeError, OSError):
                post = None   # a damaged cache entry is fitted again and overwritten
        if post is None:
            c = self.calibration
            cal = calibrate(inputs=task.inputs, train_until=task.origin, seed=seed, chains=c.chains,
                            warmup=c.warmup, samples=c.samples, theory=self.theory, check=c.check,
                            max_tree_depth=c.max_tree_depth)
            post = cal.posterior
            info = {"origin": task.origin, "seed": seed, "theory": self.theory, "n": cal.n,
                    "n_stances": cal.n_stances, "seconds": cal.seconds, "settings": asdict(c),
                    "diagnostics": {k: v for k, v in cal.diagnostics.items() if k != "parameters"},
                    "weights": cal.weights_summary()}
            if self.use_cache:
                post.to_parquet(draws_path)           # the draws first: an info file never names missing draws
                write_atomic(info_path, json.dumps(info, indent=2))
            info["cached"] = False
        params = point(post)
        self.fitted[task.origin] = (params, info)
        self._posteriors[key] = (params, post, info)
        return params, post

    def forecast(self, task: ForecastTask) -> np.ndarray:
        from ..model.design import recorded_tenure_of

        params, post = self._fit(task)
        tenure = recorded_tenure_of(task.inputs)[task.t0 + 1] if task.t0 + 1 < task.inputs.T else None
        res = simulate(task.future(), params, runs=self.runs, seed=task.seed_int(self.name),
                       initial=task.status_at_origin(), initial_tenure=tenure,
                       posterior=post if self.parameter_uncertainty else None)
        return res.probs

    def idata(self, task: ForecastTask):
        """The ArviZ InferenceData of the fit at `task.origin`: the posterior of the weights, and
        log_likelihood["transitions"] (chain, draw, obs) over the training transitions."""
        import arviz as az

        from ..model.design import build_design
        from ..model.likelihood import theory_matrix, transition_log_likelihood

        _, post = self._fit(task)
        design = build_design(task.inputs, task.origin)
        cols = post.columns
        chain, draw = cols["chain"].astype(int), cols["draw"].astype(int)
        C, D = chain.max() + 1, len(np.unique(draw))
        order = np.lexsort((draw, chain))
        alpha = np.stack([post.alpha(line, order) for line in design.lines], axis=1)     # (C·D, L_fit, 4, 3)
        values = {k: cols[k][order].astype(float) for k in post.weights}
        ll = transition_log_likelihood(design, alpha, values["exit_tenure_weight"],
                                       theory_matrix(values, len(order)))
        shape = lambda a: a.reshape(C, D, *a.shape[1:])  # noqa: E731
        return az.from_dict(posterior={k: shape(v) for k, v in values.items()},
                            log_likelihood={"transitions": shape(ll)},
                            dims={"transitions": ["obs"]},
                            attrs={"origin": task.origin, "theory": int(self.theory), "forecaster": self.name})
