"""The sweep spec parser and each of its errors (`file:line: what — fix`)."""

from __future__ import annotations

import pytest

from multivector.kb import CaseError

from .conftest import TINY


def test_tiny_spec_parses(tiny_spec_file, load):
    spec = load(tiny_spec_file())
    assert spec.name == "tiny" and spec.runs == 12 and spec.chunk == 4 and spec.seed == 5
    assert (spec.start, spec.end) == (2026, 2028)
    assert spec.factor_names() == ["rus_revisionism", "uzb_remit", "balance_weight"]
    f = spec.factors[1]
    assert (f.op, f.low, f.high, f.change.partner, f.change.start) == ("add", -0.2, 0.3, "RUS", 2027)
    assert spec.factors[2].weight == "balance_weight" and spec.factors[2].change is None
    assert [o.label for o in spec.outcomes] == ["P_member(UZB, EAEU, 2028)", "mean_balance(KAZ, 2026, 2028)",
                                                "n_members(CSTO, 2028)"]
    assert spec.design.method == "sobol" and spec.design.n == 4
    from .conftest import ROOT

    other = load(tiny_spec_file(TINY.replace("{base}", str(ROOT / "scenarios" / "western-reengagement.yaml"))))
    assert other.base.parameters and other.base.changes   # the base scenario's weight uncertainty comes along


def test_digest_changes_with_the_spec(tiny_spec_file, load):
    a = load(tiny_spec_file()).digest()
    assert a == load(tiny_spec_file()).digest()
    assert a != load(tiny_spec_file(TINY.replace("seed: 5", "seed: 6"))).digest()


ERRORS = [
    ("seed: 5", "seed: 5\ncolour: red", "colour: red", "unknown key `colour`"),
    ("runs: 12", "runs: -3", "runs: -3", "`runs` must be a whole number"),
    ("chunk: 4", "chunk: 0", "chunk: 0", "`chunk` must be a whole number"),
    ("    driver: revisionism", "    driver: wealth", "driver: wealth", "unknown driver 'wealth'"),
    ("    actor: RUS", "    actor: FRA", "actor: FRA", "unknown actor 'FRA'"),
    ("    partner: RUS", "    partner: JPN", "partner: JPN", "needs `partner`"),
    ("    scale: [0.6, 1.6]", "    scale: 1.2", "scale: 1.2", "must be a range [low, high]"),
    ("    scale: [0.6, 1.6]", "    scale: [1.6, 0.6]", "scale: [1.6, 0.6]", "runs backwards"),
    ("    add: [-0.2, 0.3]", "    set: [0.2, 1.3]", "set: [0.2, 1.3]", "`set` values must be within 0-1"),
    ("    from: 2027", "    from: 2040", "from: 2040", "outside the scenario's years"),
    ("  - weight: balance_weight", "  - weight: charm", "weight: charm", "unknown weight 'charm'"),
    ("    scale: [0.5, 2.0]", "    add: [0.5, 2.0]", "weight: balance_weight", "exactly one of `set` or `scale`"),
    ("    scale: [0.6, 1.6]", "    scale: [0.6, 1.6]\n    dist: cauchy", "dist: cauchy", "unknown distribution 'cauchy'"),
    ("    scale: [0.6, 1.6]", "    scale: [0.6, 1.6]\n    dist: triangular", "dist: triangular", "takes mode"),
    ("    scale: [0.6, 1.6]", "    scale: [0.6, 1.6]\n    dist: triangular\n    mode: 3", "mode: 3", "outside its range"),
    ("  - name: uzb_remit", "  - name: rus_revisionism  # again", "# again", "two factors are named"),
    ("design: {{method: sobol, n: 4}}", "design: {{method: sobol, n: 5}}", "design:", "power of 2"),
    ("design: {{method: sobol, n: 4}}", "design: {{method: halton, n: 4}}", "design:", "unknown design method"),
    ("design: {{method: sobol, n: 4}}", "design: {{method: morris}}", "design:", "needs `trajectories`"),
    ("design: {{method: sobol, n: 4}}", "design: {{method: morris, trajectories: 4, levels: 3}}", "design:", "must be even"),
    ("design: {{method: sobol, n: 4}}", "design: {{method: lhs, n: 8, levels: 4}}", "design:", "takes no `levels`"),
    ("design: {{method: sobol, n: 4}}", "design: {{method: grid, levels: 2000}}", "design:", "points (at most"),
    ('  - "P_member(UZB, EAEU, 2028)"', '  - "P_member(UZB, NATO, 2028)"', 'NATO', "unknown organization 'NATO'"),
    ('  - "n_members(CSTO, 2028)"', '  - "n_members(CSTO, 2031)"', '2031', "outside the sweep's years"),
    ('  - "n_members(CSTO, 2028)"', '  - "wealth(KAZ, 2028)"', 'wealth', "unknown outcome 'wealth'"),
    ('  - "n_members(CSTO, 2028)"', '  - "balance(KAZ)"', 'balance(KAZ)', "takes 2 arguments"),
    ("base: {base}", "base: nowhere.yaml", "base:", "not found"),
    ("start: 2026", "start: 2031", "end: 2028", "`end` (2028) is before `start` (2031)"),
]


