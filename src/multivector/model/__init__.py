"""The engagement model: regional states choose their ties to organizations year by year.

See docs/model.md for the equations and the evidence behind each term.
"""

from .drivers import DriverPanel, build_drivers
from .engine import SimulationResult, simulate
from .inputs import ModelInputs, load_inputs
from .parameters import Parameters

__all__ = ["DriverPanel", "ModelInputs", "Parameters", "SimulationResult", "build_drivers", "load_inputs", "simulate"]
