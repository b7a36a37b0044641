"""A bounded, thread-safe memo for answers that depend only on the case (fixed while the server runs).

The pages and API reads of one case never change while it is served, so each
distinct request is computed once and answered from memory after that; the
least recently used answers are dropped beyond `maxsize` entries or `maxbytes` of
answer bodies (a page is up to ~150 KB; the default budget is 64 MB).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class Memo:
    def __init__(self, maxsize: int = 1024, maxbytes: int = 64 * 2**20):
        self.maxsize, self.maxbytes = maxsize, maxbytes
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._sizes: dict[Hashable, int] = {}
        self.bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def peek(self, key: Hashable) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
        return None

    def put(self, key: Hashable, value: Any) -> None:
        size = _size(value)
        with self._lock:
            self.misses += 1
            self.bytes += size - self._sizes.get(key, 0)
            self._data[key], self._sizes[key] = value, size
            self._data.move_to_end(key)
            while self._data and (len(self._data) > self.maxsize or self.bytes > self.maxbytes):
                old, _ = self._data.popitem(last=False)
                self.bytes -= self._sizes.pop(old)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        hit = self.peek(key)
        if hit is not None:
            return hit
        value = compute()            # outside the lock: a slow answer does not hold up the others
        self.put(key, value)
        return value


def _size(value: Any) -> int:
    """Bytes an answer holds, roughly: its body (bytes or str), or the bodies inside a tuple or dict."""
    if isinstance(value, bytes | str):
        return len(value)
    if isinstance(value, tuple | list):
        return sum(_size(v) for v in value) + 64
    if isinstance(value, dict):
        return sum(_size(v) for v in value.values()) + 64
    return 64


def request_key(request) -> tuple:
    """A request's path and its query items in order-free form."""
    return request.url.path, tuple(sorted(request.query_params.multi_items()))


class PageCache:
    """ASGI middleware: GET answers of the pages in `paths` (they depend only on the case and the query)
    kept in a `Memo` and sent again without running the page. Errors (4xx) are kept too; 5xx never."""

    def __init__(self, app, memo: Memo, paths: set[str]):
        self.app, self.memo, self.paths = app, memo, paths

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] not in self.paths:
            return await self.app(scope, receive, send)
        from urllib.parse import parse_qsl

        key = ("page", scope["path"], tuple(sorted(parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                                                             keep_blank_values=True))))
        hit = self.memo.peek(key)
        if hit is None:
            start, chunks = {}, []

            async def capture(message):
                if message["type"] == "http.response.start":
                    start.update(message)
                elif message["type"] == "http.response.body":
                    chunks.append(message.get("body", b""))
                await send(message)

            await self.app(scope, receive, capture)
            if start and start["status"] < 500:
                self.memo.put(key, (start["status"], list(start.get("headers", [])), b"".join(chunks)))
            return
        status, headers, body = hit
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
