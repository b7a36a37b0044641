"""A plain statistical reference: a multinomial logit of the transitions on line, last status, tenure and drivers.

    P(y_iot = k | from-state f, tenure d, x_iot) ∝ exp(a_k[f] + b_k[l] + c_k[f] · log d + γ_k · x_iot)

fitted on the recorded transitions of the training years (every open
state-line-year whose status the year before is known, and first choices as the
from-state `first`): a(f) the last status (none, partner, member, first
choice), b(l) line effects, c(f) log-tenure per last status (Beck, Katz &
Tucker 1998), and x the drivers the engagement model reads, as plain columns
(`driver_columns`): the state's sovereignty sensitivity, threat, regime
insecurity and neutrality; its trade, remittance, debt, transit and security
dependence on the line's lead power(s); the lead's threat (revisionism ×
capability × attention), economic offer and integration pressure; the body's
depth, alignment and what membership gives. No utility theory, no network: the
model a statistician would fit first (Greene, *Econometric Analysis*, ch. 18).

L2-penalised on standardised columns, the penalty chosen by cross-validation
inside the training years (folds grouped by year, log loss; scikit-learn).
Forecasts propagate the joint distribution of level and tenure exactly from
the origin's record, year by year with that year's drivers (`chains.propagate`).

Each driver column is clipped to the range it spans in the training rows
before it enters the logit. Without the clip, the first version of this
reference (no line effects or tenure) took Kazakhstan, Kyrgyzstan and
Tajikistan out of the CSTO from 2000: a driver nearly constant in training
(Russia's threat, 1991–2000) got a large coefficient, and the rise after 2008
lay far outside what it was fitted on (docs/evaluation.md, "Why the first
logit made exits that never happened").
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from ..model.inputs import ModelInputs
from .chains import (
    FIRST,
    FROM_STATES,
    MAX_TENURE,
    K,
    TransitionRows,
    propagate,
    tenure_at,
    transition_rows,
)
from .task import ForecastTask

PENALTY_GRID = tuple(np.logspace(-3, 2, 11))   # inverse penalty strengths C tried by cross-validation
CV_FOLDS = 5

STATE = ("sovereignty_sensitivity", "threat_level", "regime_insecurity", "neutrality")
DEPENDENCE = ("trade_dependence", "remittance_dependence", "debt_dependence", "transit_dependence",
              "security_dependence")
DRIVERS = (*STATE, *(f"{d}_on_lead" for d in DEPENDENCE), "lead_threat", "lead_offer", "pressure", "depth",
           "aligning", "offer_security", "offer_economy", "offer_regime", "offer_legitimacy")


def feature_names(lines: list[str]) -> tuple[str, ...]:
    """The columns of the design: last status, log tenure by last status, line effects, drivers."""
    return (*(f"from_{f}" for f in FROM_STATES[1:]), *(f"log_tenure_{f}" for f in FROM_STATES[:FIRST]),
            *(f"line_{name}" for name in lines), *DRIVERS)


def driver_columns(inp: ModelInputs, t: int) -> np.ndarray:
    """(S, L, len(DRIVERS)) the driver columns of year index t."""
    d = inp.drivers
    S, L = len(inp.states), len(inp.lines)
    lead3 = inp.lead[t, :, :3]                                                      # (L, 3)
    threat = d.power["revisionism"][t] * d.power["capability"][t] * d.power["attention"][t]   # (3,) per power
    cols = [np.broadcast_to(d.state[n][t][:, None], (S, L)) for n in STATE]
    cols += [d.dependence[n][t] @ lead3.T for n in DEPENDENCE]
    per_line = [lead3 @ threat, lead3 @ d.power["economic_offer"][t],
                (d.pressure[t] * d.power["attention"][t][:, None]).sum(0), inp.depth[t], inp.aligning[t],
                *inp.offers[t].T]
    cols += [np.broadcast_to(c[None, :], (S, L)) for c in per_line]
    return np.stack(cols, axis=-1)


def design(origin: np.ndarray, tenure: np.ndarray, line: np.ndarray, drivers: np.ndarray, n_lines: int) -> np.ndarray:
    """(n, F) design rows from the from-state, tenure, line index and driver columns (n, len(DRIVERS))."""
    n = len(origin)
    X = np.zeros((n, 6 + n_lines + drivers.shape[-1]))
    rows = np.arange(n)
    for f in (1, 2, FIRST):
        X[:, f - 1] = origin == f
    sq = origin < FIRST
    X[rows[sq], 3 + origin[sq]] = np.log(np.maximum(tenure[sq], 1))
    X[rows, 6 + line] = 1.0
    X[:, 6 + n_lines:] = drivers
    return X


def training_design(inp: ModelInputs, rows: TransitionRows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, y, year) of the training rows."""
    drv = np.zeros((len(rows), len(DRIVERS)))
    for t in np.unique(rows.t):
        m = rows.t == t
        drv[m] = driver_columns(inp, int(t))[rows.s[m], rows.l[m]]
    X = design(rows.origin, rows.tenure, rows.l, drv, len(inp.lines))
    return X, rows.level, inp.years[rows.t]


