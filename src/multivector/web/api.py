"""The JSON API at /api/v1: the evidence base, measures, scenarios and their jobs, evaluation, negotiation.

Every handler is a thin call into the library; the request's values are checked
here (years within the case, ids the case declares, names from fixed lists)
and a bad one is a 422 `what — how to fix it` (errors.py).
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ..io_utils import plain, records
from .errors import WebInputError
from .negotiation import (
    ProblemIn,
    check_models,
    check_rule,
    plan,
)
from .scenarios import (
    MAX_WEB_RUNS,
    ScenarioIn,
    check_start,
    encode_link,
    from_scenario,
    scenario_digest_fields,
    to_scenario,
)

router = APIRouter(prefix="/api/v1")

Year = Annotated[int | None, Query(ge=1000, le=3000, description="A year of the case.")]
Id = Annotated[str | None, Query(max_length=60, description="An id of the case (actor such as KGZ, organization "
                                                             "such as CSTO, mechanism, kind); see /api/v1/actors.")]


def _ctx(request: Request):
    return request.app.state.ctx


def _json(request: Request, compute) -> Response:
    """The answer of a read that depends only on the case, computed once per distinct request (memo.py)."""
    from .memo import request_key

    body = request.app.state.memo.get(("api",) + request_key(request),
                                      lambda: json.dumps(compute(), ensure_ascii=False).encode())
    return Response(body, media_type="application/json")


def _rows(df) -> list[dict]:
    return records(df)


# ------------------------------------------------------------------ the evidence base
@router.get("/case", tags=["evidence"])
def case(request: Request) -> Response:
    """The case: title, regional states, its regions, years, how many facts in all (`facts`, as the evidence page
    and the report count them) and of each kind."""
    def compute():
        from .evidence import all_facts

        ctx = _ctx(request)
        with ctx.lock:
            counts = ctx.kb.counts()
        return {"name": ctx.kb.name, "title": ctx.kb.meta.get("title", ctx.kb.name), "content_hash": ctx.kb.content_hash,
                "regional_states": ctx.states, "regions": ctx.regions, "period": list(ctx.period),
                "facts": len(all_facts(ctx)), "counts": counts}

    return _json(request, compute)


@router.get("/actors", tags=["evidence"])
def actors(request: Request, kind: Id = None) -> Response:
    def compute():
        ctx = _ctx(request)
        with ctx.lock:
            return _rows(ctx.kb.actors(kind))

    return _json(request, compute)


@router.get("/organizations", tags=["evidence"])
def organizations(request: Request) -> Response:
    def compute():
        ctx = _ctx(request)
        with ctx.lock:
            return _rows(ctx.kb.organizations())

    return _json(request, compute)


@router.get("/organizations/{org}", tags=["evidence"])
def organization(request: Request, org: str) -> Response:
    def compute():
        ctx = _ctx(request)
        with ctx.lock:
            return plain(ctx.kb.organization(org))

    return _json(request, compute)


@router.get("/organizations/{org}/members", tags=["evidence"])
def members(request: Request, org: str, year: Year = None) -> Response:
    """Who was in the organization in `year`, with the status held last that year."""
    def compute():
        ctx = _ctx(request)
        y = ctx.year(year)
        with ctx.lock:
            return _rows(ctx.kb.members(org, y))

    return _json(request, compute)


@router.get("/memberships", tags=["evidence"])
def memberships(request: Request, actor: Id = None, org: Id = None, status: Id = None) -> Response:
    """Membership spells (start, end, status, sources)."""
    def compute():
        ctx = _ctx(request)
        from ..kb.vocab import STATUSES

        if status and status not in STATUSES:
            raise WebInputError(f"unknown status {status!r}", f"use one of {', '.join(STATUSES)}")
        with ctx.lock:
            return _rows(ctx.kb.memberships(actor, org, status))

    return _json(request, compute)


@router.get("/status", tags=["evidence"])
def status_grid(request: Request, year: Year = None) -> Response:
    """Status of each regional state in each organization that existed in `year`."""
    def compute():
        ctx = _ctx(request)
        y = ctx.year(year)
        return {"year": y, "states": ctx.states, "organizations": _rows(ctx.status_grid(y))}

    return _json(request, compute)


@router.get("/timeline/{actor}", tags=["evidence"])
def timeline(request: Request, actor: str) -> Response:
    def compute():
        ctx = _ctx(request)
        with ctx.lock:
            return _rows(ctx.kb.timeline(actor))

    return _json(request, compute)


@router.get("/events", tags=["evidence"])
def events(request: Request, actor: Id = None, org: Id = None, from_: Annotated[Year, Query(alias="from")] = None,
           to: Year = None, kind: Id = None) -> Response:
    def compute():
        ctx = _ctx(request)
        _order(from_, to)
        with ctx.lock:
            return _rows(ctx.kb.events(actor, org, from_, to, kind))

    return _json(request, compute)


@router.get("/indicators", tags=["evidence"])
def indicators(request: Request, actor: Id = None, name: Id = None, partner: Id = None) -> Response:
    def compute():
        ctx = _ctx(request)
        with ctx.lock:
            return _rows(ctx.kb.indicators(actor, name, partner))

    return _json(request, compute)


@router.get("/claims", tags=["evidence"])
def claims(request: Request, mechanism: Id = None, actor: Id = None, org: Id = None,
           proposal: Id = None) -> Response:
    def compute():
        ctx = _ctx(request)
        with ctx.lock:
            return _rows(ctx.kb.claims(mechanism, actor, org, proposal))

    return _json(request, compute)


@router.get("/sources", tags=["evidence"])
def sources(request: Request, kind: Id = None) -> Response:
    def compute():
        ctx = _ctx(request)
        with ctx.lock:
            return _rows(ctx.kb.sources(kind))

    return _json(request, compute)


@router.get("/search", tags=["evidence"])
def search(request: Request, q: Annotated[str, Query(min_length=1, max_length=200)],
           limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    """Full-text search over every fact; each hit with its sources and their readable form."""
    def compute():
        ctx = _ctx(request)
        with ctx.lock:
            hits = ctx.kb.search(q, limit=limit)
        rows = _rows(hits)
        for r in rows:
            r["citations"] = [{"id": c, "text": ctx.citation_text(c)} for c in r.get("sources") or []]
        return rows

    return _json(request, compute)


@router.get("/facts/{fact_id}", tags=["evidence"])
def fact(request: Request, fact_id: str) -> Response:
    """Any fact, source, actor, organization or proposal by its id, every field."""
    def compute():
        ctx = _ctx(request)
        if len(fact_id) > 200:
            raise WebInputError("the id is longer than any id of the case", "give an id such as cl_bal_aware_of_org_limits")
        with ctx.lock:
            hit = ctx.kb.find(fact_id)
        if hit is None:
            raise WebInputError(f"no fact, source, actor or organization with id {fact_id!r}",
                                "search for it with /api/v1/search?q=…", status=404)
        kind, row = hit
        row = plain(row)
        return {"kind": kind, "fact": row,
                "citations": [{"id": c, "text": ctx.citation_text(c)} for c in (row.get("sources") or [])]}

    return _json(request, compute)


@router.get("/series", tags=["evidence"])
def series(request: Request, name: Id = None, actor: Id = None, partner: Id = None,
           from_: Annotated[Year, Query(alias="from")] = None, to: Year = None) -> Response:
    """Published yearly series (WDI, AidData, UN voting agreement) brought into the case."""
    def compute():
        ctx = _ctx(request)
        _order(from_, to)
        with ctx.lock:
            return _rows(ctx.kb.series(name, actor, partner, from_, to))

    return _json(request, compute)


def _order(lo: int | None, hi: int | None) -> None:
    if lo is not None and hi is not None and hi < lo:
        raise WebInputError(f"`to` ({hi}) is before `from` ({lo})", "swap them")


# ------------------------------------------------------------------ measures
@router.get("/measures", tags=["measures"])
def measures(request: Request, state: Id = None, from_: Annotated[Year, Query(alias="from")] = None,
             to: Year = None) -> Response:
    """Balance index, ties by pole, concentration, network measures per state and year: the regional states, or
    `state`, any state the case models (the pooled ones too, e.g. ARM)."""
    def compute():
        ctx = _ctx(request)
        _order(from_, to)
        m = ctx.measures
        if state:
            s = ctx.state(state)
            if s not in ctx.all_states:
                raise WebInputError(f"{s} is not a regional state of the case, nor one it pools",
                                    f"use one of {', '.join(ctx.all_states)}")
            m = m[m.state == s]
        else:
            m = m[m.state.isin(ctx.states)]
        if from_ is not None:
            m = m[m.year >= from_]
        if to is not None:
            m = m[m.year <= to]
        return _rows(m)

    return _json(request, compute)


# ------------------------------------------------------------------ scenarios and jobs
@router.get("/scenarios", tags=["scenarios"])
def scenarios(request: Request) -> Response:
    """The scenario library: name, years (from the record: `start` is the first simulated year), whether it is a
    counterfactual, runs, seed, changes, what it asks."""
    from ..model.projection import projection_start

    def compute():
        lib = request.app.state.library
        inp = _ctx(request).inputs
        out = []
        for n, sc in lib.scenarios.items():
            row = {"name": n, "description": sc.description, "rationale": lib.rationales.get(n, ""), "start": None,
                   "end": sc.end, "counterfactual": None, "first_change": sc.first_change(), "runs": sc.runs,
                   "seed": sc.seed, "changes": len(sc.changes)}
            try:
                start = projection_start(sc, inp.record_until, int(inp.years[0]))
                row.update(start=start.year, counterfactual=start.counterfactual)
            except ValueError as exc:   # listed with the reason it cannot run
                row["problem"] = str(exc)
            out.append(row)
        return out

    return _json(request, compute)


@router.get("/scenarios/{name}", tags=["scenarios"])
def scenario(request: Request, name: str) -> Response:
    """One library scenario in the JSON form POST /scenarios/validate and /jobs take, with its share link."""
    def compute():
        lib = request.app.state.library
        body = from_scenario(lib.get(name))
        return {**body, "rationale": lib.rationales.get(name, ""),
                "link": "/lab?s=" + encode_link(body) + "&library=" + name}

    return _json(request, compute)


@router.post("/scenarios/validate", tags=["scenarios"])
def validate(request: Request, body: ScenarioIn) -> dict:
    """Check a scenario as `multivector simulate` would; 422 lists every problem by field."""
    ctx = _ctx(request)
    sc = to_scenario(body, ctx.inputs.states, ctx.model_orgs, ctx.all_states)
    check_start(sc, ctx.inputs)
    norm = from_scenario(sc)
    return {"valid": True, "scenario": norm, "link": "/lab?s=" + encode_link(norm)}


class JobIn(BaseModel):
    """What to run: a scenario (JSON form) or a library scenario by name, optionally with other runs/seed."""

    model_config = ConfigDict(extra="forbid", strict=True)
    scenario: ScenarioIn | None = None
    library: str | None = Field(None, max_length=80)
    runs: int | None = Field(None, ge=1, le=MAX_WEB_RUNS, description=f"1 to {MAX_WEB_RUNS:,}.")
    seed: int | None = Field(None, ge=0, le=2**63 - 1)
    compare: bool = Field(False, description="Also run the scenario without its driver changes (same start, seed, "
                                             "runs and random numbers) and store the paired differences.")


def scenario_of(request: Request, body: JobIn):
    ctx = _ctx(request)
    if (body.scenario is None) == (body.library is None):
        raise WebInputError("give exactly one of `scenario` and `library`",
                            'post {"library": "baseline"} or {"scenario": {...}}')
    if body.library is not None:
        sc = request.app.state.library.get(body.library)
        if body.runs is None and sc.runs > MAX_WEB_RUNS:
            sc.runs = MAX_WEB_RUNS
    else:
        sc = to_scenario(body.scenario, ctx.inputs.states, ctx.model_orgs, ctx.all_states)
    if body.runs is not None:
        sc.runs = body.runs
    if body.seed is not None:
        sc.seed = body.seed
    check_start(sc, ctx.inputs)
    return sc


@router.post("/jobs", tags=["scenarios"], status_code=202)
def submit(request: Request, body: JobIn) -> dict:
    """Run a scenario from the record in the worker pool (with `compare`, also the same run without its changes);
    returns the job (done at once when the result is cached)."""
    from ..model.projection import projection_start
    from .results import result_key

    ctx = _ctx(request)
    sc = scenario_of(request, body)
    start = projection_start(sc, ctx.inputs.record_until, int(ctx.inputs.years[0]))
    key = result_key({**scenario_digest_fields(sc), "compare": body.compare}, ctx.kb.content_hash)
    job = request.app.state.jobs.submit_scenario(sc, key, body.compare, start.year)
    link = "/lab?s=" + encode_link(from_scenario(sc)) + (f"&library={body.library}" if body.library else "")
    return request.app.state.jobs.status(job.id) | {"link": link}


@router.get("/jobs/{job_id}", tags=["scenarios"])
def job_status(request: Request, job_id: str) -> dict:
    """Status and progress (years done of the total); polling keeps the job alive."""
    return request.app.state.jobs.status(job_id)


@router.delete("/jobs/{job_id}", tags=["scenarios"])
def job_cancel(request: Request, job_id: str) -> dict:
    """Cancel a queued or running job (a running one stops at its next year). Two clients that asked for the
    same run share it: one client's cancel leaves it running for the other (`clients` says how many wait)."""
    jobs = request.app.state.jobs
    jobs.cancel(job_id)
    return jobs.status(job_id)


