"""The batch ensemble: held-out scores, curve assembly from threshold probabilities."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from aviator.core.curve import GRID, THRESHOLDS, curve_from_threshold_probs, house_survival, survival_at
from aviator.models.base import ModelParams
from aviator.models.ensemble import EnsembleModel, EnsembleState


def simulate(n: int, seed: int) -> np.ndarray:
    u = np.random.default_rng(seed).random(n)
    return np.maximum(1.0, np.floor(97 / (1 - u)) / 100)


def test_house_probabilities_give_back_the_house_curve() -> None:
    probs = house_survival(0.97, np.asarray(THRESHOLDS))[None, :]
    np.testing.assert_allclose(curve_from_threshold_probs(probs, 0.97)[0], house_survival(0.97))


def test_curve_is_monotone_and_passes_through_the_thresholds() -> None:
    probs = np.array([[0.7, 0.75, 0.2, 0.15, 0.01]])  # not monotone on purpose
    curve = curve_from_threshold_probs(probs, 0.97)[0]
    assert np.all(np.diff(curve) <= 0)
    assert survival_at(curve, 3.0) == pytest.approx(0.2)
    assert survival_at(curve, 10.0) == pytest.approx(0.01)
    assert curve[-1] == pytest.approx(0.01 * 10 / GRID[-1])  # house shape beyond the last threshold


def test_train_reports_held_out_scores_and_pickles() -> None:
    state = EnsembleModel.train(simulate(1000, seed=3), ModelParams())
    assert isinstance(state, EnsembleState)
    assert state.scores["samples_trained"] == 799 and state.scores["samples_tested"] == 200
    assert state.scores["mae"] > 0 and state.scores["rmse"] >= state.scores["mae"]
    assert all(p is not None for p in state.platt)
    model = EnsembleModel()
    model.install(pickle.loads(pickle.dumps(state)), 1000)
    _, details = model.predict(simulate(600, seed=4))
    assert set(details["p_thresholds"]) == {f"{t:g}" for t in THRESHOLDS}
    assert details["scores"]["samples_tested"] == 200


def test_train_refuses_too_few_rounds() -> None:
    with pytest.raises(ValueError, match="at least"):
        EnsembleModel.train(simulate(10, seed=5), ModelParams())
