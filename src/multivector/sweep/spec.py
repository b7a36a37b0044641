"""Sweep specifications: a base scenario, uncertain factors, a design, runs per point, a seed, outcomes.

A spec is a YAML file (see sweeps/*.yaml), read with the project's line-marking
loader so that every mistake is reported as `file:line: what — how to fix`,
exactly like scenario files. The factors are the "uncertainties" and the
outcomes the "outcomes of interest" of exploratory modelling (Bankes 1993;
Kwakkel 2017, the EMA Workbench); the design names the sampling plan of the
sensitivity method that will read the results (sobol, morris) or a plain
space-filling plan (lhs, grid).

Every point is a projection from the record (model/projection.py): the sweep starts
in the year after the record ends, or at the first change (of the base scenario or
of a factor) that falls inside the recorded years, unless the spec or its base gives
`start`. The start is resolved when the case's last recorded year is known
(`record_until`, which the command line passes).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..kb.problems import CaseError, Problem
from ..kb.rawfiles import strip_marks
from ..model.parameters import Parameters
from ..model.projection import Start, projection_start
from ..model.scenario import (
    DriverChange,
    Scenario,
    load_scenario,
    parse_change,
    read_marked_mapping,
)
from .outcomes import Outcome, OutcomeError, parse_outcome

TOP_KEYS = {"name", "description", "base", "start", "end", "runs", "seed", "chunk", "weights", "factors",
            "design", "outcomes"}
FACTOR_KEYS = {"name", "weight", "dist", "mode", "mean", "sd"}          # beside a driver change's own keys
DISTS = ("uniform", "triangular", "normal")
METHODS = {"sobol": {"method", "n", "second_order"}, "lhs": {"method", "n"},
           "morris": {"method", "trajectories", "levels"}, "grid": {"method", "levels"}}
WEIGHT_MODES = ("posterior", "fixed")
MAX_POINTS = 1_000_000
MAX_RUNS = 100_000


@dataclass
class Factor:
    """One uncertain factor: a driver change or a model weight whose amount ranges over [low, high].

    `op` is set, scale or add: the factor's value replaces the driver (set), multiplies it (scale) or is
    added to it (add) in the years of `change`; for a weight, set gives the weight, scale multiplies each
    run's weight. `dist` is the marginal over [low, high]: uniform, triangular (peak at `mode`) or normal
    (`mean`, `sd`) truncated to the range.
    """

    name: str
    op: str
    low: float
    high: float
    dist: str = "uniform"
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None
    weight: str | None = None                 # a model weight (Parameters name) ...
    change: DriverChange | None = None        # ... or a driver change (its amount is the factor's value)
    line: int = 0

    @property
    def first_year(self) -> int | None:
        """The first year the factor changes (None for a weight: every year)."""
        return None if self.change is None else self.change.start

    def describe(self) -> str:
        if self.weight:
            return f"weight {self.weight} {self.op} {self.low:g}..{self.high:g}"
        c = self.change
        who = "/".join(x for x in (c.actor, c.partner, c.org) if x)
        first = c.start if c.start is not None else "start"
        years = f"{first}-{c.end}" if c.end else f"{first}-"
        return f"{c.driver} {who} {years} {self.op} {self.low:g}..{self.high:g}"


@dataclass
class Design:
    method: str                   # sobol | lhs | morris | grid
    n: int = 0                    # sobol: base samples N; lhs: points
    second_order: bool = False    # sobol: Saltelli's extra rows for second-order indices
    trajectories: int = 0         # morris
    levels: int = 4               # morris: grid levels p; grid: points per factor


@dataclass
class SweepSpec:
    name: str
    base: Scenario
    factors: list[Factor]
    design: Design
    outcomes: list[Outcome]
    runs: int = 200
    seed: int = 0
    chunk: int = 8
    weights: str = "posterior"
    description: str = ""
    path: str = "<spec>"
    base_text: str = ""           # the base scenario file as read, part of the spec's identity
    text: str = ""                # the spec file as read
    extra: dict = field(default_factory=dict)
    resolved: Start | None = None   # where the projections start (None until `resolve` knows the record's end)

    @property
    def start(self) -> int | None:
        """The first simulated year of every point (None while unresolved and not given)."""
        return self.resolved.year if self.resolved is not None else self.base.start

    def scenario(self) -> Scenario:
        """The base scenario with every driver factor's change added: what decides where the sweep starts."""
        from dataclasses import replace

        return replace(self.base, changes=[*self.base.changes, *(f.change for f in self.factors if f.change)])

    def resolve(self, record_until: int, first_year: int = 1991) -> Start:
        """Fix the start from the record's last year (model.projection.projection_start); ValueError if impossible."""
        self.resolved = projection_start(self.scenario(), record_until, first_year)
        return self.resolved

    @property
    def end(self) -> int:
        return self.base.end

    def factor_names(self) -> list[str]:
        return [f.name for f in self.factors]

    def digest(self) -> str:
        """A checksum of everything the results depend on (spec and base scenario as parsed)."""
        ident = {"name": self.name, "runs": self.runs, "seed": self.seed, "chunk": self.chunk,
                 "weights": self.weights, "design": asdict(self.design),
                 "factors": [{**asdict(f), "line": 0, "change": None if f.change is None else
                              {**asdict(f.change), "line": 0}} for f in self.factors],
                 "outcomes": [o.label for o in self.outcomes],
                 "start": self.start,
                 "base": {"start": self.base.start, "end": self.base.end, "parameters": self.base.parameters,
                          "changes": [{**asdict(c), "line": 0} for c in self.base.changes]}}
        return hashlib.sha256(json.dumps(ident, sort_keys=True, default=str).encode()).hexdigest()


