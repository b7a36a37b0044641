from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

TINY = """\
name: tiny
base: {base}
start: 2026
end: 2028
runs: 12
seed: 5
chunk: 4
factors:
  - name: rus_revisionism
    actor: RUS
    driver: revisionism
    from: 2026
    scale: [0.6, 1.6]
  - name: uzb_remit
    actor: UZB
    driver: remittance_dependence
    partner: RUS
    from: 2027
    add: [-0.2, 0.3]
  - weight: balance_weight
    scale: [0.5, 2.0]
design: {{method: sobol, n: 4}}
outcomes:
  - "P_member(UZB, EAEU, 2028)"
  - "mean_balance(KAZ, 2026, 2028)"
  - "n_members(CSTO, 2028)"
"""


@pytest.fixture(scope="session")
def case_inputs():
    from multivector import CaseBase
    from multivector.model.inputs import load_inputs

    return load_inputs(CaseBase.load())


@pytest.fixture
def tiny_spec_file(tmp_path):
    def write(text: str = TINY, **fmt) -> Path:
        p = tmp_path / "spec.yaml"
        p.write_text(text.format(base=ROOT / "scenarios" / "baseline.yaml", **fmt))
        return p
    return write


@pytest.fixture
def load(case_inputs):
    from multivector.sweep import load_spec

    def _load(path):
        inp = case_inputs
        return load_spec(path, inp.states, {o for o in inp.era_org.ravel() if o}, inp.lines,
                         record_until=inp.record_until)
    return _load
