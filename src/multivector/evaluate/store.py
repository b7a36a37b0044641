"""The latest evaluation of a case, kept in the cache folder so the report can show it without re-running it."""

from __future__ import annotations

import json
from pathlib import Path

from ..io_utils import write_atomic
from ..model.inputs import ModelInputs
from .engagement import inputs_digest


def _regional(inp: ModelInputs) -> ModelInputs:
    """The inputs cut to the regional states: an evaluation fitted on the pooled states and the
    regional inputs the report and the web app hold find the same stored entry."""
    from dataclasses import replace

    keep = [i for i, s in enumerate(inp.states) if s in inp.regional] if inp.regional else []
    if not keep or len(keep) == len(inp.states):
        return inp
    d = inp.drivers
    drivers = type(d)(state={k: v[:, keep] for k, v in d.state.items()},
                      dependence={k: v[:, keep] for k, v in d.dependence.items()},
                      power=d.power, pressure=d.pressure, provenance=d.provenance)
    return replace(inp, states=[inp.states[i] for i in keep], record=inp.record[:, keep],
                   max_level=inp.max_level[:, keep], allowed=inp.allowed[:, keep], drivers=drivers,
                   neighbours=None)


def _path(inp: ModelInputs, drivers: str = "coded") -> Path:
    """Where the latest evaluation of these inputs is kept; the ex-ante (frozen) one beside the coded one."""
    from ..kb.store import cache_dir

    suffix = "" if drivers == "coded" else f"-{drivers}"
    return cache_dir() / "evaluations" / f"{inputs_digest(_regional(inp))[:24]}{suffix}.json"


def save_latest(ev, inp: ModelInputs) -> Path:
    """Store an evaluation's summaries (scores, events, reliability, CORP curve, theory test) under the
    case's digest and its driver mode."""
    return write_atomic(_path(inp, getattr(ev, "drivers", "coded")), json.dumps(ev.to_dict()))


def load_latest(inp: ModelInputs, drivers: str = "coded") -> dict | None:
    """The stored evaluation of exactly these inputs in one driver mode, or None."""
    path = _path(inp, drivers)
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None
