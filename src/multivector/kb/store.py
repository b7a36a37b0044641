"""Compile a validated case into an embedded DuckDB database, cached by content hash.

The database file is named after the hash of every case file, so editing a case
file makes the next load rebuild it. A build writes a temporary file and renames
it into place: a reader never sees a half-written database.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa

from .dates import PartialDate, parse_period
from .fingerprint import SCHEMA_VERSION, cache_dir, database_path  # noqa: F401 (re-exported)
from .loader import Case

STR = pa.string()
LIST = pa.list_(pa.string())
INT = pa.int64()
FLOAT = pa.float64()
DATE = pa.date32()


def _table(rows: list[dict], schema: list[tuple[str, pa.DataType]]) -> pa.Table:
    fields = pa.schema(schema)
    columns = {name: [r.get(name) for r in rows] for name, _ in schema}
    return pa.table(columns, schema=fields)


def _year(date: str | None) -> int | None:
    return PartialDate.parse(date).year if date else None


def case_tables(case: Case) -> dict[str, pa.Table]:
    """Every table of the database, as Arrow tables (one row per fact)."""
    src = [dict(r.model_dump(), file=loc.file, line=loc.line) for loc in case.sources for r in [loc.row]]
    tables: dict[str, pa.Table] = {}
    tables["sources"] = _table(src, [("id", STR), ("kind", STR), ("authors", STR), ("title", STR), ("venue", STR),
                                     ("publisher", STR), ("year", INT), ("url", STR), ("note", STR),
                                     ("file", STR), ("line", INT)])
    actors = [dict(loc.row.model_dump(), file=loc.file, line=loc.line) for loc in case.actors]
    tables["actors"] = _table(actors, [("id", STR), ("name", STR), ("kind", STR), ("cow_code", INT), ("pole", STR),
                                       ("sources", LIST), ("note", STR), ("file", STR), ("line", INT)])
    orgs, leads = [], []
    for loc in case.organizations:
        o = loc.row
        d = o.model_dump()
        d.update(founded_year=_year(o.founded), ended_year=_year(o.ended),
                 lead=json.dumps(o.lead), justification=json.dumps(o.justification), file=loc.file, line=loc.line)
        orgs.append(d)
        leads += [{"org": o.id, "pole": p, "weight": w} for p, w in o.lead.items()]
    tables["organizations"] = _table(orgs, [
        ("id", STR), ("name", STR), ("domain", STR), ("founded", STR), ("ended", STR), ("founded_year", INT),
        ("ended_year", INT), ("predecessor", STR), ("successor", STR), ("merged_into", STR), ("lead", STR),
        ("depth", FLOAT), ("decision_rule", STR), ("cow_abbrev", STR), ("justification", STR),
        ("sources", LIST), ("note", STR), ("file", STR), ("line", INT)])
    tables["org_leads"] = _table(leads, [("org", STR), ("pole", STR), ("weight", FLOAT)])
    mems = []
    for loc in case.memberships:
        m = loc.row
        mems.append(dict(m.model_dump(), start_year=_year(m.start), end_year=_year(m.end),
                         start_date=PartialDate.parse(m.start).earliest,
                         end_date=PartialDate.parse(m.end).latest if m.end else None,
                         file=loc.file, line=loc.line))
    tables["memberships"] = _table(mems, [
        ("actor", STR), ("org", STR), ("status", STR), ("start", STR), ("end", STR), ("start_year", INT),
        ("end_year", INT), ("start_date", DATE), ("end_date", DATE), ("sources", LIST), ("note", STR),
        ("file", STR), ("line", INT)])
    events = [dict(loc.row.model_dump(), year=_year(loc.row.date),
                   sort_date=PartialDate.parse(loc.row.date).earliest, file=loc.file, line=loc.line)
              for loc in case.events]
    tables["events"] = _table(events, [
        ("id", STR), ("date", STR), ("year", INT), ("sort_date", DATE), ("precision", STR), ("actors", LIST),
        ("org", STR), ("kind", STR), ("summary", STR), ("sources", LIST), ("note", STR), ("file", STR), ("line", INT)])
    inds = []
    for loc in case.indicators:
        first, last = parse_period(loc.row.period)
        inds.append(dict(loc.row.model_dump(), period_start=first, period_end=last, file=loc.file, line=loc.line))
    tables["indicators"] = _table(inds, [
        ("id", STR), ("name", STR), ("actor", STR), ("partner", STR), ("value", FLOAT), ("unit", STR),
        ("period", STR), ("period_start", INT), ("period_end", INT), ("sources", LIST), ("note", STR),
        ("file", STR), ("line", INT)])
    claims = []
    for loc in case.claims:
        c = loc.row
        first, last = parse_period(c.period) if c.period else (None, None)
        claims.append(dict(c.model_dump(), period_start=first, period_end=last, file=loc.file, line=loc.line))
    tables["claims"] = _table(claims, [
        ("id", STR), ("statement", STR), ("actors", LIST), ("org", STR), ("mechanism", STR), ("period", STR),
        ("period_start", INT), ("period_end", INT), ("proposal", STR), ("stance", STR), ("holders", LIST), ("sources", LIST),
        ("note", STR), ("file", STR), ("line", INT)])
    props = [dict(loc.row.model_dump(), file=loc.file, line=loc.line) for loc in case.proposals]
    tables["proposals"] = _table(props, [
        ("id", STR), ("org", STR), ("proposer", STR), ("year", INT), ("title", STR), ("summary", STR), ("outcome", STR),
        ("outcome_position", FLOAT), ("sources", LIST), ("note", STR), ("file", STR), ("line", INT)])
    pos = [dict(loc.row.model_dump(), file=loc.file, line=loc.line) for loc in case.positions]
    tables["positions"] = _table(pos, [
        ("proposal", STR), ("actor", STR), ("position", FLOAT), ("evidence", LIST), ("justification", STR),
        ("file", STR), ("line", INT)])
    dis = [dict(loc.row.model_dump(by_alias=True), file=loc.file, line=loc.line) for loc in case.disagreements]
    tables["cow_disagreements"] = _table(dis, [
        ("actor", STR), ("org", STR), ("cow_column", STR), ("from", INT), ("to", INT), ("cow_status", STR),
        ("base_status", STR), ("follows", STR), ("reason", STR), ("sources", LIST), ("file", STR), ("line", INT)])
    drivers = [dict(loc.row.model_dump(by_alias=True), file=loc.file, line=loc.line) for loc in case.drivers]
    tables["drivers"] = _table(drivers, [
        ("driver", STR), ("actor", STR), ("partner", STR), ("org", STR), ("from", INT), ("to", INT),
        ("value", FLOAT), ("evidence", LIST), ("justification", STR), ("file", STR), ("line", INT)])
    series = [dict(loc.row.model_dump(), file=loc.file, line=loc.line) for loc in case.series]
    tables["series"] = _table(series, [
        ("series", STR), ("actor", STR), ("partner", STR), ("year", INT), ("value", FLOAT), ("unit", STR),
        ("sources", LIST), ("file", STR), ("line", INT)])
    # Series points are not rows of `citations` (thousands of points citing a few data sets would swamp
    # the per-fact counts); their `sources` column holds the citation ids.
    cites = []
    for kind in ("actors", "organizations", "events", "indicators", "claims", "proposals"):
        for loc in getattr(case, kind):
            for c in loc.row.sources:
                source, _, locator = c.partition(":")
                cites.append({"kind": kind, "fact": loc.row.id, "citation": c, "source": source,
                              "locator": locator or None})
    for loc in case.memberships:
        m = loc.row
        for c in m.sources:
            source, _, locator = c.partition(":")
            cites.append({"kind": "memberships", "fact": f"{m.actor}/{m.org}/{m.status}/{m.start}",
                          "citation": c, "source": source, "locator": locator or None})
    tables["citations"] = _table(cites, [("kind", STR), ("fact", STR), ("citation", STR), ("source", STR),
                                         ("locator", STR)])
    meta = [{"key": "name", "value": str(case.meta.get("name", case.folder.name))},
            {"key": "content_hash", "value": case.content_hash},
            {"key": "schema_version", "value": SCHEMA_VERSION},
            {"key": "meta", "value": json.dumps(case.meta, default=str)}]
    tables["case_info"] = _table(meta, [("key", STR), ("value", STR)])
    return tables


def write_database(case: Case, path: Path) -> Path:
    """Write the case to `path` atomically (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.stem + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # DuckDB wants to create the file itself
    try:
        con = duckdb.connect(tmp)
        try:
            for name, table in case_tables(case).items():
                con.register("_arrow", table)
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _arrow')
                con.unregister("_arrow")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, tmp + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return path


class CacheWarning(UserWarning):
    """The compiled cache could not be used; the case was read from its files instead."""


def open_cached(db: Path, content_hash: str) -> duckdb.DuckDBPyConnection | None:
    """A read-only connection to a cache file that holds this content, or None if it is missing or damaged.

    Damage (a truncated file, a corrupted block, a file another process just
    replaced) shows as a DuckDB error on opening or on reading the tables; the
    caller then rebuilds from the case files, which are always the real copy.
    """
    try:
        con = duckdb.connect(str(db), read_only=True)
    except (duckdb.Error, OSError):
        return None
    try:
        info = dict(con.execute("SELECT key, value FROM case_info").fetchall())
        if info.get("content_hash") != content_hash:
            raise duckdb.Error("content hash differs")
        for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
            con.execute(f'SELECT * FROM "{name}"').fetchall()   # reads every block: checksums are verified
    except (duckdb.Error, OSError):
        con.close()
        return None
    return con


def in_memory(case: Case) -> duckdb.DuckDBPyConnection:
    """A database in memory (used when the cache folder cannot be written)."""
    con = duckdb.connect(":memory:")
    for name, table in case_tables(case).items():
        con.register("_arrow", table)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _arrow')
        con.unregister("_arrow")
    return con
