"""Reference forecasts every negotiation model is shown beside.

* **Status quo** — nothing changes: the forecast is the reference point (DEU's
  ``rp``; on the case's proposals, 0 = the proposal is not adopted). The
  natural null model of legislative forecasting (Achen 2006; Thomson et al.
  2006, *The European Union Decides*, ch. 1).
* **Agenda setter** — the proposer gets what it asks for: the forecast is the
  agenda setter's position (the Commission in DEU; capability-weighted mean if
  several), the procedural models' starting point (Tsebelis & Garrett 2000).

Where a problem has no status quo, or no agenda setter with a position, the
baseline cannot forecast it and returns NaN; scores then count only the rows
it forecasts, and say how many.
"""

from __future__ import annotations

import numpy as np

from .problem import NegotiationProblem, Prediction

STATUS_QUO = "status_quo"
AGENDA_SETTER = "agenda_setter"


def status_quo(problem: NegotiationProblem) -> Prediction:
    """Forecast the status quo on every dimension (NaN where it is unknown)."""
    if problem.status_quo is None:
        return Prediction(STATUS_QUO, np.full(problem.n_dims, np.nan), details={"missing": "status quo"})
    return Prediction(STATUS_QUO, np.array(problem.status_quo, float))


def agenda_setter(problem: NegotiationProblem) -> Prediction:
    """Forecast the agenda setter's position (NaN where the problem names none)."""
    rows = [problem.index(a) for a in problem.agenda_setters]
    if not rows:
        return Prediction(AGENDA_SETTER, np.full(problem.n_dims, np.nan), details={"missing": "agenda setter"})
    cap = problem.capability[rows]
    weight = cap / cap.sum() if cap.sum() > 0 else np.full(len(rows), 1 / len(rows))
    return Prediction(AGENDA_SETTER, weight @ problem.position[rows])
