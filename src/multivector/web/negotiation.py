"""Negotiation requests: a posted or uploaded problem, every model's forecast (models taken from the registry)."""

from __future__ import annotations

import re

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ..negotiation import MODEL_NAMES, NegotiationProblem, Prediction, get_model
from ..negotiation.models import ALIASES
from ..negotiation.problem import DECISION_RULES, MAX_ACTORS
from .errors import WebInputError

#: Issues of one upload that are forecast (a DEU file has a few hundred).
MAX_UPLOAD_PROBLEMS = 300
#: Problems of an upload shown in detail (charts, 90% intervals); every other one gets a row in the table.
DETAIL_PROBLEMS = 5
#: Perturbed draws behind an upload's intervals (`negotiation.perturb`; the command line's --draws is 200):
#: enough for a readable 90% band at a few seconds for BDM and SMP on a small file.
INTERVAL_DRAWS = 40
#: A request whose forecasts take about this many CPU seconds or less is answered in the request's thread; a
#: heavier one runs in the worker pool, with the app's timeout and cancelled if its client goes away.
INLINE_SECONDS = 1.0
#: Most CPU seconds one model's interval may take (its draws × one forecast, negotiation.limits): a model
#: slower than that on a problem shows its forecast without an interval, and says so.
INTERVAL_SECONDS = 10.0
#: The bargaining models whose rounds are charted.
ROUNDS_MODELS = ("bdm", "smp")


class ActorIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    id: str = Field(min_length=1, max_length=60)
    capability: float = Field(ge=0, le=1e12, description="Capability (power), ≥ 0.")
    position: float = Field(ge=-1e12, le=1e12, description="Position on the proposal's scale (0 status quo … 100).")
    salience: float = Field(ge=0, le=100, description="Salience 0–100.")


class ProblemIn(BaseModel):
    """One proposal: actors with capability, position and salience, a decision rule, optionally the status quo."""

    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Field("proposal", max_length=120)
    actors: list[ActorIn] = Field(min_length=1, max_length=MAX_ACTORS)
    decision_rule: str = Field("consensus", description=f"One of {', '.join(DECISION_RULES)}.")
    status_quo: float | None = Field(None, ge=-1e12, le=1e12)
    agenda_setters: list[str] = Field(default_factory=list, max_length=20)
    models: list[str] | None = Field(None, description="Models to run (default: every model).")
    rule_terms: bool = Field(True, description="The veto of every salient member under unanimity or consensus "
                                               "(the command line's --rule-terms; docs/negotiation.md).")


def check_models(models: list[str] | None) -> list[str]:
    models = list(dict.fromkeys(models)) if models else list(MODEL_NAMES)
    unknown = [m for m in models if m not in (*MODEL_NAMES, *ALIASES)]
    if unknown:
        raise WebInputError(f"unknown model {unknown[0]!r}", f"use some of {', '.join((*MODEL_NAMES, *ALIASES))}")
    return models


def check_rule(rule: str | None) -> str | None:
    if rule is not None and rule not in DECISION_RULES:
        raise WebInputError(f"unknown decision rule {rule!r}", f"use one of {', '.join(DECISION_RULES)}")
    return rule


def to_problem(body: ProblemIn) -> NegotiationProblem:
    check_rule(body.decision_rule)
    try:
        return NegotiationProblem(
            actors=tuple(a.id for a in body.actors), capability=np.array([a.capability for a in body.actors]),
            position=np.array([[a.position] for a in body.actors]),
            salience=np.array([[a.salience] for a in body.actors]), decision_rule=body.decision_rule,
            status_quo=None if body.status_quo is None else np.array([body.status_quo]),
            agenda_setters=tuple(body.agenda_setters), name=body.name)
    except ValueError as exc:
        raise WebInputError(str(exc), "correct the actors' numbers (capability ≥ 0, salience 0–100, unique ids)") \
            from None