@router.get("/results/{key}", tags=["scenarios"])
def result(request: Request, key: str, tables: Annotated[str, Query(max_length=100)] = "engagement,indices"
           ) -> dict:
    """A finished run: its summary (seed, runs, version) and the tables asked for (engagement, indices, ...)."""
    from .results import TABLES

    store = request.app.state.store
    out = {"summary": store.summary(key)}
    for name in [t for t in tables.split(",") if t]:
        if name not in TABLES:
            raise WebInputError(f"unknown result table {name!r}", f"use some of {', '.join(TABLES)}")
        out[name] = records(store.table(key, name))
    return out


@router.get("/results/{key}/{table}.{fmt}", tags=["scenarios"])
def download(request: Request, key: str, table: str, fmt: str) -> Response:
    """One table of a result as CSV, JSON or Parquet (seed and scenario in every row)."""
    data, media = request.app.state.store.download(key, table, fmt)
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{key[:12]}-{table}.{fmt}"'})


@router.get("/results/{key}/compare", tags=["scenarios"])
def compare(request: Request, key: str, top: Annotated[int, Query(ge=1, le=200)] = 15) -> Response:
    """The scenario against the same run without its changes (same start, seed, runs and random numbers): the
    largest differences in P(member), counted from the first change on, and the balance index's, each with its
    90% interval over the posterior draws the paired runs share (`model.compare`, as `simulate --compare`)."""
    def compute():
        from ..model.compare import largest_differences

        store = request.app.state.store
        s = store.summary(key)
        table = store.table(key, "compare")
        c = s.get("compare", {})
        fc = c.get("first_change")
        big = largest_differences(table, fc, top)
        bal = table[table.measure == "balance"]
        marks = sorted({s["start"], min(s["record_until"], s["end"]), s["end"]} | ({2030} if s["start"] <= 2030
                                                                                    <= s["end"] else set()))
        return {"scenario": s["scenario"], "start": s["start"], "first_change": fc,
                "counterfactual": s["counterfactual"], "kind": s["kind"], "baseline": c.get("baseline"),
                "interval": c.get("interval"), "seed": s["seed"], "runs": s["runs"],
                "largest_differences": records(big.drop(columns=["seed", "scenario"], errors="ignore")),
                "balance": records(bal[bal.year.isin(marks)].drop(columns=["line", "org", "gained", "lost", "seed",
                                                                           "scenario"], errors="ignore"))}

    return _json(request, compute)


