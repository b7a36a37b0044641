"""A bounded, thread-safe memo for answers that depend only on the case (fixed while the server runs).

The pages and API reads of one case never change while it is served, so each
distinct request is computed once and answered from memory after that; the
least recently used answers are dropped beyond `maxsize` (the pages are tens of
kilobytes, so the default holds a few tens of megabytes at most).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class Memo:
    def __init__(self, maxsize: int = 512):
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
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
        with self._lock:
            self.misses += 1
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
        value = compute()            # outside the lock: a slow answer does not hold up the others
        with self._lock:
            self.misses += 1
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return value


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
