"""Do state effects earn their place? The ELPD-LOO of the training transitions with and without a
hierarchical state effect (the rule, written before the fit, in docs/model.md and
benchmarks/state_effects.py: keep them only if the gain exceeds twice its standard error)."""

from __future__ import annotations

import numpy as np

from . import Table

SLOW = True
TRAIN_UNTIL, SEED = 2008, 0


def pointwise(fit, data) -> np.ndarray:
    """(chains, draws, N) log P(recorded level) under each draw."""
    import jax
    import jax.numpy as jnp

    from ..model.estimate import transition_pointwise_jax

    C, D = fit.samples["mu"].shape[:2]
    flat = {k: jnp.asarray(v.reshape(C * D, *v.shape[2:])) for k, v in fit.samples.items()}
    f = jax.jit(jax.vmap(lambda p: transition_pointwise_jax(p, data, fit.theory)))
    return np.asarray(f(flat)).reshape(C, D, -1)


def compute() -> dict:
    import warnings

    import arviz as az
    import jax.numpy as jnp

    from ..model import load_inputs
    from ..model.design import build_design
    from ..model.estimate import diagnose, model_data, sample

    inp = load_inputs(pool=True)
    design = build_design(inp, TRAIN_UNTIL)
    data = {k: jnp.asarray(v) for k, v in model_data(design).items()}
    idata, diags, effects = {}, {}, None
    for label, n_states in (("without", 0), ("with", len(inp.states))):
        fit = sample(design, SEED, state_effects=n_states)
        diags[label] = diagnose(fit)
        idata[label] = az.from_dict(posterior={"mu": fit.samples["mu"]},
                                    log_likelihood={"transitions": pointwise(fit, data)})
        if n_states:
            effects = (inp.states, fit.samples["state_effect"].reshape(-1, n_states))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # a few high Pareto k: reported in the table's note
        loo = {k: az.loo(v) for k, v in idata.items()}
        cmp = az.compare(idata)
    diff = float(loo["with"].elpd_loo - loo["without"].elpd_loo)
    return {"loo": loo, "diff": diff, "dse": float(cmp["dse"].max()), "diagnostics": diags, "effects": effects}


def build() -> dict[str, Table]:
    r = compute()
    keep = r["diff"] > 2 * r["dse"]
    rows = [[label, f"{r['loo'][label].elpd_loo:.2f}", f"{r['loo'][label].p_loo:.1f}",
             f"{r['diagnostics'][label]['rhat_max']:.4f}"] for label in ("without", "with")]
    comparison = Table(["state effects", "ELPD-LOO", "p_loo", "R-hat max"], rows,
                       note=(f"Difference (with − without) {r['diff']:+.2f}, standard error {r['dse']:.2f}: "
                             + ("state effects earn their place." if keep else
                                f"short of twice the standard error ({2 * r['dse']:.2f}), so they are left out.")
                             + f" Eleven pooled states, train ≤ {TRAIN_UNTIL}, seed {SEED}, the shipped settings."),
                       align="lrrr", raw=[{"diff": r["diff"], "dse": r["dse"], "keep": keep}])
    states, eff = r["effects"]
    per = Table(["state", "effect mean", "90% interval"],
                [[s, f"{m:+.2f}", f"[{lo:+.2f}, {hi:+.2f}]"] for s, m, lo, hi in zip(
                    states, eff.mean(0), np.quantile(eff, 0.05, 0), np.quantile(eff, 0.95, 0), strict=True)],
                note="The state effects of the fit with them (on the value of a tie, v(k) · γ).", align="lrr")
    return {"comparison": comparison, "states": per}
