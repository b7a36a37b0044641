"""Series as reviewed case files: `series/*.csv` in a case folder, written atomically.

A series file is long form, one row per point: `series,actor,partner,year,value,
unit,sources` (sources `;`-separated citation ids, as in memberships.csv). Lines
starting with `#` are comments; the import commands write a few saying which
published file, with which checksum, each file was made from.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..io_utils import write_atomic
from .common import SERIES_COLUMNS

SERIES_DIR = "series"


@dataclass
class Selection:
    """The rows of a reader that a case can hold, and what was left out and why."""

    frame: pd.DataFrame
    skipped_actors: dict[str, int] = field(default_factory=dict)   # state not in actors.yaml → rows
    skipped_partners: dict[str, int] = field(default_factory=dict)  # partner not in actors.yaml → rows


def for_case(df: pd.DataFrame, actor_ids: Iterable[str]) -> Selection:
    """Keep the points whose actor and partner the case declares; count the others."""
    known = set(actor_ids)
    bad_actor = ~df["actor"].isin(known)
    bad_partner = ~bad_actor & (df["partner"] != "") & ~df["partner"].isin(known)
    return Selection(frame=df[~bad_actor & ~bad_partner].reset_index(drop=True),
                     skipped_actors=dict(Counter(df.loc[bad_actor, "actor"])),
                     skipped_partners=dict(Counter(df.loc[bad_partner, "partner"])))


def missing_sources(needed: Iterable[str], source_ids: Iterable[str]) -> list[str]:
    known = set(source_ids)
    return sorted({s for s in needed if s not in known})


def format_value(value: float) -> str:
    """The shortest text that reads back as exactly the same float (whole numbers without `.0`)."""
    v = float(value)
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def file_note(path: str | Path, rows: int | None = None) -> str:
    """`NAME (sha256 0123456789ab, N rows)`: which published file, exactly, a series file came from."""
    path = Path(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return f"{path.name} (sha256 {digest}" + (f", {rows} rows)" if rows is not None else ")")


def render(df: pd.DataFrame, comments: Iterable[str] = ()) -> str:
    """The text of a series file: `#` comment lines, the header, one line per point."""
    buf = io.StringIO()
    for c in comments:
        buf.write("# " + c.replace("\n", " ").replace('"', "'") + "\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(SERIES_COLUMNS)
    for r in df.itertuples(index=False):
        sources = r.sources if isinstance(r.sources, str) else ";".join(r.sources)
        w.writerow([r.series, r.actor, r.partner or "", int(r.year), format_value(r.value), r.unit, sources])
    return buf.getvalue()


def series_path(case_folder: str | Path, name: str) -> Path:
    return Path(case_folder) / SERIES_DIR / f"{name}.csv"


def write_series_file(case_folder: str | Path, name: str, df: pd.DataFrame,
                      comments: Iterable[str] = ()) -> Path:
    """Write `series/NAME.csv` of a case atomically: an interrupted write leaves the old file intact."""
    return write_atomic(series_path(case_folder, name), render(df, comments))
