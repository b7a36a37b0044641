"""Scenario files: what-if changes to the drivers and uncertainty on the weights.

A scenario is a YAML mapping (see scenarios/*.yaml). Every mistake is reported
with its line: unknown keys, drivers, actors, organizations, years out of range.

`start` is optional: a projection starts from the record (model/projection.py), in
the year after the record ends, or in the year of the first driver change when that
falls inside the recorded years (a counterfactual). A change without `from` runs from
the projection's start.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..kb.problems import CaseError, Problem
from ..kb.rawfiles import YamlSyntaxError, line_of, load_marked, strip_marks
from ..kb.vocab import DEPENDENCE_DRIVERS, DRIVERS, ORG_DRIVERS, POWER_DRIVERS, STATE_DRIVERS
from .drivers import POWERS
from .inputs import ModelInputs
from .parameters import Parameters

DISTS = {"normal": {"mean", "sd"}, "uniform": {"low", "high"}, "lognormal": {"median", "sigma"}}
MIN_YEAR, MAX_YEAR = 1991, 2100


@dataclass
class DriverChange:
    actor: str
    driver: str
    start: int | None    # first year; None: from the projection's start
    end: int | None
    op: str          # set | scale | add
    amount: float
    partner: str | None = None
    org: str | None = None
    line: int = 0


@dataclass
class Scenario:
    name: str
    description: str = ""
    start: int | None = None     # None: from the record (model/projection.py decides the year)
    end: int = 2035
    runs: int = 1000
    seed: int = 0
    changes: list[DriverChange] = field(default_factory=list)
    parameters: dict = field(default_factory=dict)
    path: str = "<scenario>"
    states: list[str] | None = None   # the modelled states to run (None: the case's regional states)
    rationale: str = ""

    def first_change(self) -> int | None:
        """The first year a driver change names (`from`), None when no change names one."""
        years = [c.start for c in self.changes if c.start is not None]
        return min(years) if years else None


#: More runs than this add nothing visible and would ask for gigabytes (the per-run table is ~280 KB a run).
MAX_RUNS = 100_000


def distribution_problem(name: str, spec: dict) -> tuple[str, str] | None:
    """(what, fix) if a distribution's arguments cannot describe a weight: sd/sigma < 0, median ≤ 0, low > high."""
    d = spec["dist"]
    if d == "normal" and spec["sd"] < 0:
        return f"`sd` of `{name}` cannot be negative ({spec['sd']})", "use sd ≥ 0"
    if d == "lognormal" and spec["median"] <= 0:
        return f"a lognormal `median` must be positive, got {spec['median']} for `{name}`", "use e.g. median: 1.0"
    if d == "lognormal" and spec["sigma"] < 0:
        return f"`sigma` of `{name}` cannot be negative ({spec['sigma']})", "use sigma ≥ 0"
    if d == "uniform" and spec["low"] > spec["high"]:
        return f"`low` ({spec['low']}) is above `high` ({spec['high']}) for `{name}`", "swap them"
    return None


NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
MAX_CHANGES = 200


