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

Files are read through :mod:`multivector.textfiles` (regular file, size, binary, encoding with a
Latin-1 fallback, which old DEU and KTAB exports need). Malformed files raise the project's one
input error, :class:`~multivector.textfiles.InputFileError` (also importable here as
``NegotiationFileError``), whose message is ``file:line: what is wrong — how to fix it``.
"""

from __future__ import annotations

import csv
import io as _io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from ..textfiles import InMemoryFile, InputFileError, read_text
from .problem import NegotiationProblem

FileKind = Literal["ktab", "deu", "bdm"]

#: DEU actor codes that are EU institutions rather than member states.
DEU_INSTITUTIONS: tuple[str, ...] = ("com", "ep")


#: The negotiation readers' name for the project's one input error (kept for callers that catch it).
NegotiationFileError = InputFileError

__all__ = ["DEU_INSTITUTIONS", "InMemoryFile", "NegotiationFileError", "detect_kind", "read_bdm_csv",
           "read_deu_tsv", "read_ktab_csv", "read_problems"]

#: A negotiation table larger than this is not one (DEU III in full is about 1 MB).
MAX_BYTES = 64 * 2**20


def _error(path: str | Path, line: int | None, message: str, hint: str = "",
           column: str | None = None) -> InputFileError:
    """The input error of a negotiation file: `file:line: column 'c': what — how to fix`."""
    what = f"column '{column}': {message}" if column else message
    return InputFileError(path, line, what, hint or "see docs/negotiation.md for the layouts")


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
        raise _error(path, line, f"expected {what}, got '{raw}'", hint, column)
    return value


def _read_text(path: str | Path) -> str:
    """The text of a negotiation file: every check is textfiles'; CR-only line ends (old Mac exports) are read."""
    return read_text(path, "negotiation file", latin1_fallback=True, max_bytes=MAX_BYTES,
                     universal_newlines=True, allow_empty=False)


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
        raise _error(path, 1, "the file is empty", "see docs/negotiation.md")
    line1 = _strip_trailing(numbered[0][1])
    if len(line1) < 4:
        raise _error(
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
            raise _error(
                path,
                1,
                f"field {field_no + 1} ({label}): expected a positive whole number, got '{line1[field_no]}'",
                "line 1 is 'scenario name, description, number of actors, number of dimensions'",
            )
        counts.append(value)
    n_actors, n_dims = counts
    if len(numbered) < 2:
        raise _error(
            path, 2, "missing the header line", "line 2 is 'Actor,Description,Power,Pstn1,Sal1,...'"
        )
    header = [h.strip() for h in _strip_trailing(numbered[1][1])]
    need = 3 + 2 * n_dims
    if len(header) < need:
        raise _error(
            path,
            2,
            f"expected {need} header columns (Actor, Description, Power and a position and a salience "
            f"for each of {n_dims} dimensions), got {len(header)}",
            "line 2 is 'Actor,Description,Power,Pstn1,Sal1,...'; fix the header or the number of dimensions on line 1",
        )
    if header[0].lower() != "actor":
        raise _error(
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
        raise _error(
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
            raise _error(
                path,
                ln,
                f"expected {need} fields, got {len(row)}",
                "each actor row is 'name,description,power,position,salience,...'",
            )
        actor = row[0].strip()
        if not actor:
            raise _error(
                path, ln, "expected an actor name, got ''", "name every actor", header[0]
            )
        if actor in actors:
            raise _error(
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


_DEU_FIELDS_HINT = "every line needs one field per header column (empty fields are fine)"
_DEU_EXTRA_META = ("proc", "prname", "type", "council", "proccde")


@dataclass(frozen=True)
class _DeuLayout:
    """What the header and the capability line of a DEU file say: columns, actors, capabilities, rule column."""

    path: str | Path
    header: list[str]
    cols: dict[str, int]
    codes: list[str]
    capability: dict[str, float]
    rule_col: str | None

    def cell(self, row: Sequence[str], name: str) -> str:
        return row[self.cols[name]].strip()

    def raw(self, row: Sequence[str], name: str) -> str:
        return row[self.cols[name]]


def _deu_header(path: str | Path, reader) -> tuple[list[str], dict[str, int], list[str]]:
    """Line 1: the header, its required columns, and the actor codes (a `p<code>` with an `s<code>`)."""
    try:
        header = next(reader)
    except StopIteration:  # pragma: no cover - _read_text rejects empty files
        raise _error(path, 1, "the file is empty") from None
    header = [h.strip() for h in header]
    if len(header) < 3:
        raise _error(path, 1, f"expected a tab-separated header, got {len(header)} column(s)",
                     "DEU files are tab-separated; save the sheet as 'text (tab delimited)'")
    cols = {h: i for i, h in enumerate(header)}
    for required in ("isnr", "prnr", "rp", "out"):
        if required not in cols:
            raise _error(path, 1, f"missing the column '{required}'",
                         "the header needs isnr, prnr, rp, out and a p<code>/s<code> pair per actor")
    codes = [h[1:] for h in header if h.startswith("p") and len(h) > 1 and ("s" + h[1:]) in cols]
    if not codes:
        raise _error(path, 1, "no actor columns found (a position column 'p<code>' with a salience column "
                     "'s<code>')", "name actor columns like pde/sde, pcom/scom")
    return header, cols, codes


def _deu_layout(path: str | Path, reader) -> _DeuLayout:
    """Lines 1 and 2: the header, then each actor's capability under its position column."""
    header, cols, codes = _deu_header(path, reader)
    try:
        cap_row = next(reader)
    except StopIteration:
        raise _error(path, 2, "missing the capability line",
                     "line 2 holds each actor's capability under its position column") from None
    line = reader.line_num
    if len(cap_row) != len(header):
        raise _error(path, line, f"expected {len(header)} tab-separated fields, got {len(cap_row)}",
                     _DEU_FIELDS_HINT)
    capability = {c: _number(path, line, "p" + c, cap_row[cols["p" + c]], lo=0, hi=None, positive=True,
                             what="a capability (a positive number)",
                             hint="line 2 holds each actor's capability under its position column")
                  for c in codes}
    return _DeuLayout(path, header, cols, codes, capability, "counvte" if "counvte" in cols else None)


def _deu_optional(lay: _DeuLayout, line: int, row: Sequence[str], name: str, hint: str) -> float | None:
    """A 0-100 cell that may be empty (the outcome, the reference point)."""
    if lay.cell(row, name) == "":
        return None
    return _number(lay.path, line, name, lay.raw(row, name), hint=hint)


def _deu_issue_rule(lay: _DeuLayout, line: int, row: Sequence[str]) -> str:
    """The Council voting rule of an issue (QMV where the file has no rule column or the cell is empty)."""
    if lay.rule_col is None:
        return "qmv"
    raw = lay.cell(row, lay.rule_col)
    rule = _deu_rule(raw) if raw else "qmv"
    if rule is None:
        raise _error(lay.path, line, f"expected a Council voting rule (QMV or Unan), got "
                     f"'{lay.raw(row, lay.rule_col)}'", "use QMV, QMV(n) or Unan", lay.rule_col)
    return rule


def _deu_actors(lay: _DeuLayout, line: int, row: Sequence[str]) -> tuple[list[str], list[float], list[float]]:
    """The actors with a position on the issue, their positions and saliences (NaN where not given)."""
    actors, pos, sal = [], [], []
    for c in lay.codes:
        if lay.cell(row, "p" + c) == "":
            continue
        actors.append(c)
        pos.append(_number(lay.path, line, "p" + c, lay.raw(row, "p" + c),
                           hint="leave the cell empty if the actor took no position"))
        sal.append(float("nan") if lay.cell(row, "s" + c) == "" else
                   _number(lay.path, line, "s" + c, lay.raw(row, "s" + c),
                           hint="saliences lie on 0-100; leave empty if unknown"))
    return actors, pos, sal


def _fill_missing_salience(sal: np.ndarray, missing_salience: float | Literal["mean"]) -> np.ndarray:
    """Saliences with the missing ones (NaN) set to `missing_salience` or to the issue's mean."""
    gaps = np.isnan(sal)
    if not gaps.any():
        return sal
    if missing_salience == "mean":
        known = sal[~gaps]
        fill = float(known.mean()) if known.size else 50.0
    else:
        fill = float(missing_salience)
    out = sal.copy()
    out[gaps] = fill
    return out


def _deu_issue(lay: _DeuLayout, line: int, row: Sequence[str], missing_salience: float | Literal["mean"],
               require_outcome: bool) -> NegotiationProblem | None:
    """One issue row as a one-dimensional problem (None: no outcome where one is required)."""
    if len(row) != len(lay.header):
        raise _error(lay.path, line, f"expected {len(lay.header)} tab-separated fields, got {len(row)}",
                     _DEU_FIELDS_HINT)
    isnr = lay.cell(row, "isnr")
    if not isnr:
        raise _error(lay.path, line, "expected an issue id, got ''", "every issue row needs an isnr", "isnr")
    outcome = _deu_optional(lay, line, row, "out", "leave 'out' empty when the outcome is unknown")
    if outcome is None and require_outcome:
        return None
    ref = _deu_optional(lay, line, row, "rp", "leave 'rp' empty when the reference point is unknown")
    rule = _deu_issue_rule(lay, line, row)
    actors, pos, sal = _deu_actors(lay, line, row)
    if not actors:
        raise _error(lay.path, line, f"issue '{isnr}' has no actor with a position",
                     "fill at least one p<code> cell or delete the row")
    sal_arr = np.array(sal)
    meta = {"kind": "deu", "isnr": isnr, "prnr": lay.cell(row, "prnr"), "rp": ref, "out": outcome,
            "counvte": lay.cell(row, lay.rule_col) if lay.rule_col else "",
            "missing_salience": [a for a, s in zip(actors, sal_arr, strict=True) if np.isnan(s)]}
    meta.update({extra: lay.cell(row, extra) for extra in _DEU_EXTRA_META if extra in lay.cols})
    return NegotiationProblem(
        actors=tuple(actors),
        capability=np.array([lay.capability[a] for a in actors]),
        position=np.array(pos).reshape(-1, 1),
        salience=_fill_missing_salience(sal_arr, missing_salience).reshape(-1, 1),
        decision_rule=rule,  # type: ignore[arg-type]
        status_quo=None if ref is None else np.array([ref]),
        agenda_setters=tuple(a for a in ("com",) if a in actors),
        name=isnr,
        description=meta.get("prname", ""),
        dimensions=(isnr,),
        outcome=None if outcome is None else np.array([outcome]),
        meta=meta,
    )


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
    The steps: the layout (header and capability line, :func:`_deu_layout`), then
    each non-blank row as one issue (:func:`_deu_issue`).
    """
    reader = csv.reader(_io.StringIO(_read_text(path)), delimiter="\t")
    layout = _deu_layout(path, reader)
    problems: list[NegotiationProblem] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        issue = _deu_issue(layout, reader.line_num, row, missing_salience, require_outcome)
        if issue is not None:
            problems.append(issue)
    if not problems:
        raise _error(path, reader.line_num, "no issue rows found", "add one row per issue below the capability line")
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
            raise _error(
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
        if len(row) != len(header):   # an extra field is a shifted or mistyped row, not one to guess at
            raise _error(
                path,
                i,
                f"expected {len(header)} fields, got {len(row)}",
                "each row has the header's fields, 'actor,capability,position,salience'"
                + (" (a number with a comma? write 1.5, not 1,5)" if len(row) > len(header) else ""),
            )
        actor = row[cols["actor"]].strip()
        if not actor:
            raise _error(
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
        raise _error(
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
    """Read any supported file; returns its kind and its problems.

    A problem its rows make but the model refuses (an actor id twice, a capability beyond ±1e12) is an
    `InputFileError` naming the file, as a row's own error is, never a bare ValueError.
    """
    kind = kind or detect_kind(path)
    try:
        if kind == "deu":
            return kind, read_deu_tsv(path)
        if kind == "bdm":
            return kind, [read_bdm_csv(path)]
        return kind, [read_ktab_csv(path)]
    except InputFileError:
        raise
    except ValueError as exc:
        what, _, fix = str(exc).partition(" — ")
        name = path.name if isinstance(path, InMemoryFile) else path
        raise InputFileError(name, 0, what, fix or "correct the file's rows (see docs/negotiation.md)") from None
