"""The published figures of Bueno de Mesquita's EU car-emissions example (Scholz et al. 2011, Table 1)."""

from __future__ import annotations

import numpy as np
import pytest

from multivector.negotiation import bdm, compromise, median


@pytest.fixture(scope="module")
def run(emissions):
    return bdm.predict(emissions)


def test_round_zero(emissions, run):
    # Σ c·s·x / Σ c·s = 500.3 / 67.7
    assert compromise.predict(emissions).value == pytest.approx(500.3 / 67.7)
    assert run.details["mean_by_round"][0, 0] == pytest.approx(7.39, abs=0.005)
    assert median.predict(emissions).value == 7.0
    assert run.details["median_by_round"][0, 0] == 7.0


def test_ten_rounds_oscillate_near_published_mean(run):
    means = run.details["mean_by_round"][:, 0]
    assert run.rounds == 10 and means.shape == (11,)
    assert np.all((means[1:] >= 7.2) & (means[1:] <= 7.6))
    steps = np.diff(means)
    assert np.all(steps[:-1] * steps[1:] < 0)  # up, down, up, ...: it oscillates
    np.testing.assert_allclose(means[1::2], 7.44, atol=0.01)
    np.testing.assert_allclose(means[2::2], 7.39, atol=0.01)


def test_first_round_offers(emissions, run):
    first = run.details["runs"][0]
    names = emissions.actors
    moved = {names[i] for i in np.flatnonzero(first.offer_type[0] > 0)}
    assert moved  # some actors accept offers in round 1
    assert np.all((first.risk >= 0.5 - 1e-12) & (first.risk <= 2 + 1e-12))  # r ∈ [½, 2]