class DriverChangeSpec(BaseModel):
    """One what-if change to a driver: who, which driver, which years, and exactly one of set/scale/add."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)
    actor: str = Field(max_length=40, description="A regional state (KAZ...) or a power (RUS, CHN, WEST).")
    driver: str = Field(max_length=60, description="A driver name, e.g. attention, remittance_dependence.")
    partner: str | None = Field(None, max_length=10, description="RUS, CHN or WEST for dependence drivers.")
    org: str | None = Field(None, max_length=40, description="Organization id for pressure drivers.")
    from_: int | None = Field(None, alias="from", description="First year of the change (empty: the start).")
    to: int | None = Field(None, description="Last year (empty: to the end).")
    set: float | None = Field(None, description="Set the driver to this value (0-1).")
    scale: float | None = Field(None, description="Multiply the driver by this.")
    add: float | None = Field(None, description="Add this to the driver.")
    note: str | None = Field(None, max_length=500)


class ScenarioSpec(BaseModel):
    """A scenario: the keys of a scenario file (see `multivector scenarios`) and of the web lab's JSON.

    The one schema of a scenario: files, requests and sweep specs are validated by it, then checked
    against the case (`check_scenario`: known actors, drivers, organizations and weights, years in range).
    """

    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Field("custom", min_length=1, max_length=80, pattern=NAME_PATTERN)
    description: str = Field("", max_length=4000)
    rationale: str = Field("", max_length=20_000, description="Why the scenario asks what it asks (shown in "
                                                                "the library).")
    start: int | None = Field(None, description="First simulated year; empty: from the record (the year after it "
                                                "ends, or the first change inside it: a counterfactual).")
    end: int = 2035
    runs: int = 1000
    seed: int = 0
    states: list[str] | None = Field(None, max_length=20, description="The states to run (ids such as ARM, AZE, "
                                                                      "GEO); empty: the case's regional states.")
    drivers: list[DriverChangeSpec] = Field(default_factory=list, max_length=MAX_CHANGES)
    parameters: dict[str, Any] = Field(default_factory=dict, max_length=40,
                                       description="Weights: a number, or {dist: normal|uniform|lognormal, ...}.")


TOP_KEYS = set(ScenarioSpec.model_fields)
CHANGE_KEYS = {f.alias or n for n, f in DriverChangeSpec.model_fields.items()}
_NAMED_TYPES = {   # what a value of the wrong type should have been, in the words of a scenario file
    "drivers": ("`drivers` must be a list of driver changes",
                "write each change as a list item: `- {actor: RUS, driver: attention, from: 2022, set: 0.5}`"),
    "parameters": ("`parameters` must be a mapping of weight names", "write `balance_weight: 1.0`"),
    "org": ("`org` must be one organization id", "write one change per organization, e.g. `org: EAEU`"),
    "states": ("`states` must be a list of state ids", "write e.g. `states: [ARM, AZE, GEO]`"),
}


def schema_problem(err: dict) -> tuple[str, str]:
    """(what, fix) of one pydantic error of `ScenarioSpec`, in the words the scenario checks use."""
    loc = [p for p in err.get("loc", ()) if not isinstance(p, int)]
    key, kind, got = (str(loc[-1]) if loc else "scenario"), err.get("type", ""), err.get("input")
    in_change = len(err.get("loc", ())) > 2 and err["loc"][0] == "drivers"
    if kind == "extra_forbidden":
        allowed = CHANGE_KEYS if in_change else TOP_KEYS
        return (f"unknown key `{key}`" + (" in a driver change" if in_change else ""),
                f"use only {', '.join(sorted(allowed))}")
    if kind == "missing":
        return f"required key `{key}` is missing", f"add `{key}`"
    if kind in ("model_type", "dict_type") and in_change or kind == "model_type":
        return "each driver change must be a mapping", "write `- {actor: RUS, driver: attention, from: 2022, set: 0.5}`"
    shown = repr(got)[:60]
    if key in _NAMED_TYPES and kind.endswith(("_type", "_parsing")):
        what, fix = _NAMED_TYPES[key]
        return f"{what}, got {shown}", fix
    if kind.startswith("int_"):
        return f"`{key}` must be a whole number, got {shown}", f"write e.g. `{key}: 1000`" if key in (
            "runs", "seed") else "write a year such as 2030"
    if kind.startswith("float_"):
        return f"`{key}` must be a finite number, got {shown}", "write a number"
    if kind == "string_pattern_mismatch":
        return (f"`{key}` may hold only letters, digits, `_`, `.` and `-`, starting with a letter or digit, got "
                f"{str(got)[:40]!r}", "write e.g. my-scenario")
    if kind.startswith("string_") or kind.startswith("too_"):
        return f"`{key}`: {err.get('msg', 'invalid value').lower()}, got {shown}", f"shorten or correct `{key}`"
    return f"`{key}`: {err.get('msg', 'invalid value')}", f"correct `{key}`"


def read_marked_mapping(text: str, path: str, problems: list[Problem], kind: str, example: str) -> dict:
    """The line-marked YAML mapping of a scenario or sweep spec; CaseError when it is not one (syntax error, a
    list, a scalar). `kind` names the file for the message, `example` the file to copy the layout from."""
    try:
        doc = load_marked(text, path, problems)
    except YamlSyntaxError:
        raise CaseError(problems) from None
    if not isinstance(doc, dict):
        raise CaseError([Problem(path, 1, f"a {kind} must be a mapping of keys (name, ...)",
                                 f"see {example} for the layout")], path)
    return doc


def parse_scenario(text: str, path: str = "<scenario>", states: list[str] | None = None,
                   orgs: set[str] | None = None, modelled: list[str] | None = None) -> Scenario:
    """Parse and check a scenario file; raise CaseError listing every problem with its line.

    The YAML is validated by `ScenarioSpec` (keys and types), then checked against the case by
    `check_scenario`. states: the states a driver change may name when the scenario has no `states:` key.
    modelled: every state the model can run (`inputs.modelled_states`), which a `states:` key may name;
    None: `states` (or, without them either, any id).
    """
    problems: list[Problem] = []
    doc = read_marked_mapping(text, path, problems, "scenario", "scenarios/baseline.yaml")
    data = {k: v for k, v in strip_marks(doc).items() if v is not None or k in ("start",)}
    if "name" not in data:   # a file names itself; the web form's default name is for requests only
        problems.append(Problem(path, 1, "required key `name` is missing", "add `name: my-scenario`"))
        data["name"] = Path(path).stem if re.match(NAME_PATTERN, Path(path).stem) else "scenario"
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        problems.extend(Problem(path, line_of(doc, e["loc"]), *schema_problem(e)) for e in exc.errors())
        raise CaseError(problems, path) from None
    sc = check_scenario(spec, states, orgs, modelled, locate=lambda *loc: line_of(doc, loc), path=path,
                        problems=problems)
    if problems:
        raise CaseError(problems, path)
    return sc


def check_scenario(spec: ScenarioSpec, states: list[str] | None, orgs: set[str] | None,
                   modelled: list[str] | None = None, locate=lambda *loc: 1, path: str = "<scenario>",
                   problems: list[Problem] | None = None) -> Scenario:
    """The `Scenario` of a validated spec, checked against the case: years within range, runs and seed,
    known actors, drivers, partners and organizations, known weights with valid distributions.

    Problems are appended to `problems` (raised as CaseError when none is given), each at `locate(*loc)`,
    the line of a location such as `("drivers", 2, "actor")` (a file's line, or a number the web app maps
    back to a field).
    """
    own = problems is None
    problems = [] if own else problems
    modelled = modelled if modelled is not None else (list(states) if states is not None else None)

    def bad(line: int, what: str, fix: str) -> None:
        problems.append(Problem(path, line, what, fix))

    sc = Scenario(name=spec.name, path=path, description=spec.description.strip(),
                  rationale=spec.rationale.strip())

    def year(key: str, v: int | None, default: int | None) -> int | None:
        if v is None:
            return default
        if not MIN_YEAR <= v <= MAX_YEAR:
            bad(locate(key), f"`{key}` must be a year from {MIN_YEAR} to {MAX_YEAR}, got {v!r}",
                "write a year such as 2035" if key == "end" else "write a year such as 2022, or leave `start` out to "
                "start from the record (the year after it ends, or the year of the first change)")
            return default
        return v

    sc.start, sc.end = year("start", spec.start, None), year("end", spec.end, 2035)
    if sc.start is not None and sc.end < sc.start:
        bad(locate("end"), f"`end` ({sc.end}) is before `start` ({sc.start})", "make end the later year")
    for key, lo, hi in (("runs", 1, MAX_RUNS), ("seed", 0, 2**63 - 1)):
        v = getattr(spec, key)
        if v < lo:
            bad(locate(key), f"`{key}` must be a whole number ≥ {lo}, got {v!r}", f"write e.g. `{key}: 1000`")
        elif v > hi:
            bad(locate(key), f"`{key}` is at most {hi:,}, got {v:,}",
                "more runs than that add nothing a user can see; run several seeds or a sweep instead"
                if key == "runs" else "use a smaller seed")
        else:
            setattr(sc, key, v)

    if spec.states is not None:   # a region or some states: the changes may name only these
        chosen = spec.states
        if not chosen:
            bad(locate("states"), "`states` must be a list of state ids, got []", "write e.g. `states: [ARM, AZE, GEO]`")
        elif modelled is not None and any(x not in modelled for x in chosen):
            wrong = [x for x in chosen if x not in modelled]
            bad(locate("states"), f"`states` names {', '.join(wrong)}, not a state the model runs",
                f"use some of {', '.join(modelled)}")
        else:
            sc.states = [x for x in (modelled or chosen) if x in chosen]
            states = sc.states

    for i, change in enumerate(spec.drivers):
        ch = change.model_dump(by_alias=True, exclude_none=True)
        ch.pop("note", None)

        def line(key: str | None = None, i: int = i) -> int:
            return locate("drivers", i, key) if key else locate("drivers", i)

        made = parse_change(ch, line, bad, sc.start, sc.end, states, orgs)
        if made is not None:
            sc.changes.append(made)

    for name, value in spec.parameters.items():
        ok = check_parameter(name, value, locate("parameters", name), bad)
        if ok:
            sc.parameters[name] = value
    if own and problems:
        raise CaseError(problems, path)
    return sc


def check_parameter(name: str, spec, ln: int, bad) -> bool:
    """Whether a scenario's weight `name: spec` (a number or a distribution) is valid; problems go to bad()."""
    if name not in Parameters.names():
        bad(ln, f"unknown parameter `{name}`", f"use one of {', '.join(Parameters.names())}")
        return False
    if isinstance(spec, dict):
        dist = spec.get("dist")
        if dist not in DISTS:
            bad(ln, f"unknown distribution {dist!r} for `{name}`", f"use one of {', '.join(DISTS)}")
            return False
        need = DISTS[dist]
        if not isinstance(spec.get("relative", False), bool):
            bad(ln, f"`relative` of `{name}` must be true or false", "write relative: true to scale the calibrated weight")
            return False
        if set(spec) - {"dist", "relative"} != need:
            bad(ln, f"distribution {dist} for `{name}` needs exactly {', '.join(sorted(need))}",
                f"write e.g. {{dist: {dist}, " + ", ".join(f"{k}: 1.0" for k in sorted(need)) + "}")
            return False
        if any(not isinstance(spec[k], int | float) or isinstance(spec[k], bool) or not math.isfinite(spec[k])
               for k in need):
            bad(ln, f"distribution values of `{name}` must be finite numbers, got "
                    + ", ".join(f"{k}: {spec[k]!r}" for k in sorted(need)), "write numbers such as 1.0")
            return False
        problem = distribution_problem(name, spec)
        if problem:
            bad(ln, *problem)
            return False
        return True
    if not isinstance(spec, int | float) or isinstance(spec, bool):
        bad(ln, f"`{name}` must be a number or a distribution, got {spec!r}", "write e.g. 1.0 or {dist: normal, mean: 1.0, sd: 0.2}")
        return False
    if Parameters.value_problem(name, spec):
        bad(ln, *Parameters.value_problem(name, spec))
        return False
    return True


