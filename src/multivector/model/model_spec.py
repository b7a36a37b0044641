"""`model.yaml`, typed: how a case maps onto the engagement model (lines, levels, regions, rules, series drivers).

The file is read with its line marks and validated by `ModelSpec` (pydantic: every key
known, every value of its type), so a mistake is reported at its line by `kb validate`
and by every command that builds the model's inputs. What needs the case to check (an
organization of a line, a state of the case, a fact cited as evidence) is checked where
the inputs are built (`model.inputs`), at the line `ModelSpec.line` gives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from ..kb.problems import CaseError, Problem
from ..kb.rawfiles import line_of

FILE = "model.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class Years(_Strict):
    start: int = 1991
    end: int = 2035


class _Evidenced(_Strict):
    evidence: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    justification: str = ""


class EntryRule(_Evidenced):
    """Who may take which level of an organization, from when: `open_to` states, a `max_level`, a first year."""

    org: str
    actor: str | None = None
    open_to: list[str] | None = None
    max_level: int | None = None
    from_: int | None = Field(None, alias="from")


class NeutralRule(_Evidenced):
    """A body in which permanently neutral states take full part (membership aligns no one)."""

    org: str


class PartialRule(_Evidenced):
    """An organization with no partial tier (a state is in or out), until a year."""

    org: str
    until: int | None = None


class SeriesDriverRule(_Strict):
    """A driver read from a published yearly series rather than coded by hand (model/series_drivers.py)."""

    driver: str
    partner: str | None = None
    series: str
    actors: list[str] = Field(default_factory=list)
    divide: float = 1.0
    cap: float | None = None
    window: int = 1
    per: str | None = None
    evidence: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    justification: str = ""


class TurningPoint(_Strict):
    """A turning point of the record the backtest is checked against (model/backtest.py)."""

    state: str
    line: str
    kind: Literal["join", "leave", "stay_in", "stay_out"]
    after: int | None = None
    tolerance: int = 1
    years: list[int] | None = None
    label: str = ""


class ModelSpec(_Strict):
    """The whole of `model.yaml` (docs/model.md says what each part means)."""

    years: Years = Field(default_factory=Years)
    lines: dict[str, list[str]]
    levels: dict[str, int] = Field(default_factory=dict)
    full_partnership: list[str] = Field(default_factory=list)
    offers: dict[str, dict[str, float]] = Field(default_factory=dict)
    regions: dict[str, list[str]] = Field(default_factory=dict)
    series_drivers: list[SeriesDriverRule] = Field(default_factory=list)
    entry_rules: list[EntryRule] = Field(default_factory=list)
    neutral_compatible: list[NeutralRule] = Field(default_factory=list)
    no_partial_status: list[PartialRule] = Field(default_factory=list)
    turning_points: list[TurningPoint] = Field(default_factory=list)
    _marked: Any = PrivateAttr(default=None)

    def line(self, *loc) -> int:
        """The line of a location in the file, e.g. `line("entry_rules", 2)` (1 when unknown)."""
        return line_of(self._marked, loc)

    def as_dict(self) -> dict:
        """The validated file as plain data, keys as written (`from`), unset optional keys left out."""
        return self.model_dump(by_alias=True, exclude_none=True)

    def rules(self, key: str) -> list[dict]:
        """The entries of a rule list as plain mappings (the keys as written: `from`, not `from_`)."""
        return [r.model_dump(by_alias=True, exclude_none=True) for r in getattr(self, key)]


def _problem(err: dict, doc) -> Problem:
    loc = tuple(err.get("loc", ()))
    where = ".".join(f"{p + 1}" if isinstance(p, int) else str(p) for p in loc) or "model.yaml"
    kind, got = err.get("type", ""), err.get("input")
    if kind == "extra_forbidden":
        return Problem(FILE, line_of(doc, loc), f"unknown key `{loc[-1]}` (at {where})",
                       "remove it or correct its spelling; docs/model.md lists the keys of model.yaml")
    if kind == "missing":
        return Problem(FILE, line_of(doc, loc[:-1]), f"`{where}` is missing", f"add `{loc[-1]}`")
    shown = repr(got)[:60] if not isinstance(got, dict | list) else "this value"
    return Problem(FILE, line_of(doc, loc), f"`{where}`: {err.get('msg', 'invalid value').lower()}, not {shown}",
                   "see docs/model.md for what this key takes")


def read_model_spec(folder: Path) -> ModelSpec:
    """The typed `model.yaml` of a case folder; CaseError listing every problem with its line."""
    from ..kb.rawfiles import YamlSyntaxError, file_text, load_marked, strip_marks

    path = Path(folder) / FILE
    if not path.exists():
        raise CaseError([Problem(FILE, 1, "model.yaml is missing",
                                 "add model.yaml (lines, levels, entry_rules): see docs/model.md")], str(folder))
    problems: list[Problem] = []
    text = file_text(path, FILE, problems)
    try:
        doc = load_marked(text, FILE, problems) if text is not None else None
    except YamlSyntaxError:
        doc = None
    if problems:
        raise CaseError(problems, str(folder))
    if not isinstance(doc, dict):
        raise CaseError([Problem(FILE, 1, "model.yaml must hold one mapping (years, lines, entry_rules, ...)",
                                 "see docs/model.md for its layout")], str(folder))
    data = {k: v for k, v in strip_marks(doc).items() if v is not None}   # `key:` with nothing: the default
    try:
        spec = ModelSpec.model_validate(data)
    except ValidationError as exc:
        raise CaseError([_problem(e, doc) for e in exc.errors()], str(folder)) from None
    spec._marked = doc
    return spec
