"""Clean model selection: nested cross-validation grouped by proposal, and the recommendation.

A model with fitted parameters is judged by **nested** cross-validation
(Varma & Simon 2006, "Bias in error estimation when using cross-validation for
model selection", *BMC Bioinformatics* 7:91; Cawley & Talbot 2010, *JMLR* 11):
the outer loop splits the proposals into folds; for each outer fold the inner
loop, on the other folds only, cross-validates every candidate setting (search
grid, penalty, free parameters — all fixed in :data:`STUBBORN_CANDIDATES`
before any outer score was read), picks the one with the lowest inner MAE,
refits it on the outer training folds and forecasts the held-out fold. Every
split keeps the issues of one proposal (``prnr``) together. Parameter-free
models need no inner loop: they simply forecast every row.

:func:`bootstrap_gain` resamples proposals to give an interval for a model's
gain over the compromise model. :func:`recommend` applies the rule, fixed in
advance: a model replaces compromise only when the lower end of the 95%
interval of its nested-CV gain exceeds :data:`MARGIN` (0.5 MAE points, the
smallest gain worth switching for). Otherwise compromise is recommended — on
the DEU data it is the model the literature finds hard to beat (Achen 2006).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .evaluate import Evaluation, _row, _table, group_kfold, summarise
from .problem import NegotiationProblem
from .stubborn import DEFAULT_FREE, StubbornModel

MARGIN = 0.5
OUTER_K = 5
INNER_K = 5

#: The stubborn model's settings the inner loop chooses among, fixed in code (not tuned on outer scores).
STUBBORN_CANDIDATES: tuple[StubbornModel, ...] = tuple(
    StubbornModel(free=free, penalty=penalty, name=f"stubborn {label} penalty={penalty}")
    for free, label in ((("alpha", "eps"), "core"), (DEFAULT_FREE, "core+rules"))
    for penalty in (0.0, 0.1, 0.2, 0.5)
)


def _prnr(p: NegotiationProblem) -> str:
    return str(p.meta.get("prnr", p.name))


@dataclass
class NestedResult:
    """Outer-fold forecasts of a nested cross-validation and what the inner loop chose for each fold."""

    evaluation: Evaluation
    choices: list[str]  # label of the candidate chosen in each outer fold
    fitted: list[object]  # the refitted model of each outer fold
    folds: list[np.ndarray]


def _inner_mae(candidate, problems: Sequence[NegotiationProblem], k: int, seed: int) -> float:
    folds = group_kfold([_prnr(p) for p in problems], k, seed)
    err = []
    for test in folds:
        test_set = set(test.tolist())
        fitted = candidate.fit([p for i, p in enumerate(problems) if i not in test_set])
        err.extend(abs(fitted.predict(problems[i]).value - float(problems[i].outcome[0])) for i in test)
    return float(np.mean(err))


def nested_cv(candidates: Sequence, problems: Sequence[NegotiationProblem], name: str, outer_k: int = OUTER_K,
              inner_k: int = INNER_K, seed: int = 0,
              on_fold: Callable[[int], None] | None = None) -> NestedResult:
    """Nested grouped cross-validation of a family of fittable ``candidates`` (each has ``fit``).

    Only problems with a recorded outcome take part. The inner folds are drawn with ``seed + 1``
    on the outer training proposals only, so nothing of the outer test fold reaches a fit.
    """
    data = [p for p in problems if p.outcome is not None]
    n = len({_prnr(p) for p in data})
    if n < 3:   # every outer training set needs two proposals for its inner folds
        raise ValueError(f"nested cross-validation needs outcomes on at least 3 proposals, found {n}")
    folds = group_kfold([_prnr(p) for p in data], outer_k, seed)
    predicted = np.full(len(data), np.nan)
    choices, fitted_models = [], []
    for j, test in enumerate(folds):
        test_set = set(test.tolist())
        train = [p for i, p in enumerate(data) if i not in test_set]
        scores = [_inner_mae(c, train, inner_k, seed + 1) for c in candidates]
        chosen = candidates[int(np.argmin(scores))]
        fitted = chosen.fit(train)
        for i in test:
            predicted[i] = fitted.predict(data[i]).value
        choices.append(chosen.name)
        fitted_models.append(fitted)
        if on_fold is not None:
            on_fold(j)
    table = _table([_row(p, predicted[i]) for i, p in enumerate(data)])
    return NestedResult(Evaluation(table, summarise(table, name)), choices, fitted_models, folds)


def forecast_all(model, problems: Sequence[NegotiationProblem], name: str | None = None) -> Evaluation:
    """Forecast every problem with an outcome (a parameter-free model: every row is out of sample)."""
    data = [p for p in problems if p.outcome is not None]
    table = _table([_row(p, model.predict(p).value) for p in data])
    return Evaluation(table, summarise(table, name or model.name))


def bootstrap_gain(model_table: pd.DataFrame, reference_table: pd.DataFrame, reps: int = 2000,
                   seed: int = 0) -> tuple[float, float, float]:
    """MAE(reference) − MAE(model) over the rows both forecast, with a 95% interval by proposal.

    The tables are per-issue forecasts in the same row order (``isnr``, ``prnr``, ``predicted``,
    ``actual``); proposals are resampled with replacement, ``reps`` times, with
    ``numpy.random.default_rng(seed)``.
    """
    if not model_table["isnr"].tolist() == reference_table["isnr"].tolist():
        raise ValueError("the two tables must list the same issues in the same order")
    ok = (model_table["actual"].notna() & model_table["predicted"].notna()
          & reference_table["predicted"].notna()).to_numpy()
    diff = ((reference_table["predicted"] - reference_table["actual"]).abs()
            - (model_table["predicted"] - model_table["actual"]).abs()).to_numpy()[ok]
    groups = model_table["prnr"].to_numpy()[ok]
    uniq = np.unique(groups)
    index = [np.flatnonzero(groups == g) for g in uniq]
    rng = np.random.default_rng(seed)
    stats = np.empty(reps)
    for r in range(reps):
        pick = rng.integers(0, uniq.size, uniq.size)
        stats[r] = diff[np.concatenate([index[g] for g in pick])].mean()
    lo, hi = np.percentile(stats, [2.5, 97.5])
    return float(diff.mean()), float(lo), float(hi)


@dataclass(frozen=True)
class Recommendation:
    model: str  # the model to use
    challenger: str  # the lowest outer-CV MAE among the non-baseline models
    gain: float  # MAE(compromise) − MAE(challenger), nested CV
    low: float
    high: float
    margin: float = MARGIN

    @property
    def reason(self) -> str:
        verdict = ("above" if self.low > self.margin else "not above")
        return (f"{self.challenger} has the lowest nested-CV MAE; its gain over compromise is {self.gain:.2f} "
                f"(95% interval {self.low:.2f} to {self.high:.2f}), {verdict} the {self.margin} margin, "
                f"so the recommendation is {self.model}")


def recommend(outer: dict[str, Evaluation], baselines: Sequence[str], reps: int = 2000,
              seed: int = 0) -> Recommendation:
    """Apply the fixed rule to out-of-sample (nested-CV) forecasts of every model, keyed by name."""
    challengers = {n: e for n, e in outer.items() if n not in baselines}
    best_name = min(challengers, key=lambda n: challengers[n].summary["mae"])
    gain, lo, hi = bootstrap_gain(challengers[best_name].table, outer["compromise"].table, reps, seed)
    model = best_name if lo > MARGIN else "compromise"
    return Recommendation(model, best_name, gain, lo, hi)


@dataclass
class ModelComparison:
    """Out-of-sample forecasts of every model on one data set, their scores and the recommendation."""

    outer: dict[str, Evaluation]  # nested CV (fitted models) or plain forecasts (parameter-free), by name
    table: pd.DataFrame  # model, kind, n, mae, hits, gain, gain_low, gain_high
    recommendation: Recommendation
    stubborn_choices: list[str]
    seed: int


def compare_models(problems: Sequence[NegotiationProblem], seed: int = 0, reps: int = 2000,
                   on_step: Callable[[str], None] | None = None) -> ModelComparison:
    """Every registered model and baseline, out of sample, on the problems with an outcome.

    Parameter-free models forecast every issue as it is; the stubborn model goes through
    :func:`nested_cv` over :data:`STUBBORN_CANDIDATES`. Gains are over compromise, on the issues
    both forecast, with proposal-bootstrap 95% intervals (``reps`` draws, ``seed``).
    """
    from .models import BASELINES, MODELS, get_model

    outer: dict[str, Evaluation] = {}
    choices: list[str] = []
    for name, info in MODELS.items():
        if info.fitted:
            nested = nested_cv(STUBBORN_CANDIDATES, problems, name, seed=seed)
            outer[name], choices = nested.evaluation, nested.choices
        else:
            outer[name] = forecast_all(get_model(name), problems, name)
        if on_step is not None:
            on_step(name)
    rows = []
    for name, ev in outer.items():
        gain, lo, hi = bootstrap_gain(ev.table, outer["compromise"].table, reps, seed)
        rows.append({"model": name, "kind": MODELS[name].kind, "n": ev.summary["n"], "mae": ev.summary["mae"],
                     "hits": ev.summary["hits"], "gain": gain, "gain_low": lo, "gain_high": hi})
    rec = recommend(outer, BASELINES, reps, seed)
    return ModelComparison(outer, pd.DataFrame(rows), rec, choices, seed)
