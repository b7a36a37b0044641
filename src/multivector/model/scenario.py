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
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..kb.problems import CaseError, Problem
from ..kb.rawfiles import YamlSyntaxError, load_marked, strip_marks
from ..kb.vocab import DEPENDENCE_DRIVERS, DRIVERS, ORG_DRIVERS, POWER_DRIVERS, STATE_DRIVERS
from .drivers import POWERS
from .inputs import ModelInputs
from .parameters import Parameters

TOP_KEYS = {"name", "description", "rationale", "start", "end", "runs", "seed", "states", "drivers", "parameters"}
CHANGE_KEYS = {"actor", "driver", "partner", "org", "from", "to", "set", "scale", "add", "note"}
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


def parse_scenario(text: str, path: str = "<scenario>", states: list[str] | None = None,
                   orgs: set[str] | None = None, modelled: list[str] | None = None) -> Scenario:
    """Parse and check a scenario; raise CaseError listing every problem with its line.

    states: the states a driver change may name when the scenario has no `states:` key.
    modelled: every state the model can run (`inputs.modelled_states`), which a `states:` key may name;
    None: `states` (or, without them either, any id).
    """
    modelled = modelled if modelled is not None else (list(states) if states is not None else None)
    problems: list[Problem] = []

    def bad(line: int, what: str, fix: str) -> None:
        problems.append(Problem(path, line, what, fix))

    try:
        doc = load_marked(text, path, problems)
    except YamlSyntaxError:
        raise CaseError(problems) from None
    if not isinstance(doc, dict):
        raise CaseError([Problem(path, 1, "a scenario must be a mapping of keys (name, start, end, ...)",
                                 "see scenarios/baseline.yaml for the layout")])
    keys = doc["__keys__"]
    for k in doc:
        if k not in TOP_KEYS and not k.startswith("__"):
            bad(keys[k], f"unknown key `{k}`", f"use only {', '.join(sorted(TOP_KEYS))}")
    sc = Scenario(name=str(doc.get("name") or Path(path).stem), path=path,
                  description=str(doc.get("description", "")).strip())
    if "name" not in doc:
        bad(1, "required key `name` is missing", "add `name: my-scenario`")

    def year(key: str, default: int | None) -> int | None:
        v = doc.get(key, default)
        if v is None and default is None:
            return None
        if not isinstance(v, int) or isinstance(v, bool) or not MIN_YEAR <= v <= MAX_YEAR:
            bad(keys.get(key, 1), f"`{key}` must be a year from {MIN_YEAR} to {MAX_YEAR}, got {v!r}",
                "write a year such as 2035" if key == "end" else "write a year such as 2022, or leave `start` out to "
                "start from the record (the year after it ends, or the year of the first change)")
            return default
        return v

    sc.start, sc.end = year("start", None), year("end", 2035)
    if sc.start is not None and sc.end < sc.start:
        bad(keys.get("end", 1), f"`end` ({sc.end}) is before `start` ({sc.start})", "make end the later year")
    for key, lo, hi in (("runs", 1, MAX_RUNS), ("seed", 0, 2**63 - 1)):
        v = doc.get(key, getattr(sc, key))
        if not isinstance(v, int) or isinstance(v, bool) or v < lo:
            bad(keys.get(key, 1), f"`{key}` must be a whole number ≥ {lo}, got {v!r}", f"write e.g. `{key}: 1000`")
        elif v > hi:
            bad(keys.get(key, 1), f"`{key}` is at most {hi:,}, got {v:,}",
                "more runs than that add nothing a user can see; run several seeds or a sweep instead"
                if key == "runs" else "use a smaller seed")
        else:
            setattr(sc, key, v)

    if "states" in doc:   # a region or some states: the changes may name only these
        chosen = doc["states"]
        if not isinstance(chosen, list) or not chosen or not all(isinstance(x, str) for x in chosen):
            bad(keys["states"], f"`states` must be a list of state ids, got {chosen!r}",
                "write e.g. `states: [ARM, AZE, GEO]`")
        elif modelled is not None and any(x not in modelled for x in chosen):
            wrong = [x for x in chosen if x not in modelled]
            bad(keys["states"], f"`states` names {', '.join(wrong)}, not a state the model runs",
                f"use some of {', '.join(modelled)}")
        else:
            sc.states = [x for x in (modelled or chosen) if x in chosen]
            states = sc.states
    changes = doc.get("drivers") or []
    if not isinstance(changes, list):
        bad(keys.get("drivers", 1), f"`drivers` must be a list of driver changes, got {changes!r}",
            "write each change as a list item: `- {actor: RUS, driver: attention, from: 2022, set: 0.5}`")
        changes = []
    for item in changes:
        if not isinstance(item, dict):
            bad(keys.get("drivers", 1), "each driver change must be a mapping", "write `- {actor: RUS, driver: attention, from: 2022, set: 0.5}`")
            continue
        change = parse_change(item, bad, sc.start, sc.end, states, orgs)
        if change is not None:
            sc.changes.append(change)

    params = doc.get("parameters") or {}
    if not isinstance(params, dict):
        bad(keys.get("parameters", 1), "`parameters` must be a mapping of weight names", "write `balance_weight: 1.0`")
        params = {}
    pkeys = params.get("__keys__", {})
    for name, spec in strip_marks(params).items():
        ln = pkeys.get(name, keys.get("parameters", 1))
        if name not in Parameters.names():
            bad(ln, f"unknown parameter `{name}`", f"use one of {', '.join(Parameters.names())}")
            continue
        if isinstance(spec, dict):
            dist = spec.get("dist")
            if dist not in DISTS:
                bad(ln, f"unknown distribution {dist!r} for `{name}`", f"use one of {', '.join(DISTS)}")
                continue
            need = DISTS[dist]
            if not isinstance(spec.get("relative", False), bool):
                bad(ln, f"`relative` of `{name}` must be true or false", "write relative: true to scale the calibrated weight")
                continue
            if set(spec) - {"dist", "relative"} != need:
                bad(ln, f"distribution {dist} for `{name}` needs exactly {', '.join(sorted(need))}",
                    f"write e.g. {{dist: {dist}, " + ", ".join(f"{k}: 1.0" for k in sorted(need)) + "}")
                continue
            if any(not isinstance(spec[k], int | float) or isinstance(spec[k], bool) or not math.isfinite(spec[k])
                   for k in need):
                bad(ln, f"distribution values of `{name}` must be finite numbers, got "
                        + ", ".join(f"{k}: {spec[k]!r}" for k in sorted(need)), "write numbers such as 1.0")
                continue
            problem = distribution_problem(name, spec)
            if problem:
                bad(ln, *problem)
                continue
        elif not isinstance(spec, int | float) or isinstance(spec, bool):
            bad(ln, f"`{name}` must be a number or a distribution, got {spec!r}", "write e.g. 1.0 or {dist: normal, mean: 1.0, sd: 0.2}")
            continue
        elif Parameters.value_problem(name, spec):
            bad(ln, *Parameters.value_problem(name, spec))
            continue
        sc.parameters[name] = spec
    if problems:
        raise CaseError(problems, path)
    return sc