@pytest.mark.parametrize("old,new,at,what", ERRORS, ids=[e[3][:30] for e in ERRORS])
def test_each_error_names_its_line(tiny_spec_file, load, old, new, at, what):
    """`at`: text on the line the error must name (its first occurrence in the edited spec)."""
    assert old in TINY
    path = tiny_spec_file(TINY.replace(old, new, 1))
    line = next(i for i, s in enumerate(path.read_text().splitlines(), 1) if at in s)
    with pytest.raises(CaseError) as info:
        load(path)
    shown = [str(p) for p in info.value.problems]
    assert any(f"{path}:{line}: " in s and what in s and " — " in s for s in shown), shown


def test_missing_sections_and_syntax(tiny_spec_file, load):
    path = tiny_spec_file("name: x\n")
    with pytest.raises(CaseError) as info:
        load(path)
    text = "\n".join(map(str, info.value.problems))
    assert "`factors` must be a non-empty list" in text and "`outcomes` must be a non-empty list" in text
    assert "`design` must be a mapping" in text
    with pytest.raises(CaseError, match="YAML syntax error"):
        load(tiny_spec_file("name: x\nfactors: [\n"))


def test_base_scenario_errors_are_reported_in_its_file(tiny_spec_file, load, tmp_path):
    bad = tmp_path / "bad-base.yaml"
    bad.write_text("name: b\nruns: zero\n")
    with pytest.raises(CaseError) as info:
        load(tiny_spec_file(TINY.replace("base: {base}", f"base: {bad}")))
    assert any(str(p).startswith(f"{bad}:2: `runs`") for p in info.value.problems)


def test_every_shipped_spec_parses(load):
    from pathlib import Path

    from multivector.sweep.design import n_points

    specs = sorted((Path(__file__).parents[2] / "sweeps").glob("*.yaml"))
    assert {p.stem for p in specs} >= {"smoke", "central-asia-2035"}
    for p in specs:
        spec = load(p)
        assert n_points(spec) > 0 and spec.outcomes
    assert n_points(load(specs[0].with_name("central-asia-2035.yaml"))) == 1024


def test_the_start_is_resolved_from_the_record(tiny_spec_file, load, tmp_path):
    from multivector.kb import CaseError

    from .conftest import TINY

    no_start = TINY.replace("start: 2026\n", "")
    spec = load(tiny_spec_file(no_start))
    assert spec.start == 2026 and not spec.resolved.counterfactual
    past = no_start.replace("    from: 2027\n", "    from: 2020\n").replace("2026, 2028)", "2020, 2028)")
    spec = load(tiny_spec_file(past))
    assert spec.start == 2020 and spec.resolved.counterfactual      # a factor inside the record: from 2020
    early = no_start.replace('"n_members(CSTO, 2028)"', '"n_members(CSTO, 2024)"')
    with pytest.raises(CaseError) as info:
        load(tiny_spec_file(early))
    p = info.value.problems[0]
    assert "before the sweep's start 2026" in p.message and p.line == early.splitlines().index(
        '  - "n_members(CSTO, 2024)"') + 1
