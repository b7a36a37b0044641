"""Evaluate negotiation models on recorded outcomes, in-sample and cross-validated.

A *model* is anything with a ``name`` and ``predict(problem) -> Prediction``;
a model with free parameters also has ``fit(problems) -> model`` returning a
fitted copy. Cross-validation is grouped k-fold by proposal (``prnr``): every
issue of a proposal falls in the same fold, so a fitted model never sees
another issue of the proposal it forecasts. Folds are drawn with
``numpy.random.default_rng(seed)``; no global random state is touched.

Metrics (Achen 2006; Thomson et al. 2006): mean absolute error (MAE) against the
recorded outcome, and the hit rate — the share of forecasts within
``HIT_RADIUS`` (10) points of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from .problem import NegotiationProblem, Prediction

HIT_RADIUS = 10.0


@runtime_checkable
class Model(Protocol):
    name: str

    def predict(self, problem: NegotiationProblem) -> Prediction: ...


@dataclass
class Evaluation:
    """Per-issue forecasts and their summary."""

    table: pd.DataFrame  # columns isnr, prnr, predicted, actual
    summary: dict  # model, mae, hits, n

    def __iter__(self):  # allows ``table, summary = evaluate(...)``
        yield self.table
        yield self.summary


def summarise(table: pd.DataFrame, model: str, radius: float = HIT_RADIUS) -> dict:
    """``{model, mae, hits, n}`` over rows with an actual outcome and a forecast.

    A baseline that cannot forecast a row (no status quo, say) leaves it NaN; ``n`` says how many
    rows were scored.
    """
    have = table.dropna(subset=["actual", "predicted"])
    err = (have["predicted"] - have["actual"]).abs().to_numpy(dtype=float)
    n = int(err.size)
    return {
        "model": model,
        "mae": float(err.mean()) if n else float("nan"),
        "hits": float(np.mean(err <= radius)) if n else float("nan"),
        "n": n,
    }


def _row(problem: NegotiationProblem, predicted: float) -> dict:
    actual = float(problem.outcome[0]) if problem.outcome is not None else float("nan")
    return {
        "isnr": problem.meta.get("isnr", problem.name),
        "prnr": problem.meta.get("prnr", problem.name),
        "predicted": float(predicted),
        "actual": actual,
    }


def _table(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["isnr", "prnr", "predicted", "actual"])


def evaluate(
    model: Model, problems: Sequence[NegotiationProblem], name: str | None = None
) -> Evaluation:
    """Forecast every problem (first dimension) and score against recorded outcomes."""
    rows = [_row(p, model.predict(p).value) for p in problems]
    table = _table(rows)
    return Evaluation(table, summarise(table, name or model.name))


def group_kfold(groups: Sequence[str], k: int = 5, seed: int = 0) -> list[np.ndarray]:
    """Test-index arrays of k folds that keep each group together: scikit-learn's ``GroupKFold``
    with the groups shuffled by ``seed`` (a generator of its own; no global random state).

    k is cut to the number of groups; fewer than two groups cannot be cross-validated.
    """
    from sklearn.model_selection import GroupKFold

    groups = np.asarray(groups, dtype=object)
    n = len(set(groups.tolist()))
    if n < 2:
        raise ValueError(f"cross-validation needs at least 2 proposals, got {n}")
    cv = GroupKFold(n_splits=max(2, min(k, n)), shuffle=True, random_state=seed)
    return [test for _, test in cv.split(np.zeros((len(groups), 1)), groups=groups)]


def cross_validate(
    model: Model,
    problems: Sequence[NegotiationProblem],
    k: int = 5,
    seed: int = 0,
    name: str | None = None,
    group: Callable[[NegotiationProblem], str] | None = None,
) -> Evaluation:
    """Grouped k-fold CV by proposal; parameter-free models simply predict each fold.

    Fitting uses only training problems with an outcome.
    """
    group = group or (lambda p: str(p.meta.get("prnr", p.name)))
    problems = list(problems)
    folds = group_kfold([group(p) for p in problems], k, seed)
    predicted = np.full(len(problems), np.nan)
    fit = getattr(model, "fit", None)
    for test in folds:
        fitted = model
        if callable(fit):
            test_set = set(test.tolist())
            train = [
                p for i, p in enumerate(problems) if i not in test_set and p.outcome is not None
            ]
            fitted = fit(train)
        for i in test:
            predicted[i] = fitted.predict(problems[i]).value
    table = _table([_row(p, predicted[i]) for i, p in enumerate(problems)])
    return Evaluation(table, summarise(table, name or model.name))


def compare(
    models: Sequence[Model], problems: Sequence[NegotiationProblem], k: int = 5, seed: int = 0
) -> pd.DataFrame:
    """Models × (in-sample MAE and hits, cross-validated MAE and hits)."""
    rows = []
    for m in models:
        fit = getattr(m, "fit", None)
        fitted = fit([p for p in problems if p.outcome is not None]) if callable(fit) else m
        ins = evaluate(fitted, problems, m.name).summary
        cv = cross_validate(m, problems, k, seed, m.name).summary
        rows.append(
            {
                "model": m.name,
                "n": ins["n"],
                "mae": ins["mae"],
                "hits": ins["hits"],
                "cv_mae": cv["mae"],
                "cv_hits": cv["hits"],
            }
        )
    return pd.DataFrame(rows)