def plan(problems: list[NegotiationProblem], models: list[str], chosen: bool, budget: float,
         detail: int = 0) -> float:
    """The CPU seconds the forecasts will take (negotiation.limits), checked before any work.

    chosen: the request named its models: one over its size limit for a problem is a 422 naming the limit and
    the models that take it (when every model is asked for, such a model's forecast is `unavailable`, with the
    same words). detail: the first `detail` problems also get intervals (interval_models). A request whose
    forecasts would take longer than `budget` seconds is a 422 too.
    """
    from ..negotiation.limits import ProblemTooLarge, check_size, estimate_seconds
    from ..negotiation.models import resolve

    real = [resolve(m) for m in models]
    total = 0.0
    for k, p in enumerate(problems):
        if chosen:
            for m in real:
                try:
                    check_size(p.n_actors, m, p.n_dims)
                except ProblemTooLarge as exc:
                    what, _, fix = str(exc).partition(" — ")
                    raise WebInputError(f"{p.name or 'the problem'}: {what}", fix) from None
        total += estimate_seconds(real, p.n_actors, p.n_dims)
        if k < detail:
            ivs = [resolve(m) for m in interval_models(p, models)]
            total += INTERVAL_DRAWS * estimate_seconds(ivs, p.n_actors, p.n_dims)
    if total > budget:
        raise WebInputError(f"these forecasts would take about {total:,.0f} s of computing, beyond the server's "
                            f"limit of {budget:g} s per request",
                            "ask for fewer models (e.g. compromise, median) or send fewer or smaller problems; "
                            "`multivector negotiate` has no such limit")
    return total


def interval_models(problem: NegotiationProblem, models: list[str]) -> list[str]:
    """The models whose interval (INTERVAL_DRAWS forecasts) fits INTERVAL_SECONDS on this problem."""
    from ..negotiation.limits import estimate_seconds
    from ..negotiation.models import resolve

    return [m for m in models
            if INTERVAL_DRAWS * estimate_seconds([resolve(m)], problem.n_actors, problem.n_dims) <= INTERVAL_SECONDS]


def predictions(problem: NegotiationProblem, models: list[str], rule_terms: bool = False, step=None
                ) -> tuple[dict[str, Prediction], dict[str, str]]:
    """(each model's `Prediction` of this problem; why a model could not forecast it).

    A model that refuses the problem (over its size limit, say), or a baseline the problem does not define (no
    status quo, no agenda setter), is left out with its reason, so one model never hides the others' forecasts.
    step: called before each model's forecast (a worker's cancel check).
    """
    out: dict[str, Prediction] = {}
    notes: dict[str, str] = {}
    for m in models:
        if step is not None:
            step()
        try:
            pred = get_model(m, rule_terms=rule_terms).predict(problem)
        except ValueError as exc:
            notes[m] = str(exc)
            continue
        if not np.all(np.isfinite(np.asarray(pred.position, float))):
            notes[m] = f"this problem has no {pred.details.get('missing', 'defined forecast')}"
            continue
        out[m] = pred
    return out, notes


def forecasts(problem: NegotiationProblem, models: list[str],
              rule_terms: bool = False) -> tuple[dict[str, list[float] | None], dict[str, str]]:
    """(each model's forecast position, one value per dimension, None where it has none; why not)."""
    preds, notes = predictions(problem, models, rule_terms)
    return {m: ([round(float(v), 3) for v in np.asarray(preds[m].position, float).ravel()] if m in preds else None)
            for m in models}, notes


