"""Who may talk to the server: the Host allow-list, the size of request bodies, and the token rule.

The Host allow-list stops DNS rebinding: a page on evil.example that points its
name at 127.0.0.1 reaches the loopback server, which has no token, but its
requests carry `Host: evil.example` and get 400. The loopback names are allowed
by default; `multivector serve --allowed-host NAME` adds one. Request bodies are
read up to a limit before anything parses them (Content-Length and streamed
bodies alike), so a 10 MB JSON is refused with 413, never parsed.

The token rule, as Jupyter has it: on any address but the loopback every request must carry the token.

The token is accepted from the `Authorization: token T` header, the
`X-Multivector-Token` header, a `?token=T` query (which then sets a cookie, so
links inside the pages work) or that cookie. Comparison is constant-time.
"""

from __future__ import annotations

import secrets

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request

COOKIE = "multivector_token"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: The Host names a server answers by default.
DEFAULT_ALLOWED_HOSTS = LOOPBACK
#: Largest body of a JSON request (a 2,000-actor negotiation problem is about 200 kB).
MAX_JSON_BODY = 2**20


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
            from .errors import error_response

            return error_response(request.url.path, 401, msg, title="Token needed")
        response = await call_next(request)
        if from_query:
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict")
        return response


def host_name(value: str) -> str:
    """The name of a Host header without its port: `[::1]:8000` -> `::1`, `LocalHost:80` -> `localhost`."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else ""
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class HostGuard:
    """ASGI middleware: 400 for a Host header that is not on the allow-list (or is missing or empty)."""

    def __init__(self, app, allowed: tuple[str, ...] = DEFAULT_ALLOWED_HOSTS):
        self.app = app
        self.allowed = {host_name(h) for h in allowed if h}

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        given = [v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"]
        name = host_name(given[0]) if len(given) == 1 else ""
        if name and name in self.allowed:
            return await self.app(scope, receive, send)
        from .errors import error_response

        shown = repr(given[0][:60]) if given else "none"
        response = error_response(scope.get("path", ""), 400,
                                  f"this server does not answer to the Host {shown} — open it at "
                                  f"http://127.0.0.1 or localhost, or start it with "
                                  f"`multivector serve --allowed-host NAME`", title="Unknown host")
        await response(scope, receive, send)


class BodyLimit:
    """ASGI middleware: read a request's body up to a limit before the app parses it; 413 beyond.

    JSON and other bodies: `json_limit`; multipart uploads: `upload_limit` (the file's limit plus the form's
    few fields). A declared Content-Length over the limit is refused before a byte is read.
    """

    def __init__(self, app, json_limit: int = MAX_JSON_BODY, upload_limit: int = 2**20 + 2**16):
        self.app, self.json_limit, self.upload_limit = app, int(json_limit), int(upload_limit)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k: v for k, v in scope.get("headers", [])}
        upload = headers.get(b"content-type", b"").lower().startswith(b"multipart/")
        limit = self.upload_limit if upload else self.json_limit
        declared = headers.get(b"content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            return await self._refuse(scope, receive, send, limit, upload)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":   # the client went away: nothing to answer
                return
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                return await self._refuse(scope, receive, send, limit, upload)
            chunks.append(body)
            if not message.get("more_body", False):
                break
        whole, sent = b"".join(chunks), False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": whole, "more_body": False}
            return await receive()   # after the body: the disconnect, when it comes

        await self.app(scope, replay, send)

    async def _refuse(self, scope, receive, send, limit: int, upload: bool) -> None:
        from .errors import error_response

        what = "upload" if upload else "request body"
        fix = ("upload a smaller file (a negotiation table is a few kilobytes), or start the server with a "
               "larger --max-upload-mb") if upload else "send a smaller JSON body"
        response = error_response(scope.get("path", ""), 413, f"the {what} is over the limit of "
                                  f"{limit / 2**10:,.0f} kB — {fix}", title="Too large")
        await response(scope, receive, send)
