"""The negotiation models by name, and the options' defaults, declared once and without the models' code.

What the command line shows at start-up (``--model`` choices, ``--draws``, ``--rule-terms``) and what
:mod:`.models` registers; reading it imports neither NumPy nor the models.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelInfo:
    """What a model is, declared once: its kind, what it does and where it comes from."""

    name: str
    kind: str  # "baseline", "model" or "combination"
    does: str
    reference: str
    fitted: bool = False

    @property
    def limit(self):
        """The largest problem it forecasts in about 10 s on one core (`limits.LIMITS`, measured by a benchmark)."""
        from .limits import LIMITS

        return LIMITS[self.name]


MODELS: dict[str, ModelInfo] = {m.name: m for m in (
    ModelInfo("status_quo", "baseline", "nothing changes: the reference point", "Achen 2006"),
    ModelInfo("agenda_setter", "baseline", "the agenda setter's position", "Tsebelis & Garrett 2000"),
    ModelInfo("compromise", "baseline", "capability × salience weighted mean", "van den Bos 1991; Achen 2006"),
    ModelInfo("median", "model", "weighted median (median voter)", "Black 1948"),
    ModelInfo("nash", "model", "Nash bargaining, status quo as disagreement", "Nash 1950; Achen 2006"),
    ModelInfo("bdm", "model", "expected-utility challenges (BDM 1994)", "Scholz et al. 2011"),
    ModelInfo("smp", "model", "spatial model of politics (KTAB)", "Wise et al., KTAB"),
    ModelInfo("stubborn", "model", "stubbornness-weighted compromise, fitted", "Friedkin & Johnsen 1990",
              fitted=True),
    ModelInfo("combination", "combination", "mean of compromise, nash and smp", "Bates & Granger 1969"),
)}
MODEL_NAMES: tuple[str, ...] = tuple(MODELS)
BASELINES: tuple[str, ...] = tuple(n for n, m in MODELS.items() if m.kind == "baseline")

#: The model ``--model recommended`` runs. Chosen by the rule in :mod:`.selection` (fixed before the
#: figures were read): a model replaces compromise only when nested cross-validation on the DEU dev
#: file puts its gain over compromise above 0.5 MAE with 95% confidence (docs/negotiation.md).
RECOMMENDED = "compromise"
ALIASES = {"recommended": RECOMMENDED}

#: Perturbed copies of the inputs behind a forecast interval (:mod:`.perturb`).
DRAWS = 200
#: The settings of the decision rule's veto term (:func:`.run.rule_terms_on`).
RULE_TERMS = ("auto", "on", "off")
