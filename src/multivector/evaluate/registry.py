"""The forecasters by name: the engagement model, its nested reference and the references.

`available_forecasters()` is what this installation can run: the nested
reference (`EngagementModel(theory=False)`) exists only with the transition
model of issue 21; without it the theory test cannot run, and the command line
says so.
"""

from __future__ import annotations

import inspect

from .engagement import EngagementModel
from .hazard import TenureHazard
from .logit import TransitionLogit
from .markov import MarkovChain
from .reference import BaseRate, Persistence
from .task import Forecaster

FORECASTERS = ("model", "nested", "markov", "hazard", "logit", "persistence", "base_rate")
REFERENCES = {"markov": MarkovChain, "hazard": TenureHazard, "logit": TransitionLogit, "persistence": Persistence,
              "base_rate": BaseRate}


def nested_available() -> bool:
    """Whether the installed engagement model offers its nested reference (`EngagementModel(theory=False)`)."""
    return "theory" in inspect.signature(EngagementModel).parameters


NESTED_MISSING = ("the installed engagement model has no nested reference (EngagementModel(theory=False), "
                  "issue 21's transition model): run without 'nested'; the theory test needs it")


def available_forecasters() -> tuple[str, ...]:
    """The default forecasters this installation can run (`nested` only with the transition model)."""
    return tuple(f for f in FORECASTERS if f != "nested" or nested_available())


def _engagement(**kw) -> Forecaster:
    """The engagement model's forecaster with the options its installed version takes (`runs` may go)."""
    params = inspect.signature(EngagementModel).parameters
    return EngagementModel(**{k: v for k, v in kw.items() if k in params})


def make_forecaster(name: str, runs: int) -> Forecaster:
    """A forecaster by name: model, nested, markov, hazard, logit, persistence or base_rate."""
    if name == "model":
        return _engagement(runs=runs)
    if name == "nested":
        if not nested_available():
            raise ValueError(NESTED_MISSING)
        return _engagement(runs=runs, theory=False, name="nested")
    if name in REFERENCES:
        return REFERENCES[name]()
    raise ValueError(f"unknown forecaster {name!r}: use one of {', '.join(FORECASTERS)} "
                     "or pass an object with `name` and `forecast(task)`")