def _base_text(path: Path) -> str:
    """The base scenario's text as read (part of the spec's identity); it has just been parsed from the file."""
    from ..textfiles import InputFileError, read_text

    try:
        return read_text(path, "scenario file", max_bytes=2**20)
    except InputFileError:   # already reported by load_scenario
        return ""


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def parse_spec(text: str, path: str = "<spec>", states: list[str] | None = None,
               orgs: set[str] | None = None, lines: list[str] | None = None,
               base: Scenario | None = None, record_until: int | None = None) -> SweepSpec:
    """Parse and check a sweep spec; raise CaseError listing every problem with its line.

    `base`: the base scenario already loaded (else the file named by `base:` is read, relative to the
    spec's folder; without `base:` the scenario is the case's own drivers to 2035). `record_until`: the
    case's last recorded year; given, the start is resolved and every outcome's year checked against it.
    """
    problems: list[Problem] = []

    def bad(line: int, what: str, fix: str) -> None:
        problems.append(Problem(path, line, what, fix))

    doc = read_marked_mapping(text, path, problems, "sweep spec", "sweeps/smoke.yaml")
    keys = doc["__keys__"]
    for k in doc:
        if k not in TOP_KEYS and not k.startswith("__"):
            bad(keys[k], f"unknown key `{k}`", f"use only {', '.join(sorted(TOP_KEYS))}")
    if "name" not in doc:
        bad(1, "required key `name` is missing", "add `name: my-sweep`")
    base_text = ""
    if base is None:
        ref = doc.get("base")
        if ref is None:
            base = Scenario(name="case", end=2035)
        elif not isinstance(ref, str):
            bad(keys["base"], f"`base` must be the path of a scenario file, got {ref!r}",
                "write e.g. `base: ../scenarios/baseline.yaml` (relative to this file)")
            base = Scenario(name="case")
        else:
            bpath = (Path(path).parent / ref) if not Path(ref).is_absolute() else Path(ref)
            if not bpath.is_file() and "/" not in ref:   # a shipped scenario's name: `base: baseline`
                from ..shipped import folder

                bpath = folder("scenario") / (ref if ref.endswith(".yaml") else f"{ref}.yaml")
            if not bpath.is_file():
                bad(keys["base"], f"base scenario {ref} not found (looked for {bpath})",
                    "give the path of a scenario file relative to this spec, or a shipped scenario's name (e.g. `base: baseline`)")
                base = Scenario(name="case")
            else:
                try:
                    base = load_scenario(bpath, states, orgs)
                except CaseError as exc:
                    problems.extend(exc.problems)
                    base = Scenario(name="case")
                base_text = _base_text(bpath)
    for key in ("start", "end"):   # the spec may set the base scenario's years
        if key in doc:
            v = doc[key]
            if not isinstance(v, int) or isinstance(v, bool) or not 1991 <= v <= 2100:
                bad(keys[key], f"`{key}` must be a year from 1991 to 2100, got {v!r}", "write a year such as 2035"
                    if key == "end" else "write a year such as 2026, or leave `start` out to start from the record")
            else:
                setattr(base, key, v)
    if base.start is not None and base.end < base.start:
        bad(keys.get("end", 1), f"`end` ({base.end}) is before `start` ({base.start})", "make end the later year")

    spec = SweepSpec(name=str(doc.get("name") or Path(path).stem), base=base, factors=[],
                     design=Design("lhs", n=1), outcomes=[], path=path, base_text=base_text, text=text,
                     description=str(doc.get("description", "")).strip())
    for key, lo, hi, default in (("runs", 1, MAX_RUNS, 200), ("seed", 0, 2**63 - 1, 0), ("chunk", 1, 10_000, 8)):
        v = doc.get(key, default)
        if not isinstance(v, int) or isinstance(v, bool) or v < lo:
            bad(keys.get(key, 1), f"`{key}` must be a whole number ≥ {lo}, got {v!r}", f"write e.g. `{key}: {default}`")
        elif v > hi:
            bad(keys.get(key, 1), f"`{key}` is at most {hi:,}, got {v:,}", f"use a value up to {hi:,}")
        else:
            setattr(spec, key, v)
    w = doc.get("weights", "posterior")
    if w not in WEIGHT_MODES:
        bad(keys.get("weights", 1), f"`weights` must be posterior or fixed, got {w!r}",
            "posterior draws each run's weights from the shipped posterior (as `simulate` does); fixed uses the "
            "point weights")
    else:
        spec.weights = w

    _parse_factors(doc, keys, spec, bad, states, orgs)
    _parse_design(doc, keys, spec, bad)
    _parse_outcomes(doc, keys, spec, bad, states, orgs, lines)
    if spec.design.method == "grid" and spec.factors:
        n = spec.design.levels ** len(spec.factors)
        if n > MAX_POINTS:
            bad(keys.get("design", 1), f"a grid of {spec.design.levels} levels on {len(spec.factors)} factors has "
                f"{n:,} points (at most {MAX_POINTS:,})", "use fewer levels, or lhs/sobol")
    if record_until is not None and not problems:
        try:
            spec.resolve(record_until)
        except ValueError as exc:
            bad(keys.get("start", 1), str(exc).replace(f" in {base.path}", ""),
                "leave `start` out, or give a year up to the record's end + 1")
        else:
            for o in spec.outcomes:
                if o.first_year < spec.start:
                    bad(spec.extra.get("outcome_lines", {}).get(o.label, keys.get("outcomes", 1)),
                        f"outcome {o.label} reads {o.first_year}, before the sweep's start {spec.start} "
                        "(those years are the record, the same at every point)",
                        f"read a year from {spec.start} on")
    if problems:
        raise CaseError(problems, path)
    return spec


