"""The fitted weights as read by the report and the Model check page: medians and intervals over the stored
draws, the theory terms also per sd of their term (model.weight_summary)."""

from __future__ import annotations

import numpy as np
import pytest

from multivector.model.estimate import PRIOR_BASE
from multivector.model.parameters import SHIPPED, default_posterior
from multivector.model.posterior import Posterior
from multivector.model.terms import THEORY, WEIGHT
from multivector.model.weight_summary import weight_rows, weights_file_rows
from multivector.textfiles import read_json


def test_rows_are_the_quantiles_of_the_draws_in_the_theory_order():
    rng = np.random.default_rng(4)
    cols = {w: rng.gamma(2.0, 1.0 + k, size=400) for k, w in enumerate(reversed(list(WEIGHT.values())))}
    cols["obstruction_cost"] = rng.gamma(2.0, 0.5, size=400)
    cols["alpha:*:member>none"] = rng.normal(size=400)   # not a weight: left out
    scales = {w: 0.5 + k for k, w in enumerate(WEIGHT.values())}
    rows = weight_rows(Posterior(cols), scales, level=0.8)
    assert [r.weight for r in rows] == [WEIGHT[t] for t in THEORY] + ["obstruction_cost"]
    assert [r.label for r in rows][:2] == ["security", "economy"] and rows[-1].label == "obstruction friction"
    for r in rows:
        lo, med, hi = np.quantile(cols[r.weight], [0.1, 0.5, 0.9])
        assert (r.lo, r.median, r.hi) == pytest.approx((lo, med, hi))
        if r.weight == "obstruction_cost":
            assert r.term_sd is None and r.per_sd_median is None
        else:
            sd = PRIOR_BASE / scales[r.weight]
            assert r.term_sd == pytest.approx(sd)
            assert (r.per_sd_lo, r.per_sd_median, r.per_sd_hi) == pytest.approx((lo * sd, med * sd, hi * sd))


def test_the_shipped_weights_file():
    out = weights_file_rows()
    post = default_posterior()
    info = read_json(SHIPPED, "weights file")
    assert out["draws"] == post.size and out["level"] == 0.9 and out["seed"] == info["seed"]
    assert {r["weight"] for r in out["rows"]} == set(post.weights)
    means = post.intervals(0.9)
    for r in out["rows"]:
        assert r["lo"] == pytest.approx(means[r["weight"]][1]) and r["hi"] == pytest.approx(means[r["weight"]][2])
        assert 0 < r["lo"] < r["median"] < r["hi"]           # half-normal priors: every draw above 0
        assert (r["per_sd_median"] is None) == (r["weight"] not in info["prior_scales"])


def test_a_weights_file_without_draws_gives_none(tmp_path):
    path = tmp_path / "w.json"
    path.write_text('{"parameters": {}}')
    assert weights_file_rows(path) is None
    assert weights_file_rows(tmp_path / "missing.json") is None
