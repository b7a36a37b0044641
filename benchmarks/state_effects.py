"""Do state effects earn their place? The rule, written down before the fit was run:

    Add a state effect (hierarchical, γ_state ~ N(0, σ²), σ ~ HalfNormal(1), on the value of a tie:
    v(k) · γ_state) only if, at the shipped fit (eleven pooled states, train <= 2008, seed 0), it
    raises the ELPD-LOO of the training transitions by more than twice the standard error of the
    difference (Vehtari, Gelman & Gabry 2017). Otherwise leave them out: the theory's terms are
    state-level (sensitivity, dependence, threat, neutrality, regime), and a free effect per state
    would take their variation without saying why.

Fits both models by NUTS (the same settings as `multivector calibrate`) and prints the comparison.
Takes two to three minutes of CPU. Run: .venv/bin/python benchmarks/state_effects.py
"""

from __future__ import annotations

import numpy as np

TRAIN_UNTIL, SEED = 2008, 0


def pointwise(fit, data) -> np.ndarray:
    """(chains, draws, N) log P(recorded level) under each draw."""
    import jax
    import jax.numpy as jnp

    from multivector.model.estimate import transition_pointwise_jax

    C, D = fit.samples["mu"].shape[:2]
    flat = {k: jnp.asarray(v.reshape(C * D, *v.shape[2:])) for k, v in fit.samples.items()}
    f = jax.jit(jax.vmap(lambda p: transition_pointwise_jax(p, data, fit.theory)))
    return np.asarray(f(flat)).reshape(C, D, -1)


def main() -> None:
    import arviz as az
    import jax.numpy as jnp

    from multivector.model import load_inputs
    from multivector.model.design import build_design
    from multivector.model.estimate import diagnose, model_data, sample

    inp = load_inputs(pool=True)
    design = build_design(inp, TRAIN_UNTIL)
    data = {k: jnp.asarray(v) for k, v in model_data(design).items()}
    out = {}
    for label, n_states in (("without", 0), ("with state effects", len(inp.states))):
        fit = sample(design, SEED, state_effects=n_states)
        d = diagnose(fit)
        ll = pointwise(fit, data)
        out[label] = az.from_dict(posterior={"mu": fit.samples["mu"]}, log_likelihood={"transitions": ll})
        print(f"{label}: R-hat max {d['rhat_max']:.4f}, ESS min {d['ess_bulk_min']:.0f}, "
              f"{d['divergences']} divergences; {fit.seconds:.0f} CPU s")
        if n_states:
            eff = fit.samples["state_effect"].reshape(-1, n_states)
            print("  state effects (mean [5%, 95%]): " + ", ".join(
                f"{s} {m:+.2f} [{lo:+.2f}, {hi:+.2f}]" for s, m, lo, hi in zip(
                    inp.states, eff.mean(0), np.quantile(eff, 0.05, 0), np.quantile(eff, 0.95, 0), strict=True)))
    cmp = az.compare(out)
    print(cmp[["elpd_loo", "p_loo", "elpd_diff", "dse"]].round(2).to_string())
    diff = float(cmp.loc["with state effects", "elpd_loo"] - cmp.loc["without", "elpd_loo"])
    dse = float(cmp["dse"].max())
    keep = diff > 2 * dse
    print(f"ELPD-LOO difference (with − without) {diff:+.2f}, se {dse:.2f}: "
          + ("state effects earn their place (keep them)" if keep else "state effects do not earn their place "
             "(left out)"))


if __name__ == "__main__":
    main()
