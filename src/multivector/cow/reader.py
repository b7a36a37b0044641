"""Read a COW IGO v3 state-year file into a dense code array, spells and a measures `Panel`.

The state-year format has one row per state and year (`ccode`, `state`, `year`)
and one column per organization (its COW abbreviation) holding
1 full member, 2 associate, 3 observer, 0 no membership, -9 missing,
-1 the organization did not exist (Pevehouse, Nordstrom, McManus & Jamison 2020,
"Tracking organizations in the world: The Correlates of War IGO Version 3.0
datasets", Journal of Peace Research 57(3)).

The file comes in through `multivector.textfiles` (regular file, size, binary, encoding), is
decompressed when it is gzip, bz2 or zstd, then parsed by pyarrow's multithreaded CSV reader, organization columns
typed int8 from the start (the full file, ~15,000 rows × 535 columns, is ~8 MB of
int8), then scattered into an array (states × columns × years) in one step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..measures.panel import (
    MISSING,
    NOT_COVERED,
    NOT_EXISTING,
    Panel,
    lead_matrix,
    spells_from_codes,
)
from ..textfiles import InputFileError, decode_text, read_bytes
from .codes import COW_HISTORICAL, org_segments, state_id

ID_COLUMNS = ("ccode", "state", "year")
YEARS = (1816, 2100)   # COW's state system starts in 1816; a later year is a typing error
VALID = np.array([-9, -1, 0, 1, 2, 3], dtype=np.int8)
COW_STATUS = {0: "none", 1: "member", 2: "associate", 3: "observer", -1: "not_existing", -9: "missing"}

#: Lead and depth of the organizations the COW columns map to, as coded in the embedded
#: case (organizations.yaml); used when no case is given. A case's own values win.
BUILTIN_ORG_META: dict[str, tuple[dict[str, float], float]] = {
    "CIS": ({"RUS": 1.0}, 0.3), "CST": ({"RUS": 1.0}, 0.5), "CSTO": ({"RUS": 1.0}, 0.6),
    "CAU": ({"REGIONAL": 1.0}, 0.3), "CACO": ({"REGIONAL": 1.0}, 0.3), "EURASEC": ({"RUS": 1.0}, 0.6),
    "SHANGHAI5": ({"RUS": 0.5, "CHN": 0.5}, 0.15), "SCO": ({"RUS": 0.5, "CHN": 0.5}, 0.3),
    "OSCE": ({"WEST": 1.0}, 0.2), "EAPC": ({"WEST": 1.0}, 0.1), "EBRD": ({"WEST": 1.0}, 0.15),
    "NATO": ({"WEST": 1.0}, 0.7), "CICA": ({"REGIONAL": 1.0}, 0.1), "UN": ({"GLOBAL": 1.0}, 0.1),
    "WTO": ({"GLOBAL": 1.0}, 0.5),
}


@dataclass
class CowData:
    """A COW IGO state-year file as arrays. `codes[s, c, y]`; -2 where the file has no row."""

    ccodes: np.ndarray
    state_names: np.ndarray
    columns: list[str]
    years: np.ndarray
    codes: np.ndarray
    path: str = ""
    n_rows: int = 0
    invalid: int = 0
    stats: dict = field(default_factory=dict)

    def code(self, ccode: int, column: str, year: int) -> int:
        s = int(np.nonzero(self.ccodes == int(ccode))[0][0])
        return int(self.codes[s, self.columns.index(column.lower()), int(year) - int(self.years[0])])


#: A COW IGO state-year file larger than this (uncompressed) is not one: the full v3 file is about 30 MB.
MAX_BYTES = 512 * 2**20
WHAT = "COW IGO state-year file"
_LAYOUT = "each row is ccode, state, year, then one status code (-9, -1, 0, 1, 2, 3) per IGO"
#: Compressed files the reader takes, by their first bytes (Arrow's codec names).
_CODECS = {b"\x1f\x8b": "gzip", b"BZh": "bz2", b"\x28\xb5\x2f\xfd": "zstd"}


def _cow_bytes(path: Path) -> bytes:
    """The CSV bytes of a COW file, plain or compressed, after textfiles' checks (regular file, size, text)."""
    import pyarrow as pa

    data = read_bytes(path, WHAT, MAX_BYTES)
    codec = next((c for magic, c in _CODECS.items() if data.startswith(magic)), None)
    if codec is not None:
        try:
            with pa.CompressedInputStream(pa.BufferReader(data), codec) as stream:
                data = stream.read(MAX_BYTES + 1)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputFileError(path, 0, f"the {codec} file cannot be decompressed ({str(exc).splitlines()[0]})",
                                 "give an intact COW IGO state-year CSV, plain or compressed") from None
        if len(data) > MAX_BYTES:
            raise InputFileError(path, 0, f"decompressed, the file is larger than {MAX_BYTES // 2**20} MB",
                                 "a COW IGO state-year file is about 30 MB; check that this is the right file")
    decode_text(data, path)   # binary files, NUL bytes and bytes that are not UTF-8 stop here, with their line
    return data