def number_amount(op: str, value, line: int, bad) -> float | None:
    """The amount of a scenario's `set`/`scale`/`add`: one finite number (`set` within 0–1), or None (reported)."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        bad(line, f"`{op}` must be a finite number, got {value!r}", "write a number")
        return None
    if op == "set" and not 0 <= value <= 1:
        bad(line, f"`set` must be within 0-1 (drivers are on a 0-1 scale), got {value}", "use a value from 0 to 1")
    return float(value)


def parse_change(item: dict, bad, start: int | None, end: int, states: list[str] | None, orgs: set[str] | None,
                 extra_keys: frozenset[str] = frozenset(), amount=number_amount) -> DriverChange | None:
    """One driver change from its marked mapping (actor, driver, partner or org, from/to, set|scale|add).

    Problems go to `bad(line, what, fix)`; None when the change cannot be built. `amount(op, value, line, bad)`
    checks the value of the operation (a sweep's factor gives a range there instead of a number);
    `extra_keys` are further keys the caller reads itself.
    """
    ln, kl = item["__line__"], item["__keys__"]
    ch = strip_marks(item)
    for k in ch:
        if k not in CHANGE_KEYS and k not in extra_keys:
            bad(kl[k], f"unknown key `{k}` in a driver change", f"use only {', '.join(sorted(CHANGE_KEYS | extra_keys))}")
    d = ch.get("driver")
    if d not in DRIVERS:
        bad(kl.get("driver", ln), f"unknown driver {d!r}", f"use one of {', '.join(DRIVERS)}")
        return None
    actor = ch.get("actor")
    allowed = (states or []) if d in STATE_DRIVERS + DEPENDENCE_DRIVERS else list(POWERS)
    if actor not in allowed:
        bad(kl.get("actor", ln), f"unknown actor {actor!r} for driver {d}", f"use one of {', '.join(allowed)}")
    partner = ch.get("partner")
    if d in DEPENDENCE_DRIVERS and partner not in POWERS:
        bad(kl.get("partner", ln), f"driver {d} needs `partner` (RUS, CHN or WEST), got {partner!r}", "add e.g. `partner: RUS`")
    if d not in DEPENDENCE_DRIVERS and partner is not None:
        bad(kl["partner"], f"driver {d} takes no `partner`", "remove `partner`")
    org = ch.get("org")
    if org is not None and not isinstance(org, str):
        bad(kl.get("org", ln), f"`org` must be one organization id, got {org!r}",
            "write one change per organization, e.g. `org: EAEU`")
        return None
    if actor is not None and not isinstance(actor, str):
        return None   # already reported as an unknown actor
    if d in ORG_DRIVERS and (org is None or (orgs is not None and org not in orgs)):
        bad(kl.get("org", ln), f"driver {d} needs a known `org`, got {org!r}",
            f"use one of {', '.join(sorted(orgs or []))}")
    if d not in ORG_DRIVERS and org is not None:
        bad(kl["org"], f"driver {d} takes no `org`", "remove `org`")
    ops = [k for k in ("set", "scale", "add") if k in ch]
    if len(ops) != 1:
        bad(ln, "give exactly one of `set`, `scale`, `add`", "e.g. `set: 0.5` (a value 0-1), `scale: 1.5` or `add: 0.2`")
        return None
    value = amount(ops[0], ch[ops[0]], kl[ops[0]], bad)
    if value is None:
        return None
    frm, to = ch.get("from", start), ch.get("to")
    lo = MIN_YEAR if start is None else start
    for key, v in (("from", frm), ("to", to)):
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= end):
            bad(kl.get(key, ln), f"`{key}` year {v!r} is outside the scenario's years {lo}-{end}",
                "use a year within start..end" if start is not None else f"use a year from {lo} to `end` ({end})")
    if isinstance(frm, int) and isinstance(to, int) and to < frm:
        bad(kl["to"], f"`to` ({to}) is before `from` ({frm})", "swap them")
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