@router.get("/results/{key}/figures", tags=["scenarios"])
def figures(request: Request, key: str, state: Annotated[str, Query(max_length=10)],
            line: Annotated[str | None, Query(max_length=40)] = None) -> Response:
    """Plotly figures (JSON) of one state: P(member) by organization (one panel each, the record drawn to its
    end), the status fan of one line, the balance index band and, for a compared run, the difference from the
    same run without the scenario's changes with its paired interval (one panel per organization)."""
    def compute():
        from ..model.record import record_engagement, record_indices
        from ..report import scenario_figures as SF

        ctx, store = _ctx(request), request.app.state.store
        summary = store.summary(key)
        eng, idx = store.table(key, "engagement"), store.table(key, "indices")
        s = ctx.state(state)
        if s not in set(eng.state):
            raise WebInputError(f"{s} is not a state of this run", f"use one of {', '.join(sorted(set(eng.state)))}")
        compared = bool(summary.get("compared"))
        b_eng = store.table(key, "baseline_engagement") if compared else None
        b_idx = store.table(key, "baseline_indices") if compared else None
        start = int(summary["start"])
        model = eng[eng.source == "model"]
        lines = sorted(set(model[model.state == s].line))
        chosen = line
        if chosen is None:   # the line whose membership moves most over the simulated years
            chosen = max(lines, key=lambda ln: model[(model.state == s) & (model.line == ln)].p_member.var())
        elif chosen not in lines:
            raise WebInputError(f"{chosen!r} is not an organization line open to {s}", f"use one of {', '.join(lines)}")
        inputs = ctx.inputs_for(summary.get("request", {}).get("states"))   # the run's own states
        with ctx.lock:
            record, rec_idx = record_engagement(inputs), record_indices(inputs)
        name = ctx.state_names.get(s, s)
        view = SF.View(state=s, name=name, start=start, first_change=(summary.get("compare") or {}).get(
            "first_change"), counterfactual=bool(summary.get("counterfactual")), record=record,
            record_indices=rec_idx)
        figs = {"members": SF.member_panels(eng, view, b_eng), "fan": SF.membership_fan(eng, view, chosen, b_eng),
                "balance": SF.balance_band(idx, view, b_idx)}
        if compared:
            figs["difference"] = SF.difference_panels(store.table(key, "compare"), view)
        return {"state": s, "line": chosen, "lines": lines, "compared": compared,
                "figures": {k: json.loads(f.to_json()) for k, f in figs.items()}}

    return _json(request, compute)


