"""The HTML pages: server-rendered from the same library calls as the API, charts as Plotly JSON.

Each page works without its script for reading (tables, forms that submit with
GET); the small scripts in static/ add the year slider's live update, the
scenario runs with their progress bar and the negotiation's live forecasts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from .. import __version__
from .errors import WebInputError

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.globals["version"] = __version__

PAGES = [("/", "Overview"), ("/evidence", "Evidence"), ("/measures", "Measures"), ("/lab", "Scenario lab"),
         ("/negotiation", "Negotiation"), ("/check", "Model check"), ("/docs", "API")]
Opt = Annotated[str | None, Query(max_length=200)]


def _fig(fig) -> str:
    """A figure as JSON for a <script type="application/json"> tag (the page's script draws it); a long title
    is broken into lines so it stays whole at 800 px."""
    title = fig.layout.title.text or ""
    if len(title) > 80 and "<br>" not in title:
        import textwrap

        fig.update_layout(title_text="<br>".join(textwrap.wrap(title, 80)))
        fig.update_layout(margin=dict(t=(fig.layout.margin.t or 50) + 20))
    return fig.to_json().replace("</", "<\\/")


def render(request: Request, name: str, title: str, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"title": title, "pages": PAGES,
                                                      "path": request.url.path, **context})


def _error_page(request: Request, exc: WebInputError, title: str) -> HTMLResponse:
    resp = render(request, "error.html", title, problems=exc.problems)
    resp.status_code = exc.status
    return resp


def _int(value: str | None, what: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise WebInputError(f"{what} {value[:20]!r} is not a year", f"give {what} as a year such as 2010") from None


# ------------------------------------------------------------------ overview
def _region_context(ctx, key: str) -> dict:
    return {"region": key, "regions": [(k, ctx.region_label(k)) for k in ctx.regions],
            "region_label": ctx.region_label(key)}


def _fact_total(ctx) -> int:
    from .evidence import all_facts

    return len(all_facts(ctx))


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, year: Opt = None, region: Opt = None):
    ctx = request.app.state.ctx
    try:
        key, states = ctx.region(region)
        y = ctx.year(_int(year, "year"))
    except WebInputError as exc:
        return _error_page(request, exc, "Overview")
    grid = ctx.status_grid(y, states)
    m = ctx.measures[ctx.measures.year == y].set_index("state")
    headline = [{"state": s, "name": ctx.state_names.get(s, s),
                 "balance": m.balance_index.get(s), "poles": m.effective_poles.get(s), "orgs": m.n_orgs.get(s),
                 "ties": {p: m[f"ties_{p}"].get(s) for p in ("RUS", "CHN", "WEST")}} for s in states]
    with ctx.lock:
        counts = ctx.kb.counts()
    return render(request, "overview.html", "Overview", year=y, period=ctx.period, grid=grid.to_dict("records"),
                  states=states, names=ctx.state_names, headline=headline, counts=counts, facts=_fact_total(ctx),
                  case_title=ctx.kb.meta.get("title", ctx.kb.name), figs=overview_figures(request.app, key),
                  landmarks=ctx.landmarks.to_dict("records"), **_region_context(ctx, key))


def overview_figures(app, region: str) -> dict[str, str]:
    """The overview's charts of one region as JSON, built once: the balance index with the case's landmark
    events, and the state × organization × year heatmap by lead pole."""
    def build() -> dict[str, str]:
        from ..report import figures as F
        from ..report.overview_figures import lead_heatmap

        ctx = app.state.ctx
        states = ctx.regions[region]
        m = ctx.measures[ctx.measures.state.isin(states)]
        return {"balance": _fig(F.balance_lines(m, states, ctx.state_names, ctx.landmarks)),
                "heatmap": _fig(lead_heatmap(ctx.panel, states, ctx.org_lead, ctx.state_names, ctx.org_founded,
                                             ctx.landmarks))}

    return app.state.memo.get(("overview-figures", region), build)


# ------------------------------------------------------------------ evidence
KINDS = ("claim", "event", "indicator", "membership", "organization", "proposal")


@router.get("/evidence", response_class=HTMLResponse)
def evidence(request: Request, q: Opt = None, state: Opt = None, org: Opt = None, mechanism: Opt = None,
             from_: Annotated[str | None, Query(alias="from", max_length=10)] = None,
             to: Annotated[str | None, Query(max_length=10)] = None, timeline: Opt = None, page: Opt = None):
    """Facts with their sources, 50 a page; filters combine (all must hold). The membership timeline follows
    the filters (the organization's, else the state's) unless one is picked."""
    from urllib.parse import urlencode

    from ..kb.vocab import MECHANISMS
    from .evidence import facts, timeline_figure

    ctx = request.app.state.ctx
    with ctx.lock:
        orgs = list(ctx.kb.organizations().id)
    form = {"q": q or "", "state": state or "", "org": org or "", "mechanism": mechanism or "",
            "from": from_ or "", "to": to or ""}
    target = timeline or org or state or ctx.states[0]
    try:
        rows, total, shown = facts(ctx, q=q, state=state, org=org, mechanism=mechanism, start=_int(from_, "from"),
                                   end=_int(to, "to"), page=_page(page))
        fig = timeline_figure(ctx, target)
    except WebInputError as exc:
        return _error_page(request, exc, "Evidence")
    from .evidence import PAGE_SIZE

    pages = max(1, -(-total // PAGE_SIZE))
    keep = {k: v for k, v in form.items() if v}
    if timeline:
        keep["timeline"] = timeline

    def link(n: int) -> str:
        return "/evidence?" + urlencode({**keep, "page": n})

    return render(request, "evidence.html", "Evidence", form=form, rows=rows, total=total, states=ctx.all_states,
                  orgs=orgs, mechanisms=MECHANISMS, names=ctx.state_names, timeline_fig=_fig(fig),
                  timeline_targets=ctx.all_states + orgs, timeline=target.upper(), page=shown, n_pages=pages,
                  first=(shown - 1) * PAGE_SIZE + 1, last=min(shown * PAGE_SIZE, total),
                  prev_link=link(shown - 1) if shown > 1 else None, next_link=link(shown + 1) if shown < pages else None,
                  page_links=[(n, link(n)) for n in _page_numbers(shown, pages)], keep=keep)


def _page(value: str | None) -> int:
    if value in (None, ""):
        return 1
    if not value.isdigit():
        raise WebInputError(f"page {value[:20]!r} is not a page number", "give a page such as 2")
    return int(value)


def _page_numbers(page: int, pages: int) -> list[int]:
    """The page numbers a pager shows: the first, the last and two either side of the current one.

    >>> _page_numbers(7, 20)
    [1, 5, 6, 7, 8, 9, 20]
    """
    return sorted({1, pages} | {n for n in range(page - 2, page + 3) if 1 <= n <= pages})


# ------------------------------------------------------------------ measures
@router.get("/measures", response_class=HTMLResponse)
def measures(request: Request, state: Opt = None, region: Opt = None):
    ctx = request.app.state.ctx
    try:
        key, states = ctx.region(region)
    except WebInputError as exc:
        return _error_page(request, exc, "Measures")
    if state and state.upper() in ctx.all_states and state.upper() not in states:
        if region:   # a region just chosen wins over the state of the one before
            state = None
        else:        # a state alone (a link from the overview): its own region
            key, states = next((k, v) for k, v in ctx.regions.items() if state.upper() in v)
    chosen = [s for s in states if not state or s == state.upper()]
    if not chosen:
        return _error_page(request, WebInputError(f"{state!r} is not a state the case models",
                                                  f"use one of {', '.join(ctx.all_states)}"), "Measures")
    m = ctx.measures[ctx.measures.state.isin(chosen)]
    return render(request, "measures.html", "Measures", states=states, names=ctx.state_names,
                  state=state.upper() if state else "", figs=measures_figures(request.app, tuple(chosen)),
                  table=m[["state", "year", "balance_index", "effective_poles", "ties_RUS", "ties_CHN", "ties_WEST",
                           "n_orgs"]].round(2).to_dict("records"), **_region_context(ctx, key))


def measures_figures(app, chosen: tuple[str, ...]) -> dict[str, str]:
    """The measures page's charts of these states as JSON, built once (the start-up warms them)."""
    def build() -> dict[str, str]:
        from ..report import figures as F
        from ..report.web_figures import dependence_panels
        from .evidence import series_figures

        ctx = app.state.ctx
        states = list(chosen)
        m = ctx.measures[ctx.measures.state.isin(states)]
        figs = {"balance": F.balance_lines(m, states, ctx.state_names, ctx.landmarks),
                "ties": F.ties_areas(m, states, tuple(ctx.panel.poles), ctx.state_names),
                "dependence": dependence_panels(ctx.dependence, states, ctx.state_names, ctx.period)}
        figs.update(series_figures(ctx, states))
        return {k: _fig(f) for k, f in figs.items()}

    return app.state.memo.get(("measures-figures", chosen), build)


# ------------------------------------------------------------------ scenario lab
@router.get("/lab", response_class=HTMLResponse)
def lab(request: Request, s: Annotated[str | None, Query(max_length=20_000)] = None,
        library: Opt = None):
    """The scenario lab; `?s=` (a share link) or `?library=NAME` fills the form; with both, the form comes from
    the link and the drop-down shows the library scenario it was loaded from."""
    from ..kb.vocab import DEPENDENCE_DRIVERS, DRIVERS, ORG_DRIVERS, POWER_DRIVERS
    from .scenarios import MAX_WEB_RUNS, decode_link, from_scenario, to_scenario

    ctx, lib = request.app.state.ctx, request.app.state.library
    initial = None
    try:
        if library:
            lib.get(library)   # 404 page for a name the library does not hold
        if s:
            initial = from_scenario(to_scenario(decode_link(s), ctx.inputs.states, ctx.model_orgs, ctx.all_states))
        elif library:
            initial = from_scenario(lib.get(library))
    except WebInputError as exc:
        return _error_page(request, exc, "Scenario lab")
    if initial is None:
        initial = from_scenario(lib.get("baseline")) if "baseline" in lib.scenarios else None
        if initial is not None:
            initial.update(name="my-scenario", description="", runs=500)
    powers = ["RUS", "CHN", "WEST"]
    region_of = {tuple(v): k for k, v in ctx.regions.items()}
    region = region_of.get(tuple((initial or {}).get("states") or ctx.inputs.states), next(iter(ctx.regions)))
    return render(request, "lab.html", "Scenario lab", library=lib, initial=json.dumps(initial).replace("</", "<\\/"),
                  states=ctx.regions[region], powers=powers, names=ctx.state_names, drivers=DRIVERS,
                  region_states=ctx.regions, **_region_context(ctx, region),
                  dependence=DEPENDENCE_DRIVERS, org_drivers=ORG_DRIVERS, power_drivers=POWER_DRIVERS,
                  orgs=sorted(ctx.model_orgs), max_runs=MAX_WEB_RUNS, auto_run=bool(s or library),
                  selected=library or "baseline", record_until=ctx.inputs.record_until,
                  sweeps=request.app.state.sweeps.list())


@router.get("/lab/sweeps/{sweep_id}", response_class=HTMLResponse)
def sweep_page(request: Request, sweep_id: str):
    """One analysed sweep: its indices and PRIM box as charts and a table."""
    try:
        w = request.app.state.sweeps.get(sweep_id)
    except WebInputError as exc:
        return _error_page(request, exc, "Scenario lab")
    figures = [{"title": (f.get("layout", {}).get("title") or {}).get("text", "sweep chart"),
                "json": json.dumps(f).replace("</", "<\\/")} for f in w["figures"]]
    return render(request, "sweep.html", f"Sweep {w['name']}", w=w, figures=figures)


# ------------------------------------------------------------------ negotiation
@router.get("/negotiation", response_class=HTMLResponse)
def negotiation(request: Request, proposal: Opt = None):
    from ..negotiation import MODEL_NAMES
    from ..negotiation.problem import DECISION_RULES

    props = request.app.state.proposals
    table = props.table()
    chosen = proposal or (table[0]["id"] if table else None)
    try:
        one = props.one(chosen) if chosen else None
    except WebInputError as exc:
        return _error_page(request, exc, "Negotiation")
    return render(request, "negotiation.html", "Negotiation", table=table, models=MODEL_NAMES, one=one,
                  one_json=json.dumps(one).replace("</", "<\\/"), rules=DECISION_RULES,
                  max_upload=request.app.state.settings["max_upload"])


# ------------------------------------------------------------------ model check
@router.get("/check", response_class=HTMLResponse)
def check(request: Request):
    import pandas as pd

    from ..evaluate.store import _path, load_latest
    from ..report import figures as F

    ctx = request.app.state.ctx
    ev = load_latest(ctx.inputs)
    figs, scores, subsets, theory = {}, [], {}, []
    if ev:
        sc = pd.DataFrame(ev["scores"])
        path = _path(ctx.inputs)
        stamp = path.stat().st_mtime_ns if path.exists() else 0
        figs = request.app.state.memo.get(("check", str(path), stamp), lambda: {   # built once per stored evaluation
            "scores": _fig(F.scores_by_origin(sc)),
            "reliability": _fig(F.reliability_diagram(pd.DataFrame(ev["reliability"]),
                                                      pd.DataFrame(ev.get("corp", []))))})
        cols = ["origin", "forecaster", "n", "log_score", "brier", "rps", "balanced_accuracy_2", "change_auc",
                "events_hit_1", "events_total", "spurious_changes", "skill_log_vs_persistence"]
        if "subset" not in sc.columns:   # stored before the subsets: every row is of all rows
            sc = sc.assign(subset="all")
        for sub in ("all", "existing", "first_choice"):
            part = sc[sc.subset == sub]
            subsets[sub] = part[[c for c in cols if c in part.columns]].to_dict("records")
        scores = subsets["all"]
        theory = (ev.get("theory_test") or {}).get("rows") or []
    weights = _weights(request)
    if weights:
        figs["weights"] = weights["fig"]
    return render(request, "check.html", "Model check", ev=ev, figs=figs, scores=scores, subsets=subsets,
                  theory=theory, weights=weights)


def _weights(request: Request) -> dict | None:
    """The fitted weights the app runs with (the shipped weights file's posterior draws): their rows and
    picture, built once per version of the file."""
    from ..model.parameters import SHIPPED
    from ..model.weight_summary import weights_file_rows
    from ..report.model_figures import weights_intervals

    stamp = SHIPPED.stat().st_mtime_ns if SHIPPED.exists() else 0

    def build() -> dict | None:
        summary = weights_file_rows(SHIPPED)
        return None if summary is None else {**summary, "fig": _fig(weights_intervals(summary))}

    return request.app.state.memo.get(("weights", str(SHIPPED), stamp), build)


# ------------------------------------------------------------------ API docs (offline: no Swagger UI from a CDN)
@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request):
    spec = request.app.openapi()
    ops = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                       "type": _type(p.get("schema", {})), "description": p.get("description", "")}
                      for p in op.get("parameters", [])]
            body = op.get("requestBody", {}).get("content", {})
            body_ref = next((_type(v.get("schema", {})) for v in body.values()), None)
            ops.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "description": op.get("description", ""), "tag": (op.get("tags") or ["other"])[0],
                        "params": params, "body": body_ref})
    return render(request, "docs.html", "API", ops=ops, schemas=spec.get("components", {}).get("schemas", {}))


def _type(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}))}"
    return schema.get("type", "any")
