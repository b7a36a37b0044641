"""Readers for negotiation input files.

Three layouts are read:

* **KTAB CSV** (the input of KTAB's SMP, https://github.com/KTAB/KTAB):
  line 1 ``scenario name, description, number of actors, number of dimensions``;
  line 2 the header ``Actor,Description,Power,Pstn1,Sal1,Pstn2,Sal2,...``
  (KTAB's own files say ``Influence``/``Policy Position``/``Policy Salience``;
  any names are accepted, the order is what counts); then one row per actor,
  positions and saliences on 0–100. Trailing empty cells are ignored.
* **DEU III TSV** (Arregui & Perarnaud 2021, layout of ``deu3_dev.tsv``):
  tab-separated, quoted; line 1 the header; line 2 the capability of every actor
  column; then one row per issue. Actors are the ``p<code>`` columns that have a
  matching ``s<code>`` salience column; an actor takes part in an issue when its
  position cell is not empty. ``rp`` is the reference point (status quo),
  ``out`` the outcome, ``counvte`` the Council voting rule.
* **BDM CSV** (Bueno de Mesquita 1994, Table 1 of Scholz et al. 2011):
  header ``actor,capability,position,salience``; positions on any scale.

Malformed files raise :class:`NegotiationFileError`, whose message follows the
project convention ``file:line: what is wrong — how to fix it``.
"""

from __future__ import annotations

import csv
import io as _io
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np

from .problem import NegotiationProblem

FileKind = Literal["ktab", "deu", "bdm"]

#: DEU actor codes that are EU institutions rather than member states.
DEU_INSTITUTIONS: tuple[str, ...] = ("com", "ep")