# ------------------------------------------------------------------ sweeps
@router.get("/sweeps", tags=["sweeps"])
def sweeps(request: Request) -> dict:
    """The analysed sweeps the server was started with (`multivector serve --sweeps DIR`)."""
    shelf = request.app.state.sweeps
    return {"sweeps": shelf.list(), "problems": shelf.problems}


@router.get("/sweeps/{sweep_id}", tags=["sweeps"])
def sweep(request: Request, sweep_id: str) -> Response:
    """One sweep's stored analysis: Sobol' or Morris indices, the direction of effects, PRIM's box, as
    Plotly figures (JSON) and rows."""
    def compute():
        return request.app.state.sweeps.get(sweep_id)

    return _json(request, compute)


# ------------------------------------------------------------------ evaluation
@router.get("/evaluation", tags=["evaluation"])
def evaluation(request: Request) -> dict:
    """The stored rolling-origin evaluation of this case (what `multivector evaluate` last wrote), if any."""
    from ..evaluate.store import load_latest

    ev = load_latest(_ctx(request).inputs)
    if ev is None:
        raise WebInputError("no evaluation is stored for this case yet",
                            "run `multivector evaluate`, or POST /api/v1/evaluation/jobs (about 8 minutes)",
                            status=404)
    return ev


@router.get("/weights", tags=["evaluation"])
def weights() -> dict:
    """The fitted weights the app runs with: each weight's posterior median and 90% interval over the shipped
    draws and, for a theory term, the same per sd of the term (`model.weight_summary`; the Model check page's
    picture)."""
    from ..model.parameters import SHIPPED
    from ..model.weight_summary import weights_file_rows

    out = weights_file_rows(SHIPPED)
    if out is None:
        raise WebInputError("no posterior draws are stored beside the weights file",
                            "run `multivector calibrate` to write them", status=404)
    return out


