"""Registry of the negotiation models under their command-line names.

Every entry is an object with ``name`` and ``predict(problem) -> Prediction``;
``best`` also has ``fit(problems)``. :func:`get_model` builds one, with options.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import bdm, best, compromise, median, smp
from .problem import NegotiationProblem, Prediction

MODEL_NAMES: tuple[str, ...] = ("compromise", "median", "bdm", "smp", "best")


@dataclass(frozen=True)
class FunctionModel:
    """A parameter-free model: a name and a function ``problem -> Prediction``."""

    name: str
    func: Callable[..., Prediction]
    options: Any = None
    kwargs: dict = field(default_factory=dict)

    def predict(self, problem: NegotiationProblem) -> Prediction:
        if self.options is None:
            return self.func(problem)
        return self.func(problem, self.options)


def get_model(name: str, options: Any = None, label: str | None = None) -> Any:
    """The model called ``name``; ``options`` are :class:`~.bdm.BDMOptions`,
    :class:`~.smp.SMPOptions` or :class:`~.best.BestParams` as appropriate."""
    label = label or name
    if name == "compromise":
        return FunctionModel(label, compromise.predict)
    if name == "median":
        return FunctionModel(label, median.predict)
    if name == "bdm":
        return FunctionModel(label, bdm.predict, options or bdm.BDMOptions())
    if name == "smp":
        return FunctionModel(label, smp.predict, options or smp.SMPOptions())
    if name == "best":
        # explicit parameters are used as given; the defaults are refitted inside cross-validation
        return best.BestModel(
            params=options or best.BestParams(), name=label, refit=options is None
        )
    raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODEL_NAMES)}")


def all_models() -> list[Any]:
    return [get_model(n) for n in MODEL_NAMES]
