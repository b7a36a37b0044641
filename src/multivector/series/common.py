"""Shared reading of published yearly series: one robust CSV reader and the long form they share.

Every reader turns a published file into a long table with the columns of the
case's series files (`series, actor, partner, year, value, unit, sources`). A
file is read through `multivector.textfiles` (missing, not a regular file, too large,
binary, not UTF-8); a file that cannot be read, or has wrong columns or a value that is
not a number, raises the project's one input error (`SeriesFileError` here) whose text is
`file:line: what is wrong — how to fix it`, like every problem of the case files.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..kb.loader import SERIES_COLUMNS
from ..textfiles import InputFileError, read_text

#: Cells read as "not published" (never as zero): empty, R's NA, the World Bank's "..".
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", ".."})

ISO3_RE = re.compile(r"^[A-Z]{3}$")
YEAR_RANGE = (1800, 2100)

#: The series readers' name for the project's one input error (kept for callers that catch it).
SeriesFileError = InputFileError

#: A published series file larger than this is not one (the full UNGA ideal-point file is about 2 MB).
MAX_BYTES = 256 * 2**20


def frame(rows: list[dict]) -> pd.DataFrame:
    """Rows as a long table in the column order of the series files, sorted by key."""
    df = pd.DataFrame(rows, columns=SERIES_COLUMNS)
    df["partner"] = df["partner"].fillna("")
    df["year"] = df["year"].astype("int64")
    df["value"] = df["value"].astype("float64")
    return df.sort_values(["series", "actor", "partner", "year"], kind="stable").reset_index(drop=True)


@dataclass
class SeriesData:
    """What a reader found in one or more published files."""

    frame: pd.DataFrame
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    not_published: int = 0  # cells read as missing (empty, NA, ..): no point is stored for them
    sources: list[str] = field(default_factory=list)  # the citation ids every row cites

    def summary(self) -> pd.DataFrame:
        """One line per series: unit, partner, points, actors, first and last year, sources."""
        return series_summary(self.frame)


def series_summary(df: pd.DataFrame) -> pd.DataFrame:
    cols = ["series", "unit", "partner", "points", "actors", "years", "sources"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    out = []
    for (name, partner), g in df.groupby(["series", "partner"], sort=True):
        srcs = sorted({s for v in g["sources"] for s in (v.split(";") if isinstance(v, str) else v)})
        out.append({"series": name, "unit": ", ".join(sorted(set(g["unit"]))), "partner": partner or "",
                    "points": len(g), "actors": g["actor"].nunique(),
                    "years": f"{int(g['year'].min())}-{int(g['year'].max())}", "sources": ";".join(srcs)})
    return pd.DataFrame(out, columns=cols)


def read_records(path: str | Path, required: Sequence[str], what: str,
                 header_hint: str = "") -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) of every data row of a CSV file with a header naming at least `required`.

    Column names are matched without case; blank lines are skipped. `what` names the
    file's kind in error messages (e.g. "UNGA ideal-point file").
    """
    path = Path(path)
    text = read_text(path, what, max_bytes=MAX_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    try:
        for record in reader:
            line = reader.line_num
            if not record or all(not c.strip() for c in record):
                continue
            if header is None:
                header = [h.strip().lower() for h in record]
                missing = [c for c in required if c not in header]
                if missing:
                    hint = header_hint or f"the header must include {','.join(required)}"
                    if "country code" in header and "indicator code" in header:
                        hint = ("this is the World Bank's wide download (one column per year); give the long "
                                "form iso3,year,value described in ../shared/data/README.md")
                    raise SeriesFileError(path, line, f"not a {what}: missing column(s) {', '.join(missing)}",
                                          hint)
                continue
            if len(record) != len(header):
                raise SeriesFileError(path, line, f"expected {len(header)} fields, found {len(record)}",
                                      "every row needs one value per header column; quote fields with commas")
            yield line, {h: v.strip() for h, v in zip(header, record, strict=True)}
    except csv.Error as exc:
        raise SeriesFileError(path, reader.line_num, f"unreadable CSV: {exc}",
                              "check the quoting on that line") from None
    if header is None:
        raise SeriesFileError(path, 1, f"the file is empty (expected a {what})",
                              f"give a CSV whose header includes {','.join(required)}")


def number(cell: str, path: str | Path, line: int, column: str) -> float | None:
    """A finite number, or None where the cell is not published (empty, NA, ..)."""
    if cell.lower() in MISSING_TOKENS:
        return None
    try:
        value = float(cell)
    except ValueError:
        raise SeriesFileError(path, line, f"`{column}` is '{cell[:40]}', not a number",
                              "write a plain number with a decimal point (e.g. 26.41), or leave the cell empty "
                              "(or NA) where no value is published") from None
    if not math.isfinite(value):
        raise SeriesFileError(path, line, f"`{column}` is '{cell}', not a finite number",
                              "leave the cell empty (or NA) where no value is published")
    return value


def year(cell: str, path: str | Path, line: int, column: str = "year") -> int:
    try:
        value = int(cell)
    except ValueError:
        raise SeriesFileError(path, line, f"`{column}` is '{cell[:40]}', not a whole year",
                              "write the year as four digits, e.g. 2010") from None
    lo, hi = YEAR_RANGE
    if not lo <= value <= hi:
        raise SeriesFileError(path, line, f"`{column}` {value} is outside {lo}-{hi}",
                              "write the calendar year of the observation, e.g. 2010")
    return value


def iso3(cell: str, path: str | Path, line: int, column: str) -> str:
    if not ISO3_RE.match(cell):
        raise SeriesFileError(path, line, f"`{column}` is '{cell[:40]}', not an ISO 3166 alpha-3 code",
                              "write the state as three upper-case letters, e.g. KGZ")
    return cell


def once(seen: dict, key: tuple, path: str | Path, line: int, what: str) -> None:
    """Record `key`; a second row with the same key is an error naming the first."""
    if key in seen:
        raise SeriesFileError(path, line, f"{what} {'/'.join(map(str, key))} appears twice (first at line "
                              f"{seen[key]})", "keep one row per key; the file should be as published")
    seen[key] = line
