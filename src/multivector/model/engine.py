"""The simulator under its former name: other modules and branches import from here.

The model's folder is split by concept (terms.py, transition.py, estimate.py,
simulator.py); this module re-exports the simulator's public names.
"""

from .simulator import SimulationResult, balance_index, draw_parameters, simulate

__all__ = ["SimulationResult", "balance_index", "draw_parameters", "simulate"]
