"""Finished scenario runs on disk, keyed by a hash of what shapes their numbers.

A result is a folder `<cache>/web-results/<key>/` holding the same summary tables
as `multivector simulate --out` (engagement, indices, stances, depth as CSV, with a
comparison also compare and the baseline's engagement and indices, and
summary.json with the seed and the version), written as one `OutputSet` so a
reader (or a restarted server) sees a complete result or none. The key is a
SHA-256 of the scenario's numbers, the seed, the runs, the package version and
the case's content hash; a request's key is checked against `KEY_RE` before it
comes near a path.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import pandas as pd

from .. import __version__
from ..io_utils import OutputSet
from .errors import WebInputError

KEY_RE = re.compile(r"^[0-9a-f]{32}$")
TABLES = ("engagement", "indices", "stances", "depth", "compare", "baseline_engagement", "baseline_indices")
COMPARED = ("compare", "baseline_engagement", "baseline_indices")   # only in a result run with compare
FORMATS = ("csv", "json", "parquet")


def result_key(fields: dict, case_hash: str, kind: str = "scenario") -> str:
    """The cache key of a run: what shapes its numbers, the version and the case."""
    blob = json.dumps({"kind": kind, "fields": fields, "version": __version__, "case": case_hash},
                      sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


class ResultStore:
    """Read and write finished results under `root` (tests give a temporary folder)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def folder(self, key: str) -> Path:
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise WebInputError(f"result key {str(key)[:40]!r} is not one this app writes",
                                "use the `key` a job returned (32 hexadecimal characters)")
        return self.root / key

    def has(self, key: str) -> bool:
        return (self.folder(key) / "summary.json").is_file()

    def write(self, key: str, results) -> Path:
        """Write a result set (`model.result_set.ResultSet`) as one set: old set or new set, never a mix."""
        with OutputSet(self.folder(key)) as out:
            results.write(out.path)
        return self.folder(key)

    def summary(self, key: str) -> dict:
        if not self.has(key):
            raise WebInputError(f"no result {key}", "run the scenario first (POST /api/v1/jobs) and use the key "
                                "it returns", status=404)
        return json.loads((self.folder(key) / "summary.json").read_text(encoding="utf-8"))

    def table(self, key: str, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise WebInputError(f"unknown result table {name!r}", f"use one of {', '.join(TABLES)}", status=404)
        self.summary(key)   # 404 if missing
        path = self.folder(key) / f"{name}.csv"
        if name in COMPARED and not path.is_file():
            raise WebInputError(f"result {key} was run without a comparison, so it has no {name} table",
                                'run it again with "compare": true (the lab\'s "Compare" box)', status=404)
        return pd.read_csv(path, keep_default_na=False, na_values=[""])

    def download(self, key: str, name: str, fmt: str) -> tuple[bytes, str]:
        """(bytes, media type) of one table as csv, json or parquet."""
        if fmt not in FORMATS:
            raise WebInputError(f"unknown format {fmt!r}", f"use one of {', '.join(FORMATS)}", status=404)
        df = self.table(key, name)
        if fmt == "csv":
            return (self.folder(key) / f"{name}.csv").read_bytes(), "text/csv"
        if fmt == "json":
            from ..io_utils import records

            return json.dumps(records(df)).encode(), "application/json"
        buf = io.BytesIO()
        df.to_parquet(buf, index=False)
        return buf.getvalue(), "application/vnd.apache.parquet"
