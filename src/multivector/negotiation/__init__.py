"""Negotiation models: forecast how a proposal inside an organization will end.

Models (one module each, pure functions on NumPy arrays): :mod:`.compromise`,
:mod:`.median`, :mod:`.bdm` (Bueno de Mesquita 1994 per Scholz et al. 2011),
:mod:`.smp` (KTAB-style spatial model of politics) and :mod:`.best` (our
rule-aware stubbornness compromise). Readers in :mod:`.io`, validation in
:mod:`.evaluate`, the command line in :mod:`.cli`. See ``docs/negotiation.md``.
"""

from .evaluate import cross_validate, evaluate
from .io import NegotiationFileError, read_bdm_csv, read_deu_tsv, read_ktab_csv, read_problems
from .models import MODEL_NAMES, get_model
from .problem import NegotiationProblem, Prediction

__all__ = [
    "MODEL_NAMES",
    "NegotiationFileError",
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
