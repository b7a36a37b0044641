"""How large a problem each negotiation model takes: checked before any work, never after a long wait.

Every model declares the most actors it forecasts on one dimension in about
:data:`BUDGET_SECONDS` CPU seconds on one core, and how its work grows with the
number of actors (``growth``: the exponent; BDM's pairwise challenges and the
SMP's pairwise votes grow about with actors³, the weighted mean with actors).
Work grows linearly with dimensions (BDM runs each dimension apart; the SMP's
votes sum over them). So a problem of ``n`` actors on ``m`` dimensions costs
about ``BUDGET_SECONDS × m × (n / max_actors) ** growth``, and a model takes it
when that is at most the budget.

The numbers are measured, in CPU seconds, by ``benchmarks/bench_negotiation_limits.py``
(which prints the time at each declared limit, on one and four dimensions), on
random problems that run every round the models allow (the slowest inputs).
The one-shot models are not limited by speed below :data:`LINEAR_CAP` actors,
the most a request or a file holds (reading such a file takes longer than
forecasting it).
"""

from __future__ import annotations

from dataclasses import dataclass

#: What "finishes in about 10 s on one core" means: the CPU budget of one forecast.
BUDGET_SECONDS = 10.0
#: The most CPU seconds one forecast with its interval (the command line's perturbed draws) may take: beyond
#: it the draws are refused up front, saying how many fit.
DRAWS_BUDGET_SECONDS = 600.0
#: The most actors any model is asked to take (a 64 MB file holds about a million rows; none is that large).
LINEAR_CAP = 100_000


@dataclass(frozen=True)
class SizeLimit:
    """The largest problem a model forecasts within the budget: `max_actors` on one dimension, work ∝ n^growth × m."""

    max_actors: int
    growth: float

    def seconds(self, n_actors: int, n_dims: int = 1) -> float:
        """The CPU seconds a problem of this size takes, about (the budget at the limit)."""
        return BUDGET_SECONDS * max(int(n_dims), 1) * (max(int(n_actors), 1) / self.max_actors) ** self.growth

    def takes(self, n_actors: int, n_dims: int = 1) -> bool:
        return n_actors <= LINEAR_CAP and self.seconds(n_actors, n_dims) <= BUDGET_SECONDS * 1.0001

    def most_actors(self, n_dims: int = 1) -> int:
        """The most actors this model takes on `n_dims` dimensions."""
        return min(LINEAR_CAP, int(self.max_actors / max(int(n_dims), 1) ** (1.0 / self.growth)))


#: Each model's limit (benchmarks/bench_negotiation_limits.py measures them; docs/negotiation.md lists them).
LIMITS: dict[str, SizeLimit] = {
    "status_quo": SizeLimit(LINEAR_CAP, 1.0),
    "agenda_setter": SizeLimit(LINEAR_CAP, 1.0),
    "compromise": SizeLimit(LINEAR_CAP, 1.0),
    "median": SizeLimit(LINEAR_CAP, 1.0),
    "nash": SizeLimit(LINEAR_CAP, 1.0),
    "stubborn": SizeLimit(LINEAR_CAP, 1.0),
    "bdm": SizeLimit(430, 3.0),
    "smp": SizeLimit(300, 3.0),
    "combination": SizeLimit(300, 3.0),   # runs the SMP
}


class ProblemTooLarge(ValueError):
    """A problem beyond a model's declared limit; the message names the limit and models that take it."""


def takers(n_actors: int, n_dims: int = 1) -> list[str]:
    """The models (no baselines first) that take a problem of this size."""
    return [m for m, lim in LIMITS.items() if lim.takes(n_actors, n_dims)]


def check_size(n_actors: int, model: str, n_dims: int = 1) -> None:
    """Refuse, before any work, a problem too large for `model`, saying its limit and what takes it instead."""
    lim = LIMITS.get(model)
    if lim is None or lim.takes(n_actors, n_dims):
        return
    dims = f" on {n_dims} dimensions" if n_dims > 1 else ""
    most = lim.most_actors(n_dims)
    others = [m for m in takers(n_actors, n_dims) if m not in ("status_quo", "agenda_setter")]
    named = ", ".join(others[:-1]) + (f" or {others[-1]}" if len(others) > 1 else others[-1] if others else "")
    instead = (f"use {named}, which take{'s' if len(others) == 1 else ''} it" if others
               else f"at most {LINEAR_CAP:,} actors are taken by any model")
    raise ProblemTooLarge(
        f"{model} on {n_actors:,} actors{dims} is beyond its limit of {most:,} actors{dims} (about "
        f"{BUDGET_SECONDS:g} s on one core; this one would take about {lim.seconds(n_actors, n_dims):,.0f} s) — "
        f"{instead}, or group the actors into blocs")


def estimate_seconds(models: list[str], n_actors: int, n_dims: int = 1) -> float:
    """The CPU seconds `models` take together on one problem of this size (models over their limit: 0)."""
    total = 0.0
    for m in models:
        lim = LIMITS.get(m)
        if lim is not None and lim.takes(n_actors, n_dims):
            total += lim.seconds(n_actors, n_dims)
    return total


def check_draws(model: str, n_actors: int, n_dims: int, draws: int) -> None:
    """Refuse, before any work, an interval whose `draws` forecasts would take longer than
    :data:`DRAWS_BUDGET_SECONDS`, saying how many draws fit (the model's own size is check_size's)."""
    check_size(n_actors, model, n_dims)
    lim = LIMITS.get(model)
    if lim is None or draws <= 0:
        return
    each = lim.seconds(n_actors, n_dims)
    if each * (1 + draws) <= DRAWS_BUDGET_SECONDS:
        return
    fit = max(0, int(DRAWS_BUDGET_SECONDS / each) - 1)
    raise ProblemTooLarge(
        f"{model}'s interval over {draws:,} draws on {n_actors:,} actors would take about {each * (1 + draws):,.0f} s "
        f"of computing (each forecast about {each:,.1f} s) — use --draws {fit} or fewer (0: no interval), "
        "or a model that grows linearly (compromise, median)")
