"""Every model and baseline on the case's proposals, against the recorded outcomes.

The proposals are negotiated in consensus bodies (:mod:`.case_proposals`), so the rule terms
(the veto of every salient member, :mod:`.rules`) are on unless the caller turns them off. The
status quo (0: nothing adopted) is the baseline every model must beat here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..kb import CaseBase
from .case_proposals import derive_problem, outcome_class
from .models import MODEL_NAMES, get_model
from .perturb import DRAWS, forecast_interval
from .problem import NegotiationProblem


def forecast(problem: NegotiationProblem, model: str, rule: str | None = None, rule_terms: bool = True) -> float:
    """One model's forecast on the proposal's 0-100 scale."""
    return float(get_model(model, rule_terms=rule_terms).predict(problem.with_rule(rule)).position[0])


def _same_class(value: float, recorded: str) -> bool:
    return outcome_class(value) == ("rejected" if recorded == "not_taken_up" else recorded)


def compare_all(kb: CaseBase, rule: str | None = None, rule_terms: bool = True, model: str = "recommended",
                draws: int = DRAWS, seed: int = 0,
                on_proposal: Callable[[str], None] | None = None,
                graded: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per proposal with every model's forecast and ``model``'s interval, one row per model).

    Every proposal's interval uses the same ``seed`` (its own stream), so one proposal's figures
    do not depend on which others are in the case. ``graded=False``: every position at the stance
    coding (the reference the graded positions are reported beside).
    """
    rows = []
    for pid in kb.proposals().id:
        pr = derive_problem(kb, pid, graded=graded)
        rec = None if pr.outcome is None else float(pr.outcome[0])
        row = {"proposal": pid, "org": pr.meta["org"], "year": pr.meta["year"], "rule": rule or pr.decision_rule,
               "actors": len(pr.actors), "recorded_outcome": pr.meta["recorded_outcome"], "recorded_position": rec}
        for m in MODEL_NAMES:
            row[m] = round(forecast(pr, m, rule, rule_terms), 1)
        if draws:
            iv = forecast_interval(get_model(model, rule_terms=rule_terms), pr.with_rule(rule), draws, seed)
            row["interval_low"], row["interval_high"] = round(float(iv.low[0]), 1), round(float(iv.high[0]), 1)
        rows.append(row)
        if on_proposal is not None:
            on_proposal(pid)
    df = pd.DataFrame(rows)
    scored = df[df.recorded_position.notna()]
    summary = []
    for m in MODEL_NAMES:
        have = scored[scored[m].notna()]  # a baseline forecasts only where it is defined
        err = (have[m] - have.recorded_position).abs()
        cls = [_same_class(v, o) for v, o in zip(have[m], have.recorded_outcome, strict=True)]
        summary.append({"model": m, "mae": round(float(err.mean()), 2),
                        "outcome_correct": round(float(np.mean(cls)), 3), "n": int(len(have))})
    return df, pd.DataFrame(summary)
