"""Model weights: the theory's weights w_m, the memory of ties τ, the stance's friction, and the
transition intercepts α of each line.

A `Parameters` is one point (the posterior means `multivector calibrate` stores,
or the uncalibrated defaults below, for tests and for a case with no fit); the
posterior draws stored beside it (posterior.py) carry the uncertainty, and
every run of `simulate` draws its weights from them. `--weights FILE` reads a
file `calibrate` wrote; it names its draws file.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np

from .terms import WEIGHT
from .transition import ALPHA_NAMES, alpha_full

SHIPPED = Path(__file__).with_name("calibrated.json")
# The pooled chain of an uncalibrated model: every status kept with probability about 0.95
# (two ways out at e^-3.7 each), first choices even over the three levels.
DEFAULT_POOLED = tuple(-3.7 if not n.startswith("first") else 0.0 for n in ALPHA_NAMES)


@dataclass
class Parameters:
    security_weight: float = 1.0      # mechanism 3: threats raise the value of security providers
    economy_weight: float = 1.0       # mechanism 2: dependence raises the value of the lead's organizations
    regime_weight: float = 1.0        # mechanism 6: regimes lean to powers that do not question them
    network_weight: float = 1.0       # neighbours inside make an organization worth more
    external_weight: float = 1.0      # external balancing: a pole's threat raises the value of other poles' bodies
    sovereignty_weight: float = 1.0   # mechanism 1: deeper organizations cost more
    balance_weight: float = 1.0       # mechanism 4: hegemony risk of concentrated ties
    neutrality_weight: float = 1.0    # a neutral state's cost of joining a bloc
    pressure_weight: float = 1.0      # mechanism 5: cost of refusing a power that asks
    exit_tenure_weight: float = 1.0   # τ, ties with memory: stepping down costs more the longer a tie is held
    obstruction_cost: float = 1.0     # second decision: friction with the lead of obstructing inside
    # α: line -> its eight free intercepts (transition.ALPHA_NAMES order); a line not named takes the pooled chain
    alpha: dict[str, tuple[float, ...]] = field(default_factory=dict)
    alpha_pooled: tuple[float, ...] = DEFAULT_POOLED

    @classmethod
    def names(cls) -> list[str]:
        """The weights (numbers); the intercepts α are kept apart."""
        return [f.name for f in fields(cls) if f.name not in ("alpha", "alpha_pooled")]

    @classmethod
    def theory_names(cls) -> list[str]:
        """The theory's weights w_m, one per term of `terms.THEORY` (0 in the nested reference)."""
        return list(WEIGHT.values())

    def alpha_array(self, lines: list[str]) -> np.ndarray:
        """(L, 4, 3) transition intercepts of each line (the pooled chain where a line has none)."""
        free = np.array([self.alpha.get(line, self.alpha_pooled) for line in lines], float).reshape(len(lines), -1)
        return alpha_full(free)

    def as_dict(self) -> dict[str, float]:
        """The weights by name (the intercepts are `alpha`, `alpha_pooled`)."""
        d = asdict(self)
        d.pop("alpha")
        d.pop("alpha_pooled")
        return d

    def alpha_dict(self) -> dict:
        """The intercepts as {"pooled": {name: value}, "lines": {line: {name: value}}}, as weights files hold them."""
        named = lambda v: dict(zip(ALPHA_NAMES, map(float, v), strict=True))  # noqa: E731
        return {"pooled": named(self.alpha_pooled), "lines": {k: named(v) for k, v in self.alpha.items()}}

    def to_json(self, path: str | Path, **extra) -> None:
        from ..io_utils import write_atomic

        write_atomic(path, json.dumps({"parameters": self.as_dict(), "alpha": self.alpha_dict(), **extra}, indent=2))

    @classmethod
    def from_json(cls, path: str | Path) -> Parameters:
        """Weights from a JSON file (`calibrate` writes one); every value checked, errors as `file:line: what — fix`."""
        from ..textfiles import TextFileError, read_text

        text = read_text(path, "weights file")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TextFileError(path, exc.lineno, f"not valid JSON: {exc.msg}",
                                "give a weights file written by `multivector calibrate`") from None
        alpha = data.get("alpha", {}) if isinstance(data, dict) and "parameters" in data else {}
        data = data.get("parameters", data) if isinstance(data, dict) else data
        if not isinstance(data, dict):
            raise TextFileError(path, 1, f"the weights must be a JSON object of names and numbers, not a {type(data).__name__}",
                                'write {"parameters": {"security_weight": 2.0, ...}}')
        data = dict(data)
        unknown = set(data) - set(cls.names())
        if unknown:
            raise TextFileError(path, 1, f"unknown parameter(s) {', '.join(sorted(map(str, unknown)))}",
                                f"use only {', '.join(cls.names())} (a weights file of an earlier design: fit "
                                "anew with `multivector calibrate`)")
        for name, value in data.items():
            problem = cls.value_problem(name, value)
            if problem:
                raise TextFileError(path, 1, problem[0], problem[1])
        pooled, lines = _read_alpha(path, alpha)
        return cls(**{k: float(v) for k, v in data.items()}, alpha=lines,
                   **({"alpha_pooled": pooled} if pooled is not None else {}))

    @staticmethod
    def value_problem(name: str, value) -> tuple[str, str] | None:
        """(what, fix) if `value` cannot be the weight `name`: not a finite number, or negative."""
        if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
            return f"`{name}` must be a finite number, got {value!r}", "write a number such as 1.0"
        if value < 0:
            return (f"`{name}` is a weight and cannot be negative, got {value!r} (a negative weight would reverse "
                    "the mechanism its claim describes)", "use 0 to switch the term off")
        return None


