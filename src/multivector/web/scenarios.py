"""Scenarios from requests: the form's JSON checked by the same parser as scenario files, the library, share links.

A request's scenario is the library's one schema (`model.scenario.ScenarioSpec`),
checked against the case by `model.scenario.check_scenario` as a scenario file
is, so the web app refuses exactly what `multivector simulate` refuses, with the
same words; each problem names the field it is about (`drivers[2]`, `runs`).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import asdict
from pathlib import Path

from pydantic import ValidationError

from ..kb import CaseError
from ..model.scenario import DriverChangeSpec, Scenario, ScenarioSpec, check_scenario, load_scenario
from .errors import WebInputError

#: Runs a web request may ask for (the command line allows more; a browser waits for these).
MAX_WEB_RUNS = 20_000
MAX_LINK_CHARS = 16_000


#: The web app's names of the one scenario schema (`model.scenario.ScenarioSpec`).
DriverChangeIn, ScenarioIn = DriverChangeSpec, ScenarioSpec


def _field(loc: tuple) -> str:
    """The request field a location stands for: `runs`, `drivers[2]`, `parameters.balance_weight`."""
    if loc and loc[0] == "drivers" and len(loc) > 1:
        return f"drivers[{loc[1]}]"
    if loc and loc[0] == "parameters" and len(loc) > 1:
        return f"parameters.{loc[1]}"
    return str(loc[0]) if loc else "scenario"


def to_scenario(body: ScenarioIn, states: list[str], orgs: set[str], modelled: list[str] | None = None) -> Scenario:
    """The checked `Scenario` of a request, or WebInputError listing every problem by field.

    states: the states a change may name without a `states` key; modelled: every state a `states` key may name.
    """
    if body.runs > MAX_WEB_RUNS:
        raise WebInputError(f"`runs` {body.runs:,} is above the web app's limit of {MAX_WEB_RUNS:,}",
                            f"ask for at most {MAX_WEB_RUNS:,} runs, or run `multivector simulate` for more")
    fields: list[str] = []   # problems carry a number standing for the field they are about

    def locate(*loc) -> int:
        fields.append(_field(loc))
        return len(fields)

    problems: list = []
    sc = check_scenario(body, states, orgs, modelled, locate=locate, problems=problems)
    if problems:
        lines = [f"{fields[p.line - 1]}: {p.message} — {p.fix}" for p in problems]
        raise WebInputError(*lines[0].split(" — ", 1), problems=lines)
    return sc


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
            self.rationales[sc.name] = sc.rationale

    def names(self) -> list[str]:
        return list(self.scenarios)

    def get(self, name: str) -> Scenario:
        from copy import deepcopy

        if name not in self.scenarios:
            known = ", ".join(self.scenarios) or "(none)"
            raise WebInputError(f"unknown scenario {name!r}", f"use one of {known}", status=404)
        return deepcopy(self.scenarios[name])


def library_folder() -> Path:
    """The scenarios that ship with the package, as `multivector scenarios` lists them."""
    from ..shipped import folder

    return folder("scenario")