def number_amount(op: str, value, line: int, bad) -> float | None:
    """The amount of a scenario's `set`/`scale`/`add`: one finite number (`set` within 0–1), or None (reported)."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        bad(line, f"`{op}` must be a finite number, got {value!r}", "write a number")
        return None
    if op == "set" and not 0 <= value <= 1:
        bad(line, f"`set` must be within 0-1 (drivers are on a 0-1 scale), got {value}", "use a value from 0 to 1")
    return float(value)


def parse_change(ch: dict, line, bad, start: int | None, end: int, states: list[str] | None,
                 orgs: set[str] | None, extra_keys: frozenset[str] = frozenset(), amount=number_amount
                 ) -> DriverChange | None:
    """One driver change from its plain mapping (actor, driver, partner or org, from/to, set|scale|add).

    `line(key)` is the line of a key of the change (`line()` the change's own). Problems go to
    `bad(line, what, fix)`; None when the change cannot be built. `amount(op, value, line, bad)` checks the
    value of the operation (a sweep's factor gives a range there instead of a number); `extra_keys` are
    further keys the caller reads itself.
    """
    ln = line()
    for k in ch:
        if k not in CHANGE_KEYS and k not in extra_keys:
            bad(line(k), f"unknown key `{k}` in a driver change", f"use only {', '.join(sorted(CHANGE_KEYS | extra_keys))}")
    d = ch.get("driver")
    if d not in DRIVERS:
        bad(line("driver"), f"unknown driver {d!r}", f"use one of {', '.join(DRIVERS)}")
        return None
    actor = ch.get("actor")
    allowed = (states or []) if d in STATE_DRIVERS + DEPENDENCE_DRIVERS else list(POWERS)
    if actor not in allowed:
        bad(line("actor"), f"unknown actor {actor!r} for driver {d}", f"use one of {', '.join(allowed)}")
    partner = ch.get("partner")
    if d in DEPENDENCE_DRIVERS and partner not in POWERS:
        bad(line("partner"), f"driver {d} needs `partner` (RUS, CHN or WEST), got {partner!r}", "add e.g. `partner: RUS`")
    if d not in DEPENDENCE_DRIVERS and partner is not None:
        bad(line("partner"), f"driver {d} takes no `partner`", "remove `partner`")
    org = ch.get("org")
    if org is not None and not isinstance(org, str):
        bad(line("org"), f"`org` must be one organization id, got {org!r}",
            "write one change per organization, e.g. `org: EAEU`")
        return None
    if actor is not None and not isinstance(actor, str):
        return None   # already reported as an unknown actor
    if d in ORG_DRIVERS and (org is None or (orgs is not None and org not in orgs)):
        bad(line("org"), f"driver {d} needs a known `org`, got {org!r}",
            f"use one of {', '.join(sorted(orgs or []))}")
    if d not in ORG_DRIVERS and org is not None:
        bad(line("org"), f"driver {d} takes no `org`", "remove `org`")
    ops = [k for k in ("set", "scale", "add") if k in ch]
    if len(ops) != 1:
        bad(ln, "give exactly one of `set`, `scale`, `add`", "e.g. `set: 0.5` (a value 0-1), `scale: 1.5` or `add: 0.2`")
        return None
    value = amount(ops[0], ch[ops[0]], line(ops[0]), bad)
    if value is None:
        return None
    frm, to = ch.get("from", start), ch.get("to")
    lo = MIN_YEAR if start is None else start
    for key, v in (("from", frm), ("to", to)):
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= end):
            bad(line(key), f"`{key}` year {v!r} is outside the scenario's years {lo}-{end}",
                "use a year within start..end" if start is not None else f"use a year from {lo} to `end` ({end})")
    if isinstance(frm, int) and isinstance(to, int) and to < frm:
        bad(line("to"), f"`to` ({to}) is before `from` ({frm})", "swap them")
    return DriverChange(actor=actor, driver=d, start=frm if isinstance(frm, int) else start,
                        end=to if isinstance(to, int) else None, op=ops[0], amount=float(value),
                        partner=partner, org=org, line=ln)


def load_scenario(path: str | Path, states: list[str] | None = None, orgs: set[str] | None = None,
                  modelled: list[str] | None = None) -> Scenario:
    """Read and check a scenario file (`parse_scenario`: states, orgs and modelled as there)."""
    from ..textfiles import TextFileError, read_text

    path = Path(path)
    try:
        text = read_text(path, "scenario file", max_bytes=2**20)
    except TextFileError as exc:
        raise CaseError([Problem(exc.file, exc.line, exc.what, exc.fix)]) from None
    return parse_scenario(text, str(path), states, orgs, modelled)


def apply_changes(inp: ModelInputs, changes: list[DriverChange], clipped: list[str] | None = None) -> ModelInputs:
    """Inputs with the scenario's driver changes applied (a copy; values clipped to 0-1).

    clipped: if given, a sentence is appended for every change that asked for a value
    outside 0–1 (a ×2 on a value already near the top), so the output can say so.
    """
    from dataclasses import replace

    d = inp.drivers.copy()
    years = inp.years
    for ch in changes:
        if ch.start is None:
            raise ValueError(f"the change of {ch.driver} has no first year; resolve it with "
                             "model.projection.resolve_changes first")
        mask = (years >= ch.start) & (years <= (ch.end if ch.end is not None else years[-1]))
        if ch.driver in STATE_DRIVERS:
            arr, idx = d.state[ch.driver], (mask, inp.states.index(ch.actor))
        elif ch.driver in DEPENDENCE_DRIVERS:
            arr, idx = d.dependence[ch.driver], (mask, inp.states.index(ch.actor), POWERS.index(ch.partner))
        elif ch.driver in POWER_DRIVERS:
            arr, idx = d.power[ch.driver], (mask, POWERS.index(ch.actor))
        else:
            cols = np.array([[o == ch.org for o in row] for row in inp.era_org])  # (T, L)
            arr = d.pressure
            sel = mask[:, None] & cols
            p = POWERS.index(ch.actor)
            cur = arr[:, p, :]
            cur[sel] = _op(cur[sel], ch, clipped)
            continue
        arr[idx] = _op(arr[idx], ch, clipped)
    return replace(inp, drivers=d)


def _op(values: np.ndarray, ch: DriverChange, clipped: list[str] | None = None) -> np.ndarray:
    if ch.op == "set":
        out = np.full_like(values, ch.amount)
    elif ch.op == "scale":
        out = values * ch.amount
    else:
        out = values + ch.amount
    outside = (out < 0.0) | (out > 1.0)
    if clipped is not None and np.any(outside):
        who = "/".join(x for x in (ch.actor, ch.partner, ch.org) if x)
        clipped.append(f"{ch.driver} {who} {ch.op} {ch.amount:g}: {int(np.sum(outside))} of {out.size} values "
                       f"left the 0–1 scale (up to {float(np.max(np.abs(out - np.clip(out, 0, 1)))):.2f} beyond it) "
                       "and were clipped")
    return np.clip(out, 0.0, 1.0)
