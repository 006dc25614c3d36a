"""The context-tree model: the chain of decisions, a learned dependence, and house on fair rounds."""

from __future__ import annotations

import numpy as np

from aviator.core.curve import THRESHOLDS, house_survival
from aviator.fairness.planted import fair_rounds
from aviator.models.context import MEMORY, ContextTreeModel, bin_of, context_path, house_decisions


def test_bins_and_the_house_chain_give_the_house_survival() -> None:
    assert [bin_of(m) for m in (1.0, 1.49, 1.5, 2.0, 9.99, 10.0, 500.0)] == [0, 0, 1, 2, 4, 5, 5]
    q = house_decisions(0.97)
    reach = np.cumprod(q)
    np.testing.assert_allclose(reach, house_survival(0.97, np.asarray(THRESHOLDS)))
    assert context_path([3, 1]) == [0, 2, 2 * 6 + 1 + 3]  # most recent bin first


def test_it_learns_that_a_round_repeats_the_bin_before() -> None:
    model = ContextTreeModel()
    rng = np.random.default_rng(3)
    values = np.repeat(rng.choice([1.2, 2.5], size=1_500), 2)  # every bin is followed once by itself
    for m in values:
        model.learn_one(float(m))
    after_high = model.threshold_probs([bin_of(float(m)) for m in values[-MEMORY - 1 : -1]] + [bin_of(2.5)])
    assert model.predict(values[-MEMORY:])[0][0] == 1.0
    assert after_high[1] > 0.55  # P(M >= 2) after a 2.5, up from the house's 0.485
    details = model.predict(values[-MEMORY:])[1]
    assert details["house_weight"]["2"] < 0.01


def test_on_fair_rounds_it_stays_the_house_curve() -> None:
    model = ContextTreeModel()
    series = fair_rounds(4_000, seed=9)
    for m in series:
        model.learn_one(float(m))
    curve, details = model.predict(series[-MEMORY:])
    assert min(details["house_weight"].values()) > 0.8
    np.testing.assert_allclose(curve, house_survival(0.97), atol=0.01)
    assert model.trained


def test_warm_up_is_the_house_curve() -> None:
    model = ContextTreeModel()
    curve, details = model.predict(np.full(MEMORY - 1, 2.0))
    assert "warming up" in details["status"]
    np.testing.assert_allclose(curve, house_survival(0.97))
    assert not model.trained
