"""The online river learners: start at house, learn from the rounds they see."""

from __future__ import annotations

import numpy as np
import pytest

from aviator.core.curve import THRESHOLDS, house_survival
from aviator.models.online import OnlineModel, online_features


def test_starts_at_the_house_odds() -> None:
    model = OnlineModel()
    probs = model.probabilities(np.array([2.0, 1.5]))
    np.testing.assert_allclose(probs, house_survival(0.97, np.asarray(THRESHOLDS)))


def test_learns_a_shifted_distribution() -> None:
    model = OnlineModel()
    for _ in range(1000):
        model.learn_one(1.2)  # never reaches 1.5
    curve, details = model.predict(np.full(20, 1.2))
    assert details["p_thresholds"]["1.5"] < 0.35  # from the house's 0.647
    assert details["house_weight"] < 1e-6  # Bayes has dropped the house curve for these rounds
    assert model.rounds_seen == 1000


def test_on_fair_rounds_bayes_keeps_it_near_the_house_curve() -> None:
    from aviator.fairness.planted import fair_rounds

    model = OnlineModel()
    series = fair_rounds(3000, seed=4)
    for m in series:
        model.learn_one(float(m))
    curve, details = model.predict(series[-20:])
    assert details["house_weight"] > 0.5
    np.testing.assert_allclose(curve, house_survival(0.97), atol=0.02)


def test_features_of_recent_rounds() -> None:
    f = online_features([3.0, 1.1, 1.2])
    assert f["since_ge2"] == 2 and f["last"] == pytest.approx(np.log(1.2))
    assert f["frac_ge2"] == pytest.approx(1 / 3)
    assert (f["last_ge1.5"], f["last_ge2"]) == (0.0, 0.0) and online_features([2.5])["last_ge2"] == 1.0
