"""The estimator: the transition model's posterior by NUTS (NumPyro on JAX, CPU).

The likelihood is exact: the product over the training rows of design.py of
the transition probabilities of transition.py (a multinomial logit whose
covariates are the theory's terms), times the stance logit of the stances on
record. Priors:

- each theory weight w_m ~ HalfNormal(s_m): the sign its claims give it, never
  reversed. The claims, by mechanism tag: sovereignty_sensitivity
  (cl_sens_supranational_structures_dangerous, cl_eaeu_nazarbayev_exit_threat)
  for `sovereignty_weight` and `neutrality_weight`; economic_dependence
  (cl_eaeu_kgz_migrant_status_normalized, cl_dep_rus_cheap_credit_and_energy)
  for `economy_weight`; security_dependence (cl_csto_kgz_tjk_rely_on_russia_threats,
  cl_csto_umbrella_makes_it_valuable) for `security_weight`; regime_security
  (cl_bal_russia_regime_survival, cl_sco_mutual_regime_respect) for
  `regime_weight`; hegemony_balancing (cl_bal_play_great_powers_off,
  cl_concl_complexity_deters_revisionism) for `balance_weight` and
  `external_weight`; great_power_pressure
  (cl_eaeu_rus_migrant_hint_secured_kgz_accession) for `pressure_weight`;
  economic_dependence (cl_eaeu_kgz_migrant_status_normalized: the value of a
  body grows with the neighbours inside it) for `network_weight`. The scale is
  weakly informative on each term's own scale: s_m = 1.25 / sd_m, sd_m the
  standard deviation of ΔU_m(member) − ΔU_m(none) over the training rows, so a
  change of one sd moves the log-odds by about one at the prior's scale
  (Gelman, Jakulin, Pittau & Su 2008, inputs scaled to sd ½ with scale 2.5);
- the memory of ties τ ~ HalfNormal(1) on g = log(1 + tenure): a longer-held tie
  is never easier to leave;
- the obstruction friction w_obs ~ HalfNormal(2) (negotiation: obstructing the
  lead has a cost, cl_eaeu_rus_dropped_deeper_integration_proposals);
- α hierarchical, non-centred: α[line, j, k] = μ[j, k] + σ[j, k] · z[line, j, k],
  z ~ N(0, 1), for the lines with training rows; μ ~ N(−3, 2) for leaving a
  status (a change is rare), N(0, 2) for a first choice; σ ~ HalfNormal(1)
  (Gelman & Hill 2007, ch. 13; Betancourt & Girolami 2015 on the non-centred
  form). A line with no training rows takes the pooled chain μ.

Sampling: NumPyro's NUTS kernel (Hoffman & Gelman 2014) on the log density
below, written out in JAX on the unconstrained coordinates (the positive
parameters on log scale, with their Jacobian); `chains` chains (four by
default), one after the other (one core), each started uniformly on (−2, 2)
and with its own key, both split from the one seed; every iteration of warm-up
and sampling is one jitted step, so progress is shown per chain and phase. Diagnostics: rank-normalised split R-hat and bulk ESS
(Vehtari et al. 2021, via ArviZ) of every sampled parameter, and divergences.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .design import STANCE_WEIGHTS, Design
from .posterior import POOLED, Posterior, alpha_column
from .terms import THEORY, WEIGHT
from .transition import ALPHA_NAMES, DOWN, alpha_full, log_probabilities

RHAT_MAX = 1.01
PRIOR_BASE = 1.25         # s_m = PRIOR_BASE / sd_m
TAU_SCALE = 1.0
OBSTRUCTION_SCALE = 2.0
SIGMA_SCALE = 1.0
MU_LOC = np.array([0.0 if n.startswith("first") else -3.0 for n in ALPHA_NAMES])
MU_SCALE = 2.0
TARGET_ACCEPT = 0.9


def prior_scales(design: Design) -> dict[str, float]:
    """The half-normal scale of each theory weight, from the spread of its term over the training rows."""
    out = {}
    for m, name in enumerate(THEORY):
        sd = float(np.std(design.terms[:, 2, m] - design.terms[:, 0, m])) if design.n else 0.0
        out[WEIGHT[name]] = PRIOR_BASE / sd if sd > 1e-9 else PRIOR_BASE
    return out


@dataclass
class Fit:
    """A NUTS fit: the draws (chain, draw) of every sampled site, diagnostics and timing."""

    samples: dict[str, np.ndarray]          # site -> (chains, draws, ...)
    divergences: int
    seconds: float
    design: Design
    theory: bool
    seed: int
    scales: dict[str, float]
    settings: dict = field(default_factory=dict)
    diagnostics: dict = field(default_factory=dict)   # filled by `diagnose`

    @property
    def chains(self) -> int:
        return next(iter(self.samples.values())).shape[0]

    def weight_names(self) -> list[str]:
        names = [WEIGHT[m] for m in THEORY] if self.theory else []
        return [*names, "exit_tenure_weight", "obstruction_cost"]

    def columns(self, thin: int = 1) -> dict[str, np.ndarray]:
        """The draws as flat columns (posterior.py's layout), every `thin`-th draw of each chain."""
        C, D = next(iter(self.samples.values())).shape[:2]
        keep = np.arange(0, D, thin)
        flat = lambda a: a[:, keep].reshape(C * len(keep), *a.shape[2:])  # noqa: E731
        cols = {"chain": np.repeat(np.arange(C), len(keep)).astype(np.int16),
                "draw": np.tile(keep, C).astype(np.int32)}
        for name in self.weight_names():
            cols[name] = flat(self.samples[name]).astype(np.float32)
        mu, sigma, z = flat(self.samples["mu"]), flat(self.samples["sigma"]), flat(self.samples["z"])
        for k, n in enumerate(ALPHA_NAMES):
            cols[alpha_column(POOLED, n)] = mu[:, k].astype(np.float32)
        for k, n in enumerate(ALPHA_NAMES):
            cols[f"sigma:{n}"] = sigma[:, k].astype(np.float32)
        alpha = mu[:, None, :] + sigma[:, None, :] * z                                  # (D, L_fit, 8)
        for i, line in enumerate(self.design.lines):
            for k, n in enumerate(ALPHA_NAMES):
                cols[alpha_column(line, n)] = alpha[:, i, k].astype(np.float32)
        return cols

    def posterior(self, thin: int = 1) -> Posterior:
        return Posterior(self.columns(thin))


def model_data(design: Design) -> dict[str, np.ndarray]:
    """The design as the JAX model reads it: cell index line·4 + from-level, [k < j], −inf where a
    level is closed, the recorded level as a mask, and the stance rows."""
    d = design.arrays()
    return {"cell": d["line"] * 4 + d["from_level"], "state": design.state, "down": DOWN[d["from_level"]], "memory": d["memory"],
            "terms": d["terms"], "closed": np.where(d["allowed"], 0.0, -np.inf),
            "observed": np.arange(3)[None, :] == d["level"][:, None],
            "stance_terms": d["stance_terms"], "stance": d["stance"]}


def _halfnormal(x, log_x, scale, jnp):
    """log HalfNormal(x; scale) + log x: the density of log x (the sampler's coordinate), summed."""
    return jnp.sum(-0.5 * (x / scale) ** 2 - jnp.log(scale) + 0.5 * np.log(2 / np.pi) + log_x)


def _normal(x, loc, scale, jnp):
    return jnp.sum(-0.5 * ((x - loc) / scale) ** 2 - jnp.log(scale) - 0.5 * np.log(2 * np.pi))


def constrained(u: dict, theory: bool, xp=np) -> dict:
    """The parameters from the sampler's unconstrained coordinates: positive ones are exp(log)."""
    out = {"mu": u["mu"], "sigma": xp.exp(u["log_sigma"]), "z": u["z"],
           "exit_tenure_weight": xp.exp(u["log_tau"]), "obstruction_cost": xp.exp(u["log_obstruction"])}
    if theory:
        w = xp.exp(u["log_w"])
        out.update({WEIGHT[m]: w[..., i] for i, m in enumerate(THEORY)})
    if "state_raw" in u:   # the state effects of the experiment in benchmarks/state_effects.py
        out["state_sigma"] = xp.exp(u["log_state_sigma"])
        out["state_effect"] = out["state_sigma"][..., None] * u["state_raw"]
    return out


def transition_pointwise_jax(p: dict, data: dict, theory: bool):
    """(N,) log P(recorded level) of every training transition: transition.logits with the gathers and
    masks precomputed (cell index, −inf offsets of closed levels, the recorded level as a mask)."""
    import jax
    import jax.numpy as jnp

    alpha = alpha_full(p["mu"] + p["sigma"] * p["z"], xp=jnp)                             # (L_fit, 4, 3)
    w = jnp.stack([p[WEIGHT[m]] for m in THEORY]) if theory else jnp.zeros(len(THEORY))
    z = (alpha.reshape(-1, 3)[data["cell"]] - (p["exit_tenure_weight"] * data["memory"])[:, None] * data["down"]
         + data["terms"] @ w + data["closed"])
    if "state_effect" in p:   # a state's effect on the value of a tie, v(k) · γ_state
        z = z + p["state_effect"][data["state"]][:, None] * jnp.asarray([0.0, 0.5, 1.0])
    lp = z - jax.nn.logsumexp(z, axis=1, keepdims=True)
    return jnp.sum(jnp.where(data["observed"], lp, 0.0), axis=1)


def transition_log_likelihood_jax(p: dict, data: dict, theory: bool):
    """Σ log P(recorded level) over the training transitions."""
    return transition_pointwise_jax(p, data, theory).sum()


def stance_log_likelihood_jax(p: dict, data: dict, theory: bool):
    """Σ log P(recorded stance) over the stances on record."""
    import jax.numpy as jnp

    if not data["stance"].shape[0]:
        return 0.0
    ws = jnp.stack([p[c] if (theory or c == "obstruction_cost") else jnp.zeros(()) for c in STANCE_WEIGHTS])
    ls = log_probabilities(jnp.einsum("nkc,c->nk", data["stance_terms"], ws), xp=jnp)
    return jnp.take_along_axis(ls, data["stance"][:, None], axis=1).sum()


def log_density(u: dict, data: dict, scales: np.ndarray, theory: bool):
    """The log posterior density (up to a constant) in the sampler's coordinates (see the module docstring)."""
    import jax.numpy as jnp

    p = constrained(u, theory, xp=jnp)
    lp = (_normal(p["mu"], MU_LOC, MU_SCALE, jnp) + _halfnormal(p["sigma"], u["log_sigma"], SIGMA_SCALE, jnp)
          + _normal(p["z"], 0.0, 1.0, jnp) + _halfnormal(p["exit_tenure_weight"], u["log_tau"], TAU_SCALE, jnp)
          + _halfnormal(p["obstruction_cost"], u["log_obstruction"], OBSTRUCTION_SCALE, jnp))
    if theory:
        lp = lp + _halfnormal(jnp.exp(u["log_w"]), u["log_w"], jnp.asarray(scales), jnp)
    if "state_raw" in u:
        lp = lp + _normal(u["state_raw"], 0.0, 1.0, jnp) + _halfnormal(p["state_sigma"], u["log_state_sigma"], 1.0, jnp)
    return lp + transition_log_likelihood_jax(p, data, theory) + stance_log_likelihood_jax(p, data, theory)


def _initial(key, n_lines: int, theory: bool, n_states: int = 0) -> dict:
    """A chain's start: every unconstrained coordinate uniform on (−2, 2) (NumPyro's init_to_uniform)."""
    import jax

    shapes = {"mu": (len(ALPHA_NAMES),), "log_sigma": (len(ALPHA_NAMES),), "z": (n_lines, len(ALPHA_NAMES)),
              "log_tau": (), "log_obstruction": ()}
    if theory:
        shapes["log_w"] = (len(THEORY),)
    if n_states:
        shapes.update(state_raw=(n_states,), log_state_sigma=())
    keys = jax.random.split(key, len(shapes))
    return {k: jax.random.uniform(kk, s, minval=-2.0, maxval=2.0) for (k, s), kk in zip(shapes.items(), keys,
                                                                                          strict=True)}


def _compilation_cache(jax) -> None:
    """Keep compiled programs in the cache folder: a fit of the same shapes (the same origin again, a
    nested and a full fit's warm-up) skips the compilation. The results do not depend on it."""
    import os

    if os.environ.get("MULTIVECTOR_JAX_CACHE", "1") == "0":
        return
    from ..kb.store import cache_dir

    jax.config.update("jax_compilation_cache_dir", str(cache_dir() / "jax"))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.5)