class NegotiationFileError(ValueError):
    """A malformed negotiation file; the message says where, what and how to fix."""

    def __init__(
        self,
        path: str | Path,
        line: int | None,
        message: str,
        hint: str = "",
        column: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.hint = hint
        where = f"{self.path}:{line}" if line is not None else self.path
        col = f" column '{column}':" if column else ""
        text = f"{where}:{col} {message}"
        if hint:
            text += f" — {hint}"
        super().__init__(text)


class InMemoryFile:
    """An uploaded file read from memory, never from disk: `name` labels messages, `data` holds the bytes.

    Every reader accepts one where it takes a path (the web app parses uploads this way).
    """

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self.data = name, data

    def __fspath__(self) -> str:   # only for Path(name).stem/.suffix in labels; _read_text never opens it
        return self.name

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------- helpers
def _number(
    path: str | Path,
    line: int,
    column: str,
    raw: str,
    *,
    lo: float | None = 0.0,
    hi: float | None = 100.0,
    what: str = "a number 0-100",
    hint: str = "",
    positive: bool = False,
) -> float:
    text = raw.strip()
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    bad = not np.isfinite(value)
    if not bad and lo is not None and value < lo:
        bad = True
    if not bad and hi is not None and value > hi:
        bad = True
    if not bad and positive and value <= 0:
        bad = True
    if bad:
        raise NegotiationFileError(path, line, f"expected {what}, got '{raw}'", hint, column)
    return value


def _read_text(path: str | Path) -> str:
    p = Path(path)
    try:
        raw = path.data if isinstance(path, InMemoryFile) else p.read_bytes()
    except FileNotFoundError:
        raise NegotiationFileError(
            path, None, "file not found", "check the path and spell the file name"
        ) from None
    except IsADirectoryError:
        raise NegotiationFileError(
            path, None, "is a directory", "give a .csv or .tsv file"
        ) from None
    except OSError as exc:
        raise NegotiationFileError(path, None, f"cannot be read: {exc.strerror or exc}", "check the path and permissions") from None
    if b"\0" in raw:   # no text file holds a NUL byte: this is a binary file (a spreadsheet, an archive)
        line = raw.count(b"\n", 0, raw.index(b"\0")) + 1
        raise NegotiationFileError(path, line, "NUL byte: this is a binary file, not CSV text",
                                   "export the table as CSV (UTF-8) and give that file")
    if len(raw) > 64 * 2**20:
        raise NegotiationFileError(path, None, f"{len(raw) / 2**20:,.0f} MB is far too large for a negotiation file",
                                   "a negotiation file is a small table; check that this is the right file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")   # DEU and KTAB exports from old tools are often Latin-1
    text = text.replace("\r\n", "\n").replace("\r", "\n")   # CR-only line ends (old Mac exports)
    if not text.strip():
        raise NegotiationFileError(path, 1, "the file is empty", "export the data again")
    return text


def _strip_trailing(row: list[str]) -> list[str]:
    out = list(row)
    while out and not out[-1].strip():
        out.pop()
    return out


# ---------------------------------------------------------------- KTAB CSV
def read_ktab_csv(path: str | Path, decision_rule: str = "majority") -> NegotiationProblem:
    """Read a KTAB-style SMP CSV into one :class:`NegotiationProblem`."""
    text = _read_text(path)
    rows = list(csv.reader(_io.StringIO(text)))
    numbered = [(i + 1, r) for i, r in enumerate(rows)]
    if not numbered:
        raise NegotiationFileError(path, 1, "the file is empty", "see docs/negotiation.md")
    line1 = _strip_trailing(numbered[0][1])
    if len(line1) < 4:
        raise NegotiationFileError(
            path,
            1,
            f"expected 4 fields 'scenario name, description, number of actors, number of dimensions', got {len(line1)}",
            "write e.g. 'My scenario,What it is about,5,1' on the first line",
        )
    name, description = line1[0].strip(), line1[1].strip()
    counts = []
    for field_no, label in ((2, "number of actors"), (3, "number of dimensions")):
        raw = line1[field_no].strip()
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value < 1:
            raise NegotiationFileError(
                path,
                1,
                f"field {field_no + 1} ({label}): expected a positive whole number, got '{line1[field_no]}'",
                "line 1 is 'scenario name, description, number of actors, number of dimensions'",
            )
        counts.append(value)
    n_actors, n_dims = counts
    if len(numbered) < 2:
        raise NegotiationFileError(
            path, 2, "missing the header line", "line 2 is 'Actor,Description,Power,Pstn1,Sal1,...'"
        )
    header = [h.strip() for h in _strip_trailing(numbered[1][1])]
    need = 3 + 2 * n_dims
    if len(header) < need:
        raise NegotiationFileError(
            path,
            2,
            f"expected {need} header columns (Actor, Description, Power and a position and a salience "
            f"for each of {n_dims} dimensions), got {len(header)}",
            "line 2 is 'Actor,Description,Power,Pstn1,Sal1,...'; fix the header or the number of dimensions on line 1",
        )
    if header[0].lower() != "actor":
        raise NegotiationFileError(
            path,
            2,
            f"expected the first header column to be 'Actor', got '{header[0]}'",
            "line 2 is 'Actor,Description,Power,Pstn1,Sal1,...'",
            column="1",
        )
    dims = tuple(header[3 + 2 * k] for k in range(n_dims))
    body = [(ln, _strip_trailing(r)) for ln, r in numbered[2:]]
    body = [(ln, r) for ln, r in body if any(c.strip() for c in r)]
    if len(body) != n_actors:
        last = body[-1][0] if body else 2
        raise NegotiationFileError(
            path,
            last,
            f"expected {n_actors} actor rows (line 1 declares {n_actors} actors), found {len(body)}",
            "make the number of actors on line 1 match the rows below the header",
        )
    actors: list[str] = []
    caps: list[float] = []
    pos = np.zeros((n_actors, n_dims))
    sal = np.zeros((n_actors, n_dims))
    for a, (ln, row) in enumerate(body):
        if len(row) < need:
            raise NegotiationFileError(
                path,
                ln,
                f"expected {need} fields, got {len(row)}",
                "each actor row is 'name,description,power,position,salience,...'",
            )
        actor = row[0].strip()
        if not actor:
            raise NegotiationFileError(
                path, ln, "expected an actor name, got ''", "name every actor", header[0]
            )
        if actor in actors:
            raise NegotiationFileError(
                path,
                ln,
                f"actor '{actor}' appears twice",
                "give every actor a unique name",
                header[0],
            )
        actors.append(actor)
        caps.append(
            _number(
                path,
                ln,
                header[2],
                row[2],
                lo=0,
                hi=None,
                positive=True,
                what="a positive number (the actor's power)",
                hint="power must be greater than 0",
            )
        )
        for k in range(n_dims):
            pc, sc = 3 + 2 * k, 4 + 2 * k
            pos[a, k] = _number(
                path, ln, header[pc], row[pc], hint="positions lie on the 0-100 scale"
            )
            sal[a, k] = _number(
                path, ln, header[sc], row[sc], hint="saliences lie on the 0-100 scale"
            )
    return NegotiationProblem(
        actors=tuple(actors),
        capability=np.array(caps),
        position=pos,
        salience=sal,
        decision_rule=decision_rule,  # type: ignore[arg-type]
        name=name,
        description=description,
        dimensions=dims,
        meta={"kind": "ktab", "path": str(path)},
    )


# ---------------------------------------------------------------- DEU TSV
_RULES = {
    "qmv": "qmv",
    "unan": "unanimity",
    "unanimity": "unanimity",
    "maj": "majority",
    "majority": "majority",
    "sm": "majority",
    "consensus": "consensus",
}


def _deu_rule(raw: str) -> str | None:
    key = raw.strip().lower()
    if key.startswith("qmv"):
        return "qmv"
    return _RULES.get(key)


def read_deu_tsv(
    path: str | Path,
    missing_salience: float | Literal["mean"] = 0.0,
    require_outcome: bool = False,
) -> list[NegotiationProblem]:
    """Read a DEU III TSV into one :class:`NegotiationProblem` per issue row.

    Args:
        path: the file.
        missing_salience: salience used when an actor has a position but no
            salience: a number (default 0, which reproduces the published
            compromise and median figures) or ``"mean"`` (the issue mean).
        require_outcome: drop rows whose ``out`` is empty.

    The problems keep ``isnr``, ``prnr``, ``proc``, ``counvte``, ``rp``
    (as ``status_quo``) and ``out`` (as ``outcome``); ``com`` is the agenda setter.
    """
    text = _read_text(path)
    reader = csv.reader(_io.StringIO(text), delimiter="\t")
    try:
        header = next(reader)
    except StopIteration:  # pragma: no cover - _read_text rejects empty files
        raise NegotiationFileError(path, 1, "the file is empty") from None
    header = [h.strip() for h in header]
    if len(header) < 3:
        raise NegotiationFileError(
            path,
            1,
            f"expected a tab-separated header, got {len(header)} column(s)",
            "DEU files are tab-separated; save the sheet as 'text (tab delimited)'",
        )
    cols = {h: i for i, h in enumerate(header)}
    for required in ("isnr", "prnr", "rp", "out"):
        if required not in cols:
            raise NegotiationFileError(
                path,
                1,
                f"missing the column '{required}'",
                "the header needs isnr, prnr, rp, out and a p<code>/s<code> pair per actor",
            )
    codes = [h[1:] for h in header if h.startswith("p") and len(h) > 1 and ("s" + h[1:]) in cols]
    if not codes:
        raise NegotiationFileError(
            path,
            1,
            "no actor columns found (a position column 'p<code>' with a salience column 's<code>')",
            "name actor columns like pde/sde, pcom/scom",
        )
    try:
        cap_row = next(reader)
    except StopIteration:
        raise NegotiationFileError(
            path,
            2,
            "missing the capability line",
            "line 2 holds each actor's capability under its position column",
        ) from None
    cap_line = reader.line_num
    if len(cap_row) != len(header):
        raise NegotiationFileError(
            path,
            cap_line,
            f"expected {len(header)} tab-separated fields, got {len(cap_row)}",
            "every line needs one field per header column (empty fields are fine)",
        )
    capability = {
        c: _number(
            path,
            cap_line,
            "p" + c,
            cap_row[cols["p" + c]],
            lo=0,
            hi=None,
            positive=True,
            what="a capability (a positive number)",
            hint="line 2 holds each actor's capability under its position column",
        )
        for c in codes
    }
    rule_col = "counvte" if "counvte" in cols else None
    problems: list[NegotiationProblem] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise NegotiationFileError(
                path,
                line,
                f"expected {len(header)} tab-separated fields, got {len(row)}",
                "every line needs one field per header column (empty fields are fine)",
            )

        def cell(name: str, row: Sequence[str] = row) -> str:
            return row[cols[name]].strip()

        isnr = cell("isnr")
        if not isnr:
            raise NegotiationFileError(
                path, line, "expected an issue id, got ''", "every issue row needs an isnr", "isnr"
            )
        out_raw, rp_raw = cell("out"), cell("rp")
        outcome = (
            None
            if out_raw == ""
            else _number(
                path,
                line,
                "out",
                row[cols["out"]],
                hint="leave 'out' empty when the outcome is unknown",
            )
        )
        if outcome is None and require_outcome:
            continue
        ref = (
            None
            if rp_raw == ""
            else _number(
                path,
                line,
                "rp",
                row[cols["rp"]],
                hint="leave 'rp' empty when the reference point is unknown",
            )
        )
        rule = "qmv"
        if rule_col is not None:
            raw_rule = cell(rule_col)
            rule_val = _deu_rule(raw_rule) if raw_rule else "qmv"
            if rule_val is None:
                raise NegotiationFileError(
                    path,
                    line,
                    f"expected a Council voting rule (QMV or Unan), got '{row[cols[rule_col]]}'",
                    "use QMV, QMV(n) or Unan",
                    rule_col,
                )
            rule = rule_val
        actors, caps, pos, sal = [], [], [], []
        missing: list[int] = []
        for c in codes:
            p_raw = cell("p" + c)
            if p_raw == "":
                continue
            p = _number(
                path,
                line,
                "p" + c,
                row[cols["p" + c]],
                hint="leave the cell empty if the actor took no position",
            )
            s_raw = cell("s" + c)
            if s_raw == "":
                missing.append(len(actors))
                s = float("nan")
            else:
                s = _number(
                    path,
                    line,
                    "s" + c,
                    row[cols["s" + c]],
                    hint="saliences lie on 0-100; leave empty if unknown",
                )
            actors.append(c)
            caps.append(capability[c])
            pos.append(p)
            sal.append(s)
        if not actors:
            raise NegotiationFileError(
                path,
                line,
                f"issue '{isnr}' has no actor with a position",
                "fill at least one p<code> cell or delete the row",
            )
        sal_arr = np.array(sal)
        if missing:
            if missing_salience == "mean":
                known = sal_arr[~np.isnan(sal_arr)]
                fill = float(known.mean()) if known.size else 50.0
            else:
                fill = float(missing_salience)
            sal_arr[np.isnan(sal_arr)] = fill
        meta = {
            "kind": "deu",
            "isnr": isnr,
            "prnr": cell("prnr"),
            "rp": ref,
            "out": outcome,
            "counvte": cell(rule_col) if rule_col else "",
            "missing_salience": [actors[i] for i in missing],
        }
        for extra in ("proc", "prname", "type", "council", "proccde"):
            if extra in cols:
                meta[extra] = cell(extra)
        problems.append(
            NegotiationProblem(
                actors=tuple(actors),
                capability=np.array(caps),
                position=np.array(pos).reshape(-1, 1),
                salience=sal_arr.reshape(-1, 1),
                decision_rule=rule,  # type: ignore[arg-type]
                status_quo=None if ref is None else np.array([ref]),
                agenda_setters=tuple(a for a in ("com",) if a in actors),
                name=isnr,
                description=meta.get("prname", ""),
                dimensions=(isnr,),
                outcome=None if outcome is None else np.array([outcome]),
                meta=meta,
            )
        )
    if not problems:
        raise NegotiationFileError(
            path,
            reader.line_num,
            "no issue rows found",
            "add one row per issue below the capability line",
        )
    return problems


# ---------------------------------------------------------------- BDM CSV
_BDM_COLUMNS = ("actor", "capability", "position", "salience")


def read_bdm_csv(path: str | Path, decision_rule: str = "majority") -> NegotiationProblem:
    """Read ``actor,capability,position,salience`` rows (positions on any scale)."""
    text = _read_text(path)
    rows = list(csv.reader(_io.StringIO(text)))
    header = [h.strip().lower() for h in rows[0]]
    cols = {}
    for name in _BDM_COLUMNS:
        if name not in header:
            raise NegotiationFileError(
                path,
                1,
                f"missing the column '{name}'",
                "the header is 'actor,capability,position,salience'",
            )
        cols[name] = header.index(name)
    actors, caps, pos, sal = [], [], [], []
    for i, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < len(header):
            raise NegotiationFileError(
                path,
                i,
                f"expected {len(header)} fields, got {len(row)}",
                "each row is 'actor,capability,position,salience'",
            )
        actor = row[cols["actor"]].strip()
        if not actor:
            raise NegotiationFileError(
                path, i, "expected an actor name, got ''", "name every actor", "actor"
            )
        actors.append(actor)
        caps.append(
            _number(
                path,
                i,
                "capability",
                row[cols["capability"]],
                lo=0,
                hi=None,
                positive=True,
                what="a positive number",
                hint="capability must be greater than 0",
            )
        )
        pos.append(
            _number(
                path,
                i,
                "position",
                row[cols["position"]],
                lo=None,
                hi=None,
                what="a number",
                hint="positions may use any scale",
            )
        )
        sal.append(
            _number(path, i, "salience", row[cols["salience"]], hint="saliences lie on 0-100")
        )
    if not actors:
        raise NegotiationFileError(
            path, 2, "no actor rows found", "add one row per actor below the header"
        )
    return NegotiationProblem(
        actors=tuple(actors),
        capability=np.array(caps),
        position=np.array(pos).reshape(-1, 1),
        salience=np.array(sal).reshape(-1, 1),
        decision_rule=decision_rule,  # type: ignore[arg-type]
        name=Path(path).stem,
        scale=None,
        meta={"kind": "bdm", "path": str(path)},
    )


# ---------------------------------------------------------------- detection
def detect_kind(path: str | Path) -> FileKind:
    """Guess the layout from the extension and the first line."""
    text = _read_text(path)
    first = text.splitlines()[0] if text else ""
    if "\t" in first or Path(path).suffix.lower() in (".tsv", ".tab"):
        return "deu"
    head = [h.strip().lower() for h in next(csv.reader([first]))]
    if all(c in head for c in _BDM_COLUMNS):
        return "bdm"
    return "ktab"


def read_problems(
    path: str | Path, kind: FileKind | None = None
) -> tuple[FileKind, list[NegotiationProblem]]:
    """Read any supported file; returns its kind and its problems."""
    kind = kind or detect_kind(path)
    if kind == "deu":
        return kind, read_deu_tsv(path)
    if kind == "bdm":
        return kind, [read_bdm_csv(path)]
    return kind, [read_ktab_csv(path)]
