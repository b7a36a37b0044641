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

from .evaluate import cross_validate, evaluate
from .io import NegotiationFileError, read_bdm_csv, read_deu_tsv, read_ktab_csv, read_problems
from .models import MODEL_NAMES, RECOMMENDED, get_model
from .problem import NegotiationProblem, Prediction

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
