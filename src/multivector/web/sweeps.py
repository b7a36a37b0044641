"""Sweep analyses in the scenario lab: what `multivector sweep analyze DIR` stored, shown as charts.

The folders are the operator's (`multivector serve --sweeps DIR`), read once at start; a request names
a sweep by the id listed here, never by a path. A sweep is never re-run or re-analysed by the server.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import WebInputError

ANALYSIS = Path("analysis") / "analysis.json"
MAX_SWEEPS = 200


@dataclass(frozen=True)
class StoredSweep:
    id: str
    folder: Path
    analysis: dict


def _sweep_id(folder: Path, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_.-]", "_", folder.name)[:60] or "sweep"
    sid, k = base, 2
    while sid in taken:
        sid, k = f"{base}-{k}", k + 1
    return sid


class SweepShelf:
    """The analysed sweeps under one folder: the folder itself if analysed, else each analysed sub-folder."""

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder else None
        self.sweeps: dict[str, StoredSweep] = {}
        self.problems: list[str] = []   # analyses that could not be read, said once at start
        if self.folder is None:
            return
        if not self.folder.is_dir():
            raise ValueError(f"--sweeps {self.folder} is not a folder; give the folder of a sweep, or one holding "
                             "several, each analysed with `multivector sweep analyze DIR`")
        candidates = [self.folder] if (self.folder / ANALYSIS).is_file() else sorted(
            p for p in self.folder.iterdir() if (p / ANALYSIS).is_file())
        for path in candidates[:MAX_SWEEPS]:
            try:
                from ..sweep.analyze import Analysis
                from ..textfiles import read_json

                data = read_json(path / ANALYSIS, "sweep analysis", max_bytes=64 * 2**20)

                Analysis.from_dict(data)   # checks it is an analysis before it is listed
            except (ValueError, KeyError, TypeError) as exc:   # InputFileError is a ValueError
                self.problems.append(f"{path / ANALYSIS}: not a readable sweep analysis ({exc}); "
                                     f"run `multivector sweep analyze {path}` again")
                continue
            sid = _sweep_id(path, set(self.sweeps))
            self.sweeps[sid] = StoredSweep(sid, path, data)

    def list(self) -> list[dict]:
        """One summary per sweep: id, name, design, points, runs, seed, factors, outcomes, PRIM condition."""
        out = []
        for s in self.sweeps.values():
            a = s.analysis
            out.append({"id": s.id, "name": a["name"], "method": a["design"],
                        "points": a["n_points"], "runs": a["runs_per_point"], "seed": a["seed"],
                        "factors": list(a["factors"]), "outcomes": list(a["outcomes"]),
                        "find": (a.get("prim") or {}).get("condition")})
        return out

    def get(self, sweep_id: str) -> dict:
        """The stored analysis with its Plotly figures (JSON) and the PRIM box as rows."""
        s = self.sweeps.get(sweep_id)
        if s is None:
            known = ", ".join(self.sweeps) or "none: start the server with --sweeps DIR"
            raise WebInputError(f"unknown sweep {sweep_id!r}", f"use one of {known}", status=404)
        from ..report.sweep_figures import sweep_figures
        from ..sweep.analyze import Analysis, index_warnings

        a = Analysis.from_dict(s.analysis)
        summary = next(x for x in self.list() if x["id"] == sweep_id)
        box, chosen = None, None
        if a.prim is not None:
            t = a.prim["trajectory"].iloc[int(a.prim["chosen"])]
            chosen = {"box": int(a.prim["chosen"]), "coverage": float(t.coverage), "density": float(t.density),
                      "mass": float(t.mass), "cases": int(a.prim["cases"]), "points": int(a.prim["points"])}
            box = json.loads(a.prim["box"].to_json(orient="records"))
        return {**summary, "figures": [json.loads(f.to_json()) for f in sweep_figures(a)], "prim_box": box,
                "prim_chosen": chosen, "warnings": index_warnings(a)}
