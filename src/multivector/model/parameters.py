"""Model weights: the free parameters of the utility function.

Each weight multiplies one term of the utility (docs/model.md). Defaults are
the calibrated values shipped with the package; `multivector calibrate` writes
a new set to a JSON file that every command can read with `--weights FILE`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
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
    review_rate: float = 1.0          # share of statuses reconsidered each year (1 = every year)
    rationality: float = 1.0          # logit precision (quantal response)

    FREE = ("security_weight", "economy_weight", "regime_weight", "network_weight", "legitimacy_weight",
            "sovereignty_weight", "balance_weight", "neutrality_weight", "pressure_weight", "participation_cost", "switching_cost",
            "exit_tenure_weight", "obstruction_cost", "review_rate")

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    def to_json(self, path: str | Path, **extra) -> None:
        from ..io_utils import write_atomic

        write_atomic(path, json.dumps({"parameters": self.as_dict(), **extra}, indent=2))

    @classmethod
    def from_json(cls, path: str | Path) -> Parameters:
        data = json.loads(Path(path).read_text())
        data = data.get("parameters", data)
        unknown = set(data) - set(cls.names())
        if unknown:
            raise ValueError(f"{path}: unknown parameter(s) {', '.join(sorted(unknown))}; known: {', '.join(cls.names())}")
        return cls(**data)

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, n) for n in self.FREE])

    def with_vector(self, v: np.ndarray) -> Parameters:
        d = self.as_dict()
        d.update({n: float(x) for n, x in zip(self.FREE, v, strict=True)})
        return Parameters(**d)


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
