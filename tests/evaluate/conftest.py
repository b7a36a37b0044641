"""Synthetic model inputs whose record is known, for the forecast-evaluation tests."""

from __future__ import annotations

import numpy as np

from multivector.kb.vocab import DEPENDENCE_DRIVERS, POWER_DRIVERS, STATE_DRIVERS
from multivector.model.drivers import DriverPanel
from multivector.model.inputs import ModelInputs


def synthetic_inputs(record: np.ndarray, start: int = 1991, threat: np.ndarray | None = None) -> ModelInputs:
    """Inputs for a record (T, S, L) with every line open at every level and all drivers 0 but `threat`."""
    T, S, L = record.shape
    state = {n: np.zeros((T, S)) for n in STATE_DRIVERS}
    if threat is not None:
        state["threat_level"] = threat
    drivers = DriverPanel(state=state, dependence={n: np.zeros((T, S, 3)) for n in DEPENDENCE_DRIVERS},
                          power={n: np.zeros((T, 3)) for n in POWER_DRIVERS}, pressure=np.zeros((T, 3, L)))
    lead = np.zeros((T, L, 5))
    lead[..., 0] = 1.0
    return ModelInputs(
        years=np.arange(start, start + T), states=[f"S{i}" for i in range(S)], lines=[f"L{j}" for j in range(L)],
        era_org=np.array([[f"L{j}" for j in range(L)]] * T, dtype=object), exists=np.ones((T, L), bool),
        depth=np.full((T, L), 0.5), lead=lead, offers=np.zeros((T, L, 4)), aligning=np.ones((T, L)),
        max_level=np.full((T, S, L), 2, np.int8), allowed=np.ones((T, S, L, 3), bool),
        record=record.astype(np.int8), record_until=start + T - 1, drivers=drivers)
