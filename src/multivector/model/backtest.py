"""Backtest: the model's own history, a free run from 1991 compared with every state-organization-year of the record.

Year t sees only the drivers and the model's own simulated levels at t−1, never
the recorded status. Predicted level = the most probable level across runs. It is
never a projection and never a baseline: those start from the record
(model/projection.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..kb import CaseBase
from .engine import simulate
from .inputs import LEVELS, ModelInputs, load_inputs
from .parameters import Parameters, default_parameters


def balanced_accuracy(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean recall over the classes present in `actual` (Brodersen et al. 2010).

    >>> balanced_accuracy(np.array([0, 0, 0, 2]), np.array([0, 0, 0, 0]))
    0.5
    """
    classes = np.unique(actual)
    if len(classes) == 0:
        return float("nan")
    return float(np.mean([(predicted[actual == c] == c).mean() for c in classes]))


@dataclass
class BacktestResult:
    rows: pd.DataFrame
    summary: dict
    per_state: pd.DataFrame
    turning_points: pd.DataFrame
    per_level: pd.DataFrame | None = None   # recall of each recorded level: what the balanced accuracy averages


def backtest(kb: CaseBase | None = None, params: Parameters | None = None, train_until: int = 2008,
             runs: int = 500, seed: int = 0, inputs: ModelInputs | None = None, progress=None) -> BacktestResult:
    """A free run from 1991 against the record. progress(t, T) after each simulated year."""
    kb = kb or CaseBase.load()
    params = params or default_parameters()
    inp = inputs or load_inputs(kb)
    inp = inp.restrict(int(inp.years[0]), inp.record_until)
    res = simulate(inp, params, runs=runs, seed=seed,
                   progress=(lambda t: progress(t + 1, inp.T)) if progress else None)
    pred = res.probs.argmax(-1)                                         # (T, S, L)
    t, s, l_ = np.nonzero((inp.max_level >= 1) & (inp.record >= 0))
    rows = pd.DataFrame({
        "state": np.array(inp.states)[s], "org": inp.era_org[t, l_].astype(str), "line": np.array(inp.lines)[l_],
        "year": inp.years[t], "predicted": np.array(LEVELS)[pred[t, s, l_]],
        "actual": np.array(LEVELS)[inp.record[t, s, l_]], "p_member": res.probs[t, s, l_, 2].round(4)})
    a, p = inp.record[t, s, l_], pred[t, s, l_]
    test = inp.years[t] > train_until
    summary = {
        "kind": "backtest", "what": "the model's own history: a free run from 1991 that never sees the record",
        "seed": seed, "runs": runs, "train_until": train_until, "n": int(len(rows)),
        "accuracy": float((a == p).mean()), "balanced_accuracy": balanced_accuracy(a, p),
        "train_accuracy": float((a[~test] == p[~test]).mean()),
        "train_balanced_accuracy": balanced_accuracy(a[~test], p[~test]),
        "test_accuracy": float((a[test] == p[test]).mean()) if test.any() else float("nan"),
        "test_balanced_accuracy": balanced_accuracy(a[test], p[test]),
        "parameters": params.as_dict(),
    }
    per_state = pd.DataFrame([
        {"state": st, "accuracy": float((a[m] == p[m]).mean()), "balanced_accuracy": balanced_accuracy(a[m], p[m]),
         "n": int(m.sum())}
        for st in inp.states for m in [rows.state.to_numpy() == st]])
    per_level = pd.DataFrame([
        {"level": LEVELS[c], "n": int((a == c).sum()), "recall": float((p[a == c] == c).mean()),
         "n_test": int((a[test] == c).sum()),
         "test_recall": float((p[test][a[test] == c] == c).mean()) if (a[test] == c).any() else float("nan"),
         **{f"predicted_{LEVELS[k]}": int(((a == c) & (p == k)).sum()) for k in range(3)}}
        for c in range(3) if (a == c).any()])
    return BacktestResult(rows, summary, per_state, turning_points(kb, inp, pred), per_level)


def _first_change(path: np.ndarray, years: np.ndarray, kind: str, after: int | None = None) -> int | None:
    """First year the level path joins (reaches 2) or leaves (drops from 2 to below)."""
    for i in range(1, len(path)):
        if after is not None and years[i] < after:
            continue
        if kind == "join" and path[i] == 2 and path[i - 1] < 2:
            return int(years[i])
        if kind == "leave" and path[i] < 2 and path[i - 1] == 2:
            return int(years[i - 1])  # the last year as a member (spells count in any year they touch)
    return None


def turning_points(kb: CaseBase, inp: ModelInputs, pred: np.ndarray) -> pd.DataFrame:
    """The case's key turning points (model.yaml `turning_points`): predicted versus recorded year."""
    from .inputs import load_model_spec

    spec = load_model_spec(kb.folder)
    out = []
    for tp in spec.get("turning_points", []) or []:
        i, j = inp.states.index(tp["state"]), inp.lines.index(tp["line"])
        rec = np.where(inp.record[:, i, j] < 0, 0, inp.record[:, i, j])
        prd = np.where(inp.exists[:, j], pred[:, i, j], 0)
        kind = tp["kind"]
        after = tp.get("after")
        if kind in ("join", "leave"):
            actual = _first_change(rec, inp.years, kind, after)
            predicted = _first_change(prd, inp.years, kind, after)
            ok = predicted is not None and actual is not None and abs(predicted - actual) <= tp.get("tolerance", 1)
        else:  # stay_out / stay_in over the years the organization exists
            first, last = tp.get("years", [int(inp.years[0]), inp.record_until])
            live = inp.exists[:, j] & (inp.years >= first) & (inp.years <= min(last, inp.record_until))
            want = 2 if kind == "stay_in" else 0
            actual = "member throughout" if kind == "stay_in" else "never a member"
            share = float(((prd[live] == 2) if want == 2 else (prd[live] < 2)).mean()) if live.any() else float("nan")
            predicted = f"{share:.0%} of years as recorded"
            ok = share >= 0.9
        out.append({"state": tp["state"], "line": tp["line"], "event": tp["label"], "actual": actual,
                    "predicted": predicted, "ok": bool(ok)})
    return pd.DataFrame(out, columns=["state", "line", "event", "actual", "predicted", "ok"])
