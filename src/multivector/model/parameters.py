"""Model weights: the free parameters of the utility function.

Each weight multiplies one term of the utility (docs/model.md). Defaults are
the calibrated values shipped with the package; `multivector calibrate` writes
a new set to a JSON file that every command can read with `--weights FILE`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np


@dataclass
class Parameters:
    security_weight: float = 2.0      # mechanism 3: threats raise the value of security providers
    economy_weight: float = 2.0       # mechanism 2: dependence raises the value of the lead's organizations
    regime_weight: float = 1.0        # mechanism 6: regimes lean to powers that do not question them
    network_weight: float = 1.0       # neighbours inside make an organization worth more
    legitimacy_weight: float = 0.5    # membership of recognised multilateral bodies brings standing
    sovereignty_weight: float = 3.0   # mechanism 1: deeper organizations cost more
    balance_weight: float = 2.0       # mechanism 4: hegemony risk of concentrated ties
    neutrality_weight: float = 3.0    # a neutral state's cost of joining a bloc
    pressure_weight: float = 1.5      # mechanism 5: cost of refusing a power that asks
    participation_cost: float = 0.5  # any tie costs delegations, dues and summits: a fixed cost of taking part
    switching_cost: float = 2.0       # inertia: changing status is costly
    exit_tenure_weight: float = 1.0   # ties with memory: stepping down costs more the longer a tie is held
    obstruction_cost: float = 1.0     # second decision: friction with the lead of obstructing inside
    external_weight: float = 1.0      # external balancing: a pole's threat to a state raises the value of other poles' bodies
    review_rate: float = 1.0          # share of statuses reconsidered each year (1 = every year)
    rationality: float = 1.0          # logit precision (quantal response)
    # Pooled estimation: a state effect and an organization (line) effect on the value of a tie,
    # "state:KAZ" / "line:CSTO" -> utility of full membership (a partner tie gets half). Fitted with a
    # normal prior centred on 0 (calibrate.py); a state or line not named has no effect.
    effects: dict[str, float] = field(default_factory=dict)

    FREE = ("security_weight", "economy_weight", "regime_weight", "network_weight", "legitimacy_weight",
            "sovereignty_weight", "balance_weight", "neutrality_weight", "pressure_weight", "participation_cost", "switching_cost",
            "exit_tenure_weight", "obstruction_cost", "external_weight", "review_rate")

    @classmethod
    def names(cls) -> list[str]:
        """The weights (numbers); the effects are kept apart."""
        return [f.name for f in fields(cls) if f.name != "effects"]

    def effect_array(self, states: list[str], lines: list[str]) -> np.ndarray:
        """(S, L) effect on the utility of full membership: state effect + line effect."""
        e = self.effects
        return (np.array([e.get(f"state:{s}", 0.0) for s in states])[:, None]
                + np.array([e.get(f"line:{l_}", 0.0) for l_ in lines])[None, :])

    def as_dict(self) -> dict[str, float]:
        """The weights by name (the effects are `self.effects`)."""
        d = asdict(self)
        d.pop("effects")
        return d

    def to_json(self, path: str | Path, **extra) -> None:
        from ..io_utils import write_atomic

        write_atomic(path, json.dumps({"parameters": self.as_dict(), "effects": self.effects, **extra}, indent=2))

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
        top_effects = data.get("effects", {}) if isinstance(data, dict) and "parameters" in data else {}
        data = data.get("parameters", data) if isinstance(data, dict) else data
        if not isinstance(data, dict):
            raise TextFileError(path, 1, f"the weights must be a JSON object of names and numbers, not a {type(data).__name__}",
                                'write {"parameters": {"security_weight": 2.0, ...}}')
        data = dict(data)
        effects = data.pop("effects", top_effects)
        unknown = set(data) - set(cls.names())
        if unknown:
            raise TextFileError(path, 1, f"unknown parameter(s) {', '.join(sorted(map(str, unknown)))}",
                                f"use only {', '.join(cls.names())}")
        for name, value in data.items():
            problem = cls.value_problem(name, value)
            if problem:
                raise TextFileError(path, 1, problem[0], problem[1])
        if not isinstance(effects, dict):
            raise TextFileError(path, 1, "`effects` must map names such as \"state:KAZ\" to numbers",
                                'write "effects": {"state:KAZ": 0.2, "line:CSTO": -0.1}')
        for name, value in effects.items():
            if not (isinstance(name, str) and name.split(":")[0] in ("state", "line")) or isinstance(value, bool) \
                    or not isinstance(value, int | float) or not np.isfinite(value):
                raise TextFileError(path, 1, f"effect {name!r}: {value!r} is not a `state:ID` or `line:ID` with a "
                                    "finite number", 'write e.g. "state:KAZ": 0.2')
        return cls(**{k: float(v) for k, v in data.items()}, effects={k: float(v) for k, v in effects.items()})

    @staticmethod
    def value_problem(name: str, value) -> tuple[str, str] | None:
        """(what, fix) if `value` cannot be the weight `name`: not a finite number, negative, or out of range."""
        if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
            return f"`{name}` must be a finite number, got {value!r}", "write a number such as 1.0"
        if name == "review_rate" and not 0.0 < value <= 1.0:
            return f"`review_rate` is a share of statuses reviewed each year, got {value!r}", "use a number in (0, 1]"
        if name == "rationality" and value <= 0:
            return f"`rationality` is a logit precision and must be positive, got {value!r}", "use a number above 0, e.g. 1.0"
        if value < 0:
            return (f"`{name}` is a weight and cannot be negative, got {value!r} (a negative weight would reverse "
                    "the mechanism its claim describes)", "use 0 to switch the term off")
        return None

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, n) for n in self.FREE])

    def with_vector(self, v: np.ndarray) -> Parameters:
        d = self.as_dict()
        d.update({n: float(x) for n, x in zip(self.FREE, v, strict=True)})
        return Parameters(**d, effects=dict(self.effects))


def default_parameters() -> Parameters:
    """The calibrated weights shipped with the package, or the dataclass defaults."""
    path = Path(__file__).with_name("calibrated.json")
    return Parameters.from_json(path) if path.exists() else Parameters()


def load_posterior(path: str | Path):
    """The parameter posterior stored beside the weights (`multivector calibrate`), or None."""
    from .posterior import Posterior

    data = json.loads(Path(path).read_text())
    post = data.get("posterior") if isinstance(data, dict) else None
    return Posterior.from_dict(post) if post else None


def default_posterior():
    """The posterior of the shipped weights, or None."""
    path = Path(__file__).with_name("calibrated.json")
    return load_posterior(path) if path.exists() else None
