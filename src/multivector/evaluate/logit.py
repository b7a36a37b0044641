"""A plain statistical reference: a multinomial logit of status on last year's status and the drivers.

    P(y_iot = k | y_io,t−1, x_iot) ∝ exp(α_k + β_k · onehot(y_io,t−1) + γ_k · x_iot)

with x the same drivers the engagement model reads, taken as plain columns
(`features`): the state's sovereignty sensitivity, threat, regime insecurity
and neutrality; its trade, remittance, debt, transit and security dependence
on the line's lead power(s); the lead's threat (revisionism × capability ×
attention), economic offer and integration pressure; the organization's depth,
its alignment and what membership gives. No network effects, no utility
theory: a lagged multinomial logit of the kind a statistician would fit first
(e.g. Beck, Katz & Tucker 1998 on binary time-series cross-section data;
Greene, *Econometric Analysis*, ch. 18).

Fitted on the training years with an L2 penalty whose strength is chosen by
cross-validation inside those years (folds grouped by year, log loss), on
standardised columns (scikit-learn). Forecasts run forward free: each run draws
a level every year from the logit given its own draw of the year before, and
the levels not open that year are removed (the same entry rules as the model).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from ..model.inputs import ModelInputs
from ..model.utility import lead_threat
from .task import ForecastTask, allowed_mask, renormalise

K = 3
PENALTY_GRID = tuple(np.logspace(-3, 3, 13))   # inverse penalty strengths C tried by cross-validation
CV_FOLDS = 5

STATE = ("sovereignty_sensitivity", "threat_level", "regime_insecurity", "neutrality")
DEPENDENCE = ("trade_dependence", "remittance_dependence", "debt_dependence", "transit_dependence",
              "security_dependence")
FEATURES = ("prev_partner", "prev_member", "fresh", *STATE, *(f"{d}_on_lead" for d in DEPENDENCE),
            "lead_threat", "lead_offer", "pressure", "depth", "aligning",
            "offer_security", "offer_economy", "offer_regime", "offer_legitimacy")


def driver_columns(inp: ModelInputs, t: int) -> np.ndarray:
    """(S, L, F − 3) the driver columns of year index t."""
    d = inp.drivers
    S, L = len(inp.states), len(inp.lines)
    lead3 = inp.lead[t, :, :3]                                                      # (L, 3)
    cols = [np.broadcast_to(d.state[n][t][:, None], (S, L)) for n in STATE]
    cols += [d.dependence[n][t] @ lead3.T for n in DEPENDENCE]
    per_line = [inp.lead[t] @ lead_threat(t, inp), lead3 @ d.power["economic_offer"][t],
                (d.pressure[t] * d.power["attention"][t][:, None]).sum(0), inp.depth[t], inp.aligning[t],
                *inp.offers[t].T]
    cols += [np.broadcast_to(c[None, :], (S, L)) for c in per_line]
    return np.stack(cols, axis=-1)


def features(prev: np.ndarray, fresh: np.ndarray, drivers: np.ndarray) -> np.ndarray:
    """(..., F) design rows: last year's level (one-hot, none the reference), no status quo, drivers."""
    prev = np.asarray(prev)
    shape = prev.shape
    fresh = np.broadcast_to(fresh, shape)
    drv = np.broadcast_to(drivers, (*shape, drivers.shape[-1]))
    return np.concatenate([(prev == 1)[..., None], (prev == 2)[..., None], fresh[..., None], drv],
                          axis=-1).astype(float)


def training_rows(inp: ModelInputs, until: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, y, year) over the recorded, open state-line-years up to `until`."""
    X, y, g = [], [], []
    for t, year in enumerate(inp.years):
        if year > until:
            break
        ok = (inp.record[t] >= 0) & (inp.max_level[t] > 0)
        if not ok.any():
            continue
        prev = np.maximum(inp.record[t - 1], 0) if t > 0 else np.zeros_like(inp.record[t])
        fresh = inp.max_level[t - 1] == 0 if t > 0 else np.ones(ok.shape, bool)
        x = features(np.where(fresh, 0, prev), fresh, driver_columns(inp, t))
        X.append(x[ok])
        y.append(inp.record[t][ok])
        g.append(np.full(int(ok.sum()), year))
    return np.concatenate(X), np.concatenate(y).astype(int), np.concatenate(g)


@dataclass
class FittedLogit:
    """A fitted lagged logit: probabilities of all three levels (a level unseen in training gets 0)."""

    pipeline: object
    classes: np.ndarray
    penalty_C: float

    def predict(self, X: np.ndarray) -> np.ndarray:
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


def fit_logit(X: np.ndarray, y: np.ndarray, groups: np.ndarray, seed: int) -> FittedLogit:
    """Fit the multinomial logit, its L2 penalty chosen by grouped cross-validation on log loss."""
    from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
    from sklearn.model_selection import GroupKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    classes = np.unique(y)
    if len(classes) == 1:
        return FittedLogit(None, classes, float("nan"))
    n_groups = len(np.unique(groups))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # convergence and one-class-fold warnings of the CV grid
        if n_groups >= 3:
            folds = list(GroupKFold(n_splits=min(CV_FOLDS, n_groups)).split(X, y, groups))
            cv = make_pipeline(StandardScaler(), LogisticRegressionCV(
                Cs=list(PENALTY_GRID), cv=folds, scoring="neg_log_loss", max_iter=5000, random_state=seed))
            cv.fit(X, y)
            C = float(np.atleast_1d(cv.named_steps["logisticregressioncv"].C_)[0])
        else:
            C = 1.0
        pipe = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=5000, random_state=seed))
        pipe.fit(X, y)
    return FittedLogit(pipe, pipe.classes_, C)


@dataclass
class LaggedLogit:
    """Multinomial logit of status on last year's status and the drivers, run forward on its own draws."""

    runs: int = 500
    name: str = "logit"
    fitted: dict = field(default_factory=dict, repr=False)   # origin -> FittedLogit, for inspection

    def forecast(self, task: ForecastTask) -> np.ndarray:
        inp, rng = task.inputs, task.rng(self.name)
        X, y, g = training_rows(inp, task.origin)
        model = fit_logit(X, y, g, seed=int(rng.integers(0, 2**31 - 1)))
        self.fitted[task.origin] = model
        allowed = allowed_mask(inp, task.years)
        H, S, L = task.shape
        prev = np.broadcast_to(task.status_at_origin(), (self.runs, S, L)).copy()
        open_prev = task.open_at_origin()
        probs = np.zeros((H, S, L, K))
        for h, year in enumerate(task.years):
            t = inp.year_index(int(year))
            is_open = inp.max_level[t] > 0
            fresh = ~open_prev
            x = features(np.where(fresh, 0, prev), fresh, driver_columns(inp, t))   # (R, S, L, F)
            p = np.zeros((self.runs, S, L, K))
            p[:, is_open] = model.predict(x[:, is_open].reshape(-1, x.shape[-1])).reshape(self.runs, -1, K)
            p = renormalise(p, allowed[h][None])
            u = rng.random((self.runs, S, L))
            level = (u[..., None] > np.cumsum(p, -1)[..., :2]).sum(-1)
            prev = np.where(is_open, level, 0)
            probs[h] = p.mean(0)
            open_prev = is_open
        return probs
