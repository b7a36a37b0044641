"""Do state effects earn their place? The rule, written down before the fit was run:

    Add a state effect (hierarchical, γ_state ~ N(0, σ²), σ ~ HalfNormal(1), on the value of a tie:
    v(k) · γ_state) only if, at the shipped fit (eleven pooled states, train <= 2008, seed 0), it
    raises the ELPD-LOO of the training transitions by more than twice the standard error of the
    difference (Vehtari, Gelman & Gabry 2017). Otherwise leave them out: the theory's terms are
    state-level (sensitivity, dependence, threat, neutrality, regime), and a free effect per state
    would take their variation without saying why.

Fits both models by NUTS (the shipped settings) and prints the tables of
`multivector.figures.state_effects` (docs/model.md shows them). Two to three minutes of CPU.
Run: .venv/bin/python benchmarks/state_effects.py
"""

from multivector.figures import render, state_effects

if __name__ == "__main__":
    for table in state_effects.build().values():
        print(render(table))