def _header(path: Path, data: bytes) -> list[str]:
    """The column names of line 1."""
    import csv

    lines = data[:1 << 20].decode("utf-8-sig", errors="replace").splitlines()   # \n, \r\n or \r, as Arrow reads
    if not lines or not lines[0].strip():
        raise InputFileError(path, 1, "no header line", f"the file starts with the header ccode,state,year,…; {_LAYOUT}")
    try:
        return [c.strip() for c in next(csv.reader([lines[0]]))]
    except csv.Error as exc:
        raise InputFileError(path, 1, f"unreadable header: {exc}", _LAYOUT) from None


def _table(path: Path, data: bytes, names: list[str]):
    """The file as an Arrow table: organization columns int8 from the start, ids int32/string."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    lower = [n.lower() for n in names]
    for col in ID_COLUMNS:
        if col not in lower:
            raise InputFileError(path, 1, f"no `{col}` column",
                                 "a COW IGO state-year file starts with ccode, state, year")
    types = {n: pa.int8() for n in names if n.lower() not in ID_COLUMNS}
    types.update({names[lower.index("ccode")]: pa.int32(), names[lower.index("year")]: pa.int32(),
                  names[lower.index("state")]: pa.string()})
    try:
        return pacsv.read_csv(pa.BufferReader(data), convert_options=pacsv.ConvertOptions(
            column_types=types, strings_can_be_null=True))
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:   # text in a number column, a broken row
        raise InputFileError(path, 0, f"not a COW IGO state-year table: {str(exc).splitlines()[0]}", _LAYOUT) from None


def _check_ids(path: Path, table, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The ccode and year columns, every cell present and in range (the line of the first bad one named)."""
    lower = [n.lower() for n in names]
    for col in ("ccode", "year"):
        column = table.column(names[lower.index(col)])
        if column.null_count:
            first = int(np.nonzero(column.is_null().to_numpy(zero_copy_only=False))[0][0])
            raise InputFileError(path, first + 2, f"empty `{col}`", "every row needs a COW state code and a year")
    ccode = table.column(names[lower.index("ccode")]).to_numpy()
    year = table.column(names[lower.index("year")]).to_numpy()
    for values, col, lo, hi in ((year, "year", YEARS[0], YEARS[1]), (ccode, "ccode", 1, 999)):
        out = np.nonzero((values < lo) | (values > hi))[0]
        if len(out):
            raise InputFileError(path, int(out[0]) + 2, f"`{col}` {int(values[out[0]])} is outside {lo}–{hi}",
                                 f"COW IGO data cover {YEARS[0]} onwards and state codes run from 1 to 999")
    return ccode, year


def _status_matrix(table, org_cols: list[str]) -> tuple[np.ndarray, int]:
    """Rows × organizations int8 codes; codes outside {-9, -1, 0, 1, 2, 3} set to -9 and counted."""
    import pyarrow.compute as pc

    mat = np.empty((table.num_rows, len(org_cols)), dtype=np.int8)
    for j, c in enumerate(org_cols):
        col = table.column(c)
        if col.null_count:
            col = pc.fill_null(col, MISSING)
        mat[:, j] = col.to_numpy()
    bad = ~np.isin(mat, VALID)
    if bad.any():
        mat[bad] = MISSING
    return mat, int(bad.sum())