@dataclass
class FittedLogit:
    """A fitted transition logit: probabilities of all three levels (a level unseen in training gets 0)."""

    pipeline: object
    classes: np.ndarray
    penalty_C: float
    lower: np.ndarray      # the driver columns' training range (the clip)
    upper: np.ndarray
    n_lines: int
    clip: bool = True

    def predict(self, X: np.ndarray) -> np.ndarray:
        X = X.copy()
        if self.clip:
            X[:, 6 + self.n_lines:] = np.clip(X[:, 6 + self.n_lines:], self.lower, self.upper)
        out = np.zeros((len(X), K))
        if len(self.classes) == 1:
            out[:, self.classes[0]] = 1.0
        else:
            out[:, self.classes] = self.pipeline.predict_proba(X)
        return out

    def coefficients(self) -> np.ndarray:
        """(classes, F) coefficients on the original (unstandardised) scale."""
        scaler, model = self.pipeline.named_steps["standardscaler"], self.pipeline.named_steps["logisticregression"]
        return model.coef_ / np.where(scaler.scale_ > 0, scaler.scale_, 1.0)[None, :]

    def summary(self) -> dict:
        return {"penalty_C": self.penalty_C}


def fit_logit(X: np.ndarray, y: np.ndarray, groups: np.ndarray, n_lines: int, seed: int) -> FittedLogit:
    """Fit the multinomial logit, its L2 penalty chosen by grouped cross-validation on log loss."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    classes = np.unique(y)
    drv = X[:, 6 + n_lines:]
    lower, upper = drv.min(0), drv.max(0)
    if len(classes) == 1:
        return FittedLogit(None, classes, float("nan"), lower, upper, n_lines)
    n_groups = len(np.unique(groups))

    def model(C: float):
        return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=2000, random_state=seed))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # convergence and one-class-fold warnings of the CV grid
        C = 1.0
        if n_groups >= 3:
            folds = list(GroupKFold(n_splits=min(CV_FOLDS, n_groups)).split(X, y, groups))
            # a fold whose training part lacks a level cannot score it: those folds are left out
            folds = [(a, b) for a, b in folds if set(np.unique(y[a])) == set(classes)]
            if folds:
                cv = [np.mean(cross_val_score(model(c), X, y, cv=folds, scoring="neg_log_loss")) for c in PENALTY_GRID]
                C = float(PENALTY_GRID[int(np.nanargmax(cv))])
        pipe = model(C).fit(X, y)
    return FittedLogit(pipe, pipe.classes_, C, lower, upper, n_lines)


@dataclass
class TransitionLogit:
    """Multinomial logit of each year's level on the line, last status, tenure and drivers, propagated exactly."""

    name: str = "logit"
    clip: bool = True      # drivers clipped to their training range (False: the diagnosis in the docs)
    fitted: dict = field(default_factory=dict, repr=False)   # origin -> FittedLogit, for inspection

    def fit(self, task: ForecastTask) -> FittedLogit:
        from threadpoolctl import threadpool_limits

        inp = task.inputs
        X, y, g = training_design(inp, transition_rows(inp, task.origin))
        with threadpool_limits(limits=1, user_api="blas"):   # small matrices: threads only contend
            model = fit_logit(X, y, g, len(inp.lines), seed=task.seed_int(self.name))
        model.clip = self.clip
        self.fitted[task.origin] = model
        return model

    def forecast(self, task: ForecastTask) -> np.ndarray:
        model = self.fit(task)
        inp = task.inputs
        S, L, D = len(inp.states), len(inp.lines), MAX_TENURE
        is_open, allowed = task.entry_rules()
        # one design row per (state, line, last level, tenure): the kernel of a year is their probabilities
        s, l_, j, d = (a.ravel() for a in np.meshgrid(np.arange(S), np.arange(L), np.arange(K), np.arange(1, D + 1),
                                                      indexing="ij"))
        fs, fl = (a.ravel() for a in np.meshgrid(np.arange(S), np.arange(L), indexing="ij"))

        def columns(h: int) -> np.ndarray:
            return driver_columns(inp, inp.year_index(int(task.years[h])))

        def kernel(h: int) -> np.ndarray:
            X = design(j, d, l_, columns(h)[s, l_], L)
            return model.predict(X).reshape(S, L, K, D, K)

        def first(h: int) -> np.ndarray:
            X = design(np.full(len(fs), FIRST), np.zeros(len(fs), int), fl, columns(h)[fs, fl], L)
            return model.predict(X).reshape(S, L, K)

        return propagate(kernel, first, task.status_at_origin(), tenure_at(inp, task.origin), task.open_at_origin(),
                         is_open, allowed, tenure_buckets=D)
