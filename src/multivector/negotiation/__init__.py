"""Negotiation models: forecast how a proposal inside an organization will end.

Models (one module each, pure functions on NumPy arrays): :mod:`.compromise`,
:mod:`.median`, :mod:`.nash` (Nash bargaining, Achen 2006), :mod:`.bdm`
(Bueno de Mesquita 1994 per Scholz et al. 2011), :mod:`.smp` (KTAB-style
spatial model of politics), :mod:`.stubborn` (our stubbornness-weighted
compromise) and :mod:`.combination`; reference forecasts in :mod:`.baselines`;
the decision rule's veto in :mod:`.rules`. Readers in :mod:`.io`, scores in
:mod:`.evaluate`, nested cross-validation and the recommendation in
:mod:`.selection`, forecast intervals in :mod:`.perturb`; the command line is
``multivector.cli.negotiate``. See ``docs/negotiation.md``.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # loaded on first use, so the command line starts without NumPy (see multivector.kb)
    from .catalogue import MODEL_NAMES, RECOMMENDED
    from .evaluate import cross_validate, evaluate
    from .io import NegotiationFileError, read_bdm_csv, read_deu_tsv, read_ktab_csv, read_problems
    from .models import get_model
    from .problem import NegotiationProblem, Prediction

_WHERE = {"MODEL_NAMES": ".catalogue", "RECOMMENDED": ".catalogue", "cross_validate": ".evaluate",
          "evaluate": ".evaluate", "NegotiationFileError": ".io", "read_bdm_csv": ".io", "read_deu_tsv": ".io",
          "read_ktab_csv": ".io", "read_problems": ".io", "get_model": ".models", "NegotiationProblem": ".problem",
          "Prediction": ".problem"}

__all__ = [
    "MODEL_NAMES",
    "NegotiationFileError",
    "RECOMMENDED",
    "NegotiationProblem",
    "Prediction",
    "cross_validate",
    "evaluate",
    "get_model",
    "read_bdm_csv",
    "read_deu_tsv",
    "read_ktab_csv",
    "read_problems",
]


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Package(ModuleType):
    """`evaluate` is both a function exported here and the submodule defining it. Importing the submodule
    (`from multivector.negotiation.evaluate import ...`, or the first lazy lookup) binds the package's
    attribute to the submodule; keep the function there, as the eager `from .evaluate import evaluate`
    this package once had did."""

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, ModuleType) and _WHERE.get(name) == f".{name}":
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