def veto_note(problem: NegotiationProblem, preds: dict[str, Prediction], names: dict[str, str] | None = None,
              dimension: int = 0) -> dict | None:
    """Which members' veto holds the forecasts at the status quo, as a sentence and ids (None: no veto holds).

    Read from each model's forecast before and after the rule's veto (`negotiation.rules.veto_holders`).
    """
    from ..negotiation.rules import veto_core, veto_holders, veto_players

    moved = {m: p for m, p in preds.items() if p.details.get("before_veto") is not None}
    if not moved or problem.status_quo is None:
        return None
    q = float(problem.status_quo[dimension])
    held, holders = [], []
    for m, p in moved.items():
        before, after = float(p.details["before_veto"][dimension]), float(p.position[dimension])
        if abs(before - q) > 1e-6 and abs(after - q) <= 1e-6:
            held.append(m)
            holders += [a for a in veto_holders(problem, before, dimension) if a not in holders]
    names = names or {}

    def who(ids: list[str]) -> str:
        words = [f"{names.get(a, a)} ({a})" if names.get(a, a) != a else a for a in ids]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]

    could = [m for m, p in moved.items() if abs(float(p.details["before_veto"][dimension]) - q) > 1e-6]
    if held and holders:
        pos = ", ".join(f"{a} {problem.position[problem.index(a), dimension]:g}" for a in holders)
        scope = "every model's forecast" if set(held) >= set(could) else "the forecasts of " + ", ".join(held)
        text = (f"Under {problem.decision_rule}, the veto of {who(holders)} holds {scope} at the status quo ({q:g}): "
                f"{'each is a' if len(holders) > 1 else 'a'} salient member (salience ≥ 50) at or below the status "
                f"quo (positions: {pos}), so {'they prefer' if len(holders) > 1 else 'it prefers'} the status quo "
                "to any step toward the proposal.")
        return {"text": text, "holders": holders, "held": held}
    vp = veto_players(problem, dimension)
    lo, hi = veto_core(problem.position[:, dimension], vp, np.asarray(q))
    capped = [m for m, p in moved.items()
              if abs(float(p.details["before_veto"][dimension]) - float(p.position[dimension])) > 1e-6]
    if capped and np.isfinite(hi):
        return {"text": f"Under {problem.decision_rule}, the veto players ({who(list(np.array(problem.actors)[vp]))}) "
                        f"accept only outcomes from {max(lo, q) if lo > -np.inf else q:g} to {hi:g}; the forecasts of "
                        f"{', '.join(capped)} are moved into that range.", "holders": [], "held": []}
    return None


def figures(problem: NegotiationProblem, preds: dict[str, Prediction], names: dict[str, str] | None = None,
            notes: dict[str, str] | None = None, intervals: dict[str, dict] | None = None) -> dict:
    """The spatial chart and the rounds charts (one per dimension) of a problem, as Plotly JSON."""
    import json

    from ..report.negotiation_figures import rounds_chart, spatial_chart

    values = {m: [float(v) for v in np.asarray(p.position, float).ravel()] for m, p in preds.items()}
    values.update({m: None for m in (notes or {})})
    spatial = spatial_chart(problem, values, intervals, names, notes)
    bargaining = {m: preds[m] for m in ROUNDS_MODELS if m in preds}
    rounds = [json.loads(rounds_chart(problem, bargaining, names, d).to_json())
              for d in range(problem.n_dims)] if bargaining else []
    return {"spatial": json.loads(spatial.to_json()), "rounds": rounds}


def with_recorded_outcome(problem: NegotiationProblem, proposals=None) -> NegotiationProblem:
    """A problem named after one of the case's proposals, with that proposal's recorded outcome."""
    from dataclasses import replace

    if proposals is not None and problem.outcome is None:
        rec = next((r for r in proposals.table() if r["id"] == problem.name), None)
        if rec is not None and rec["recorded_position"] is not None and problem.n_dims == 1:
            problem = replace(problem, outcome=np.array([rec["recorded_position"]]),
                              meta={**problem.meta, "recorded_outcome": rec["recorded_outcome"]})
    return problem


