"""The shipped posterior: each weight's mean and 90% interval with its diagnostics, the pooled chain, and
the stances on record after the training years (from `src/multivector/model/calibrated.json` and its draws,
written by `multivector calibrate --train-until 2008`)."""

from __future__ import annotations

import numpy as np

from ..model.weight_summary import MECHANISM
from . import Table


def _fmt(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 100 else f"{x:.0f}"


def build() -> dict[str, Table]:
    from ..model.parameters import SHIPPED, default_posterior
    from ..model.transition import ALPHA_NAMES
    from ..textfiles import read_json

    info = read_json(SHIPPED, "weights file")
    post = default_posterior()
    diag = info["diagnostics"]
    per = info["diagnostics_weights"]
    scales = info["prior_scales"]
    rows, raw = [], []
    for name, (mean, lo, hi) in post.intervals(0.9).items():
        prior = f"HalfNormal({_fmt(scales[name])})" if name in scales else \
            {"exit_tenure_weight": "HalfNormal(1)", "obstruction_cost": "HalfNormal(2)"}[name]
        rows.append([name, MECHANISM[name], prior, _fmt(mean), f"[{_fmt(lo)}, {_fmt(hi)}]",
                     f"{per[name]['rhat']:.3f}", f"{per[name]['ess_bulk']:.0f}"])
        raw.append({"weight": name, "mean": mean, "q05": lo, "q95": hi, **per[name], "prior_scale": scales.get(name)})
    s = info["settings"]
    weights = Table(["weight", "claims", "prior", "mean", "90% interval", "R-hat", "ESS"], rows,
                    note=(f"NUTS, {s['chains']} chains × {s['samples']} draws after {s['warmup']} warm-up, seed "
                          f"{info['seed']}; {info['n']} training transitions and {info['n_stances']} stances "
                          f"(train ≤ {info['train_until']}); interval over the {post.size} draws shipped."),
                    align="lllrrrr", raw=raw)
    summary = Table(["R-hat max", "bulk ESS min", "divergences", "CPU seconds", "draws shipped"],
                    [[f"{diag['rhat_max']:.4f}", f"{diag['ess_bulk_min']:.0f}", str(diag["divergences"]),
                      f"{info['seconds']:.0f}", f"{post.size:,}"]],
                    note="Over every sampled parameter (weights, α, the pooled chain's scales); the CPU "
                         "seconds are the sampling's, compilation included, on the machine that made the file.",
                    align="rrrrr", raw=[diag])
    chain_rows = []
    for n in ALPHA_NAMES:
        mu = post.columns[f"alpha:*:{n}"].astype(float)
        sd = post.columns[f"sigma:{n}"].astype(float)
        chain_rows.append([n.replace(">", " → "), f"{mu.mean():+.2f}", f"[{np.quantile(mu, 0.05):+.2f}, "
                           f"{np.quantile(mu, 0.95):+.2f}]", f"{sd.mean():.2f}"])
    chain = Table(["transition", "μ mean", "μ 90% interval", "σ mean"], chain_rows,
                  note="The pooled chain: intercepts of leaving each status (staying is 0) and of a first choice "
                       "(none is 0), and the spread of the lines' intercepts around them.", align="lrrr")
    st = info.get("stances_after", {})
    stances = Table(["stances after training", "log score", "accuracy", "observed (support / go along / obstruct)"],
                    [[str(st.get("n", 0)), f"{st.get('log_score', float('nan')):.3f}",
                      f"{st.get('accuracy', float('nan')):.2f}", " / ".join(map(str, st.get("observed", [])))]],
                    note="Posterior predictive stance of each claim on record after the training years "
                         "(log score of a uniform guess: 1.099).", align="rrrr")
    return {"weights": weights, "diagnostics": summary, "pooled_chain": chain, "stances": stances}
