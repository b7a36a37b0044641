"""Score a registered forecast against the record, once the case has been extended past it.

Every forecast row of a year now recorded is matched with the recorded status of
that state, organization line and year, and scored with the proper scores
`multivector evaluate` uses (log with its floor, multi-category Brier, RPS;
evaluate/scores.py). Beside it, persistence from the record the forecast started
from (the status of the registration's last recorded year, with certainty) is
scored on the same rows: the reference any forecast of statuses has to beat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .registered import LEVELS, RegisteredForecastError, Registration

LOG_FLOOR = 1e-3   # as `multivector evaluate` (evaluate/rolling.py Settings.log_floor)


@dataclass
class RegisteredScore:
    registration: Registration
    rows: pd.DataFrame        # every scored row: forecast probabilities, the recorded level, persistence's level
    scores: pd.DataFrame      # by year and all years: n, log, Brier, RPS for the forecast and persistence
    changes: pd.DataFrame     # the rows whose recorded level differs from the registration's record
    summary: dict


def _scores(p: np.ndarray, y: np.ndarray) -> dict[str, float]:
    from ..evaluate.scores import brier_score, log_score, ranked_probability_score

    return {"log": log_score(p, y, floor=LOG_FLOOR), "brier": brier_score(p, y), "rps": ranked_probability_score(p, y)}


def score_registered(reg: Registration, inputs, case_hash: str | None = None) -> RegisteredScore:
    """Score `reg` against the record in `inputs` (model.inputs.ModelInputs of the extended case)."""
    first, last = reg.years
    now = int(inputs.record_until)
    if now < first:
        raise RegisteredForecastError(
            f"nothing to score yet: the case's record ends in {now} and the forecast starts in {first}; extend the "
            f"record (case.yaml `period: end`, and the memberships of {first} on) and score it again")
    rows = reg.rows
    rows = rows[rows.year <= now]
    line_of = {ln: j for j, ln in enumerate(inputs.lines)}
    state_of = {s: i for i, s in enumerate(inputs.states)}
    rec = np.where(inputs.exists[:, None, :], inputs.record, -1)
    t_reg = int(reg.record_until - inputs.years[0])
    y, base, keep = [], [], []
    for r in rows.itertuples(index=False):
        i, j = state_of.get(r.state), line_of.get(r.line)
        if i is None or j is None or not inputs.years[0] <= r.year <= inputs.years[-1]:
            keep.append(False)
            continue
        lv = int(rec[r.year - inputs.years[0], i, j])
        was = int(rec[t_reg, i, j]) if 0 <= t_reg < inputs.T else -1
        ok = lv >= 0
        keep.append(ok)
        if ok:
            y.append(lv)
            base.append(max(was, 0))
    scored = rows[np.array(keep, bool)].copy() if len(rows) else rows.copy()
    if scored.empty:
        raise RegisteredForecastError(f"none of the forecast's rows of {first}–{min(last, now)} is recorded in this "
                                      "case (other states or organization lines?); score it on the case it was "
                                      "registered for, extended")
    scored["recorded"] = [LEVELS[v] for v in y]
    scored["registered_record"] = [LEVELS[v] for v in base]
    y_arr, base_arr = np.array(y), np.array(base)
    p = scored[[f"p_{lv}" for lv in LEVELS]].to_numpy(float)
    p = p / p.sum(1, keepdims=True)
    persist = np.eye(3)[base_arr]
    out = []
    for year in [*sorted(scored.year.unique()), None]:
        m = np.ones(len(scored), bool) if year is None else (scored.year == year).to_numpy()
        f, b = _scores(p[m], y_arr[m]), _scores(persist[m], y_arr[m])
        out.append({"year": "all" if year is None else str(year), "n": int(m.sum()),
                    **{f"forecast_{k}": v for k, v in f.items()}, **{f"persistence_{k}": v for k, v in b.items()},
                    "skill_log": 1.0 - f["log"] / b["log"] if b["log"] > 0 else float("nan")})
    scores = pd.DataFrame(out)
    changed = scored[y_arr != base_arr].assign(p_recorded=p[y_arr != base_arr, y_arr[y_arr != base_arr]].round(4))
    summary = {"file": str(reg.path), "registered": reg.doc["registered"], "code": reg.doc["code"],
               "forecast": reg.doc["forecast"], "case_at_registration": reg.doc["case"],
               "case_now": {"record_until": now, "content_hash": case_hash},
               "scored_years": [int(v) for v in sorted(scored.year.unique())], "rows_scored": int(len(scored)),
               "rows_unmatched": int(len(rows) - len(scored)), "log_floor": LOG_FLOOR,
               "sha256": reg.doc["sha256"], "verified": True}
    cols = ["state", "line", "org", "year", "registered_record", "recorded", "p_none", "p_partner", "p_member"]
    return RegisteredScore(reg, scored, scores, changed[[*cols, "p_recorded"]].reset_index(drop=True), summary)
