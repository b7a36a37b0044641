"""The negotiation problem and the prediction every model returns.

A :class:`NegotiationProblem` holds one proposal: actors with a capability,
a position and a salience on each dimension (0–100, the KTAB layout), the
decision rule, an optional status quo (the DEU "reference point") and the
agenda setters. Models are pure functions ``problem -> Prediction``.

Saliences stay on the 0–100 scale of the input; :attr:`NegotiationProblem.weights`
gives the normalised ``capability × salience / 100`` weights the models use.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

DecisionRule = Literal["unanimity", "qmv", "majority", "consensus"]
DECISION_RULES: tuple[str, ...] = ("unanimity", "qmv", "majority", "consensus")


def _as_2d(values: Any, n: int, what: str) -> np.ndarray:
    arr = np.array(values, dtype=float)  # a private copy: the problem freezes it
    if arr.ndim == 1:
        arr = arr.reshape(n, 1) if arr.size == n else arr
    if arr.ndim != 2 or arr.shape[0] != n:
        raise ValueError(f"{what} must have one row per actor ({n}), got shape {arr.shape}")
    return arr


#: Most actors a problem posted to the web app may hold (each model's own limit is in limits.py).
MAX_ACTORS = 2_000


def check_size(n: int, model: str, n_dims: int = 1) -> None:
    """Refuse, before any work, a problem too large for `model` (limits.check_size: its declared limit)."""
    from .limits import check_size as check

    check(n, model, n_dims)


#: How to bring each field's values within MAX_MAGNITUDE.
_RESCALE = {"position": "rescale the positions (e.g. to 0–100)",
            "capability": "rescale the capabilities (only their ratios matter, e.g. to 0–100)",
            "salience": "saliences lie on 0–100"}

#: Largest |value| a position, capability or salience may have: squares of larger ones overflow.
MAX_MAGNITUDE = 1e12


@dataclass(frozen=True, eq=False)
class NegotiationProblem:
    """One proposal negotiated by ``n`` actors over ``m`` dimensions.

    Attributes:
        actors: actor ids (length n).
        capability: capability / power per actor, shape (n,), non-negative.
        position: positions, shape (n, m), on ``scale`` (0–100 by default).
        salience: saliences, shape (n, m), 0–100 (kept on that scale).
        decision_rule: ``unanimity``, ``qmv``, ``majority`` or ``consensus``.
        status_quo: reference point (what happens without agreement), shape (m,),
            or None when unknown.
        agenda_setters: ids of actors with the right to propose (e.g. the Commission).
        name, description: free text.
        dimensions: names of the m dimensions.
        scale: (low, high) of the position scale; None means "use the data range"
            (e.g. the BDM emission-dates example, measured in years).
        outcome: the recorded outcome, shape (m,), or None (used for validation only).
        meta: anything else a reader keeps (DEU: isnr, prnr, proc, counvte ...).
    """

    actors: tuple[str, ...]
    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    decision_rule: DecisionRule = "majority"
    status_quo: np.ndarray | None = None
    agenda_setters: tuple[str, ...] = ()
    name: str = ""
    description: str = ""
    dimensions: tuple[str, ...] = ()
    scale: tuple[float, float] | None = (0.0, 100.0)
    outcome: np.ndarray | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        actors = tuple(str(a) for a in self.actors)
        n = len(actors)
        if n == 0:
            raise ValueError("a negotiation problem needs at least one actor")
        if len(set(actors)) != n:
            seen: set[str] = set()
            twice = next(a for a in actors if a in seen or seen.add(a))
            raise ValueError(f"actor ids must be unique: {twice[:60]!r} appears twice — give every actor its own id")
        cap = np.array(self.capability, dtype=float).reshape(-1)
        if cap.shape != (n,):
            raise ValueError(f"capability must have {n} values, got {cap.shape}")
        pos = _as_2d(self.position, n, "position")
        sal = _as_2d(self.salience, n, "salience")
        if sal.shape != pos.shape:
            raise ValueError(f"salience shape {sal.shape} differs from position shape {pos.shape}")
        for arr, what in ((cap, "capability"), (pos, "position"), (sal, "salience")):
            if not np.all(np.isfinite(arr)):
                raise ValueError(f"{what} must be finite numbers")
            if np.any(np.abs(arr) > MAX_MAGNITUDE):   # squared distances would overflow to inf
                raise ValueError(f"{what} values up to {np.abs(arr).max():.3g} are beyond ±{MAX_MAGNITUDE:.0e}; "
                                 + _RESCALE[what])
        if np.any(cap < 0):
            raise ValueError("capability must be non-negative")
        if np.any(sal < 0) or np.any(sal > 100):
            raise ValueError("salience must lie in 0-100")
        if self.decision_rule not in DECISION_RULES:
            raise ValueError(
                f"decision_rule must be one of {', '.join(DECISION_RULES)}, got {self.decision_rule!r}"
            )
        m = pos.shape[1]
        sq = None
        if self.status_quo is not None:
            sq = np.asarray(self.status_quo, dtype=float).reshape(-1)
            if sq.shape != (m,):
                raise ValueError(f"status_quo must have {m} values, got {sq.shape}")
            if not np.all(np.isfinite(sq)) or np.any(np.abs(sq) > MAX_MAGNITUDE):
                raise ValueError("status_quo must be finite numbers on the positions' scale")
        out = None
        if self.outcome is not None:
            out = np.asarray(self.outcome, dtype=float).reshape(-1)
            if out.shape != (m,):
                raise ValueError(f"outcome must have {m} values, got {out.shape}")
        dims = tuple(self.dimensions) or tuple(f"dim{k + 1}" for k in range(m))
        if len(dims) != m:
            raise ValueError(f"dimensions must name {m} dimensions, got {len(dims)}")
        unknown = [a for a in self.agenda_setters if a not in actors]
        if unknown:
            raise ValueError(f"agenda setters {unknown} are not actors of the problem")
        for arr in (cap, pos, sal):
            arr.setflags(write=False)
        object.__setattr__(self, "actors", actors)
        object.__setattr__(self, "capability", cap)
        object.__setattr__(self, "position", pos)
        object.__setattr__(self, "salience", sal)
        object.__setattr__(self, "status_quo", sq)
        object.__setattr__(self, "outcome", out)
        object.__setattr__(self, "dimensions", dims)
        object.__setattr__(self, "agenda_setters", tuple(self.agenda_setters))

    # ------------------------------------------------------------------ views
    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def n_dims(self) -> int:
        return int(self.position.shape[1])

    @property
    def weights(self) -> np.ndarray:
        """``capability × salience / 100``, shape (n, m)."""
        return self.capability[:, None] * self.salience / 100.0

    def position_range(self) -> tuple[float, float]:
        """The (low, high) range used to normalise distances."""
        if self.scale is not None:
            return self.scale
        lo, hi = float(self.position.min()), float(self.position.max())
        return (lo, hi) if hi > lo else (lo, lo + 1.0)

    def index(self, actor: str) -> int:
        return self.actors.index(actor)

    def with_rule(self, rule: str | None) -> NegotiationProblem:
        """A copy with another decision rule (``None`` keeps the current one)."""
        if rule is None or rule == self.decision_rule:
            return self
        return replace(self, decision_rule=rule)  # type: ignore[arg-type]


@dataclass(frozen=True, eq=False)
class Prediction:
    """A model's forecast for one problem.

    Attributes:
        model: model name.
        position: forecast per dimension, shape (m,).
        rounds: number of bargaining rounds run (0 for one-shot models).
        trajectory: forecast after each round, shape (rounds + 1, m), or None.
        positions: actors' positions after each round, shape (rounds + 1, n, m), or None.
        details: model-specific extras (e.g. offers per round, fitted weights).
    """

    model: str
    position: np.ndarray
    rounds: int = 0
    trajectory: np.ndarray | None = None
    positions: np.ndarray | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def value(self) -> float:
        """The forecast of the first dimension (DEU issues have one)."""
        return float(self.position[0])