@router.post("/evaluation/jobs", tags=["evaluation"], status_code=202)
def evaluation_job(request: Request) -> dict:
    """Run `multivector evaluate` (its defaults: 500 runs, seed 0) in the pool; slow the first time."""
    from ..evaluate import ORIGINS, available_forecasters
    from .results import result_key

    ctx = _ctx(request)
    runs, seed = 500, 0
    key = result_key({"runs": runs, "seed": seed}, ctx.kb.content_hash, kind="evaluation")
    job = request.app.state.jobs.submit_evaluation(key, runs, seed, len(ORIGINS) * len(available_forecasters()))
    return request.app.state.jobs.status(job.id)


# ------------------------------------------------------------------ negotiation
@router.get("/negotiation/models", tags=["negotiation"])
def negotiation_models() -> dict:
    from ..negotiation import MODEL_NAMES
    from ..negotiation.models import BASELINES, MODELS, RECOMMENDED
    from ..negotiation.problem import DECISION_RULES

    return {"models": list(MODEL_NAMES), "decision_rules": list(DECISION_RULES), "recommended": RECOMMENDED,
            "baselines": list(BASELINES),
            "about": {n: {"kind": m.kind, "does": m.does, "reference": m.reference} for n, m in MODELS.items()}}


@router.get("/negotiation/proposals", tags=["negotiation"])
def proposals(request: Request) -> Response:
    """The case's proposals with each model's forecast beside the recorded outcome (0–100)."""
    def compute():
        return request.app.state.proposals.table()

    return _json(request, compute)


