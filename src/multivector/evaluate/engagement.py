"""The engagement model as a forecaster: calibrated on the years up to the origin, then run free.

At each origin the weights are fitted anew (`multivector.model.calibrate`,
simulated maximum likelihood by default) from the code's default weights —
never from the shipped weights, which were fitted on the years up to 2008 and
so have seen the record after the earlier origins. The fit is cached on disk
under a hash of everything it reads (the masked inputs, the settings, the start,
the seed and the model's source code), so a second evaluation is quick and a
change to any of them fits again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..io_utils import write_atomic
from ..model.calibrate import calibrate
from ..model.engine import simulate
from ..model.inputs import ModelInputs
from ..model.parameters import Parameters
from .task import ForecastTask

MODEL_SOURCES = ("engine.py", "utility.py", "calibrate.py", "likelihood.py", "parameters.py", "inputs.py",
                 "stance.py", "series_drivers.py", "drivers.py")


@dataclass(frozen=True)
class CalibrationSettings:
    """How the weights are fitted at each origin (see `multivector.model.calibrate`)."""

    method: str = "simulated"      # simulated (free-run likelihood) or conditional (one-step)
    runs: int = 150                # Monte Carlo runs of the simulated likelihood
    max_evaluations: int = 600     # Powell's budget of likelihood evaluations


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
    """The engagement model (`multivector.model`), fitted per origin and run free from it."""

    runs: int = 500
    calibration: CalibrationSettings = field(default_factory=CalibrationSettings)
    start: Parameters = field(default_factory=Parameters)   # the code's defaults, fitted on nothing
    use_cache: bool = True
    parameter_uncertainty: bool = True   # each run draws its weights from the Laplace posterior at the fit
    name: str = "model"
    fitted: dict = field(default_factory=dict, repr=False)      # origin -> (Parameters, info)

    def fit(self, task: ForecastTask) -> Parameters:
        return self._fit(task)[0]

    def _fit(self, task: ForecastTask) -> tuple[Parameters, str, int]:
        seed = task.seed_int(self.name + ":calibration")
        key = hashlib.sha256(json.dumps({
            "inputs": inputs_digest(task.inputs), "origin": task.origin, "settings": asdict(self.calibration),
            "start": self.start.as_dict(), "seed": seed, "model": _source_digest()}, sort_keys=True).encode()
        ).hexdigest()[:32]
        path = calibration_cache_dir() / f"{key}.json"
        if self.use_cache and path.exists():
            try:
                info = json.loads(path.read_text())
                params = Parameters(**info["parameters"], effects=info.get("effects", {}))
                self.fitted[task.origin] = (params, {**info, "cached": True})
                return params, key, seed
            except (ValueError, KeyError, TypeError):
                pass   # a damaged cache entry is fitted again and overwritten
        cal = calibrate(inputs=task.inputs, train_until=task.origin, start=self.start,
                        method=self.calibration.method, runs=self.calibration.runs, seed=seed,
                        max_evaluations=self.calibration.max_evaluations, warm_starts=None)
        info = {"parameters": cal.parameters.as_dict(), "effects": cal.parameters.effects,
                "origin": task.origin, "log_likelihood": cal.log_likelihood,
                "n": cal.n, "method": cal.method, "seed": seed, "settings": asdict(self.calibration)}
        if self.use_cache:
            write_atomic(path, json.dumps(info, indent=2))
        self.fitted[task.origin] = (cal.parameters, {**info, "cached": False})
        return cal.parameters, key, seed

    def posterior(self, task: ForecastTask, params: Parameters, key: str, seed: int):
        """The Laplace posterior at the origin's fit (cached beside it)."""
        from ..model.posterior import Posterior, laplace

        path = calibration_cache_dir() / f"{key}.laplace.json"
        if self.use_cache and path.exists():
            try:
                return Posterior.from_dict(json.loads(path.read_text()))
            except (ValueError, KeyError, TypeError):
                pass
        post = laplace(task.inputs, params, task.origin, runs=self.calibration.runs, seed=seed)
        if self.use_cache:
            write_atomic(path, json.dumps(post.as_dict()))
        return post

    def forecast(self, task: ForecastTask) -> np.ndarray:
        from ..model.utility import recorded_tenure

        params, key, seed = self._fit(task)
        post = self.posterior(task, params, key, seed) if self.parameter_uncertainty else None
        if post is not None and task.origin in self.fitted:
            self.fitted[task.origin][1]["weakly_identified"] = post.weakly_identified
        rec = np.where(task.inputs.exists[:, None, :], task.inputs.record, -1)
        tenure = recorded_tenure(rec)[task.t0 + 1] if task.t0 + 1 < task.inputs.T else None
        res = simulate(task.future(), params, runs=self.runs, seed=task.seed_int(self.name),
                       initial=task.status_at_origin(), initial_tenure=tenure, posterior=post)
        return res.probs
