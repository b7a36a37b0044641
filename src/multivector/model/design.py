"""The estimation data: every recorded transition and stance up to the last training year, with
the theory's terms as covariates.

Statuses are observed every year, so the record's likelihood under the
transition model is exactly the product of one-year transition probabilities
given the statuses on record the year before. Each row is one state, line and
year: its from-level (last year's recorded level, or *first* where the line was
not open to the state last year), its recorded level, the levels open to it,
the memory of its tie (g of the recorded tenure) and ΔU_m(k) of every term of
`terms.THEORY`, computed by the same functions the simulator uses, on the
recorded statuses of the year before and the coded depth of the era. Nothing
after `train_until` is read.

The observed stances (claims on proposals, inputs.stance_observations) form a
second, smaller table: the stance utilities' coefficient of each weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import stance as S_
from . import terms as TM
from .inputs import ModelInputs
from .transition import FIRST, from_levels
from .utility import recorded_tenure

STANCE_WEIGHTS = ("economy_weight", "security_weight", "sovereignty_weight", "external_weight",
                  "obstruction_cost", "pressure_weight")


@dataclass
class Design:
    """The rows the estimator scores: N transitions and N_s stances."""

    lines: list[str]            # the lines with at least one training row (their own intercepts)
    line: np.ndarray            # (N,) index into `lines`
    line_all: np.ndarray        # (N,) index into the inputs' lines
    state: np.ndarray           # (N,) index into the inputs' states
    year: np.ndarray            # (N,) calendar year
    from_level: np.ndarray      # (N,) 0 none, 1 partner, 2 member, 3 first choice
    level: np.ndarray           # (N,) the recorded level
    allowed: np.ndarray         # (N, 3) bool
    memory: np.ndarray          # (N,) g(recorded tenure)
    terms: np.ndarray           # (N, 3, M) ΔU_m(k), M = len(terms.THEORY)
    stance_terms: np.ndarray    # (N_s, 3, C) coefficient of each of STANCE_WEIGHTS
    stance: np.ndarray          # (N_s,) 0 support, 1 go along, 2 obstruct
    stance_evidence: list[str]  # (N_s,) the claim behind each stance
    train_until: int

    @property
    def n(self) -> int:
        return len(self.level)

    @property
    def first(self) -> np.ndarray:
        """(N,) True for first choices (no status quo)."""
        return self.from_level == FIRST

    def arrays(self) -> dict[str, np.ndarray]:
        """What the estimator reads, as plain arrays."""
        return {"line": self.line, "from_level": self.from_level, "level": self.level, "allowed": self.allowed,
                "memory": self.memory, "terms": self.terms, "stance_terms": self.stance_terms,
                "stance": self.stance}


def recorded_prev(inp: ModelInputs, t: int) -> tuple[np.ndarray, np.ndarray]:
    """(prev, fresh) of year index t from the record: last year's recorded levels (0 where none,
    capped at this year's highest open level) and (S, L) True where there is no status quo."""
    S, L = len(inp.states), len(inp.lines)
    if t == 0:
        prev = np.zeros((S, L), np.int8)
        fresh = np.ones((S, L), bool) if inp.open_before is None else ~inp.open_before
    else:
        prev = np.maximum(inp.record[t - 1], 0).astype(np.int8)
        fresh = inp.max_level[t - 1] == 0
    return np.minimum(prev, inp.max_level[t]).astype(np.int8), fresh


def recorded_tenure_of(inp: ModelInputs) -> np.ndarray:
    """(T, S, L) consecutive years a tie was on record before each year (lines that exist only)."""
    return recorded_tenure(np.where(inp.exists[:, None, :], inp.record, -1))


def build_design(inp: ModelInputs, train_until: int) -> Design:
    """Every transition and observed stance on record up to `train_until`."""
    last = min(train_until, inp.record_until)
    tenure = recorded_tenure_of(inp)
    rows: dict[str, list] = {k: [] for k in ("l", "s", "t", "f", "y", "allowed", "memory", "terms")}
    for t, y in enumerate(inp.years):
        if y > last:
            break
        rec = inp.record[t]
        ok = (rec >= 0) & (inp.max_level[t] >= 1) & (rec <= inp.max_level[t])
        ok &= np.take_along_axis(inp.allowed[t], np.maximum(rec, 0)[..., None].astype(np.int64), -1)[..., 0]
        if not ok.any():
            continue
        prev, fresh = recorded_prev(inp, t)
        dU = TM.theory_terms(inp, t, prev[None])                      # name -> broadcastable to (1, S, L, 3)
        stack = np.stack([np.broadcast_to(dU[m], (1, *prev.shape, 3))[0] for m in TM.THEORY], axis=-1)
        s, l_ = np.nonzero(ok)
        f = from_levels(prev, fresh)
        rows["l"].append(l_)
        rows["s"].append(s)
        rows["t"].append(np.full(len(s), t))
        rows["f"].append(f[s, l_])
        rows["y"].append(rec[s, l_])
        rows["allowed"].append(inp.allowed[t][s, l_])
        rows["memory"].append(TM.tenure_memory(tenure[t][s, l_]))
        rows["terms"].append(stack[s, l_])
    cat = {k: np.concatenate(v) if v else np.zeros(0) for k, v in rows.items()}
    line_all = cat["l"].astype(np.int64)
    used = sorted(set(line_all.tolist()))
    index = {j: i for i, j in enumerate(used)}
    st_terms, st_y, st_ev = stance_rows(inp, int(inp.years[0]), last)
    M = len(TM.THEORY)
    return Design(
        lines=[inp.lines[j] for j in used], line=np.array([index[j] for j in line_all], np.int64),
        line_all=line_all, state=cat["s"].astype(np.int64), year=inp.years[cat["t"].astype(np.int64)],
        from_level=cat["f"].astype(np.int64), level=cat["y"].astype(np.int64),
        allowed=cat["allowed"].reshape(-1, 3).astype(bool), memory=cat["memory"].astype(float),
        terms=cat["terms"].reshape(-1, 3, M).astype(float), stance_terms=st_terms, stance=st_y,
        stance_evidence=st_ev, train_until=int(train_until))


def stance_rows(inp: ModelInputs, first: int, last: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(N_s, 3, C) coefficients, (N_s,) stances and claim ids of the stances on record in first..last."""
    X, y, ev = [], [], []
    for obs in inp.stance_observations:
        yr = obs["year"]
        if yr > last or yr < first or yr < inp.years[0] or yr > inp.years[-1]:
            continue
        t = int(yr - inp.years[0])
        comps = S_.stance_components(t, inp, TM.dependence_at(inp, t))
        i = inp.states.index(obs["state"])
        X.append(np.stack([np.broadcast_to(comps[c], comps["obstruction_cost"].shape)[i, obs["line"]]
                           for c in STANCE_WEIGHTS], axis=-1))
        y.append(obs["stance"])
        ev.append(obs["evidence"])
    C = len(STANCE_WEIGHTS)
    return (np.array(X, float).reshape(-1, 3, C), np.array(y, np.int64), ev)