def _range_amount(op: str, value, line: int, bad) -> float | None:
    """A factor's range [low, high] for its operation; the low end is returned (for the change's checks)."""
    if not (isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value)):
        bad(line, f"`{op}` of a factor must be a range [low, high] of two numbers, got {value!r}",
            f"write e.g. `{op}: [0.8, 1.2]`")
        return None
    lo, hi = value
    if lo > hi:
        bad(line, f"the range of `{op}` runs backwards ({lo} > {hi})", f"write `{op}: [{hi}, {lo}]`")
        return None
    if op == "set" and not (0 <= lo and hi <= 1):
        bad(line, f"`set` values must be within 0-1 (drivers are on a 0-1 scale), got [{lo}, {hi}]",
            "use a range within 0 to 1")
    if op == "scale" and lo < 0:
        bad(line, f"a `scale` below 0 ({lo}) would flip the driver's sign", "use a range of factors ≥ 0")
    return float(lo)


def _parse_factors(doc, keys, spec: SweepSpec, bad, states, orgs) -> None:
    items = doc.get("factors")
    if not isinstance(items, list) or not items:
        bad(keys.get("factors", 1), "`factors` must be a non-empty list of uncertain factors",
            "add e.g. `factors: [{name: rus_revisionism, actor: RUS, driver: revisionism, from: 2026, "
            "scale: [0.8, 1.5]}]`")
        return
    seen: dict[str, int] = {}
    for item in items:
        if not isinstance(item, dict):
            bad(keys.get("factors", 1), "each factor must be a mapping",
                "write `- {name: x, actor: RUS, driver: attention, from: 2026, set: [0.3, 0.9]}` or "
                "`- {weight: balance_weight, scale: [0.5, 2]}`")
            continue
        ln, kl = item["__line__"], item["__keys__"]
        raw = strip_marks(item)
        ops = [k for k in ("set", "scale", "add") if k in raw]
        if "weight" in raw:
            factor = _weight_factor(raw, kl, ln, ops, bad)
        else:
            change = parse_change(raw, lambda k=None, kl=kl, ln=ln: kl.get(k, ln) if k else ln, bad, spec.start, spec.end,
                                  states, orgs, extra_keys=frozenset(FACTOR_KEYS), amount=_range_amount)
            factor = None
            if change is not None and ops:
                lo, hi = raw[ops[0]]
                who = "_".join(x for x in (change.actor, change.partner, change.org) if x)
                factor = Factor(name=f"{change.driver}_{who}", op=ops[0], low=float(lo), high=float(hi),
                                change=change, line=ln)
        if factor is None:
            continue
        if "name" in raw:
            if not isinstance(raw["name"], str) or not raw["name"].replace("_", "").isalnum():
                bad(kl["name"], f"a factor's `name` must be a word of letters, digits and _, got {raw['name']!r}",
                    "write e.g. `name: rus_revisionism`")
                continue
            factor.name = raw["name"]
        if factor.name in seen:
            bad(kl.get("name", ln), f"two factors are named `{factor.name}` (the first at line {seen[factor.name]})",
                "give each factor its own `name`")
            continue
        seen[factor.name] = ln
        if _parse_dist(raw, kl, ln, factor, bad):
            spec.factors.append(factor)


