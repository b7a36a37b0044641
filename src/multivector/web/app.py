"""`create_app`: the FastAPI application of `multivector serve` (API, pages, static files, worker pool)."""

from __future__ import annotations

from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from .. import __version__

STATIC = Path(__file__).parent / "static"
#: Upload limit of the negotiation endpoint.
MAX_UPLOAD = 2**20
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")


#: Pages that depend only on the case and their query: built once per distinct URL (memo.py).
CACHED_PAGES = {"/", "/evidence", "/measures", "/lab", "/negotiation", "/docs"}


class SecurityHeaders:
    """ASGI middleware: the content security policy (everything from this app) and two plain headers."""

    def __init__(self, app):
        self.app = app
        self.extra = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                      (b"referrer-policy", b"same-origin")]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def add(message):
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in self.extra if h[0] not in have]
            await send(message)

        await self.app(scope, receive, add)


@lru_cache(maxsize=1)
def plotly_js() -> bytes:
    """Plotly's bundle from the installed `plotly` package, its one CDN URL (geo maps, unused) made relative."""
    from ..report.build import _plotly_js

    return _plotly_js().encode()


def _warm_tables(app: FastAPI) -> None:
    """Compute the tables the pages share (panel, measures, proposals' forecasts) and the measures charts
    before the first visitor."""
    from .evidence import all_facts
    from .negotiation import Stopped
    from .pages import measures_figures, overview_figures

    ctx, stop = app.state.ctx, app.state.stopping
    steps = [*(lambda n=n: getattr(ctx, n) for n in ("measures", "dependence", "spells", "org_lead",
                                                      "citation_titles", "landmarks")),
             lambda: all_facts(ctx), lambda: app.state.proposals.table(stop)]
    for region, states in ctx.regions.items():
        steps += [lambda r=region: overview_figures(app, r), lambda s=tuple(states): measures_figures(app, s)]
    steps += [lambda s=s: measures_figures(app, (s,)) for s in ctx.states]
    for step in steps:   # the server's stop ends the warm-up between two steps (a proposal's forecast at most)
        if stop.is_set():
            return
        try:
            step()
        except Stopped:
            return
    app.state.warmed.set()


def create_app(case_path: str | Path | None = None, *, token: str | None = None, cache_dir: str | Path | None = None,
               workers: int = 2, max_queue: int = 64, idle_timeout: float = 30.0, max_upload: int = MAX_UPLOAD,
               warm: bool = True, sweeps: str | Path | None = None,
               allowed_hosts: tuple[str, ...] | list[str] = (), negotiation_timeout: float = 60.0) -> FastAPI:
    """The app over one case (default: the embedded one).

    token: required on every request when given (`multivector serve` gives one on a non-loopback host).
    cache_dir: where finished results are kept (default: the project's cache folder, see kb.store.cache_dir).
    workers, max_queue: the worker pool's size and how many jobs may wait.
    idle_timeout: seconds without a status poll after which a job is cancelled as abandoned.
    warm: start the workers and load the case in them at start-up.
    sweeps: a folder of analysed sweeps (`multivector sweep analyze DIR`) shown in the scenario lab.
    allowed_hosts: Host names answered besides the loopback ones (security.HostGuard: others get 400).
    negotiation_timeout: seconds a negotiation request that goes to the worker pool may take before it is
        cancelled (each model's size limit keeps one forecast to about 10 s).
    """
    from . import api, errors, pages
    from .context import WebContext
    from .jobs import JobManager, results_root
    from .negotiation import CaseProposals
    from .results import ResultStore
    from .scenarios import Library, library_folder

    ctx = WebContext(case_path)
    store = ResultStore(results_root(Path(cache_dir) if cache_dir else None))
    jobs = JobManager(str(case_path) if case_path else None, store, workers=workers, max_queue=max_queue,
                      idle_timeout=idle_timeout)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        import threading

        warming = threading.Thread(target=_warm_tables, args=(app,), daemon=True, name="multivector-warm")
        if warm:
            jobs.warm()
            warming.start()
        try:
            yield
        finally:
            app.state.stopping.set()   # the warm-up ends at its next step
            jobs.shutdown()            # first: the workers stop within seconds of a SIGTERM
            if warming.is_alive():     # a thread killed inside DuckDB at exit aborts the process
                warming.join(60)

    app = FastAPI(title="multivector", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="The evidence base, measures, scenarios, evaluation and negotiation models of "
                              "multivector. Errors are 422 with `detail`: `what — how to fix it`.")
    app.state.ctx, app.state.store, app.state.jobs = ctx, store, jobs
    app.state.library = Library(library_folder(), ctx.inputs.states, ctx.model_orgs, ctx.all_states)
    app.state.proposals = CaseProposals(ctx)
    from .sweeps import SweepShelf

    app.state.sweeps = SweepShelf(sweeps)
    app.state.settings = {"max_upload": int(max_upload), "token": token,
                          "negotiation_timeout": float(negotiation_timeout)}
    from .memo import Memo, PageCache

    app.state.memo = Memo(maxsize=1024)
    import threading

    app.state.warmed = threading.Event()   # set once the shared tables and charts are computed
    app.state.stopping = threading.Event()   # set when the server stops: the warm-up ends at its next step
    errors.install(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly() -> Response:
        return Response(plotly_js(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})

    @app.get("/api/v1/health", tags=["server"])
    def health() -> dict:
        """The server is up: its version, the case it serves and how many jobs are in each state."""
        return {"status": "ok", "version": __version__, "case": ctx.kb.name, "warm": app.state.warmed.is_set(),
                "jobs": jobs.counts()}

    from .security import DEFAULT_ALLOWED_HOSTS, BodyLimit, HostGuard, TokenMiddleware

    # the last added is the outermost: the headers go on every answer, the 400 of an unknown Host, the 413 of
    # a body too large and the 401 of a missing token included
    app.add_middleware(PageCache, memo=app.state.memo, paths=CACHED_PAGES)
    if token:
        app.add_middleware(TokenMiddleware, token=token)
    app.add_middleware(BodyLimit, upload_limit=int(max_upload) + 2**16)
    app.add_middleware(HostGuard, allowed=(*DEFAULT_ALLOWED_HOSTS, *allowed_hosts))
    app.add_middleware(SecurityHeaders)
    return app
