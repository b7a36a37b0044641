"""Shared reading of published yearly series: one robust CSV reader and the long form they share.

Every reader turns a published file into a long table with the columns of the
case's series files (`series, actor, partner, year, value, unit, sources`). A
file that cannot be read (missing, binary, not UTF-8, wrong columns, a value
that is not a number) raises one `ValueError` whose text is
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
from ..kb.problems import Problem

#: Cells read as "not published" (never as zero): empty, R's NA, the World Bank's "..".
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", ".."})

ISO3_RE = re.compile(r"^[A-Z]{3}$")
YEAR_RANGE = (1800, 2100)

_MAGIC = {
    b"\x1f\x8b": ("a gzip archive", "decompress it first (gunzip FILE)"),
    b"PK\x03\x04": ("a zip archive or an Excel workbook", "unpack it, or export the sheet as CSV"),
    b"PAR1": ("a Parquet file", "export it as CSV"),
    b"\xd0\xcf\x11\xe0": ("an old Excel (.xls) workbook", "export the sheet as CSV"),
    b"%PDF": ("a PDF document", "give the CSV data file itself"),
}


class SeriesFileError(ValueError):
    """A published file that cannot be read; the message is `file:line: what — how to fix`."""

    def __init__(self, file: str | Path, line: int, what: str, fix: str):
        self.problem = Problem(str(file), line, what, fix)
        super().__init__(str(self.problem))


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


def _decode(path: Path, data: bytes) -> str:
    for magic, (what, fix) in _MAGIC.items():
        if data.startswith(magic):
            raise SeriesFileError(path, 1, f"the file is {what}, not a CSV text file", fix)
    nul = data.find(b"\0")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise SeriesFileError(path, line, "NUL byte in the file (it is binary or corrupted, or UTF-16 encoded)",
                              "give the plain-text CSV as published; re-download it or re-save it as UTF-8 CSV")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        raise SeriesFileError(path, line, f"byte 0x{byte:02x} is not UTF-8 (the file looks Latin-1 or "
                              "Windows-1252 encoded)",
                              f"re-save it as UTF-8, e.g. iconv -f latin1 -t utf-8 {path.name} > "
                              f"{path.stem}.utf8.csv") from None


def read_records(path: str | Path, required: Sequence[str], what: str,
                 header_hint: str = "") -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) of every data row of a CSV file with a header naming at least `required`.

    Column names are matched without case; blank lines are skipped. `what` names the
    file's kind in error messages (e.g. "UNGA ideal-point file").
    """
    path = Path(path)
    if not path.exists():
        raise SeriesFileError(path, 0, f"no such file ({what})",
                              "check the path; the shared data live in ../shared/data/ beside the project")
    if path.is_dir():
        raise SeriesFileError(path, 0, f"is a folder, not a {what}", "give the path of the CSV file itself")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SeriesFileError(path, 0, f"cannot be read: {exc.strerror or exc}",
                              "check the file's permissions") from None
    text = _decode(path, data)
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