def sample(design: Design, seed: int, chains: int = 4, warmup: int = 500, samples: int = 1000,
           theory: bool = True, progress: Callable[[int, int, str], None] | None = None,
           max_tree_depth: int = 10, state_effects: int = 0) -> Fit:
    """NUTS on the design: `chains` chains of `warmup` + `samples` iterations, seeded from `seed`.

    state_effects: the number of states, to add a hierarchical state effect v(k) · γ_state (only for the
    experiment that decided against them, benchmarks/state_effects.py; 0: none).

    progress(done, total, description) after every iteration (done counts over all chains).
    """
    import jax
    import jax.numpy as jnp
    from numpyro.infer.hmc import hmc

    jax.config.update("jax_enable_x64", True)
    _compilation_cache(jax)
    t0 = time.process_time()
    scales = prior_scales(design)
    scale_vec = np.array([scales[WEIGHT[m]] for m in THEORY])
    data = {k: jnp.asarray(v) for k, v in model_data(design).items()}
    n_lines = max(len(design.lines), 1)

    def potential(u):
        return -log_density(u, data, scale_vec, theory)

    key = jax.random.PRNGKey(int(seed))
    init_keys, chain_keys = jax.random.split(key, 2)
    init_keys = jax.random.split(init_keys, chains)
    chain_keys = jax.random.split(chain_keys, chains)
    init_kernel, sample_kernel = hmc(potential_fn=potential, algo="NUTS")
    start = jax.jit(lambda u, key: init_kernel(u, num_warmup=warmup, target_accept_prob=TARGET_ACCEPT,
                                               max_tree_depth=max_tree_depth, rng_key=key))
    step = jax.jit(sample_kernel)
    total = chains * (warmup + samples)
    done = 0
    kept: list[dict] = []
    divergences = 0
    for c in range(chains):
        state = start(_initial(init_keys[c], n_lines, theory, state_effects), chain_keys[c])
        zs = []
        for i in range(warmup + samples):
            state = step(state)
            if i >= warmup:
                zs.append(state.z)
                divergences += int(state.diverging)
            done += 1
            if progress:
                progress(done, total, f"chain {c + 1}/{chains} {'warm-up' if i < warmup else 'sampling'}")
        stacked = {k: np.stack([np.asarray(z[k]) for z in zs]) for k in zs[0]}
        kept.append(constrained(stacked, theory))
    out = {k: np.stack([kc[k] for kc in kept]) for k in kept[0]}
    return Fit(samples=out, divergences=divergences, seconds=time.process_time() - t0, design=design,
               theory=theory, seed=int(seed), scales=scales,
               settings={"chains": chains, "warmup": warmup, "samples": samples,
                         "target_accept": TARGET_ACCEPT, "max_tree_depth": max_tree_depth})