def _weight_factor(raw: dict, kl: dict, ln: int, ops: list[str], bad) -> Factor | None:
    allowed = FACTOR_KEYS | {"set", "scale", "add"}
    for k in raw:
        if k not in allowed:
            bad(kl[k], f"unknown key `{k}` in a weight factor", f"use only {', '.join(sorted(allowed - {'add'}))}")
    name = raw["weight"]
    if name not in Parameters.names():
        bad(kl["weight"], f"unknown weight {name!r}", f"use one of {', '.join(Parameters.names())}")
        return None
    if len(ops) != 1 or ops[0] == "add":
        bad(ln, "a weight factor needs exactly one of `set` or `scale`",
            "e.g. `set: [0.5, 4.0]` (the weight itself) or `scale: [0.5, 2.0]` (times each run's weight)")
        return None
    lo = _range_amount(ops[0], raw[ops[0]], kl[ops[0]], bad)
    if lo is None:
        return None
    hi = float(raw[ops[0]][1])
    if ops[0] == "set":
        for v in (lo, hi):
            problem = Parameters.value_problem(name, v)
            if problem:
                bad(kl["set"], *problem)
                return None
    return Factor(name=name, op=ops[0], low=lo, high=hi, weight=name, line=ln)


def _parse_dist(raw: dict, kl: dict, ln: int, f: Factor, bad) -> bool:
    dist = raw.get("dist", "uniform")
    if dist not in DISTS:
        bad(kl.get("dist", ln), f"unknown distribution {dist!r} for factor `{f.name}`", f"use one of {', '.join(DISTS)}")
        return False
    f.dist = dist
    need = {"uniform": set(), "triangular": {"mode"}, "normal": {"mean", "sd"}}[dist]
    given = {k for k in ("mode", "mean", "sd") if k in raw}
    if given != need:
        bad(kl.get("dist", ln), f"distribution {dist} of factor `{f.name}` takes "
            + (", ".join(sorted(need)) if need else "no mode, mean or sd") + (f", got {', '.join(sorted(given))}" if given else ""),
            {"uniform": "remove mode/mean/sd, or choose dist: triangular or normal",
             "triangular": "add `mode:` (the most likely value, within the range)",
             "normal": "add `mean:` and `sd:` (truncated to the range)"}[dist])
        return False
    for k in need:
        if not _is_number(raw[k]):
            bad(kl[k], f"`{k}` of factor `{f.name}` must be a finite number, got {raw[k]!r}", "write a number")
            return False
        setattr(f, k, float(raw[k]))
    if dist == "triangular" and not f.low <= f.mode <= f.high:
        bad(kl["mode"], f"`mode` {f.mode:g} of factor `{f.name}` is outside its range [{f.low:g}, {f.high:g}]",
            "put the mode within the range")
        return False
    if dist == "normal" and f.sd <= 0:
        bad(kl["sd"], f"`sd` of factor `{f.name}` must be positive, got {f.sd:g}", "use e.g. sd: 0.1")
        return False
    if f.high == f.low:
        bad(ln, f"factor `{f.name}` has an empty range [{f.low:g}, {f.high:g}]",
            "give a range with low < high (a fixed change belongs in the base scenario)")
        return False
    return True