def read_cow(path: str | Path) -> CowData:
    """Read a COW IGO v3 state-year CSV (plain or gzip/bz2/zstd-compressed) into a `CowData`.

    Raises the project's input error (`textfiles.InputFileError`, a ValueError) on a file that
    is not one, a missing id column or a repeated (ccode, year) row. Codes outside
    {-9, -1, 0, 1, 2, 3} are set to -9 (missing) and counted in `invalid`.
    """
    path = Path(path)
    data = _cow_bytes(path)
    names = _header(path, data)
    table = _table(path, data, names)
    n = table.num_rows
    if n == 0:
        raise InputFileError(path, 0, "the file has a header but no rows", "give a COW IGO state-year file with data")
    ccode, year = _check_ids(path, table, names)
    lower = [n.lower() for n in names]
    org_cols = [c for c in names if c.lower() not in ID_COLUMNS]
    state = np.array(table.column(names[lower.index("state")]).to_pylist(), dtype=object)
    mat, invalid = _status_matrix(table, org_cols)
    uc, si = np.unique(ccode, return_inverse=True)
    y0, y1 = int(year.min()), int(year.max())
    yi = year - y0
    key = si.astype(np.int64) * (y1 - y0 + 1) + yi
    if len(np.unique(key)) != n:
        dup = pd.Series(key).duplicated(keep=False).to_numpy()
        pairs = sorted({(int(a), int(b)) for a, b in zip(ccode[dup], year[dup], strict=True)})[:5]
        raise InputFileError(path, 0, f"repeated (ccode, year) rows, e.g. {pairs}",
                             "keep one row per state and year, as COW publishes them")
    codes = np.full((len(uc), len(org_cols), y1 - y0 + 1), NOT_COVERED, dtype=np.int8)
    codes[si[:, None], np.arange(len(org_cols))[None, :], yi[:, None]] = mat
    names_by_code = pd.Series(state).groupby(si).first()
    counts = {COW_STATUS[int(v)]: int((mat == v).sum()) for v in VALID}
    return CowData(ccodes=uc.astype(np.int64), state_names=names_by_code.to_numpy(dtype=object),
                   columns=[c.lower() for c in org_cols], years=np.arange(y0, y1 + 1), codes=codes,
                   path=str(path), n_rows=n, invalid=invalid, stats=counts)


def state_overrides(kb) -> dict[int, str]:
    """COW code → actor id from a case's actors (their `cow_code`)."""
    if kb is None:
        return {}
    df = kb.sql("SELECT id, cow_code FROM actors WHERE cow_code IS NOT NULL")
    return {int(c): str(i) for i, c in zip(df["id"], df["cow_code"], strict=True)}


def org_layout(cow: CowData, mapping: dict | None = None) -> list[tuple[str, int, int | None, int | None]]:
    """(org id, column index, first year, last year) for every organization the columns give."""
    out, seen = [], set()
    for j, col in enumerate(cow.columns):
        for org, first, last in org_segments(col, mapping):
            oid = org if org not in seen else f"{org}_{col.upper()}"
            seen.add(oid)
            out.append((oid, j, first, last))
    return out


def cow_state_ids(cow: CowData, overrides: dict[int, str] | None = None) -> np.ndarray:
    ids = [state_id(c, overrides) for c in cow.ccodes]
    seen: dict[str, int] = {}
    for i, s in enumerate(ids):
        if s in seen:  # two codes with one id: the later code keeps COW<code>
            ids[i] = f"COW{cow.ccodes[i]}"
        seen[ids[i]] = i
    return np.array(ids, dtype=object)


