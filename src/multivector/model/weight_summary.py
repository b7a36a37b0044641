"""The fitted weights as people read them: each weight's posterior median and central interval over the
stored draws, and for a theory weight the same on a scale the terms share.

A weight multiplies its term ΔU_m, and the terms come in their own units, so raw weights do not compare
(the hegemony term is small and its weight large). On the shared scale a weight is multiplied by the
standard deviation of its term over the training rows, sd_m = PRIOR_BASE / s_m (`estimate.prior_scales`,
stored in the weights file as `prior_scales`): the change in the log-odds of membership over no tie when
the term moves by one standard deviation (Gelman 2008, "Scaling regression inputs by dividing by two
standard deviations"). The other weights (the memory of ties τ, the obstruction friction) have no such term
and keep their own scale. Every weight has a half-normal prior (the theory fixes its sign), so every draw is
above 0: what the picture tells is how far from 0 and how wide.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .estimate import PRIOR_BASE
from .posterior import Posterior
from .terms import THEORY, WEIGHT

# the claims' mechanism tag behind each weight (model/estimate.py cites the claims)
MECHANISM = {"security_weight": "security_dependence", "economy_weight": "economic_dependence",
             "regime_weight": "regime_security", "network_weight": "economic_dependence",
             "external_weight": "hegemony_balancing", "sovereignty_weight": "sovereignty_sensitivity",
             "balance_weight": "hegemony_balancing", "neutrality_weight": "sovereignty_sensitivity",
             "pressure_weight": "great_power_pressure", "exit_tenure_weight": "memory of ties",
             "obstruction_cost": "negotiation"}
TERM_OF = {w: t for t, w in WEIGHT.items()}
OTHER_LABELS = {"exit_tenure_weight": "memory of ties (τ)", "obstruction_cost": "obstruction friction"}


@dataclass(frozen=True)
class WeightRow:
    """One weight: its posterior median and central interval as fitted, and, for a theory term, per sd of
    the term (None otherwise)."""

    weight: str
    label: str                  # the term's name, or what the weight does
    mechanism: str
    median: float
    lo: float
    hi: float
    term_sd: float | None       # sd of the term over the training rows
    per_sd_median: float | None
    per_sd_lo: float | None
    per_sd_hi: float | None

    def as_dict(self) -> dict:
        return asdict(self)


def weight_rows(post: Posterior, prior_scales: dict[str, float], level: float = 0.9) -> list[WeightRow]:
    """Every weight of `post` in the theory's order (THEORY, then the others): median and the central
    `level` interval over the draws; the theory weights also per sd of their term (module docstring).

    >>> import numpy as np
    >>> post = Posterior({"security_weight": np.array([1.0, 2.0, 3.0]), "exit_tenure_weight": np.ones(3)})
    >>> rows = weight_rows(post, {"security_weight": 2.5}, level=0.5)
    >>> rows[0].label, rows[0].median, rows[0].per_sd_median
    ('security', 2.0, 1.0)
    >>> rows[1].label, rows[1].median, rows[1].per_sd_median
    ('memory of ties (τ)', 1.0, None)
    """
    q = (1 - level) / 2
    order = [WEIGHT[t] for t in THEORY if WEIGHT[t] in post.weights]
    order += [w for w in post.weights if w not in order]
    rows = []
    for w in order:
        v = np.asarray(post.columns[w], dtype=float)
        med, lo, hi = (float(x) for x in np.quantile(v, [0.5, q, 1 - q]))
        scale = prior_scales.get(w)
        sd = PRIOR_BASE / float(scale) if w in TERM_OF and scale else None
        per = (med * sd, lo * sd, hi * sd) if sd is not None else (None, None, None)
        rows.append(WeightRow(w, TERM_OF.get(w, OTHER_LABELS.get(w, w.replace("_", " "))), MECHANISM.get(w, ""),
                              med, lo, hi, sd, *per))
    return rows


def weights_file_rows(path: str | Path | None = None, level: float = 0.9) -> dict | None:
    """The weights of a weights file with stored draws (default: the shipped one), as
    {"rows": [WeightRow.as_dict()], "draws", "level", "seed", "train_until", "file"}; None without draws."""
    from ..textfiles import read_json
    from .parameters import SHIPPED, load_posterior

    path = Path(path) if path is not None else SHIPPED
    if not path.exists():
        return None
    post = load_posterior(path)
    if post is None:
        return None
    info = read_json(path, "weights file")
    rows = weight_rows(post, dict(info.get("prior_scales") or {}), level)
    return {"rows": [r.as_dict() for r in rows], "draws": post.size, "level": level, "seed": info.get("seed"),
            "train_until": info.get("train_until"), "file": path.name}
