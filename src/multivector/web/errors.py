"""Bad requests as 422 with the project's one-line message `what — how to fix it`."""

from __future__ import annotations

import html

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response


class WebInputError(ValueError):
    """A request value the app refuses; str() is `what — how to fix it`, `problems` one such line each."""

    def __init__(self, what: str, fix: str, status: int = 422, problems: list[str] | None = None):
        self.what, self.fix, self.status = what, fix, status
        self.problems = problems or [f"{what} — {fix}"]
        super().__init__(f"{what} — {fix}")


def reply(status: int, problems: list[str]) -> JSONResponse:
    """The API's error form: {detail, problems}, each problem `what — how to fix it`."""
    return JSONResponse({"detail": problems[0] if len(problems) == 1 else
                         f"{len(problems)} problems: " + "; ".join(problems), "problems": problems},
                        status_code=status)


def error_page(status: int, title: str, line: str) -> HTMLResponse:
    """The pages' error form: a small page with the one line and a way back."""
    return HTMLResponse(f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}</title>"
                        f"<link rel=stylesheet href=/static/app.css></head><body><main><h1>{html.escape(title)}</h1>"
                        f"<p>{html.escape(line)}</p><p><a href=\"/\">Overview</a></p></main></body></html>", status)


def error_response(path: str, status: int, line: str, title: str = "Not here") -> Response:
    """A refusal in the app's error form: JSON under /api/, a page elsewhere (the CSP is added around both)."""
    return reply(status, [line]) if path.startswith("/api/") else error_page(status, title, line)


def _field(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form")]
    return ".".join(parts) or "request"


def _pydantic_line(err: dict) -> str:
    field = _field(err.get("loc", ()))
    msg = err.get("msg", "invalid value")
    kind = err.get("type", "")
    if kind == "json_invalid":
        where = err.get("ctx", {}).get("error", "")
        return f"the body is not valid JSON ({where or 'cannot be parsed'}) — send one JSON object (see /docs)"
    if kind == "missing":
        return f"`{field}` is missing — add it to the request"
    if kind in ("extra_forbidden",):
        return f"unknown field `{field}` — remove it (see /docs for the fields this endpoint takes)"
    if kind == "string_pattern_mismatch":
        return (f"`{field}` may hold only letters, digits, `_`, `.` and `-`, starting with a letter or digit, "
                f"got {str(err.get('input'))[:40]!r} — write e.g. my-scenario")
    msg = msg[:1].lower() + msg[1:]
    got = err.get("input")
    shown = repr(got)[:60] if got is not None and not isinstance(got, dict | list) else "this value"
    return f"`{field}`: {msg}, got {shown} — see /docs for what this field takes"


def install(app: FastAPI) -> None:
    """Map the app's and the library's input errors to 422 {detail, problems}."""
    from starlette.exceptions import HTTPException

    from ..kb import CaseError, UnknownIdError
    from ..negotiation.io import NegotiationFileError
    from ..textfiles import TextFileError

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        if exc.status_code == 404:
            line = f"nothing at {request.url.path[:100]} — see /docs for the API's endpoints and the pages"
        elif exc.status_code == 405:
            line = f"{request.method} is not taken at {request.url.path[:100]} — see /docs for the methods each takes"
        else:
            line = f"{exc.detail} — see /docs"
        return error_response(request.url.path, exc.status_code, line)

    @app.exception_handler(WebInputError)
    async def _web(request: Request, exc: WebInputError):
        return reply(exc.status, exc.problems)

    @app.exception_handler(RequestValidationError)
    async def _pydantic(request: Request, exc: RequestValidationError):
        return reply(422, [_pydantic_line(e) for e in exc.errors()])

    @app.exception_handler(CaseError)
    async def _case(request: Request, exc: CaseError):
        return reply(422, [f"{p.message} — {p.fix}" if p.file.startswith("<") else str(p) for p in exc.problems])

    @app.exception_handler(UnknownIdError)
    async def _unknown(request: Request, exc: UnknownIdError):
        return reply(422, [str(exc)])

    @app.exception_handler(NegotiationFileError)
    async def _negotiation(request: Request, exc: NegotiationFileError):
        return reply(422, [str(exc) if " — " in str(exc) else f"{exc} — check the file's layout (docs/negotiation.md)"])

    @app.exception_handler(TextFileError)
    async def _text(request: Request, exc: TextFileError):
        return reply(422, [str(exc)])

    @app.exception_handler(OSError)
    async def _environment(request: Request, exc: OSError):
        """A fault of the machine (a full disk, a read-only cache folder): say what and where, no traceback."""
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        return error_response(request.url.path, 507 if exc.errno in _FULL else 503,
                              f"the server cannot write its results: {exc.strerror or exc}{where} — free space or "
                              "fix the permissions of its cache folder (MULTIVECTOR_CACHE_DIR), then try again",
                              title="The server cannot store results")


#: errnos of a full disk or quota.
_FULL = (28, 122)
