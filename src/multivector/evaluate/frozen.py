"""Ex-ante inputs: every driver after the origin held at its value in the origin year.

`multivector evaluate --drivers frozen` hands every forecaster these inputs
instead of the coded paths, so what it forecasts could have been said at the
origin (an ex-ante forecast) except for the entry rules: nothing coded after
the origin is used but

- the entry rules (which levels are open to which state, when a body ends) of
  the bodies that exist at the origin — including the successor of a line
  (CST → CSTO), which keeps its predecessor's attributes; and
- for a body founded after the origin (the EAEU, the BRI, the AIIB, the C5+1
  from 2000–2012), its founding year, its entry rules and its own attributes
  (depth, lead, what membership gives, alignment, decision rule) as coded for
  its first year, held there. Its first choices are therefore forecast
  *conditional on the body being founded*, as it was chartered; everything the
  states bring to that choice (their drivers, the powers', the pressure on the
  line, which is 0 at the origin for a body that did not exist) is the origin's.

The rule is the same for every forecaster; the record is not touched (mask it
with `mask_after` as in the coded mode). Drivers before and in the origin year
are unchanged, so the fit of every forecaster is the same in both modes; only
forecasts differ, and only for forecasters that read drivers.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..model.inputs import ModelInputs


def hold_after(values: np.ndarray, t0: int) -> np.ndarray:
    """A copy of a year-first array with every year after index t0 set to year t0.

    >>> hold_after(np.array([1, 2, 3, 4]), 1).tolist()
    [1, 2, 2, 2]
    """
    out = np.array(values, copy=True)
    out[t0 + 1:] = out[t0]
    return out


def _hold_line_attributes(values: np.ndarray, exists: np.ndarray, t0: int) -> np.ndarray:
    """(T, L, ...) attributes of each line after t0: the origin's value for a line existing at t0, the
    value of its first year for a line founded later (held from then), unchanged before and at t0."""
    out = np.array(values, copy=True)
    for j in range(exists.shape[1]):
        if exists[t0, j]:
            out[t0 + 1:, j] = out[t0, j]
            continue
        later = np.flatnonzero(exists[t0 + 1:, j])
        if len(later):
            first = t0 + 1 + later[0]
            out[first:, j] = out[first, j]
    return out


def freeze_drivers(inp: ModelInputs, origin: int) -> ModelInputs:
    """The inputs with every driver and body attribute after `origin` held (module docstring)."""
    t0 = inp.year_index(origin)
    d = inp.drivers
    drivers = replace(d, state={k: hold_after(v, t0) for k, v in d.state.items()},
                      dependence={k: hold_after(v, t0) for k, v in d.dependence.items()},
                      power={k: hold_after(v, t0) for k, v in d.power.items()},
                      pressure=hold_after(d.pressure, t0))
    attr = {name: _hold_line_attributes(getattr(inp, name), inp.exists, t0)
            for name in ("depth", "lead", "offers", "aligning")}
    consensus = None if inp.consensus is None else _hold_line_attributes(inp.consensus, inp.exists, t0)
    return replace(inp, drivers=drivers, consensus=consensus, **attr)
