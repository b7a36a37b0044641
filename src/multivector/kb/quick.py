"""The light questions — who was in an organization in a year, one fact by its id — without DuckDB or pandas.

`multivector kb members` and `kb show` answer from a snapshot: a JSON file beside the compiled
database, holding the rows these two questions read, named by the same content hash (so any edit of
a case file, or an import, makes it stale exactly when the database is). Loading it costs a few
milliseconds where DuckDB and pandas cost a third of a second of CPU. Without a fresh snapshot,
:func:`load` compiles the case as :meth:`CaseBase.load <multivector.kb.casebase.CaseBase.load>` does
(validating it, raising `CaseError`) and writes one.

The answers are the same as `CaseBase.members` and `CaseBase.find`, as JSON-safe rows (a test
compares every organization, year and id).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .fingerprint import database_path, default_case_path, hash_folder
from .problems import UnknownIdError

#: Where `find` looks, in its order (the first kind holding an id wins, as in `CaseBase.find`).
FIND_ORDER = ("event", "claim", "indicator", "source", "proposal", "actor", "organization")
_STATUS_ORDER = {"member": 0, "associate": 1, "observer": 2, "partner": 3}
MEMBER_COLUMNS = ["actor", "name", "kind", "status", "start", "end", "sources"]


def snapshot_path(folder: Path, digest: str) -> Path:
    return database_path(folder.name, digest, folder).with_suffix(".quick.json")


def build_snapshot(kb) -> dict:
    """The rows the light questions read, from a loaded `CaseBase` (JSON-safe)."""
    from ..io_utils import plain, records

    mem = kb.sql('SELECT actor, org, status, start, "end", start_year, end_year, CAST(start_date AS VARCHAR) '
                 'AS start_date, sources FROM memberships ORDER BY org, actor, start_date')
    orgs = kb.sql("SELECT id, founded, ended, founded_year, ended_year, predecessor FROM organizations ORDER BY id")
    tables = {"event": kb.events(), "claim": kb.claims(), "indicator": kb.indicators(), "source": kb.sources(),
              "proposal": kb.proposals(), "actor": kb.actors(), "organization": kb.organizations()}
    facts: dict[str, list] = {}
    for kind in FIND_ORDER:
        for row in tables[kind].to_dict(orient="records"):
            facts.setdefault(row["id"], [kind, {k: plain(v) for k, v in row.items()}])
    return {"content_hash": kb.content_hash, "actors": records(kb.sql("SELECT id, name, kind FROM actors")),
            "organizations": records(orgs), "memberships": records(mem), "facts": facts, "ids": kb.all_ids()}


def _write(path: Path, data: dict) -> None:
    """Atomically, and drop the snapshots of older contents of the same folder (best effort: a cache)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    stem = path.name.rsplit("-", 1)[0]
    for old in path.parent.glob(f"{stem}-*.quick.json"):
        if old != path:
            old.unlink(missing_ok=True)


def load(folder: str | Path | None = None) -> QuickBase:
    """The snapshot of a case folder (default: the embedded case), written first if missing or stale."""
    folder = Path(folder) if folder else default_case_path()
    digest = hash_folder(folder) if folder.is_dir() else ""
    path = snapshot_path(folder, digest) if digest else None
    if path is not None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("content_hash") == digest:
                return QuickBase(data)
        except (OSError, ValueError):   # missing, half-copied or damaged: rebuilt below
            pass
    from .casebase import CaseBase

    kb = CaseBase.load(folder)   # validates the case (CaseError) and compiles it
    data = build_snapshot(kb)
    if path is not None and kb.db_path is not None:
        try:
            _write(path, data)
        except OSError:   # a read-only cache folder: answer from memory this time
            pass
    return QuickBase(data)


@dataclass
class QuickBase:
    """Answers from a snapshot (see the module docstring)."""

    data: dict

    def org_ids(self) -> list[str]:
        return sorted(o["id"] for o in self.data["organizations"])

    def require_org(self, org: str) -> str:
        ids = self.org_ids()
        if org.upper() in ids:
            return org.upper()
        raise UnknownIdError("organization", org, ids)

    def organization(self, org: str) -> dict:
        org = self.require_org(org)
        return next(o for o in self.data["organizations"] if o["id"] == org)

    def org_exists(self, org: str, year: int) -> bool:
        o = self.organization(org)
        return o["founded_year"] <= year and (o["ended_year"] is None or o["ended_year"] >= year)

    def members(self, org: str, year: int) -> list[dict]:
        """Who was in `org` during `year`, with the status held last in that year (as `CaseBase.members`)."""
        org = self.require_org(org)
        actors = {a["id"]: a for a in self.data["actors"]}
        latest: dict[str, dict] = {}
        for m in self.data["memberships"]:
            if m["org"] != org or m["start_year"] > year or (m["end_year"] is not None and m["end_year"] < year):
                continue
            if m["actor"] not in latest or m["start_date"] > latest[m["actor"]]["start_date"]:
                latest[m["actor"]] = m
        rows = [{"actor": a, "name": actors[a]["name"], "kind": actors[a]["kind"], "status": m["status"],
                 "start": m["start"], "end": m["end"], "sources": m["sources"]} for a, m in latest.items()]
        rows.sort(key=lambda r: r["actor"])
        rows.sort(key=lambda r: r["kind"], reverse=True)
        rows.sort(key=lambda r: _STATUS_ORDER.get(r["status"], 4))
        return rows

    def find(self, fact_id: str) -> tuple[str, dict] | None:
        """(kind, every field) of the fact, source, actor, organization or proposal with this id, or None."""
        hit = self.data["facts"].get(fact_id)
        return (hit[0], hit[1]) if hit else None

    def all_ids(self) -> list[str]:
        return list(self.data["ids"])
