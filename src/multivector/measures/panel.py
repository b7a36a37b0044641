"""The state × organization × year panel that every measure reads.

One representation for every membership source: the evidence base (spells with
citations) and an imported COW IGO state-year file (a dense code matrix) both
become a `Panel` holding an int8 array of status codes, shape
(states, organizations, years), plus each organization's lead weights over the
poles and its depth.

Status codes (a superset of the COW IGO v3 codes, which keep their meaning):

====  ==========  ======  ===========================================================
code  status      weight  meaning
====  ==========  ======  ===========================================================
 1    member      1.00    full member (COW 1)
 2    associate   0.75    associate member (COW 2)
 3    observer    0.50    observer (COW 3)
 4    partner     0.50    dialogue / PfP / BRI-type partner (the base only)
 5    candidate   0.25    accession under way (the base only)
 0    none        0       no status (COW 0)
-1    —           0       the organization did not exist that year (COW -1)
-2    —           0       the state is not in the source that year (no COW row)
-9    —           0       missing (COW -9)
====  ==========  ======  ===========================================================

Codes -1, -2 and -9 are never read as "not a member": they weigh 0 in the sums
(nothing is known to add) but are counted separately (`n_missing`) and excluded
from comparisons.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

POLES: tuple[str, ...] = ("RUS", "CHN", "WEST", "REGIONAL", "GLOBAL")
UNCODED = "UNCODED"
BALANCE_POLES: tuple[str, ...] = ("RUS", "CHN", "WEST")

STATUS_CODE: dict[str, int] = {"none": 0, "member": 1, "associate": 2, "observer": 3, "partner": 4, "candidate": 5}
CODE_STATUS: dict[int, str] = {v: k for k, v in STATUS_CODE.items()} | {-1: "not_existing", -2: "not_covered",
                                                                        -9: "missing"}
STATUS_WEIGHT: dict[str, float] = {"member": 1.0, "associate": 0.75, "observer": 0.5, "partner": 0.5,
                                   "candidate": 0.25, "none": 0.0}
NOT_EXISTING, NOT_COVERED, MISSING = -1, -2, -9

#: Depth given to organizations whose depth nobody coded (most COW columns): the
#: median depth of the 21 organizations of the embedded Central Asia case.
DEFAULT_DEPTH = 0.2

_LUT_OFFSET = 9


def weight_lookup(weights: dict[str, float] | None = None) -> np.ndarray:
    """A lookup table `lut[code + 9]` → status weight (float32), for vectorized mapping."""
    weights = {**STATUS_WEIGHT, **(weights or {})}
    lut = np.zeros(_LUT_OFFSET + 6, dtype=np.float32)
    for status, code in STATUS_CODE.items():
        lut[code + _LUT_OFFSET] = weights[status]
    return lut


@dataclass
class Panel:
    """Status codes of states in organizations by year, with organization attributes.

    Attributes
    ----------
    states, orgs, years: the three axes (years contiguous, ascending).
    codes: int8 array (S, O, Y) of status codes (see the module docstring).
    lead: float array (O, P) of lead weights over `poles` (rows sum to 1).
    depth: float array (O,) of depths in [0, 1].
    coded: bool array (O,): whether lead and depth were coded (False = UNCODED lead, default depth).
    covered: bool array (S, Y): whether the source covers the state that year.
    spells: the evidence (one row per spell: actor, org, status, start_year, end_year, sources, fact).
    """

    states: np.ndarray
    orgs: np.ndarray
    years: np.ndarray
    codes: np.ndarray
    lead: np.ndarray
    depth: np.ndarray
    poles: tuple[str, ...] = POLES
    coded: np.ndarray | None = None
    covered: np.ndarray | None = None
    source: str = ""
    spells: pd.DataFrame | None = None
    org_sources: dict[str, list[str]] = field(default_factory=dict)
    org_names: dict[str, str] = field(default_factory=dict)
    state_names: dict[str, str] = field(default_factory=dict)
    spell_builder: object = None  # callable returning spells lazily (COW panels)

    def __post_init__(self) -> None:
        self.states = np.asarray(self.states, dtype=object)
        self.orgs = np.asarray(self.orgs, dtype=object)
        self.years = np.asarray(self.years, dtype=np.int64)
        if self.codes.shape != (len(self.states), len(self.orgs), len(self.years)):
            raise ValueError(f"codes shape {self.codes.shape} does not match the axes "
                             f"({len(self.states)}, {len(self.orgs)}, {len(self.years)})")
        if len(self.years) > 1 and not np.all(np.diff(self.years) == 1):
            raise ValueError("years must be contiguous and ascending")
        if self.coded is None:
            self.coded = np.ones(len(self.orgs), dtype=bool)
        if self.covered is None:
            self.covered = np.ones((len(self.states), len(self.years)), dtype=bool)
        self._state_index = {s: i for i, s in enumerate(self.states)}
        self._org_index = {o: i for i, o in enumerate(self.orgs)}
        self._weights: np.ndarray | None = None

    # -- lookups ---------------------------------------------------------------------------
    def state_index(self, state: str) -> int:
        try:
            return self._state_index[state]
        except KeyError:
            raise KeyError(f"state '{state}' is not in the panel ({len(self.states)} states)") from None

    def org_index(self, org: str) -> int:
        return self._org_index[org]

    def year_index(self, year: int) -> int:
        i = int(year) - int(self.years[0])
        if not 0 <= i < len(self.years):
            raise KeyError(f"year {year} is outside the panel ({self.years[0]}-{self.years[-1]})")
        return i

    def status(self, state: str, org: str, year: int) -> str:
        """The status word of a cell ('none', 'member', ..., or 'not_existing'/'missing')."""
        return CODE_STATUS[int(self.codes[self.state_index(state), self.org_index(org), self.year_index(year)])]

    def weights(self) -> np.ndarray:
        """Status weights, float32 (S, O, Y); cached."""
        if self._weights is None:
            self._weights = weight_lookup()[self.codes.astype(np.int16) + _LUT_OFFSET]
        return self._weights

    def lead_of(self, org: str) -> dict[str, float]:
        row = self.lead[self.org_index(org)]
        return {p: float(w) for p, w in zip(self.poles, row, strict=True) if w}

    def evidence(self) -> pd.DataFrame:
        """The spells behind the codes (built on demand for COW panels)."""
        if self.spells is None and callable(self.spell_builder):
            self.spells = self.spell_builder()
        return self.spells if self.spells is not None else pd.DataFrame(
            columns=["actor", "org", "status", "start_year", "end_year", "sources", "fact"])

    def select(self, states: list[str] | None = None, years: tuple[int, int] | None = None) -> Panel:
        """A sub-panel (same organizations) for some states and a year range."""
        si = np.arange(len(self.states)) if states is None else np.array([self.state_index(s) for s in states])
        if years is None:
            yi = np.arange(len(self.years))
        else:
            lo, hi = max(int(years[0]), int(self.years[0])), min(int(years[1]), int(self.years[-1]))
            if lo > hi:
                raise KeyError(f"years {years[0]}-{years[1]} are outside the panel ({self.years[0]}-{self.years[-1]})")
            yi = np.arange(lo - self.years[0], hi - self.years[0] + 1)
        return Panel(states=self.states[si], orgs=self.orgs, years=self.years[yi],
                     codes=self.codes[np.ix_(si, np.arange(len(self.orgs)), yi)], lead=self.lead,
                     depth=self.depth, poles=self.poles, coded=self.coded, covered=self.covered[np.ix_(si, yi)],
                     source=self.source, spells=self.spells, org_sources=self.org_sources,
                     org_names=self.org_names, state_names=self.state_names, spell_builder=self.spell_builder)


# -- building panels -----------------------------------------------------------------------

def codes_from_spells(spells: pd.DataFrame, states: list[str], orgs: list[str], years: np.ndarray,
                      exists: np.ndarray | None = None) -> np.ndarray:
    """Fill the (S, O, Y) code array from spells, without a Python loop over years.

    Each spell covers every year it touches (start_year..end_year, open end = last
    panel year), as `CaseBase.status` does; when several spells of one state and
    organization touch a year, the one that starts last wins (the status held last
    in the year). Cells with no spell are 0 (none) where the organization existed
    and -1 where it did not (`exists`, bool (O, Y)).

    The spells are expanded to cells with `np.repeat` (one index per spell-year),
    sorted by start date, and de-duplicated keeping the last write per cell.
    """
    S, n_org, Y = len(states), len(orgs), len(years)
    codes = np.zeros((S, n_org, Y), dtype=np.int8)
    if exists is not None:
        codes[:, ~exists] = NOT_EXISTING
    if spells.empty:
        return codes
    s_index = {s: i for i, s in enumerate(states)}
    o_index = {o: i for i, o in enumerate(orgs)}
    df = spells[spells["actor"].isin(s_index) & spells["org"].isin(o_index)]
    if df.empty:
        return codes
    df = df.sort_values("start_date" if "start_date" in df else "start_year", kind="stable")
    y0, y1 = int(years[0]), int(years[-1])
    start = _floats(df["start_year"], y0).astype(np.int64)
    end = _floats(df["end_year"], y1).astype(np.int64)
    lo, hi = np.clip(start, y0, y1 + 1), np.clip(end, y0 - 1, y1)
    n = np.maximum(hi - lo + 1, 0)
    si = df["actor"].map(s_index).to_numpy(dtype=np.int64)
    oi = df["org"].map(o_index).to_numpy(dtype=np.int64)
    code = df["status"].map(STATUS_CODE).to_numpy(dtype=np.int8)
    rep = np.repeat(np.arange(len(df)), n)
    offset = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    yi = lo[rep] - y0 + offset
    flat = (si[rep] * n_org + oi[rep]) * Y + yi
    # keep the last write per cell: unique on the reversed order gives the last occurrence
    _, first_rev = np.unique(flat[::-1], return_index=True)
    keep = len(flat) - 1 - first_rev
    codes.reshape(-1)[flat[keep]] = code[rep[keep]]
    return codes


def _floats(series: pd.Series, fill: float) -> np.ndarray:
    """A numeric column (possibly nullable Int64 from DuckDB) as float64 with NA → `fill`."""
    out = np.array(pd.to_numeric(series, errors="coerce").astype("float64"), dtype=np.float64)
    out[np.isnan(out)] = fill
    return out


def _parse_lead(value) -> dict[str, float]:
    if isinstance(value, dict):
        return {str(k): float(v) for k, v in value.items()}
    text = str(value).strip()
    if text.startswith("{"):
        return {str(k): float(v) for k, v in json.loads(text).items()}
    out = {}
    for part in filter(None, (p.strip() for p in text.replace(",", ";").split(";"))):
        pole, _, w = part.partition(":")
        out[pole.strip().upper()] = float(w) if w else 1.0
    return out


def lead_matrix(leads: list[dict[str, float] | None], poles: tuple[str, ...] = POLES) -> tuple[np.ndarray, tuple]:
    """Lead weights as an (O, P) matrix. Organizations without a lead go to an UNCODED column."""
    need_uncoded = any(not lead for lead in leads)
    cols = tuple(poles) + ((UNCODED,) if need_uncoded else ())
    m = np.zeros((len(leads), len(cols)), dtype=np.float64)
    for i, lead in enumerate(leads):
        if not lead:
            m[i, cols.index(UNCODED)] = 1.0
            continue
        for pole, w in lead.items():
            if pole not in cols:
                raise ValueError(f"unknown pole '{pole}' (use {', '.join(poles)})")
            m[i, cols.index(pole)] = w
    return m, cols


def org_meta_from_case(kb) -> pd.DataFrame:
    """Organization attributes from a `CaseBase`: id, name, lead (dict), depth, founded/ended years, sources."""
    df = kb.sql("""SELECT id, name, lead, depth, founded_year, ended_year, cow_abbrev, sources
                   FROM organizations ORDER BY founded_year, id""")
    df["lead"] = [json.loads(x) for x in df["lead"]]
    df["sources"] = [list(x) for x in df["sources"]]
    return df


def load_org_meta(path: str | Path) -> pd.DataFrame:
    """Read organization attributes for imported data: CSV with columns org, lead, depth.

    `lead` is written `RUS:0.5;CHN:0.5` (or JSON); weights must sum to 1. The file is read
    through `textfiles`; a bad cell is an `InputFileError` naming its line.
    """
    import io

    from ..textfiles import InputFileError, read_text

    what = "organization coding (CSV org,lead,depth)"
    try:
        df = pd.read_csv(io.StringIO(read_text(path, what, allow_empty=False)), dtype=str, comment="#")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputFileError(path, 0, f"not a CSV table: {str(exc).strip().splitlines()[0]}",
                             "the header is org,lead,depth, then one row per organization") from None
    missing = {"org", "lead", "depth"} - set(df.columns)
    if missing:
        raise InputFileError(path, 1, f"missing column(s) {', '.join(sorted(missing))}",
                             "the header is org,lead,depth (name optional)")
    rows = []
    for i, r in df.iterrows():
        line = int(i) + 2
        try:
            lead = _parse_lead(r["lead"])
            depth = float(r["depth"])
        except (ValueError, TypeError, AttributeError):
            raise InputFileError(path, line, f"cannot read lead '{r['lead']}' or depth '{r['depth']}' of {r['org']}",
                                 "write the lead as RUS:0.5;CHN:0.5 and the depth as a number 0-1") from None
        if abs(sum(lead.values()) - 1) > 1e-6:
            raise InputFileError(path, line, f"lead weights of {r['org']} sum to {sum(lead.values()):g}, not 1",
                                 "make the weights of the poles sum to 1, e.g. RUS:0.5;CHN:0.5")
        rows.append({"id": str(r["org"]).upper(), "name": str(r.get("name", r["org"])), "lead": lead,
                     "depth": depth, "sources": [f"{Path(path).name}:{line}"]})
    return pd.DataFrame(rows)


def panel_from_case(kb, states: list[str] | None = None, years: tuple[int, int] | None = None) -> Panel:
    """The panel of an evidence base: every actor that is a state (or holds a membership).

    `years` defaults to the case period (`case.yaml`), e.g. 1991-2025; any range back
    to 1816 works (cells before an organization's founding are -1).
    """
    period = kb.meta.get("period") or {}
    if years is None:
        years = (int(period.get("start", 1991)), int(period.get("end", 2025)))
    yrs = np.arange(int(years[0]), int(years[1]) + 1)
    spells = kb.sql("""SELECT actor, org, status, start, "end", start_year, end_year, start_date, sources, note
                       FROM memberships ORDER BY start_date""")
    spells["sources"] = [list(x) for x in spells["sources"]]
    spells["fact"] = spells["actor"] + "/" + spells["org"] + "/" + spells["status"] + "/" + spells["start"]
    actors = kb.sql("SELECT id, name, kind FROM actors ORDER BY id")
    if states is None:
        holders = set(spells["actor"])
        states = [a for a, k in zip(actors["id"], actors["kind"], strict=True)
                  if k in ("regional_state", "great_power", "state") or a in holders]
    meta = org_meta_from_case(kb)
    orgs = list(meta["id"])
    f = _floats(meta["founded_year"], -np.inf)
    e = _floats(meta["ended_year"], np.inf)
    exists = (f[:, None] <= yrs[None, :]) & (yrs[None, :] <= e[:, None])
    codes = codes_from_spells(spells, states, orgs, yrs, exists)
    lead, poles = lead_matrix(list(meta["lead"]))
    return Panel(states=np.array(states, dtype=object), orgs=np.array(orgs, dtype=object), years=yrs, codes=codes,
                 lead=lead, depth=meta["depth"].to_numpy(dtype=float), poles=poles,
                 source=f"case:{kb.name}", spells=spells,
                 org_sources=dict(zip(meta["id"], meta["sources"], strict=True)),
                 org_names=dict(zip(meta["id"], meta["name"], strict=True)),
                 state_names=dict(zip(actors["id"], actors["name"], strict=True)))


def panel_from_spells(spells: pd.DataFrame, orgs: pd.DataFrame, years: tuple[int, int],
                      states: list[str] | None = None, source: str = "spells") -> Panel:
    """A panel from any spell table (actor, org, status, start_year, end_year[, sources])
    and an organization table (id, lead, depth[, founded_year, ended_year])."""
    yrs = np.arange(int(years[0]), int(years[1]) + 1)
    spells = spells.copy()
    if "sources" not in spells:
        spells["sources"] = [[] for _ in range(len(spells))]
    if "fact" not in spells:
        spells["fact"] = (spells["actor"] + "/" + spells["org"] + "/" + spells["status"] + "/"
                          + spells["start_year"].astype(str))
    states = states or sorted(set(spells["actor"]))
    f = _floats(orgs["founded_year"], -np.inf) if "founded_year" in orgs else np.full(len(orgs), -np.inf)
    e = _floats(orgs["ended_year"], np.inf) if "ended_year" in orgs else np.full(len(orgs), np.inf)
    exists = (f[:, None] <= yrs[None, :]) & (yrs[None, :] <= e[:, None])
    codes = codes_from_spells(spells, states, list(orgs["id"]), yrs, exists)
    lead, poles = lead_matrix([_parse_lead(x) if x is not None else None for x in orgs["lead"]])
    return Panel(states=np.array(states, dtype=object), orgs=orgs["id"].to_numpy(dtype=object), years=yrs,
                 codes=codes, lead=lead, depth=orgs["depth"].to_numpy(dtype=float), poles=poles, source=source,
                 spells=spells)


def spells_from_codes(codes: np.ndarray, statuses: tuple[int, ...] = (1, 2, 3, 4, 5)) -> pd.DataFrame:
    """Run-length encode a (S, O, Y) code array along years into spells (vectorized).

    Returns integer columns s, o, code, y_start, y_end (indices) for every maximal run
    of one code in `statuses`. A run of -9 (missing) between two runs splits them: the
    gap is unknown, not a non-membership.
    """
    S, n_org, Y = codes.shape
    x = codes.reshape(S * n_org, Y)
    change = np.ones(x.shape, dtype=bool)
    change[:, 1:] = x[:, 1:] != x[:, :-1]
    r, c = np.nonzero(change)
    end = np.empty_like(c)
    if len(c):
        end[:-1] = c[1:] - 1
        last_in_row = np.ones(len(r), dtype=bool)
        last_in_row[:-1] = r[:-1] != r[1:]
        end[last_in_row] = Y - 1
    vals = x[r, c]
    keep = np.isin(vals, np.array(statuses, dtype=codes.dtype))
    r, c, end, vals = r[keep], c[keep], end[keep], vals[keep]
    return pd.DataFrame({"s": r // n_org, "o": r % n_org, "code": vals.astype(np.int8), "y_start": c, "y_end": end})