def _parse_design(doc, keys, spec: SweepSpec, bad) -> None:
    d = doc.get("design")
    ln = keys.get("design", 1)
    if not isinstance(d, dict):
        bad(ln, f"`design` must be a mapping with a `method`, got {d!r}",
            "write e.g. `design: {method: sobol, n: 256}` (or lhs with n, morris with trajectories, grid with levels)")
        return
    dk = d["__keys__"]
    raw = strip_marks(d)
    method = raw.get("method")
    if method not in METHODS:
        bad(dk.get("method", ln), f"unknown design method {method!r}", f"use one of {', '.join(METHODS)}")
        return
    for k in raw:
        if k not in METHODS[method]:
            bad(dk[k], f"design {method} takes no `{k}`", f"use only {', '.join(sorted(METHODS[method]))}")
    design = Design(method)

    def whole(key: str, lo: int, default: int | None) -> int | None:
        v = raw.get(key, default)
        if v is None:
            bad(ln, f"design {method} needs `{key}`", f"add `{key}: ...` (e.g. {key}: {max(lo, 4)})")
            return None
        if not isinstance(v, int) or isinstance(v, bool) or v < lo:
            bad(dk.get(key, ln), f"`{key}` of the design must be a whole number ≥ {lo}, got {v!r}", f"write e.g. `{key}: {max(lo, 8)}`")
            return None
        return v

    if method == "sobol":
        n = whole("n", 2, None)
        if n is not None and n & (n - 1):
            lower = 1 << (n.bit_length() - 1)
            bad(dk["n"], f"Sobol' base samples `n` must be a power of 2 (Saltelli's design keeps the sequence's "
                f"balance only then), got {n}", f"use n: {lower} or n: {lower * 2}")
            n = None
        design.n = n or 0
        so = raw.get("second_order", False)
        if not isinstance(so, bool):
            bad(dk["second_order"], f"`second_order` must be true or false, got {so!r}", "write second_order: false")
        else:
            design.second_order = so
    elif method == "lhs":
        design.n = whole("n", 2, None) or 0
    elif method == "morris":
        design.trajectories = whole("trajectories", 2, None) or 0
        design.levels = whole("levels", 2, 4) or 4
        if design.levels % 2:
            bad(dk.get("levels", ln), f"Morris `levels` must be even (Morris 1991's Δ = p / (2(p − 1))), got {design.levels}",
                f"use levels: {design.levels + 1}")
    else:
        design.levels = whole("levels", 2, None) or 2
    spec.design = design


def _parse_outcomes(doc, keys, spec: SweepSpec, bad, states, orgs, lines) -> None:
    items = doc.get("outcomes")
    if not isinstance(items, list) or not items:
        bad(keys.get("outcomes", 1), "`outcomes` must be a non-empty list of outcome expressions",
            "add e.g. `outcomes: [\"P_member(UZB, EAEU, 2035)\", \"mean_balance(KAZ, 2026, 2035)\"]`")
        return
    line = keys.get("outcomes", 1)
    text_lines = spec.text.splitlines()
    seen = set()
    for k, item in enumerate(items):
        ln = _item_line(text_lines, line, k, item)
        if not isinstance(item, str):
            bad(ln, f"an outcome must be an expression in quotes, got {item!r}", 'write e.g. "P_member(UZB, EAEU, 2035)"')
            continue
        try:
            o = parse_outcome(item, states, orgs, lines, spec.start or 1991, spec.end)
        except OutcomeError as exc:
            bad(ln, exc.what, exc.fix)
            continue
        if o.label in seen:
            bad(ln, f"outcome {o.label} is listed twice", "remove the second one")
            continue
        seen.add(o.label)
        spec.outcomes.append(o)
        spec.extra.setdefault("outcome_lines", {})[o.label] = ln


def _item_line(text_lines: list[str], start: int, k: int, item) -> int:
    """The line of the k-th item of a list of strings (the YAML marks record mappings only)."""
    needle = str(item)
    hits = [i + 1 for i, s in enumerate(text_lines) if i + 1 >= start and needle in s]
    return hits[0] if hits else start


def load_spec(path: str | Path, states: list[str] | None = None, orgs: set[str] | None = None,
              lines: list[str] | None = None, record_until: int | None = None) -> SweepSpec:
    """Read and check a spec file (errors as CaseError, each `file:line: what — fix`); see `parse_spec`."""
    from ..textfiles import TextFileError, read_text

    path = Path(path)
    try:
        text = read_text(path, "sweep spec", max_bytes=2**20)
    except TextFileError as exc:
        raise CaseError([Problem(exc.file, exc.line, exc.what, exc.fix)]) from None
    return parse_spec(text, str(path), states, orgs, lines, record_until=record_until)
