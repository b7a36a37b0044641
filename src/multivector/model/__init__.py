"""The engagement model: regional states choose their ties to organizations year by year.

A transition model nested in its Markov reference (transition.py), the theory's
terms as covariates (terms.py, utility.py), estimated by NUTS (estimate.py,
calibrate.py) and run forward on the posterior draws (simulator.py). See
docs/model.md for the equations and the evidence behind each term.
"""

from .drivers import DriverPanel, build_drivers
from .inputs import ModelInputs, load_inputs
from .parameters import Parameters
from .simulator import SimulationResult, simulate

__all__ = ["DriverPanel", "ModelInputs", "Parameters", "SimulationResult", "build_drivers", "load_inputs", "simulate"]