def _read_alpha(path, alpha) -> tuple[tuple[float, ...] | None, dict[str, tuple[float, ...]]]:
    """(pooled, per line) intercepts from a weights file's `alpha` object, checked."""
    from ..textfiles import TextFileError

    fix = 'write "alpha": {"pooled": {"none>partner": -3.7, ...}, "lines": {"CSTO": {...}}}'
    if not isinstance(alpha, dict) or not isinstance(alpha.get("lines", {}), dict):
        raise TextFileError(path, 1, "`alpha` must map `pooled` and `lines` to intercepts", fix)

    def vector(where: str, d) -> tuple[float, ...]:
        if not isinstance(d, dict) or set(d) != set(ALPHA_NAMES):
            raise TextFileError(path, 1, f"alpha of {where} must name exactly {', '.join(ALPHA_NAMES)}", fix)
        for k, v in d.items():
            if isinstance(v, bool) or not isinstance(v, int | float) or not np.isfinite(v):
                raise TextFileError(path, 1, f"alpha {where} {k}: {v!r} is not a finite number", fix)
        return tuple(float(d[n]) for n in ALPHA_NAMES)

    pooled = vector("the pooled chain", alpha["pooled"]) if "pooled" in alpha else None
    return pooled, {str(k): vector(f"line {k}", v) for k, v in alpha.get("lines", {}).items()}


def default_parameters() -> Parameters:
    """The calibrated weights shipped with the package (posterior means), or the uncalibrated defaults."""
    return Parameters.from_json(SHIPPED) if SHIPPED.exists() else Parameters()


def load_posterior(path: str | Path):
    """The posterior draws a weights file names (`"draws"`, beside it), or None if it names none."""
    from ..textfiles import read_json
    from .posterior import Posterior

    path = Path(path)
    data = read_json(path, "weights file")
    name = data.get("draws") if isinstance(data, dict) else None
    if not name:
        return None
    draws = path.parent / name
    if not draws.exists():
        from ..textfiles import TextFileError

        raise TextFileError(path, 1, f"the posterior draws {draws} it names are missing",
                            "keep the .draws.parquet file beside the weights file, or run with --fixed-weights")
    return Posterior.from_parquet(draws)


def default_posterior():
    """The posterior draws of the shipped weights, or None."""
    return load_posterior(SHIPPED) if SHIPPED.exists() else None
