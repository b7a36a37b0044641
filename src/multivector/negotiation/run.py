"""Run a negotiation model on problems read from a file: forecasts, baselines, intervals, as plain data.

The command line (``multivector negotiate``) and the web app are thin adapters over these
functions; everything they print comes from the dictionaries built here.

Rule terms. Every model forecasts a point, and :class:`~.models.VetoModel` moves it into the veto
players' core when the decision rule is unanimity or consensus. ``rule_terms`` is ``"on"``,
``"off"`` or ``"auto"``: *auto* turns them on when the caller names a rule (``--rule``) or the
problems are the case's proposals (consensus bodies), and leaves published models as published
on a file read as it is.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .catalogue import RULE_TERMS
from .evaluate import summarise
from .models import BASELINES, get_model, resolve
from .perturb import DRAWS, forecast_interval
from .problem import NegotiationProblem, Prediction
from .rules import rule_applies


def rule_terms_on(setting: str, rule_given: bool, case: bool = False) -> bool:
    """Whether the veto term applies, from ``auto``/``on``/``off`` and where the problems come from."""
    if setting not in RULE_TERMS:
        raise ValueError(f"rule terms must be one of {', '.join(RULE_TERMS)}, got {setting!r}")
    return setting == "on" or (setting == "auto" and (rule_given or case))


def run_problem(problem: NegotiationProblem, model: str = "compromise", rule: str | None = None,
                options: Any = None, rule_terms: bool = False) -> Prediction:
    """Forecast one problem with the named model (or alias), optionally under another decision rule."""
    return get_model(model, options, rule_terms=rule_terms).predict(problem.with_rule(rule))


def _num(value: float | None, digits: int = 4) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), digits)


def _scores(problems: list[NegotiationProblem], model: str, rule: str | None, rule_terms: bool) -> tuple:
    m = get_model(model, rule_terms=rule_terms)
    rows, issues = [], []
    for p in problems:
        pred = m.predict(p.with_rule(rule)).value
        actual = float(p.outcome[0]) if p.outcome is not None else float("nan")
        rows.append({"isnr": p.meta.get("isnr", p.name), "prnr": p.meta.get("prnr", p.name),
                     "predicted": pred, "actual": actual})
        issues.append({"isnr": p.meta.get("isnr", p.name), "predicted": _num(pred), "actual": _num(actual)})
    table = pd.DataFrame(rows, columns=["isnr", "prnr", "predicted", "actual"])
    return summarise(table, model), issues


def deu_result(problems: list[NegotiationProblem], model: str, rule: str | None = None,
               rule_terms: bool = False) -> dict:
    """The DEU JSON object: model, mae, hits, one ``{isnr, predicted, actual}`` per issue, and the baselines.

    ``baselines`` scores the status quo, the agenda setter and compromise on the same file (each
    with the number of issues it could forecast), so a model's figure is never read alone.
    """
    summary, issues = _scores(problems, model, rule, rule_terms)
    baselines = {}
    for name in BASELINES:
        s, _ = _scores(problems, name, rule, rule_terms)
        baselines[name] = {"mae": _num(s["mae"]), "hits": _num(s["hits"]), "n": s["n"]}
    return {"model": model, "runs": resolve(model), "rule_terms": rule_terms, "mae": _num(summary["mae"]),
            "hits": _num(summary["hits"]), "n": summary["n"], "baselines": baselines, "issues": issues}


def scenario_result(problem: NegotiationProblem, model: str, rule: str | None = None, rule_terms: bool = False,
                    draws: int = DRAWS, seed: int = 0) -> dict:
    """The KTAB/BDM JSON object: the forecast per dimension with its interval, the rounds, the baselines."""
    from .limits import check_draws

    check_draws(resolve(model), problem.n_actors, problem.n_dims, draws)   # before any work
    p = problem.with_rule(rule)
    m = get_model(model, rule_terms=rule_terms)
    pred = m.predict(p)
    interval = forecast_interval(m, p, draws, seed) if draws else None
    baselines = {name: [_num(v) for v in get_model(name, rule_terms=rule_terms).predict(p).position]
                 for name in BASELINES}
    out = {
        "model": model, "runs": resolve(model), "scenario": problem.name, "description": problem.description,
        "rule": p.decision_rule, "rule_terms": rule_terms,
        "rule_note": rule_applies(p) if rule_terms else None,
        "actors": problem.n_actors,
        "dimensions": [
            {"name": name, "predicted": _num(v),
             "low": None if interval is None else _num(interval.low[k]),
             "high": None if interval is None else _num(interval.high[k]),
             **{b: baselines[b][k] for b in BASELINES}}
            for k, (name, v) in enumerate(zip(problem.dimensions, pred.position, strict=True))
        ],
        "interval": None if interval is None else interval.as_dict(),
        "rounds": pred.rounds,
        "trajectory": None,
    }
    if pred.trajectory is not None:
        out["trajectory"] = [[_num(v) for v in row] for row in pred.trajectory]
    if pred.positions is not None:   # each actor's position after each round: (rounds + 1) × actors × dimensions
        lo, hi = problem.position_range()
        out["actor_names"] = list(problem.actors)
        out["scale"] = [_num(lo), _num(hi)]
        out["positions"] = [[[_num(v) for v in actor] for actor in rnd] for rnd in pred.positions]
    return out
