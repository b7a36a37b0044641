"""The latest evaluation of a case, kept in the cache folder so the report can show it without re-running it."""

from __future__ import annotations

import json
from pathlib import Path

from ..io_utils import write_atomic
from ..model.inputs import ModelInputs
from .engagement import inputs_digest


def _path(inp: ModelInputs) -> Path:
    from ..kb.store import cache_dir

    return cache_dir() / "evaluations" / f"{inputs_digest(inp)[:24]}.json"


def save_latest(ev, inp: ModelInputs) -> Path:
    """Store an evaluation's summaries (scores, events, reliability, CORP curve) under the case's digest."""
    return write_atomic(_path(inp), json.dumps(ev.to_dict()))


def load_latest(inp: ModelInputs) -> dict | None:
    """The stored evaluation of exactly these inputs, or None."""
    path = _path(inp)
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None