@router.get("/negotiation/proposals/{proposal_id}", tags=["negotiation"])
def proposal(request: Request, proposal_id: str, rule: Id = None, rule_terms: bool = True) -> Response:
    """One proposal's actors (with the evidence behind each number) and every model's forecast; rule_terms:
    every salient member's veto under consensus (on by default, as on the command line)."""
    def compute():
        return request.app.state.proposals.one(proposal_id, check_rule(rule), rule_terms)

    return _json(request, compute)


@router.post("/negotiation/predict", tags=["negotiation"])
async def predict(request: Request, body: ProblemIn) -> dict:
    """Every model's forecast on a posted problem (change a position, salience, capability or the rule), which
    members' veto holds it at the status quo (`veto`), and its charts (`figures`: spatial, rounds).

    A model asked for by name that cannot take the problem's size (each declares its limit) is a 422 naming
    the limit and the models that take it; with every model asked for, its forecast is `unavailable`."""
    from starlette.concurrency import run_in_threadpool

    from .negotiation import to_problem, with_recorded_outcome

    problem = to_problem(body)
    models = check_models(body.models)
    cost = plan([problem], models, bool(body.models), _timeout(request))
    problem = await run_in_threadpool(with_recorded_outcome, problem, request.app.state.proposals)
    return await bounded(request, cost, "predict", {"problem": problem, "models": models,
                                                    "rule_terms": body.rule_terms,
                                                    "names": _ctx(request).state_names})


def _timeout(request: Request) -> float:
    return request.app.state.settings["negotiation_timeout"]


async def bounded(request: Request, cost: float, what: str, kwargs: dict) -> dict:
    """Answer a negotiation request whose cost `plan` checked: here when cheap, else in the worker pool with the
    app's timeout, cancelled when it runs out or the client goes away (`worker.run_negotiation_job`)."""
    import asyncio

    from starlette.concurrency import run_in_threadpool

    from . import negotiation, worker

    if cost <= negotiation.INLINE_SECONDS:
        fn = {"predict": negotiation.predict_result, "upload": negotiation.upload_result}[what]
        return await run_in_threadpool(lambda: fn(**kwargs))
    timeout = _timeout(request)
    jobs = request.app.state.jobs
    call_id, fut = jobs.submit_call(worker.run_negotiation_job, what, kwargs)
    waiting = asyncio.wrap_future(fut)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        while True:
            done, _ = await asyncio.wait({waiting}, timeout=0.5)
            if done:
                return waiting.result()
            if await request.is_disconnected():
                raise WebInputError("the client went away", "nothing to answer", status=499)
            if loop.time() > deadline:
                raise WebInputError(f"the forecasts took longer than the server's limit of {timeout:g} s",
                                    "ask for fewer models or send fewer or smaller problems; "
                                    "`multivector negotiate` has no such limit", status=504)
    finally:
        if not fut.done():
            jobs.cancel_call(call_id, fut)


@router.post("/negotiation/upload", tags=["negotiation"])
async def upload(request: Request, file: Annotated[UploadFile, File(description="A KTAB CSV, DEU TSV or BDM CSV.")],
                 kind: Annotated[str, Form(max_length=10)] = "auto",
                 decision_rule: Annotated[str | None, Form(max_length=20)] = None,
                 models: Annotated[str | None, Form(max_length=300, description="Comma-separated models "
                                                                                "(default: every model).")] = None,
                 rule_terms: Annotated[str, Form(max_length=5, description="auto (on when a decision rule is "
                                                                           "given), on or off.")] = "auto"
                 ) -> dict:
    """Forecast every problem of an uploaded file (parsed in memory, at most the size limit)."""
    from starlette.concurrency import run_in_threadpool

    from .negotiation import DETAIL_PROBLEMS, MAX_UPLOAD_PROBLEMS, read_upload

    limit = request.app.state.settings["max_upload"]
    data = await file.read(limit + 1)
    check_rule(decision_rule)
    chosen = check_models([m.strip() for m in models.split(",") if m.strip()] if models else None)
    if rule_terms not in ("auto", "on", "off"):
        raise WebInputError(f"unknown rule_terms {rule_terms!r}", "use auto, on or off")
    veto = rule_terms == "on" or (rule_terms == "auto" and bool(decision_rule))
    found, problems = await run_in_threadpool(read_upload, data, file.filename or "upload", kind, limit)
    cost = plan(problems[:MAX_UPLOAD_PROBLEMS], chosen, bool(models), _timeout(request), detail=DETAIL_PROBLEMS)
    return await bounded(request, cost, "upload", {"found": found, "problems": problems, "rule": decision_rule,
                                                   "models": chosen, "rule_terms": veto})
