"""Year-to-year transitions of the record, and the exact propagation of a chain over them.

The record is observed every year, so a forecaster that is a (possibly
time-inhomogeneous) Markov chain over the levels none < partner < member — with,
where it matters, the years spent in the current level (tenure) as part of the
state — has forecast probabilities that follow exactly from the chain; no
simulation is needed (Kemeny & Snell, *Finite Markov Chains*, 1960, ch. 2;
for durations as part of the state, Beck, Katz & Tucker 1998).

Every row of a state-line-year whose line is open falls in one of four
*from-states*: the level recorded the year before (none, partner, member), or
`FIRST` where the line was not open to the state the year before (a body's first
year open to it, a first choice without a status quo). Tenure is the number of
consecutive years up to the year before in which the state held the level it
held then, counted from 1 (left-censored at the first year of the record and of
the line); it is capped at `MAX_TENURE`, the last bucket holding every longer
spell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..model.inputs import ModelInputs

K = 3                   # levels: none, partner, member
FIRST = 3               # the from-state of a first choice
FROM_STATES = ("none", "partner", "member", "first")
MAX_TENURE = 30         # tenure buckets 1..30; a spell of 30 years or more is in the last


def spell_lengths(record: np.ndarray, max_level: np.ndarray) -> np.ndarray:
    """(T, S, L) consecutive years, ending in each year, that the recorded level has been held.

    0 where nothing is recorded or the line is closed to the state.

    >>> rec = np.array([0, 0, 2, 2, 2, -1, 2])[:, None, None]
    >>> spell_lengths(rec, np.where(rec >= 0, 2, 0)).ravel().tolist()
    [1, 2, 1, 2, 3, 0, 1]
    """
    out = np.zeros(record.shape, np.int16)
    ok = (record >= 0) & (max_level > 0)
    out[0] = ok[0]
    for t in range(1, record.shape[0]):
        same = ok[t] & ok[t - 1] & (record[t] == record[t - 1])
        out[t] = np.where(same, out[t - 1] + 1, ok[t].astype(np.int16))
    return out


@dataclass(frozen=True)
class TransitionRows:
    """Every recorded, open state-line-year up to a year, as one row each.

    t, s, l: indices; origin: the from-state (0–2 the level the year before,
    `FIRST` for a first choice); level: the recorded level; tenure: years the
    from-level had been held (0 for a first choice), capped at `MAX_TENURE`.
    """

    t: np.ndarray
    s: np.ndarray
    l: np.ndarray   # noqa: E741 (the line index, as everywhere in the model)
    origin: np.ndarray
    level: np.ndarray
    tenure: np.ndarray

    def __len__(self) -> int:
        return len(self.t)

    def select(self, mask: np.ndarray) -> TransitionRows:
        return TransitionRows(*(getattr(self, f)[mask] for f in ("t", "s", "l", "origin", "level", "tenure")))


def transition_rows(inp: ModelInputs, until: int) -> TransitionRows:
    """The rows a transition model is fitted on: every recorded, open state-line-year up to `until`."""
    rec, ml = inp.record, inp.max_level
    ok = (rec >= 0) & (ml > 0) & (inp.years <= until)[:, None, None]
    prev_open = np.zeros_like(ok)
    prev_open[1:] = (ml[:-1] > 0) & (rec[:-1] >= 0)
    t, s, l_ = np.nonzero(ok)
    first = ~prev_open[t, s, l_]
    prev = np.where(first, FIRST, rec[np.maximum(t - 1, 0), s, l_])
    spell = spell_lengths(rec, ml)
    tenure = np.where(first, 0, np.minimum(spell[np.maximum(t - 1, 0), s, l_], MAX_TENURE))
    return TransitionRows(t=t, s=s, l=l_, origin=prev.astype(np.int64), level=rec[t, s, l_].astype(np.int64),
                          tenure=tenure.astype(np.int64))


def tenure_at(inp: ModelInputs, year: int) -> np.ndarray:
    """(S, L) years the level recorded in `year` had been held by then (0 where closed), capped."""
    t = inp.year_index(year)
    return np.minimum(spell_lengths(inp.record[: t + 1], inp.max_level[: t + 1])[t], MAX_TENURE)


# A kernel gives, for forecast step h, the probabilities of moving from (level j, tenure d) to level k
# before the entry rules: (S, L, 3, D, 3), or anything that broadcasts to it. `first(h)` gives the
# first-choice probabilities (S, L, 3) of cells whose line opens to the state in that step.
Kernel = Callable[[int], np.ndarray]


def propagate(kernel: Kernel, first: Kernel, start: np.ndarray, start_tenure: np.ndarray, open_start: np.ndarray,
              is_open: np.ndarray, allowed: np.ndarray, tenure_buckets: int) -> np.ndarray:
    """(H, S, L, 3) marginal probabilities of the levels, propagated exactly from the origin.

    start, start_tenure, open_start: (S, L) the level and tenure at the origin and
    whether the line was open then. is_open (H, S, L) and allowed (H, S, L, 3):
    the entry rules of each forecast year. Each step applies the kernel with the
    levels not open that year removed and the rest rescaled (the same entry
    rules as every forecaster); staying moves a spell one tenure bucket on, a
    change starts a new spell at tenure 1. A cell whose line opens in a step
    starts from `first(h)`; a closed cell holds nothing. `tenure_buckets` = 1 is
    a plain Markov chain.
    """
    D = tenure_buckets
    H, S, L = is_open.shape
    dist = np.zeros((S, L, K, D))
    s, l_ = np.nonzero(open_start)
    dist[s, l_, start[s, l_], np.clip(start_tenure[s, l_], 1, D) - 1] = 1.0
    prev_open = open_start
    out = np.zeros((H, S, L, K))
    eye = np.eye(K, dtype=bool)
    for h in range(H):
        a = allowed[h][:, :, None, None, :]                               # (S, L, 1, 1, 3)
        ker = np.broadcast_to(kernel(h), (S, L, K, D, K)) * a
        total = ker.sum(-1, keepdims=True)
        # a from-state whose every open destination has probability 0 moves evenly over them
        ker = np.where(total > 0, ker / np.where(total > 0, total, 1.0), a / np.maximum(a.sum(-1, keepdims=True), 1))
        flow = dist[..., None] * ker                                      # (S, L, j, d, k)
        stay = np.diagonal(flow, axis1=2, axis2=4).transpose(0, 1, 3, 2)  # (S, L, j=k, d)
        new = np.zeros_like(dist)
        new[..., 1:] = stay[..., :-1]
        new[..., -1] += stay[..., -1]
        new[..., 0] += np.where(eye, 0.0, flow.sum(3)).sum(2)            # changes: from any j != k, tenure 1
        fresh = is_open[h] & ~prev_open
        if fresh.any():
            f = np.broadcast_to(first(h), (S, L, K)) * allowed[h]
            f = f / np.maximum(f.sum(-1, keepdims=True), 1e-300)
            new[fresh] = 0.0
            new[fresh, :, 0] = f[fresh]
        new[~is_open[h]] = 0.0
        dist = new
        out[h] = dist.sum(-1)
        prev_open = is_open[h]
    return out
