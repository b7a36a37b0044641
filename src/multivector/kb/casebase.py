"""`CaseBase`: the evidence base of one case, queried through DuckDB.

>>> from multivector import CaseBase
>>> kb = CaseBase.load()
>>> kb.status("UZB", "CSTO", 2008), kb.status("UZB", "CSTO", 2013)
('member', 'none')
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import duckdb
import pandas as pd

from .loader import _hash_folder, default_case_path, load_case
from .problems import UnknownIdError
from .store import CacheWarning, database_path, in_memory, open_cached, write_database

KINDS = ("actors", "organizations", "memberships", "events", "indicators", "claims", "sources")


def _year_filter(col_start: str, col_end: str) -> str:
    # A spell counts for a year if it is active at any time during that year.
    return f"{col_start} <= $year AND ({col_end} IS NULL OR {col_end} >= $year)"


class CaseBase:
    """Query facade over a compiled case. Every query returns a pandas DataFrame."""

    def __init__(self, con: duckdb.DuckDBPyConnection, folder: Path, db_path: Path | None):
        self.con = con
        self.folder = folder
        self.db_path = db_path
        info = dict(con.execute("SELECT key, value FROM case_info").fetchall())
        self.name: str = info["name"]
        self.content_hash: str = info["content_hash"]
        self.meta: dict = json.loads(info["meta"])

    # -- loading ---------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None, *, cache: bool = True) -> CaseBase:
        """Load a case folder (default: the embedded Central Asia case).

        The compiled database is reused while no case file changes; otherwise the
        folder is validated (raising `CaseError` with every problem) and rebuilt.
        """
        folder = Path(path) if path else default_case_path()
        digest = _hash_folder(folder) if folder.is_dir() else ""
        db = database_path(folder.name, digest, folder) if digest else None
        if cache and db is not None and db.exists():
            con = open_cached(db, digest)
            if con is not None:
                return cls(con, folder, db)
            warnings.warn(f"the cached database {db} is damaged or was replaced; rebuilding it from the case files",
                          CacheWarning, stacklevel=2)
        case = load_case(folder)
        if cache and db is not None:
            try:
                write_database(case, db)
                for old in db.parent.glob(f"{db.name.rsplit('-', 1)[0]}-*.duckdb"):
                    if old != db:   # an open reader keeps its file: unlinking does not disturb it
                        old.unlink(missing_ok=True)
                con = open_cached(db, digest)
                if con is not None:
                    return cls(con, folder, db)
            except (OSError, duckdb.Error) as exc:   # read-only or full cache folder: work from memory
                warnings.warn(f"cannot write the cache in {db.parent} ({exc}); reading the case from its files "
                              "(set MULTIVECTOR_CACHE_DIR to a writable folder to cache it)", CacheWarning, stacklevel=2)
        return cls(in_memory(case), folder, None)

    def close(self) -> None:
        self.con.close()

    def sql(self, query: str, params: dict | list | None = None) -> pd.DataFrame:
        """Run any SQL query on the case tables (see `tables()`)."""
        return self.con.execute(query, params or {}).df()

    def tables(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]

    # -- ids -------------------------------------------------------------------------------
    def actor_ids(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT id FROM actors ORDER BY id").fetchall()]

    def org_ids(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT id FROM organizations ORDER BY id").fetchall()]

    def require_actor(self, actor: str) -> str:
        ids = self.actor_ids()
        if actor.upper() in ids:
            return actor.upper()
        raise UnknownIdError("actor", actor, ids)

    def require_org(self, org: str) -> str:
        ids = self.org_ids()
        if org.upper() in ids:
            return org.upper()
        raise UnknownIdError("organization", org, ids)

    @property
    def regional_states(self) -> list[str]:
        states = self.meta.get("regional_states")
        if states:
            return list(states)
        return [r[0] for r in self.con.execute("SELECT id FROM actors WHERE kind='regional_state' ORDER BY id").fetchall()]

    # -- queries ---------------------------------------------------------------------------
    def actors(self, kind: str | None = None) -> pd.DataFrame:
        q = "SELECT id, name, kind, cow_code, pole, sources FROM actors"
        if kind:
            return self.sql(q + " WHERE kind = $kind ORDER BY id", {"kind": kind})
        return self.sql(q + " ORDER BY kind, id")

    def organizations(self) -> pd.DataFrame:
        return self.sql("""SELECT id, name, domain, founded, ended, predecessor, successor, merged_into,
                                  lead, depth, decision_rule, cow_abbrev, justification, sources
                           FROM organizations ORDER BY founded, id""")

    def organization(self, org: str) -> dict:
        org = self.require_org(org)
        row = self.sql("SELECT * FROM organizations WHERE id = $id", {"id": org}).iloc[0].to_dict()
        row["lead"] = json.loads(row["lead"])
        row["justification"] = json.loads(row["justification"])
        return row

    def memberships(self, actor: str | None = None, org: str | None = None,
                    status: str | None = None) -> pd.DataFrame:
        where, params = [], {}
        if actor:
            where.append("actor = $actor")
            params["actor"] = self.require_actor(actor)
        if org:
            where.append("org = $org")
            params["org"] = self.require_org(org)
        if status:
            where.append("status = $status")
            params["status"] = status
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        return self.sql(f"""SELECT actor, org, status, start, "end", sources, note
                            FROM memberships {clause} ORDER BY org, actor, start_date""", params)

    def members(self, org: str, year: int) -> pd.DataFrame:
        """Who was in `org` during `year`, with the status held last in that year."""
        org = self.require_org(org)
        return self.sql(f"""
            SELECT m.actor, a.name, a.kind, m.status, m.start, m."end", m.sources
            FROM memberships m JOIN actors a ON a.id = m.actor
            WHERE m.org = $org AND {_year_filter('m.start_year', 'm.end_year')}
            QUALIFY row_number() OVER (PARTITION BY m.actor ORDER BY m.start_date DESC) = 1
            ORDER BY CASE m.status WHEN 'member' THEN 0 WHEN 'associate' THEN 1 WHEN 'observer' THEN 2
                     WHEN 'partner' THEN 3 ELSE 4 END, a.kind DESC, m.actor""", {"org": org, "year": int(year)})

    def status(self, actor: str, org: str, year: int) -> str:
        """The status `actor` held in `org` in `year` (the last one if it changed), or 'none'."""
        actor, org = self.require_actor(actor), self.require_org(org)
        row = self.con.execute(f"""
            SELECT status FROM memberships
            WHERE actor = $actor AND org = $org AND {_year_filter('start_year', 'end_year')}
            ORDER BY start_date DESC LIMIT 1""", {"actor": actor, "org": org, "year": int(year)}).fetchone()
        return row[0] if row else "none"

    def org_exists(self, org: str, year: int) -> bool:
        org = self.require_org(org)
        row = self.con.execute("""SELECT founded_year <= $year AND (ended_year IS NULL OR ended_year >= $year)
                                  FROM organizations WHERE id = $org""", {"org": org, "year": int(year)}).fetchone()
        return bool(row[0])

    def timeline(self, actor: str) -> pd.DataFrame:
        """Every membership spell and dated event of an actor, in date order."""
        actor = self.require_actor(actor)
        return self.sql("""
            SELECT * FROM (
              SELECT start AS date, start_date AS sort_date, 'membership' AS kind, org, status AS what,
                     status || ' ' || start || ' to ' || coalesce("end", 'open') ||
                       coalesce(': ' || note, '') AS summary,
                     NULL AS id, sources
              FROM memberships WHERE actor = $actor
              UNION ALL
              SELECT date, sort_date, 'event' AS kind, org, kind AS what, summary, id, sources
              FROM events WHERE list_contains(actors, $actor)
            ) ORDER BY sort_date, kind DESC, org""", {"actor": actor}).drop(columns=["sort_date"])

    def events(self, actor: str | None = None, org: str | None = None, start: int | None = None,
               end: int | None = None, kind: str | None = None) -> pd.DataFrame:
        where, params = [], {}
        if actor:
            where.append("list_contains(actors, $actor)")
            params["actor"] = self.require_actor(actor)
        if org:
            where.append("org = $org")
            params["org"] = self.require_org(org)
        if start is not None:
            where.append("year >= $start")
            params["start"] = int(start)
        if end is not None:
            where.append("year <= $end")
            params["end"] = int(end)
        if kind:
            where.append("kind = $kind")
            params["kind"] = kind
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        return self.sql(f"""SELECT id, date, precision, actors, org, kind, summary, sources
                            FROM events {clause} ORDER BY sort_date, id""", params)

    def indicators(self, actor: str | None = None, name: str | None = None,
                   partner: str | None = None) -> pd.DataFrame:
        where, params = [], {}
        if actor:
            where.append("actor = $actor")
            params["actor"] = self.require_actor(actor)
        if name:
            where.append("name = $name")
            params["name"] = name
        if partner:
            where.append("partner = $partner")
            params["partner"] = partner.upper()
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        return self.sql(f"""SELECT id, name, actor, partner, value, unit, period, sources, note
                            FROM indicators {clause} ORDER BY actor, name, period_start, id""", params)

    def claims(self, mechanism: str | None = None, actor: str | None = None, org: str | None = None,
               proposal: str | None = None) -> pd.DataFrame:
        where, params = [], {}
        if mechanism:
            from .vocab import MECHANISMS

            if mechanism not in MECHANISMS:
                raise UnknownIdError("mechanism", mechanism, list(MECHANISMS))
            where.append("mechanism = $mechanism")
            params["mechanism"] = mechanism
        if actor:
            where.append("list_contains(actors, $actor)")
            params["actor"] = self.require_actor(actor)
        if org:
            where.append("org = $org")
            params["org"] = self.require_org(org)
        if proposal:
            where.append("proposal = $proposal")
            params["proposal"] = proposal
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        return self.sql(f"""SELECT id, statement, actors, org, mechanism, period, proposal, stance, holders, sources
                            FROM claims {clause} ORDER BY id""", params)

    def sources(self, kind: str | None = None) -> pd.DataFrame:
        q = "SELECT id, kind, authors, title, venue, publisher, year, url, note FROM sources"
        if kind:
            return self.sql(q + " WHERE kind = $kind ORDER BY id", {"kind": kind})
        return self.sql(q + " ORDER BY kind, id")

    def proposals(self) -> pd.DataFrame:
        return self.sql("SELECT id, org, proposer, year, title, summary, outcome, outcome_position, sources FROM proposals ORDER BY year, id")

    def positions(self, proposal: str | None = None) -> pd.DataFrame:
        """Members' positions on proposals graded from the evidence (`positions.yaml`), with the claims behind them."""
        where = "WHERE proposal = $proposal" if proposal else ""
        return self.sql(f"SELECT proposal, actor, position, evidence, justification FROM positions {where} "
                        "ORDER BY proposal, actor", {"proposal": proposal} if proposal else {})

    def disagreements(self) -> pd.DataFrame:
        return self.sql('SELECT actor, org, cow_column, "from", "to", cow_status, base_status, follows, reason, sources '
                        'FROM cow_disagreements ORDER BY actor, org, "from"')

    def driver_segments(self, actor: str | None = None) -> pd.DataFrame:
        """Hand-coded driver segments with their evidence ids and justification."""
        if actor:
            return self.sql('SELECT * EXCLUDE (file, line) FROM drivers WHERE actor = $a ORDER BY driver, partner, org, "from"',
                            {"a": self.require_actor(actor)})
        return self.sql('SELECT * EXCLUDE (file, line) FROM drivers ORDER BY actor, driver, partner, org, "from"')

    def series_names(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT DISTINCT series FROM series ORDER BY 1").fetchall()]

    def series(self, name: str | None = None, actor: str | None = None, partner: str | None = None,
               start: int | None = None, end: int | None = None) -> pd.DataFrame:
        """Points of the published yearly series (`series/*.csv`), one row per series, actor, partner and year.

        A year without a row has no published value (never read it as zero). `partner` is
        empty ('') for series without one.
        """
        where, params = [], {}
        if name:
            names = self.series_names()
            if name not in names:
                raise UnknownIdError("series", name, names)
            where.append("series = $name")
            params["name"] = name
        if actor:
            where.append("actor = $actor")
            params["actor"] = self.require_actor(actor)
        if partner:
            where.append("partner = $partner")
            params["partner"] = self.require_actor(partner)
        if start is not None:
            where.append("year >= $start")
            params["start"] = int(start)
        if end is not None:
            where.append("year <= $end")
            params["end"] = int(end)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        return self.sql(f"""SELECT series, actor, coalesce(partner, '') AS partner, year, value, unit, sources
                            FROM series {clause} ORDER BY series, actor, partner, year""", params)

    def citations(self) -> pd.DataFrame:
        return self.sql("SELECT * FROM citations ORDER BY kind, fact")

    def search(self, text: str, limit: int = 50) -> pd.DataFrame:
        """Facts whose text contains every word of `text` (case-insensitive), best matches first."""
        terms = [t for t in text.lower().split() if t]
        if not terms:
            return pd.DataFrame(columns=["kind", "id", "date", "text", "sources", "score"])
        facts = """
            SELECT 'event' AS kind, id, date, summary AS text, sources, summary || ' ' || coalesce(note,'') || ' ' || id AS hay FROM events
            UNION ALL SELECT 'claim', id, period, statement, sources, statement || ' ' || coalesce(note,'') || ' ' || id FROM claims
            UNION ALL SELECT 'indicator', id, period,
                   name || ' ' || actor || coalesce(' / ' || partner, '') || ': ' || value || ' ' || unit ||
                   coalesce(' (' || note || ')', ''), sources, name || ' ' || coalesce(note,'') || ' ' || id FROM indicators
            UNION ALL SELECT 'membership', actor || '/' || org, start,
                   actor || ' ' || status || ' of ' || org || ' ' || start || '–' || coalesce("end", 'open') ||
                   coalesce(': ' || note, ''), sources, actor || ' ' || org || ' ' || coalesce(note,'') FROM memberships
            UNION ALL SELECT 'organization', id, founded, name, sources, name || ' ' || justification || ' ' || id FROM organizations
            UNION ALL SELECT 'source', id, CAST(year AS VARCHAR), coalesce(authors || ': ', '') || title, [id],
                   coalesce(authors,'') || ' ' || title || ' ' || coalesce(venue,'') || ' ' || coalesce(note,'') FROM sources
        """
        params: dict = {"limit": int(limit)}
        conds, score = [], []
        for i, t in enumerate(terms):
            params[f"t{i}"] = f"%{t}%"
            conds.append(f"lower(hay) LIKE $t{i}")
            score.append(f"(CASE WHEN lower(text) LIKE $t{i} THEN 2 ELSE 1 END)")
        return self.sql(f"""SELECT kind, id, date, text, sources, {' + '.join(score)} AS score
                            FROM ({facts}) WHERE {' AND '.join(conds)}
                            ORDER BY score DESC, kind, id LIMIT $limit""", params)

    # -- whole base ------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        names = KINDS + ("proposals", "cow_disagreements")
        return {k: self.con.execute(f'SELECT count(*) FROM "{k}"').fetchone()[0] for k in names}

    def landmarks(self) -> pd.DataFrame:
        """The dated events the case marks on its charts over time (case.yaml `landmarks`), by date:
        id, date, year, kind, summary, sources. Empty when the case names none."""
        ids = list(self.meta.get("landmarks", []) or [])
        ev = self.sql("SELECT id, date, year, kind, summary, sources FROM events WHERE list_contains($ids, id) "
                      "ORDER BY date, id", {"ids": ids})
        ev["sources"] = [list(x) for x in ev["sources"]]
        return ev.reset_index(drop=True)

    def find(self, fact_id: str) -> tuple[str, dict] | None:
        """(kind, every field) of the fact, source, actor, organization or proposal with this id, or None."""
        for kind, df in (("event", self.events()), ("claim", self.claims()), ("indicator", self.indicators()),
                         ("source", self.sources()), ("proposal", self.proposals()), ("actor", self.actors()),
                         ("organization", self.organizations())):
            hit = df[df["id"] == fact_id]
            if not hit.empty:
                return kind, hit.iloc[0].to_dict()
        return None

    def all_ids(self) -> list[str]:
        """Every id `find` knows."""
        q = " UNION ALL ".join(f'SELECT id FROM "{t}"' for t in ("events", "claims", "indicators", "sources",
                                                                  "proposals", "actors", "organizations"))
        return [r[0] for r in self.con.execute(q).fetchall()]

    def export(self) -> dict[str, pd.DataFrame]:
        """The whole base, one DataFrame per kind (the shape of `kb export`)."""
        return {
            "actors": self.actors(),
            "organizations": self.organizations(),
            "memberships": self.memberships(),
            "events": self.events(),
            "indicators": self.indicators(),
            "claims": self.claims(),
            "sources": self.sources(),
            "proposals": self.proposals(),
            "positions": self.positions(),
            "cow_disagreements": self.disagreements(),
            "series": self.series(),
            "drivers": self.driver_segments(),
        }
