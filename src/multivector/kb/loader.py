"""Load a case folder: read every file, check each row's schema, then cross-check (`checks`).

`load_case(folder)` returns a `Case` or raises `CaseError` listing every
problem at once; `check_case(folder)` returns the problems without raising.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ValidationError

from . import schema
from .case import Case, Located
from .checks import cross_check
from .fingerprint import SCHEMA_VERSION, default_case_path, series_files  # noqa: F401 (re-exported)
from .fingerprint import hash_folder as _hash_folder
from .problems import CaseError, Problem
from .rawfiles import RawRow, read_csv_rows, read_yaml_mapping, read_yaml_rows

MEMBERSHIP_COLUMNS = ["actor", "org", "status", "start", "end", "sources", "note"]
DISAGREEMENT_COLUMNS = ["actor", "org", "cow_column", "from", "to", "cow_status", "base_status",
                        "follows", "reason", "sources"]
SERIES_COLUMNS = ["series", "actor", "partner", "year", "value", "unit", "sources"]


_HINTS = {
    "missing": "add `{field}:` to the row",
    "extra_forbidden": "remove `{field}` or correct its spelling (allowed keys: {allowed})",
    "literal_error": "use one of the allowed values listed in docs/case-format.md",
    "too_short": "add at least one citation, e.g. article:CSTO:fn27 or a source id from sources.yaml",
    "float_parsing": "write a plain number, e.g. 35 or 0.6",
    "int_parsing": "write a whole number, e.g. 705",
    "int_from_float": "write a whole number, e.g. 2010",
    "finite_number": "write a finite number (not nan or inf); leave the year out where no value is published",
    "string_too_short": "give a non-empty value, e.g. the unit `percent of GDP`",
    "greater_than_equal": "use a value within the allowed range",
    "less_than_equal": "use a value within the allowed range",
}


def _first_field_named(message: str, model: type[BaseModel]) -> str | None:
    """For a whole-row error, the first field the message names (to point at its line)."""
    words = re.findall(r"[A-Za-z_]+", message)
    fields = set(model.model_fields)
    return next((w for w in words if w in fields), None)


def _schema_problems(raw: RawRow, model: type[BaseModel], exc: ValidationError) -> list[Problem]:
    out = []
    allowed = ", ".join(f.alias or name for name, f in model.model_fields.items())
    for err in exc.errors():
        loc = err.get("loc") or ()
        key = str(loc[0]) if loc else _first_field_named(err["msg"], model)
        if key == "from_":
            key = "from"
        msg = err["msg"].removeprefix("Value error, ")
        where = f"`{key}`: " if loc and err["type"] != "extra_forbidden" else ""
        if err["type"] == "extra_forbidden":
            msg = f"unknown key `{key}`"
        elif err["type"] == "missing":
            msg = f"required key `{key}` is missing"
            where = ""
        hint = _HINTS.get(err["type"], "see docs/case-format.md for the expected form")
        out.append(Problem(raw.file, raw.line_of(key), where + msg, hint.format(field=key, allowed=allowed)))
    return out


def _parse_rows(raws: list[RawRow], model: type[BaseModel], problems: list[Problem]) -> list[Located]:
    parsed = []
    for raw in raws:
        try:
            row = model.model_validate(raw.data)
        except ValidationError as exc:
            problems.extend(_schema_problems(raw, model, exc))
            continue
        parsed.append(Located(row, raw.file, raw.line, raw.key_lines))
    return parsed


def _yaml_group(folder: Path, name: str) -> list[Path]:
    """`name.yaml` and/or every file in the folder `name/`."""
    files = []
    single = folder / f"{name}.yaml"
    if single.exists():
        files.append(single)
    sub = folder / name
    if sub.is_dir():
        files += sorted(sub.glob("*.yaml")) + sorted(sub.glob("*.yml"))
    return files


def read_case(folder: str | Path) -> tuple[Case, list[Problem]]:
    """Read and schema-check every file; cross-checks are run by `check_case`."""
    folder = Path(folder)
    problems: list[Problem] = []
    if not folder.is_dir():
        raise CaseError([Problem(str(folder), 0, "case folder not found",
                                 "give the path of a folder holding case.yaml (see docs/case-format.md)")], str(folder))

    def rel(p: Path) -> str:
        return p.relative_to(folder).as_posix()

    meta: dict = {}
    case_file = folder / "case.yaml"
    if case_file.exists():
        meta, _ = read_yaml_mapping(case_file, "case.yaml", problems)
    else:
        problems.append(Problem("case.yaml", 1, "case.yaml is missing",
                                "add case.yaml with at least `name:` and `regional_states:`"))

    case = Case(folder=folder, meta=meta)

    def yaml_kind(name: str, model: type[BaseModel], required: bool = True) -> list[Located]:
        files = _yaml_group(folder, name)
        if not files and required:
            problems.append(Problem(f"{name}.yaml", 1, f"no {name} file found",
                                    f"add {name}.yaml or a folder {name}/ with .yaml files"))
        out: list[Located] = []
        for f in files:
            out += _parse_rows(read_yaml_rows(f, rel(f), problems), model, problems)
        return out

    case.sources = yaml_kind("sources", schema.Source)
    case.actors = yaml_kind("actors", schema.Actor)
    case.organizations = yaml_kind("organizations", schema.Organization)
    case.events = yaml_kind("events", schema.Event)
    case.indicators = yaml_kind("indicators", schema.Indicator)
    case.claims = yaml_kind("claims", schema.Claim)
    case.proposals = yaml_kind("proposals", schema.Proposal, required=False)
    case.positions = yaml_kind("positions", schema.Position, required=False)
    case.drivers = yaml_kind("drivers", schema.DriverSegment, required=False)

    mem_file = folder / "memberships.csv"
    if mem_file.exists():
        raws = read_csv_rows(mem_file, rel(mem_file), MEMBERSHIP_COLUMNS, MEMBERSHIP_COLUMNS[:6], problems)
        case.memberships = _parse_rows(raws, schema.Membership, problems)
    else:
        problems.append(Problem("memberships.csv", 1, "memberships.csv is missing",
                                f"add memberships.csv with the header {','.join(MEMBERSHIP_COLUMNS)}"))
    dis_file = folder / "cow_disagreements.csv"
    if dis_file.exists():
        raws = read_csv_rows(dis_file, rel(dis_file), DISAGREEMENT_COLUMNS, DISAGREEMENT_COLUMNS, problems)
        case.disagreements = _parse_rows(raws, schema.CowDisagreement, problems)
    # optional: published yearly series (docs/case-format.md), the user's imports in place of the shipped ones
    for f, label in series_files(folder):
        raws = read_csv_rows(f, label, SERIES_COLUMNS, SERIES_COLUMNS, problems)
        case.series += _parse_rows(raws, schema.SeriesPoint, problems)
    case.content_hash = _hash_folder(folder)
    return case, problems


def check_case(folder: str | Path) -> tuple[Case, list[Problem]]:
    """Every problem of a case folder: schema and cross-row checks."""
    case, problems = read_case(folder)
    problems += cross_check(case)
    return case, sorted(set(problems))


def load_case(folder: str | Path | None = None) -> Case:
    """Load a valid case or raise `CaseError` with every problem."""
    folder = Path(folder) if folder else default_case_path()
    case, problems = check_case(folder)
    if problems:
        raise CaseError(problems, str(folder))
    return case