def predict_result(problem: NegotiationProblem, models: list[str], rule_terms: bool, proposals=None,
                   names: dict[str, str] | None = None, step=None) -> dict:
    """The API's answer to a posted problem: every model's forecast, why some have none, the veto note and the
    charts. A problem named after one of the case's proposals is drawn with that proposal's recorded outcome
    (`proposals`: the app's CaseProposals; a worker gets the problem with it already)."""
    problem = with_recorded_outcome(problem, proposals)
    preds, notes = predictions(problem, models, rule_terms, step)
    values = {m: ([round(float(v), 3) for v in np.asarray(preds[m].position, float).ravel()] if m in preds else None)
              for m in models}
    return {"problem": problem_dict(problem), "forecasts": values, "unavailable": notes, "rule_terms": rule_terms,
            "veto": veto_note(problem, preds, names), "figures": figures(problem, preds, names, notes)}


def intervals_of(problem: NegotiationProblem, models: list[str], rule_terms: bool,
                 draws: int = INTERVAL_DRAWS, seed: int = 0, step=None) -> dict[str, dict]:
    """Each model's 90% interval under perturbed inputs (`negotiation.perturb`), per dimension; a model whose
    interval would take over INTERVAL_SECONDS on this problem has none (interval_models)."""
    from ..negotiation.perturb import forecast_interval

    out = {}
    for m in interval_models(problem, models) if draws == INTERVAL_DRAWS else models:
        if step is not None:
            step()
        try:
            iv = forecast_interval(get_model(m, rule_terms=rule_terms), problem, draws, seed)
        except ValueError:
            continue
        if np.all(np.isfinite(iv.low)):
            out[m] = iv.as_dict()
    return out


def upload_result(found: str, problems: list[NegotiationProblem], rule: str | None, models: list[str],
                  rule_terms: bool, step=None) -> dict:
    """What the page shows of an upload: every problem (up to MAX_UPLOAD_PROBLEMS) with every dimension's
    forecasts; the first DETAIL_PROBLEMS also with 90% intervals, the veto note and their charts."""
    shown = problems[:MAX_UPLOAD_PROBLEMS]
    rows = []
    for k, p in enumerate(shown):
        p = p.with_rule(rule)
        preds, notes = predictions(p, models, rule_terms, step)
        values = {m: ([round(float(v), 3) for v in np.asarray(preds[m].position, float).ravel()]
                      if m in preds else None) for m in models}
        row = {**problem_dict(p), "forecasts": values, "unavailable": notes, "detail": k < DETAIL_PROBLEMS}
        if k < DETAIL_PROBLEMS:
            row["intervals"] = intervals_of(p, list(preds), rule_terms, step=step)
            row["veto"] = veto_note(p, preds)
            row["figures"] = figures(p, preds, None, notes, row["intervals"])
        rows.append(row)
    return {"kind": found, "problems": rows, "count": len(problems), "shown": len(shown),
            "detail": min(DETAIL_PROBLEMS, len(shown)), "interval_draws": INTERVAL_DRAWS}


def problem_dict(problem: NegotiationProblem) -> dict:
    return {"name": problem.name, "description": problem.description, "decision_rule": problem.decision_rule,
            "dimensions": list(problem.dimensions), "scale": list(problem.scale) if problem.scale else None,
            "status_quo": None if problem.status_quo is None else problem.status_quo.tolist(),
            "outcome": None if problem.outcome is None else problem.outcome.tolist(),
            "actors": [{"id": a, "capability": float(problem.capability[i]),
                        "position": problem.position[i].tolist(), "salience": problem.salience[i].tolist()}
                       for i, a in enumerate(problem.actors)]}


def read_upload(data: bytes, filename: str, kind: str | None, max_bytes: int):
    """(kind, problems) of an uploaded KTAB/DEU/BDM file, parsed in memory; the name only labels messages."""
    from ..negotiation.io import InMemoryFile, read_problems

    if len(data) > max_bytes:
        raise WebInputError(f"the upload is over the limit of {max_bytes / 2**20:g} MB",
                            "upload a smaller file (a negotiation table is a few kilobytes)", status=413)
    if not data.strip():
        raise WebInputError("the uploaded file is empty", "choose the CSV or TSV file itself")
    if kind not in (None, "", "auto", "ktab", "deu", "bdm"):
        raise WebInputError(f"unknown file kind {kind!r}", "use auto, ktab, deu or bdm")
    label = re.sub(r"[^A-Za-z0-9_.-]", "_", (filename or "upload").rsplit("/", 1)[-1].rsplit("\\", 1)[-1])[:80]
    kind = None if kind in (None, "", "auto") else kind
    found, problems = read_problems(InMemoryFile(label or "upload", data), kind)
    return found, problems


