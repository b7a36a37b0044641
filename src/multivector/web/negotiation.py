"""Negotiation requests: a posted or uploaded problem, every model's forecast (models taken from the registry)."""

from __future__ import annotations

import re

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ..negotiation import MODEL_NAMES, NegotiationProblem, get_model
from ..negotiation.models import ALIASES
from ..negotiation.problem import DECISION_RULES, MAX_ACTORS
from .errors import WebInputError

#: Issues of one upload that are forecast (a DEU file has a few hundred).
MAX_UPLOAD_PROBLEMS = 300
#: A request whose forecasts take about this many CPU seconds or less is answered in the request's thread; a
#: heavier one runs in the worker pool, with the app's timeout and cancelled if its client goes away.
INLINE_SECONDS = 1.0


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


def plan(problems: list[NegotiationProblem], models: list[str], chosen: bool, budget: float) -> float:
    """The CPU seconds the forecasts will take (negotiation.limits), checked before any work.

    chosen: the request named its models: one over its size limit for a problem is a 422 naming the limit and
    the models that take it (when every model is asked for, such a model's forecast is `unavailable`, with the
    same words). A request whose forecasts would take longer than `budget` seconds is a 422 too.
    """
    from ..negotiation.limits import ProblemTooLarge, check_size, estimate_seconds
    from ..negotiation.models import resolve

    real = [resolve(m) for m in models]
    total = 0.0
    for p in problems:
        if chosen:
            for m in real:
                try:
                    check_size(p.n_actors, m, p.n_dims)
                except ProblemTooLarge as exc:
                    what, _, fix = str(exc).partition(" — ")
                    raise WebInputError(f"{p.name or 'the problem'}: {what}", fix) from None
        total += estimate_seconds(real, p.n_actors, p.n_dims)
    if total > budget:
        raise WebInputError(f"these forecasts would take about {total:,.0f} s of computing, beyond the server's "
                            f"limit of {budget:g} s per request",
                            "ask for fewer models (e.g. compromise, median) or send fewer or smaller problems; "
                            "`multivector negotiate` has no such limit")
    return total


def forecast_rows(problems: list[NegotiationProblem], models: list[str], rule_terms: bool,
                  step=None) -> list[dict]:
    """Each problem with every model's forecast (problem_dict + forecasts + unavailable); `step()` runs before
    each model's forecast (a worker's cancel check)."""
    out = []
    for p in problems:
        values, notes = forecasts(p, models, rule_terms, step)
        out.append({**problem_dict(p), "forecasts": values, "unavailable": notes})
    return out


def forecasts(problem: NegotiationProblem, models: list[str], rule_terms: bool = False,
              step=None) -> tuple[dict[str, list[float] | None], dict[str, str]]:
    """(each model's forecast position, one value per dimension; why a model could not forecast this problem).

    A model that refuses the problem (over its size limit, say), or a baseline the problem does not define (no
    status quo, no agenda setter), gives None and its reason, so one model never hides the others' forecasts.
    """
    out: dict[str, list[float] | None] = {}
    notes: dict[str, str] = {}
    for m in models:
        if step is not None:
            step()
        try:
            pred = get_model(m, rule_terms=rule_terms).predict(problem)
        except ValueError as exc:
            out[m], notes[m] = None, str(exc)
            continue
        values = np.asarray(pred.position, float).ravel()
        if not np.all(np.isfinite(values)):
            out[m], notes[m] = None, f"this problem has no {pred.details.get('missing', 'defined forecast')}"
            continue
        out[m] = [round(float(v), 3) for v in values]
    return out, notes


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

    def table(self) -> list[dict]:
        from ..negotiation.case_proposals import outcome_class

        if self._table is None:
            with self.ctx.lock:
                props = self.ctx.kb.proposals()
            rows = []
            for p in props.itertuples():
                pr = self.problem(p.id)
                values, notes = forecasts(pr, list(MODEL_NAMES), rule_terms=True)
                fc = {m: v[0] if v else None for m, v in values.items()}
                rows.append({"id": p.id, "org": p.org, "year": int(p.year), "title": p.title,
                             "decision_rule": pr.decision_rule, "actors": len(pr.actors),
                             "recorded_outcome": p.outcome,
                             "recorded_position": None if pr.outcome is None else float(pr.outcome[0]),
                             "forecasts": fc, "unavailable": notes,
                             "forecast_outcomes": {m: outcome_class(v) for m, v in fc.items() if v is not None},
                             "sources": list(p.sources)})
            self._table = rows
        return self._table

    def one(self, proposal_id: str, rule: str | None = None, rule_terms: bool = True) -> dict:
        from ..negotiation.case_proposals import problem_table

        pr = self.problem(proposal_id).with_rule(rule)
        actors = problem_table(pr)
        values, notes = forecasts(pr, list(MODEL_NAMES), rule_terms=rule_terms)
        return {"id": proposal_id, "title": pr.description, "org": pr.meta["org"], "year": pr.meta["year"],
                "decision_rule": pr.decision_rule, "status_quo": float(pr.status_quo[0]),
                "agenda_setters": list(pr.agenda_setters), "recorded_outcome": pr.meta["recorded_outcome"],
                "recorded_position": None if pr.outcome is None else float(pr.outcome[0]),
                "actors": [{"id": r.actor, "capability": float(r.capability), "position": float(r.position),
                            "salience": float(r.salience), "basis": r.basis, "evidence": list(r.evidence)}
                           for r in actors.itertuples()],
                "forecasts": {m: v[0] if v else None for m, v in values.items()}, "unavailable": notes,
                "rule_terms": rule_terms}
