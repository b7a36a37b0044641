"""Forecast evaluation: rolling origins, proper scores, reference forecasts and the theory test.

Any forecaster of state-organization-year statuses (an object with a `name`
and `forecast(task) -> (years, states, lines, 3)` probabilities) is scored on
the case's record after each origin, on all rows, on the ties open at the
origin and on first choices, beside the references: the per-line Markov chain,
the tenure hazard, the transition logit, persistence and base rates. The
engagement model is also tested against its nested reference (the theory
test). See docs/evaluation.md.
"""

from .engagement import CalibrationSettings, EngagementModel
from .frozen import freeze_drivers
from .hazard import TenureHazard
from .logit import TransitionLogit
from .markov import MarkovChain
from .reference import BaseRate, Persistence
from .registry import FORECASTERS, available_forecasters, make_forecaster
from .rolling import (
           DRIVER_MODES,
           ORIGINS,
           Evaluation,
           Settings,
           evaluate,
           make_task,
           score_forecasts,
)
from .subsets import SUBSETS
from .task import Forecaster, ForecastTask, mask_after

__all__ = ["DRIVER_MODES", "FORECASTERS", "ORIGINS", "SUBSETS", "BaseRate", "CalibrationSettings", "EngagementModel",
           "Evaluation", "ForecastTask", "Forecaster", "MarkovChain", "Persistence", "Settings", "TenureHazard",
           "TransitionLogit", "available_forecasters", "evaluate", "freeze_drivers", "make_forecaster", "make_task",
           "mask_after", "score_forecasts"]
