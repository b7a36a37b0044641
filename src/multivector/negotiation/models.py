"""Registry of the negotiation models under their command-line names.

Every entry is an object with ``name`` and ``predict(problem) -> Prediction``;
``stubborn`` also has ``fit(problems)``. :func:`get_model` builds one, with
options and, on request, the decision rule's veto term (:mod:`.rules`).

``RECOMMENDED`` is the one place that says which model ``--model recommended``
runs; it follows the rule fixed in :mod:`.selection` and the figures in
``docs/negotiation.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import baselines, bdm, combination, compromise, median, nash, smp, stubborn
from .catalogue import ALIASES, BASELINES, MODEL_NAMES, MODELS, RECOMMENDED, ModelInfo  # noqa: F401 (re-exported)
from .limits import check_size
from .problem import NegotiationProblem, Prediction
from .rules import honour_veto


@dataclass(frozen=True)
class FunctionModel:
    """A parameter-free model: a name and a function ``problem -> Prediction``."""

    name: str
    func: Callable[..., Prediction]
    options: Any = None
    kwargs: dict = field(default_factory=dict)
    limit: str | None = None   # the model whose size limit applies (limits.LIMITS), checked before any work

    def predict(self, problem: NegotiationProblem) -> Prediction:
        if self.limit is not None:
            check_size(problem.n_actors, self.limit, problem.n_dims)
        if self.options is None:
            return self.func(problem)
        return self.func(problem, self.options)


@dataclass(frozen=True)
class VetoModel:
    """A model whose forecast is moved into the veto players' core under unanimity and consensus.

    Every model here forecasts a point, so every one can honour the rule this way; the problem
    must have a status quo (:func:`.rules.rule_applies` says when it cannot).
    """

    inner: Any
    name: str
    pull: float = 1.0

    def predict(self, problem: NegotiationProblem) -> Prediction:
        pred = self.inner.predict(problem)
        moved = honour_veto(pred.position, problem, self.pull)
        return Prediction(self.name, moved, pred.rounds, pred.trajectory, pred.positions,
                          {**pred.details, "before_veto": pred.position.tolist()})

    def fit(self, problems):
        fit = getattr(self.inner, "fit", None)
        return self if fit is None else VetoModel(fit(problems), self.name, self.pull)


def resolve(name: str) -> str:
    """The model a name or alias stands for (``recommended`` -> the recommended model)."""
    name = ALIASES.get(name, name)
    if name not in MODELS:
        choices = ", ".join((*MODEL_NAMES, *ALIASES))
        raise ValueError(f"unknown model {name!r}; choose one of {choices}")
    return name


def get_model(name: str, options: Any = None, label: str | None = None, rule_terms: bool = False) -> Any:
    """The model called ``name`` (or an alias); ``options`` are :class:`~.bdm.BDMOptions`,
    :class:`~.smp.SMPOptions` or :class:`~.stubborn.StubbornParams` as appropriate.

    ``rule_terms=True`` adds the decision rule's veto term (:class:`VetoModel`).
    """
    real = resolve(name)
    label = label or real
    if real == "status_quo":
        model: Any = FunctionModel(label, baselines.status_quo, limit=real)
    elif real == "agenda_setter":
        model = FunctionModel(label, baselines.agenda_setter, limit=real)
    elif real == "compromise":
        model = FunctionModel(label, compromise.predict, limit=real)
    elif real == "median":
        model = FunctionModel(label, median.predict, limit=real)
    elif real == "nash":
        model = FunctionModel(label, nash.predict, limit=real)
    elif real == "bdm":
        model = FunctionModel(label, bdm.predict, options or bdm.BDMOptions(), limit=real)
    elif real == "smp":
        model = FunctionModel(label, smp.predict, options or smp.SMPOptions(), limit=real)
    elif real == "combination":
        model = FunctionModel(label, combination.predict, limit=real)
    else:  # stubborn: explicit parameters are used as given; the defaults are refitted inside CV
        model = stubborn.StubbornModel(params=options or stubborn.StubbornParams(), name=label,
                                       refit=options is None)
    return VetoModel(model, label) if rule_terms else model
