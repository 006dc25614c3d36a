"""The drift and cycle models: a moved return is tracked, a cycle found, the house kept when fair."""

from __future__ import annotations

import numpy as np
import pytest

from aviator.core.curve import house_survival
from aviator.fairness.planted import Plant, fair_rounds, planted_rounds
from aviator.models.cycle import CycleModel
from aviator.models.drift import DriftModel, round_likelihood, rtp_curves


def test_the_likelihood_only_tells_returns_apart_by_the_crashes_at_one() -> None:
    c = np.array([0.9, 0.97])
    np.testing.assert_allclose(round_likelihood(c, 1.0), 1 - c / 1.01)
    np.testing.assert_allclose(round_likelihood(c, 3.21), c)
    np.testing.assert_allclose(rtp_curves(np.array([0.97]))[0], house_survival(0.97))


def test_drift_follows_a_return_that_switches() -> None:
    model = DriftModel()
    low = planted_rounds(6_000, Plant(kind="shortfall", strength=0.12), seed=2)  # return 0.85
    for m in low:
        model.learn_one(float(m))
    assert model.predict(low)[1]["rtp_forecast"] == pytest.approx(0.85, abs=0.03)
    assert model.house_weight() < 0.01
    back = fair_rounds(6_000, seed=3)
    for m in back:
        model.learn_one(float(m))
    assert model.tracked_rtp() == pytest.approx(0.97, abs=0.03)


def test_drift_and_cycle_are_the_house_curve_on_fair_rounds() -> None:
    series = fair_rounds(5_000, seed=4)
    for model in (DriftModel(), CycleModel()):
        for m in series:
            model.learn_one(float(m))
        curve, details = model.predict(series)
        assert details["house_weight"] > 0.8, model.name
        np.testing.assert_allclose(curve, house_survival(0.97), atol=0.005)


def test_cycle_finds_the_period() -> None:
    model = CycleModel()
    series = planted_rounds(6_000, Plant(kind="periodic", strength=0.3, period=40), seed=5)
    for m in series:
        model.learn_one(float(m))
    details = model.predict(series)[1]
    assert details["likeliest_period"] == 40
    assert details["house_weight"] < 0.01
