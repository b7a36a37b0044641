"""Forecast evaluation: rolling origins, proper scores and reference forecasts.

Any forecaster of state-organization-year statuses (an object with a `name`
and `forecast(task) -> (years, states, lines, 3)` probabilities) is scored on
the case's record after each origin, beside the references persistence,
base rate and a lagged multinomial logit. See docs/evaluation.md.
"""

from .engagement import CalibrationSettings, EngagementModel
from .logit import LaggedLogit
from .reference import BaseRate, Persistence
from .rolling import FORECASTERS, ORIGINS, Evaluation, Settings, evaluate, score_forecasts
from .task import Forecaster, ForecastTask, mask_after

__all__ = ["FORECASTERS", "ORIGINS", "BaseRate", "CalibrationSettings", "EngagementModel", "Evaluation",
           "ForecastTask", "Forecaster", "LaggedLogit", "Persistence", "Settings", "evaluate", "mask_after",
           "score_forecasts"]