def parameter_names(site: str, shape: tuple, lines: list[str]) -> list[str]:
    """Readable names of a site's scalars: mu -> alpha:*:member>none, sigma -> sigma:..., z -> z:LINE:..."""
    if not shape:
        return [site]
    if site == "mu":
        return [f"alpha:{POOLED}:{n}" for n in ALPHA_NAMES]
    if site == "sigma":
        return [f"sigma:{n}" for n in ALPHA_NAMES]
    if site == "z":
        return [f"z:{line}:{n}" for line in (lines or ["-"]) for n in ALPHA_NAMES]
    return [f"{site}[{i}]" for i in range(int(np.prod(shape)))]


def diagnose(fit: Fit) -> dict:
    """R-hat (rank-normalised, split) and bulk ESS of every sampled parameter, and the divergences.

    Returns {"rhat_max", "ess_bulk_min", "divergences", "parameters": {name: {"rhat", "ess_bulk"}}}
    with one entry per scalar parameter (`parameter_names`).
    """
    import arviz as az

    per = {}
    for site, a in fit.samples.items():
        flat = a.reshape(a.shape[0], a.shape[1], -1)
        names = parameter_names(site, a.shape[2:], fit.design.lines)
        for i, name in enumerate(names):
            x = flat[..., i]
            per[name] = {"rhat": float(az.rhat(x)), "ess_bulk": float(az.ess(x, method="bulk"))}
    rh = [v["rhat"] for v in per.values() if np.isfinite(v["rhat"])]    # R-hat needs two chains
    ess = [v["ess_bulk"] for v in per.values() if np.isfinite(v["ess_bulk"])]
    fit.diagnostics = {"rhat_max": float(max(rh)) if rh else float("nan"),
                       "ess_bulk_min": float(min(ess)) if ess else float("nan"),
                       "divergences": int(fit.divergences), "parameters": per}
    return fit.diagnostics


class ConvergenceError(RuntimeError):
    """The chains did not mix: some R-hat above RHAT_MAX."""


def check(diagnostics: dict) -> None:
    """Raise ConvergenceError naming the parameters whose R-hat exceeds RHAT_MAX."""
    bad = {k: v["rhat"] for k, v in diagnostics["parameters"].items() if not v["rhat"] <= RHAT_MAX}
    if bad:
        worst = sorted(bad.items(), key=lambda kv: -kv[1])[:5]
        raise ConvergenceError(
            f"the chains did not converge: R-hat above {RHAT_MAX} for {len(bad)} parameter(s) ("
            + ", ".join(f"{k} {v:.3f}" for k, v in worst) + "); run longer chains (--warmup, --samples) "
            "and check the model")
