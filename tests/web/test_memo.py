"""The memo of case-only answers: bounded by entries and by bytes, least recently used dropped first."""

from __future__ import annotations

from multivector.web.memo import Memo


def test_bounded_by_entries_and_bytes():
    m = Memo(maxsize=3, maxbytes=10_000)
    for k in range(5):
        m.get(k, lambda k=k: b"x" * 10)
    assert m.peek(0) is None and m.peek(4) == b"x" * 10 and len(m._data) == 3
    m.get("big", lambda: b"y" * 9_000)
    m.get("big2", lambda: b"z" * 9_000)
    assert m.peek("big") is None and m.bytes <= 10_000


def test_computed_once():
    m, calls = Memo(), []
    for _ in range(3):
        m.get("k", lambda: calls.append(1) or "answer")
    assert calls == [1] and m.hits == 2
