"""The multi-factor heuristic: each factor computed in time order, the documented curve rule."""

from __future__ import annotations

import numpy as np
import pytest

from aviator.core.curve import quantile_multiplier
from aviator.models.base import ModelParams
from aviator.models.heuristic import FACTORS, HeuristicModel, factor_predictions


def test_trend_factor_extrapolates_a_rising_series_forward_in_time() -> None:
    x = np.log(np.linspace(1.5, 6.0, 20))[None, :]
    factors = dict(zip(FACTORS, factor_predictions(x)[0], strict=True))
    t = np.arange(20)
    slope, intercept = np.polyfit(t, x[0], 1)
    np.testing.assert_allclose(factors["trend"], intercept + slope * 20)
    assert factors["trend"] > x[0, -1] - 0.05  # oldest first: rising means the forecast is high
    assert factors["mean_reversion"] < x[0].mean()  # recent rounds were high: expects a fall
    np.testing.assert_allclose(factors["volatility"], x[0].mean() + x[0].var() / 2)


def test_cycle_factor_finds_a_period_two_pattern() -> None:
    x = np.log(np.tile([1.2, 5.0], 10))[None, :]  # next one would be 1.2
    cycle = factor_predictions(x)[0, FACTORS.index("cycle")]
    mu = x.mean()
    # lag 2 wins with the sample autocorrelation (W - 2) / W = 0.9; one cycle ago was 1.2
    assert cycle == pytest.approx(mu + 0.9 * (np.log(1.2) - mu))
    assert np.exp(cycle) < 1.4


def test_constant_history_gives_that_value_everywhere() -> None:
    model = HeuristicModel()
    curve, details = model.predict(np.full(30, 2.5))
    assert details["point"] == pytest.approx(2.5)
    assert all(v == pytest.approx(2.5) for v in details["factors"].values())
    assert quantile_multiplier(curve, 0.5) == pytest.approx(2.5, abs=0.011)


def test_weights_select_a_factor_and_median_equals_point() -> None:
    history = np.array([1.1, 2.0, 1.3, 8.0, 1.0, 3.2, 1.7, 1.05, 2.2, 4.4] * 2)
    only_trend = HeuristicModel(weights=(1.0, 0, 0, 0, 0, 0))
    curve, details = only_trend.predict(history)
    assert details["point"] == pytest.approx(max(1.0, details["factors"]["trend"]))
    assert quantile_multiplier(curve, 0.5) == pytest.approx(details["point"], abs=0.011)
    assert curve[1] <= 0.97 / 1.01 + 1e-12


def test_warm_up_and_bad_weights() -> None:
    model = HeuristicModel(ModelParams(window=20))
    for _ in range(19):
        model.learn_one(2.0)
    curve, details = model.predict(np.full(19, 2.0))
    assert "warming up" in details["status"]
    assert not model.trained  # it answers with house until it has a whole window
    model.learn_one(2.0)
    assert model.trained and "status" not in model.predict(np.full(20, 2.0))[1]
    model.configure(ModelParams(window=40))
    assert not model.trained and model.rounds_needed == 40
    with pytest.raises(ValueError, match="heuristic weights must be 6"):
        HeuristicModel(weights=(1.0, 2.0))
