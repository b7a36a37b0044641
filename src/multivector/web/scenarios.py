"""Scenarios from requests: the form's JSON checked by the same parser as scenario files, the library, share links.

A request's scenario is turned into YAML laid out one key (and one driver
change) per line and given to `model.scenario.parse_scenario`, so the web app
refuses exactly what `multivector simulate` refuses, with the same words; the
problem's line is mapped back to the field it came from (`drivers[2]`, `runs`).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..kb import CaseError
from ..model.scenario import Scenario, load_scenario, parse_scenario
from .errors import WebInputError

#: Runs a web request may ask for (the command line allows more; a browser waits for these).
MAX_WEB_RUNS = 20_000
MAX_CHANGES = 200
MAX_LINK_CHARS = 16_000


class DriverChangeIn(BaseModel):
    """One what-if change to a driver: who, which driver, which years, and set/scale/add."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True)
    actor: str = Field(max_length=40, description="A regional state (KAZ...) or a power (RUS, CHN, WEST).")
    driver: str = Field(max_length=60, description="A driver name, e.g. attention, remittances.")
    partner: str | None = Field(None, max_length=10, description="RUS, CHN or WEST for dependence drivers.")
    org: str | None = Field(None, max_length=40, description="Organization id for pressure drivers.")
    from_: int | None = Field(None, alias="from", description="First year of the change.")
    to: int | None = Field(None, description="Last year (empty: to the end).")
    set: float | None = Field(None, description="Set the driver to this value (0-1).")
    scale: float | None = Field(None, description="Multiply the driver by this.")
    add: float | None = Field(None, description="Add this to the driver.")
    note: str | None = Field(None, max_length=500)


