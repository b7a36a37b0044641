"""The token rule, as Jupyter has it: on any address but the loopback every request must carry the token.

The token is accepted from the `Authorization: token T` header, the
`X-Multivector-Token` header, a `?token=T` query (which then sets a cookie, so
links inside the pages work) or that cookie. Comparison is constant-time.
"""

from __future__ import annotations

import secrets

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse

COOKIE = "multivector_token"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def needs_token(host: str) -> bool:
    return host not in LOOPBACK


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _given(request: Request) -> tuple[str | None, bool]:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("token "):
        return auth[6:].strip(), False
    if request.headers.get("x-multivector-token"):
        return request.headers["x-multivector-token"], False
    if request.query_params.get("token"):
        return request.query_params["token"], True
    return request.cookies.get(COOKIE), False


class TokenMiddleware(BaseHTTPMiddleware):
    def __init__(self, app, token: str):
        super().__init__(app)
        self.token = token

    async def dispatch(self, request: Request, call_next):
        given, from_query = _given(request)
        if not given or not secrets.compare_digest(given.encode(), self.token.encode()):
            msg = "missing or wrong token — open the URL with ?token=… that `multivector serve` printed, " \
                  "or send the header `Authorization: token …`"
            if request.url.path.startswith("/api/"):
                return JSONResponse({"detail": msg, "problems": [msg]}, status_code=401)
            return HTMLResponse(f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Token needed"
                                f"</title></head><body><h1>Token needed</h1><p>{msg}</p></body></html>", 401)
        response = await call_next(request)
        if from_query:
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict")
        return response