class Stopped(Exception):
    """A warm-up computation ended early because the server is stopping."""


class CaseProposals:
    """The case's proposals (`case_proposals.derive_problem`) with every model's forecast, computed once.

    The proposals are negotiated in consensus bodies, so the rule terms (every salient member's veto) are on,
    as on the command line; `one(..., rule_terms=False)` shows the models as published.
    """

    def __init__(self, ctx):
        self.ctx = ctx
        self._table: list[dict] | None = None

    def problem(self, proposal_id: str) -> NegotiationProblem:
        from ..negotiation.case_proposals import derive_problem

        with self.ctx.lock:
            try:
                return derive_problem(self.ctx.kb, proposal_id)
            except KeyError:
                ids = ", ".join(self.ctx.kb.proposals().id)
                raise WebInputError(f"unknown proposal {proposal_id!r}", f"use one of {ids}", status=404) from None

    def table(self, stop=None) -> list[dict]:
        """stop: an Event that ends the computation between two proposals (the server is stopping)."""
        from ..negotiation.case_proposals import outcome_class

        if self._table is None:
            with self.ctx.lock:
                props = self.ctx.kb.proposals()
            rows = []
            for p in props.itertuples():
                if stop is not None and stop.is_set():
                    raise Stopped
                pr = self.problem(p.id)
                preds, notes = predictions(pr, list(MODEL_NAMES), rule_terms=True)
                fc = {m: float(preds[m].position[0]) if m in preds else None for m in MODEL_NAMES}
                veto = veto_note(pr, preds, self.ctx.state_names)
                rows.append({"id": p.id, "org": p.org, "year": int(p.year), "title": p.title,
                             "decision_rule": pr.decision_rule, "actors": len(pr.actors),
                             "recorded_outcome": p.outcome,
                             "recorded_position": None if pr.outcome is None else float(pr.outcome[0]),
                             "held_by": veto["holders"] if veto else [],
                             "forecasts": fc, "unavailable": notes,
                             "forecast_outcomes": {m: outcome_class(v) for m, v in fc.items() if v is not None},
                             "sources": list(p.sources)})
            self._table = rows
        return self._table

    def one(self, proposal_id: str, rule: str | None = None, rule_terms: bool = True) -> dict:
        from ..negotiation.case_proposals import problem_table

        pr = self.problem(proposal_id).with_rule(rule)
        actors = problem_table(pr)
        preds, notes = predictions(pr, list(MODEL_NAMES), rule_terms=rule_terms)
        values = {m: [float(v) for v in preds[m].position] if m in preds else None for m in MODEL_NAMES}
        return {"id": proposal_id, "veto": veto_note(pr, preds, self.ctx.state_names),
                "figures": figures(pr, preds, self.ctx.state_names, notes), "title": pr.description, "org": pr.meta["org"], "year": pr.meta["year"],
                "decision_rule": pr.decision_rule, "status_quo": float(pr.status_quo[0]),
                "agenda_setters": list(pr.agenda_setters), "recorded_outcome": pr.meta["recorded_outcome"],
                "recorded_position": None if pr.outcome is None else float(pr.outcome[0]),
                "actors": [{"id": r.actor, "capability": float(r.capability), "position": float(r.position),
                            "salience": float(r.salience), "basis": r.basis, "evidence": list(r.evidence)}
                           for r in actors.itertuples()],
                "forecasts": {m: v[0] if v else None for m, v in values.items()}, "unavailable": notes,
                "rule_terms": rule_terms}