class ScenarioIn(BaseModel):
    """A scenario as JSON: the keys of a scenario file (see scenarios/*.yaml)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Field("custom", min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = Field("", max_length=2000)
    start: int | None = Field(None, description="First simulated year; empty: from the record (the year after it "
                                                "ends, or the first change inside it: a counterfactual).")
    end: int = 2035
    runs: int = 1000
    seed: int = 0
    states: list[str] | None = Field(None, max_length=20, description="The states to run (ids such as ARM, AZE, "
                                                                      "GEO); empty: the case's regional states.")
    drivers: list[DriverChangeIn] = Field(default_factory=list, max_length=MAX_CHANGES)
    parameters: dict[str, Any] = Field(default_factory=dict, max_length=40)


def _yaml_value(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False)   # JSON scalars and flow mappings are YAML


def to_scenario(body: ScenarioIn, states: list[str], orgs: set[str], modelled: list[str] | None = None) -> Scenario:
    """The checked `Scenario` of a request, or WebInputError listing every problem by field.

    states: the states a change may name without a `states` key; modelled: every state a `states` key may name.
    """
    if body.runs > MAX_WEB_RUNS:
        raise WebInputError(f"`runs` {body.runs:,} is above the web app's limit of {MAX_WEB_RUNS:,}",
                            f"ask for at most {MAX_WEB_RUNS:,} runs, or run `multivector simulate` for more")
    lines, where = [], {}

    def put(text: str, field: str) -> None:
        lines.append(text)
        where[len(lines)] = field

    for key in ("name", "description", "start", "end", "runs", "seed", "states"):
        if getattr(body, key) is not None:   # no start: from the record
            put(f"{key}: {_yaml_value(getattr(body, key))}", key)
    if body.drivers:
        put("drivers:", "drivers")
        for i, ch in enumerate(body.drivers):
            item = {k: v for k, v in ch.model_dump(by_alias=True).items() if v is not None}
            put(f"  - {_yaml_value(item)}", f"drivers[{i}]")
    if body.parameters:
        put("parameters:", "parameters")
        for name, spec in body.parameters.items():
            put(f"  {_yaml_value(str(name))}: {_yaml_value(spec)}", f"parameters.{name}")
    try:
        return parse_scenario("\n".join(lines) + "\n", "<scenario>", states, orgs, modelled)
    except CaseError as exc:
        problems = [f"{where.get(p.line, 'scenario')}: {p.message} — {p.fix}" for p in exc.problems]
        raise WebInputError(problems[0].split(" — ")[0], problems[0].split(" — ", 1)[1], problems=problems) from None


def from_scenario(sc: Scenario) -> dict:
    """The JSON form of a parsed scenario (what the lab's form and share links hold)."""
    out = {"name": sc.name, "description": sc.description, "start": sc.start, "end": sc.end, "runs": sc.runs,
           "seed": sc.seed, "drivers": [], "parameters": sc.parameters}
    if sc.states:
        out["states"] = list(sc.states)
    for ch in sc.changes:
        d = {"actor": ch.actor, "driver": ch.driver, ch.op: ch.amount}
        if ch.start is not None:
            d["from"] = ch.start
        if ch.end is not None:
            d["to"] = ch.end
        if ch.partner:
            d["partner"] = ch.partner
        if ch.org:
            d["org"] = ch.org
        out["drivers"].append(d)
    return out


def check_start(sc: Scenario, inputs) -> None:
    """WebInputError when the scenario cannot start from the record (a `start` after the record's end + 1,
    an `end` before the start), in the words of `multivector simulate`."""
    from ..model.projection import projection_start

    try:
        projection_start(sc, inputs.record_until, int(inputs.years[0]))
    except ValueError as exc:
        what, _, fix = str(exc).replace(f" in {sc.path}", "").partition("; ")
        raise WebInputError(f"`start`/`end`: {what}", fix or "leave `start` empty to start from the record") from None


def scenario_digest_fields(sc: Scenario) -> dict:
    """Everything that shapes a run's numbers (and its name, written into the results)."""
    out = {"name": sc.name, "start": sc.start, "end": sc.end, "runs": sc.runs, "seed": sc.seed,
           "changes": [{k: v for k, v in asdict(c).items() if k != "line"} for c in sc.changes],
           "parameters": sc.parameters}
    if sc.states:   # only when given, so the keys of runs stored before regions stay as they were
        out["states"] = list(sc.states)
    return out


# ---------------------------------------------------------------- share links
def encode_link(body: dict) -> str:
    """A scenario as the `s=` value of a share link (URL-safe base64 of compact JSON)."""
    raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_link(value: str) -> ScenarioIn:
    """The scenario of a share link, or WebInputError saying the link is damaged."""
    fix = "open the link again as it was shared, or build the scenario in the form"
    if len(value) > MAX_LINK_CHARS:
        raise WebInputError(f"the scenario link is {len(value):,} characters, over {MAX_LINK_CHARS:,}", fix)
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise WebInputError("the scenario link is damaged (not the encoding this app writes)", fix) from None
    try:
        return ScenarioIn.model_validate(data)
    except ValidationError as exc:
        from .errors import _pydantic_line

        problems = [_pydantic_line(e) for e in exc.errors()]
        raise WebInputError(*problems[0].split(" — ", 1), problems=problems) from None


# ---------------------------------------------------------------- the library
class Library:
    """The scenario files that ship, by name; a request names one, it never gives a path."""

    def __init__(self, folder: Path, states: list[str], orgs: set[str], modelled: list[str] | None = None):
        self.folder = folder
        self.scenarios: dict[str, Scenario] = {}
        self.rationales: dict[str, str] = {}
        self.broken: dict[str, str] = {}
        for f in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            try:
                sc = load_scenario(f, states, orgs, modelled)
            except CaseError as exc:
                self.broken[f.stem] = str(exc.problems[0])
                continue
            self.scenarios[sc.name] = sc
            self.rationales[sc.name] = _rationale(f)

    def names(self) -> list[str]:
        return list(self.scenarios)

    def get(self, name: str) -> Scenario:
        from copy import deepcopy

        if name not in self.scenarios:
            known = ", ".join(self.scenarios) or "(none)"
            raise WebInputError(f"unknown scenario {name!r}", f"use one of {known}", status=404)
        return deepcopy(self.scenarios[name])


def _rationale(path: Path) -> str:
    import yaml

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return ""
    return str(doc.get("rationale", "")).strip() if isinstance(doc, dict) else ""


def library_folder() -> Path:
    """The scenarios that ship with the package, as `multivector scenarios` lists them."""
    from ..shipped import folder

    return folder("scenario")
