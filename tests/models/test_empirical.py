"""The empirical survival curve with its pseudo-count shrinkage toward house."""

from __future__ import annotations

import numpy as np

from aviator.core.curve import GRID, house_survival
from aviator.models.empirical import PRIOR_ROUNDS, EmpiricalModel, bin_of


def test_blend_rule_per_grid_point() -> None:
    model = EmpiricalModel()
    rounds = [1.0, 1.5, 2.0, 2.0, 3.7, 10.0, 1.13]
    for m in rounds:
        model.learn_one(m)
    curve, details = model.predict(np.array(rounds))
    grid = np.asarray(GRID)
    at_or_above = np.array([sum(m >= g - 1e-9 for m in rounds) for g in grid])
    expected = (at_or_above + PRIOR_ROUNDS * house_survival(0.97)) / (len(rounds) + PRIOR_ROUNDS)
    np.testing.assert_allclose(curve, expected)
    assert details["rounds"] == 7


def test_converges_to_the_observed_frequencies() -> None:
    model = EmpiricalModel()
    for _ in range(20_000):
        model.learn_one(3.0)
    curve, _ = model.predict(np.array([]))
    assert curve[GRID.index(3.0)] > 0.99
    assert curve[GRID.index(5.0)] < 0.01


def test_learn_one_bins_like_the_vectorized_binning() -> None:
    values = np.array([1.0, 1.009, 1.01, 1.139, 1.14, 2.0, 999.99, 1000.0, 5e5])
    model = EmpiricalModel()
    for m in values:
        model.learn_one(float(m))
    np.testing.assert_array_equal(np.nonzero(model.counts)[0], np.unique(bin_of(values)))
    assert model.counts[GRID.index(1.14)] == 1 and model.counts[-1] == 2
