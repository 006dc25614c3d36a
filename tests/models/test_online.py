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
    for _ in range(400):
        model.learn_one(1.2)  # never reaches 1.5
    curve, details = model.predict(np.full(20, 1.2))
    assert details["p_thresholds"]["1.5"] < 0.3
    assert model.rounds_seen == 400


def test_features_of_recent_rounds() -> None:
    f = online_features([3.0, 1.1, 1.2])
    assert f["since_ge2"] == 2 and f["last"] == pytest.approx(np.log(1.2))
    assert f["frac_ge2"] == pytest.approx(1 / 3)
