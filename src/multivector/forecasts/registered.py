"""Registered forecasts: the baseline forecast from the record, written once with what made it, never edited.

Forecasting projects publish their forecasts ahead of time so anyone can score them
later (Tetlock & Gardner 2015; the pre-registration of the Good Judgment Project and
the Metaculus track record). A registered forecast is one JSON file holding, for every
state, organization and year after the record, the probability of each status with its
90% interval, with the date, the code version, the case's content hash and the
settings of the run; its `sha256` is the SHA-256 of the canonical JSON of everything
else, and a `.sha256` file beside it holds the SHA-256 of the file's bytes (check it
with `sha256sum -c`). A file whose hashes do not match is refused (`read_registered`):
a forecast that changes is registered anew, beside the old one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

KIND = "multivector registered forecast"
FORMAT = 1
LEVELS = ("none", "partner", "member")
COLUMNS = ["state", "line", "org", "year"] + [f"p_{lv}{s}" for lv in LEVELS for s in ("", "_p05", "_p95")]


class RegisteredForecastError(ValueError):
    """A registered forecast that cannot be written, read or scored; the message says why and what to do."""


def canonical(body: dict) -> bytes:
    """The bytes the `sha256` field is computed over: sorted keys, no spaces, UTF-8."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def body_hash(doc: dict) -> str:
    return hashlib.sha256(canonical({k: v for k, v in doc.items() if k != "sha256"})).hexdigest()


@dataclass
class Registration:
    """A registered forecast as read back (hashes checked)."""

    path: Path
    doc: dict

    @property
    def rows(self) -> pd.DataFrame:
        return pd.DataFrame(self.doc["rows"], columns=COLUMNS)

    @property
    def record_until(self) -> int:
        return int(self.doc["case"]["record_until"])

    @property
    def years(self) -> tuple[int, int]:
        f = self.doc["forecast"]
        return int(f["first_year"]), int(f["last_year"])


def build_document(table: pd.DataFrame, *, case: dict, forecast: dict, code: dict,
                   registered: datetime | None = None) -> dict:
    """The registration document of a forecast table (`model.run.intervals_table` rows), hash included."""
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise RegisteredForecastError(f"the forecast table lacks {', '.join(missing)}")
    when = (registered or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    rows = [[r[c] if c in ("state", "line", "org") else (int(r[c]) if c == "year" else round(float(r[c]), 4))
             for c in COLUMNS] for r in table[COLUMNS].to_dict("records")]
    doc = {"kind": KIND, "format": FORMAT, "registered": when.isoformat().replace("+00:00", "Z"),
           "code": code, "case": case, "forecast": forecast, "columns": COLUMNS, "rows": rows}
    doc["sha256"] = body_hash(doc)
    return doc


def file_name(doc: dict) -> str:
    """`CASE-FIRST-LAST-registered-YYYYMMDD-CODE.json`: the years, the day and the code (commit or version)."""
    f, c = doc["forecast"], doc["code"]
    code = (c.get("commit") or "")[:10] or f"v{c.get('package', 'unknown')}"
    day = doc["registered"][:10].replace("-", "")
    return f"{doc['case']['name']}-{f['first_year']}-{f['last_year']}-registered-{day}-{code}.json"


def dumps(doc: dict) -> str:
    """The file's text: the settings indented, then one forecast row a line (readable, and diffs stay small)."""
    head = json.dumps({k: v for k, v in doc.items() if k != "rows"}, indent=1, ensure_ascii=False)
    rows = ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in doc["rows"])
    return head[:-2] + ',\n "rows": [\n' + rows + "\n ]\n}\n"


def write_registered(doc: dict, folder: str | Path) -> Path:
    """Write the document and its `.sha256` beside it into `folder`; an existing file is never replaced."""
    from ..io_utils import write_atomic

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise RegisteredForecastError(f"--register {folder} is a file; give a folder such as forecasts/")
    path = folder / file_name(doc)
    if path.exists():
        raise RegisteredForecastError(f"{path} already exists and a registered forecast is never replaced; "
                                      "register again another day or after a code change, or remove the file "
                                      "yourself if it was never published")
    data = dumps(doc).encode("utf-8")
    write_atomic(path, data)
    write_atomic(path.with_name(path.name + ".sha256"), f"{hashlib.sha256(data).hexdigest()}  {path.name}\n")
    return path


def read_registered(path: str | Path) -> Registration:
    """Read a registered forecast and check both hashes; RegisteredForecastError if anything does not match."""
    path = Path(path)
    fix = ("a registered forecast is never edited: use the file as it was registered, or register a new one "
           "with `multivector forecast --register DIR`")
    from ..textfiles import InputFileError, read_bytes, read_text

    try:
        data = read_bytes(path, "registered forecast")
    except InputFileError as exc:
        raise RegisteredForecastError(f"{exc}; give the JSON file `multivector forecast --register DIR` "
                                      "wrote") from None
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise RegisteredForecastError(f"{path} is not JSON ({exc}); {fix}") from None
    if not isinstance(doc, dict) or doc.get("kind") != KIND:
        raise RegisteredForecastError(f"{path} is not a registered forecast (no kind: {KIND!r}); give a file "
                                      "`multivector forecast --register DIR` wrote")
    if doc.get("format") != FORMAT:
        raise RegisteredForecastError(f"{path} has format {doc.get('format')!r}; this version reads format {FORMAT}")
    stored = doc.get("sha256")
    if stored != body_hash(doc):
        raise RegisteredForecastError(f"{path}: its content does not match its SHA-256 ({str(stored)[:12]}…): the "
                                      f"file was changed after it was registered; {fix}")
    side = path.with_name(path.name + ".sha256")
    if side.is_file():
        try:
            want = read_text(side, "forecast checksum").split()[:1]
        except InputFileError as exc:
            raise RegisteredForecastError(f"{exc}; {fix}") from None
        if want != [hashlib.sha256(data).hexdigest()]:
            raise RegisteredForecastError(f"{path}: the file's bytes do not match {side.name}; {fix}")
    if doc.get("columns") != COLUMNS:
        raise RegisteredForecastError(f"{path}: unexpected columns {doc.get('columns')!r}")
    return Registration(path, doc)
