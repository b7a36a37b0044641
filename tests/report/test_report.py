"""The HTML report: one self-contained file with every chart, no CDN."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from multivector import CaseBase
from multivector.report import CHART_IDS, build_report

HAND_CASE = Path(__file__).parents[1] / "measures" / "fixtures" / "hand_case"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    path = build_report(CaseBase.load(HAND_CASE), out, progress=False)
    return path, path.read_text(encoding="utf-8")


def test_one_page_and_one_shared_library(page):
    path, html = page
    assert path.name == "index.html"
    assert sorted(p.name for p in path.parent.iterdir()) == ["index.html", "plotly.min.js"]   # no temp file left
    assert "cdn.plot.ly" not in html and "plotly.js v" not in html        # the library is not inlined
    assert re.findall(r'<script[^>]*src="([^"]+)"', html) == ["plotly.min.js"]   # loaded from the same folder
    assert re.search(r"plotly\.js v\d", (path.parent / "plotly.min.js").read_text())
    assert path.stat().st_size < 2_000_000


def test_every_chart_is_there(page):
    _, html = page
    for section in CHART_IDS:
        assert f'id="{section}"' in html, section
    for state in ("KAZ", "KGZ", "TJK", "TKM", "UZB"):
        assert f'id="gantt-{state}"' in html
    for div in ("network-chart", "balance-chart", "ties-chart", "dependence-chart", "weights-chart"):
        assert f'id="{div}"' in html
    assert '"sliders"' in html                                             # the year selector
    assert "filterEvidence" in html and "ev-filter" in html


def test_summary_and_evidence_come_from_the_numbers(page):
    _, html = page
    assert "the most evenly balanced is Tajikistan (100 of 100)" in html
    assert "least balanced are Kyrgyzstan, Turkmenistan and Uzbekistan (tied at 75" in html
    # Kazakhstan, tied to Russia alone, has no index (measures.balance_from_onset), not a balance of 0
    assert "Kazakhstan: no balance index up to 2010, since it never had ties to two of the poles" in html
    assert "up 8 points from 67 in 2000, the first year it had ties to two poles" in html
    assert "UZB/RLED/observer/2000-01" in html and "article:CSTO:fn27" in html
    assert "ind_kgz_trade_rus_2004" in html


def test_evaluation_section_says_how_to_fill_it_when_none_is_stored(page):
    _, html = page
    assert 'id="evaluation"' in html and "multivector evaluate" in html
    assert 'id="evaluation-reliability"' not in html


def test_evaluation_section_shows_a_stored_evaluation(tmp_path):
    from multivector.evaluate import evaluate
    from multivector.model.inputs import load_inputs

    ev = evaluate(inputs=load_inputs(), forecasters=["persistence", "base_rate"], origins=[2012], runs=10)
    path = build_report(CaseBase.load(HAND_CASE), tmp_path, progress=False, evaluation=ev.to_dict())
    html = path.read_text(encoding="utf-8")
    assert 'id="evaluation-reliability"' in html and 'id="evaluation-scores"' in html
    assert "CORP; MCB" in html and "<td>base_rate</td>" in html


def test_a_compared_scenario_gets_its_section(tmp_path):
    """`simulate --compare --out DIR` then `report --scenario DIR`: the difference panels and P(member) with the
    record for every state, from the stored tables; a folder without a comparison is refused."""
    from typer.testing import CliRunner

    from multivector.cli import app

    case = Path(__file__).parents[1] / "fixtures" / "model_case"
    spec = tmp_path / "s.yaml"
    spec.write_text("name: rep\nruns: 30\nseed: 1\nend: 2030\n"
                    "drivers:\n  - {actor: RUS, driver: revisionism, from: 2027, set: 1.0}\n")
    run = CliRunner().invoke(app, ["simulate", str(spec), "--compare", "--out", str(tmp_path / "sc"), "--case",
                                   str(case)])
    assert run.exit_code == 0, run.output
    r = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "rep"), "--scenario", str(tmp_path / "sc"),
                                 "--case", str(case)])
    assert r.exit_code == 0, r.output
    html = (tmp_path / "rep" / "index.html").read_text(encoding="utf-8")
    for st in ("KAZ", "UZB"):
        assert f'id="scenario-difference-{st}"' in html and f'id="scenario-members-{st}"' in html
    assert 'href="#scenario"' in html and "the record" in html and "first change 2027" in html
    plain = tmp_path / "plain"
    assert CliRunner().invoke(app, ["simulate", str(spec), "--out", str(plain), "--case", str(case)]).exit_code == 0
    bad = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "rep2"), "--scenario", str(plain),
                                   "--case", str(case)])
    assert bad.exit_code == 1 and "--compare" in bad.output


def test_weights_section_reads_the_weights_file_given(tmp_path):
    """`report --weights FILE`: the section shows that file's draws (median and interval of each weight); the
    shipped file by default; a missing file is refused with what to give."""
    import json

    import numpy as np
    from typer.testing import CliRunner

    from multivector.cli import app
    from multivector.model.posterior import Posterior

    rng = np.random.default_rng(0)
    Posterior({"security_weight": rng.normal(3.0, 0.1, 200), "obstruction_cost": np.full(200, 0.25),
               "chain": np.zeros(200), "draw": np.arange(200)}).to_parquet(tmp_path / "w.draws.parquet")
    (tmp_path / "w.json").write_text(json.dumps({"parameters": {}, "draws": "w.draws.parquet", "seed": 17,
                                                 "train_until": 2004, "prior_scales": {"security_weight": 1.25}}))
    r = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "rep"), "--case", str(HAND_CASE),
                                 "--weights", str(tmp_path / "w.json")])
    assert r.exit_code == 0, r.output
    html = (tmp_path / "rep" / "index.html").read_text(encoding="utf-8")
    assert 'id="weights-chart"' in html and "w.json: NUTS, seed 17, trained on the years up to 2004" in html
    assert "<td>obstruction friction</td>" in html and "<td>0.25</td>" in html and "over the 200 stored" in html
    assert "<td>security</td>" in html and "<td>regime</td>" not in html
    bad = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "rep2"), "--case", str(HAND_CASE),
                                   "--weights", str(tmp_path / "none.json")])
    assert bad.exit_code == 1 and "no such file" in bad.output