def panel_from_cow(cow: CowData, org_meta: pd.DataFrame | None = None, mapping: dict | None = None,
                   overrides: dict[int, str] | None = None, kb=None) -> Panel:
    """A measures `Panel` from COW data: same representation as the evidence base's.

    Organizations get lead and depth from `org_meta` (columns id, lead, depth; e.g.
    `org_meta_from_case(kb)`), else from `BUILTIN_ORG_META`; the rest are UNCODED
    (lead unknown, default depth) and counted in `n_uncoded`. When `kb` is given,
    its organizations, COW column names and actors' COW codes are used.
    """
    if kb is not None:
        from ..measures.panel import org_meta_from_case
        from .codes import mapping_from_case

        org_meta = org_meta if org_meta is not None else org_meta_from_case(kb)
        mapping = mapping if mapping is not None else mapping_from_case(kb)
        overrides = {**state_overrides(kb), **(overrides or {})}
    layout = org_layout(cow, mapping)
    y0 = int(cow.years[0])
    S, Y = len(cow.ccodes), len(cow.years)
    codes = np.empty((S, len(layout), Y), dtype=np.int8)
    yrs = cow.years
    for k, (_, j, first, last) in enumerate(layout):
        codes[:, k, :] = cow.codes[:, j, :]
        outside = np.zeros(Y, dtype=bool)
        if first is not None:
            outside |= yrs < first
        if last is not None:
            outside |= yrs > last
        if outside.any():
            block = codes[:, k, outside]
            block[block != NOT_COVERED] = NOT_EXISTING
            codes[:, k, outside] = block
    meta: dict[str, tuple[dict, float, list]] = {k: (v[0], v[1], ["bg_cow_igo_v3"]) for k, v in BUILTIN_ORG_META.items()}
    names: dict[str, str] = {}
    if org_meta is not None:
        for r in org_meta.to_dict(orient="records"):
            meta[r["id"]] = (r["lead"], float(r["depth"]), list(r.get("sources", []) or []))
            names[r["id"]] = r.get("name", r["id"])
    org_ids = [o for o, *_ in layout]
    leads = [meta[o][0] if o in meta else None for o in org_ids]
    lead, poles = lead_matrix(leads)
    depth = np.array([meta[o][1] if o in meta else np.nan for o in org_ids])
    coded = np.array([o in meta for o in org_ids])
    covered = (cow.codes != NOT_COVERED).any(axis=1) if cow.codes.shape[1] else np.zeros((S, Y), bool)
    states = cow_state_ids(cow, overrides)
    col_of = [cow.columns[j] for _, j, *_ in layout]

    def build_spells() -> pd.DataFrame:
        runs = spells_from_codes(codes, statuses=(1, 2, 3))
        status = runs["code"].map({1: "member", 2: "associate", 3: "observer"})
        df = pd.DataFrame({
            "actor": states[runs["s"]], "org": np.array(org_ids, dtype=object)[runs["o"]], "status": status,
            "start_year": runs["y_start"].to_numpy() + y0, "end_year": runs["y_end"].to_numpy() + y0,
            "ccode": cow.ccodes[runs["s"]], "cow_column": np.array(col_of, dtype=object)[runs["o"]]})
        df["sources"] = [[f"bg_cow_igo_v3:{c}"] for c in df["cow_column"]]
        df["fact"] = ("COW:" + df["cow_column"] + ":" + df["ccode"].astype(str) + ":"
                      + df["start_year"].astype(str) + "-" + df["end_year"].astype(str))
        return df

    state_names = {s: (COW_HISTORICAL.get(int(c)) or str(n)) for s, c, n in zip(states, cow.ccodes, cow.state_names,
                                                                                  strict=True)}
    return Panel(states=states, orgs=np.array(org_ids, dtype=object), years=cow.years, codes=codes, lead=lead,
                 depth=depth, poles=poles, coded=coded, covered=covered, source=f"cow:{Path(cow.path).name}",
                 org_sources={o: meta[o][2] for o in org_ids if o in meta}, org_names=names,
                 state_names=state_names, spell_builder=build_spells)


def cow_spells(cow: CowData, mapping: dict | None = None, overrides: dict[int, str] | None = None) -> pd.DataFrame:
    """Membership spells of a COW file (member/associate/observer runs), in the case's spell form.

    Columns: actor, ccode, org, cow_column, status, start, end, right_censored
    (the run reaches the last year of the data), sources. Runs are split by -9
    (missing) years; -1 and -9 are never turned into 'none'.
    """
    panel = panel_from_cow(cow, mapping=mapping, overrides=overrides)
    df = panel.evidence()
    last = int(cow.years[-1])
    out = pd.DataFrame({"actor": df["actor"], "ccode": df["ccode"].astype(np.int64), "org": df["org"],
                        "cow_column": df["cow_column"], "status": df["status"],
                        "start": df["start_year"].astype(np.int64), "end": df["end_year"].astype(np.int64),
                        "right_censored": df["end_year"].to_numpy() == last,
                        "sources": ["bg_cow_igo_v3"] * len(df)})
    return out.sort_values(["actor", "org", "start"], kind="stable").reset_index(drop=True)


def cow_summary(cow: CowData, spells: pd.DataFrame | None = None, overrides: dict[int, str] | None = None) -> dict:
    """Counts of a COW file: rows, states, columns, years, code counts, unknown state codes."""
    ids = cow_state_ids(cow, overrides)
    unknown = [int(c) for c, s in zip(cow.ccodes, ids, strict=True) if s.startswith("COW")]
    out = {"file": cow.path, "rows": cow.n_rows, "states": len(cow.ccodes), "org_columns": len(cow.columns),
           "years": f"{int(cow.years[0])}-{int(cow.years[-1])}", "codes": cow.stats, "invalid_codes": cow.invalid,
           "states_without_iso3": unknown}
    if spells is not None:
        out["spells"] = len(spells)
    return out
