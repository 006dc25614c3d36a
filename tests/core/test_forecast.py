"""Forecasts built one by one and as one matrix give the same figures."""

from __future__ import annotations

import numpy as np
import pytest

from aviator.core.curve import GRID_ARRAY, house_survival
from aviator.core.forecast import Forecast
from aviator.evaluation.scores import score_forecast, score_forecasts


def _curves() -> list[np.ndarray]:
    rng = np.random.default_rng(4)
    bent = house_survival(0.97) * np.exp(-0.01 * np.log(GRID_ARRAY))
    noisy = house_survival(0.9) + rng.normal(0, 0.02, len(GRID_ARRAY))  # needs cleaning
    return [house_survival(0.97), bent, noisy, np.full(len(GRID_ARRAY), 0.999)]


@pytest.mark.parametrize("target", [1.01, 2.0, 3.33, 5000.0])
def test_forecasts_as_one_matrix_equal_forecasts_one_by_one(target: float) -> None:
    made = [(f"m{i}", curve, {"status": "warming", "k": i}, i % 2 == 0) for i, curve in enumerate(_curves())]
    together = Forecast.from_curves(7, target, made)
    for forecast, (name, curve, details, trained) in zip(together, made, strict=True):
        alone = Forecast.from_curve(name, 7, curve, target, details, trained=trained)
        assert forecast.survival == pytest.approx(alone.survival)
        for figure in ("median", "p_target", "expected_return"):
            assert getattr(forecast, figure) == pytest.approx(getattr(alone, figure)), figure
        assert (forecast.model, forecast.seq, forecast.target, forecast.trained) == (name, 7, target, trained)
        assert forecast.status == "warming" and forecast.details == {"k": details["k"]}


@pytest.mark.parametrize("actual", [1.0, 1.99, 2.0, 7.5, 1e6])
def test_scores_as_one_matrix_equal_scores_one_by_one(actual: float) -> None:
    forecasts = Forecast.from_curves(1, 2.0, [(f"m{i}", c, {}, True) for i, c in enumerate(_curves())])
    together = score_forecasts(
        np.array([f.survival for f in forecasts]),
        np.array([f.median for f in forecasts]),
        2.0,
        np.array([f.p_target for f in forecasts]),
        actual,
    )
    for forecast, score in zip(forecasts, together, strict=True):
        alone = score_forecast(forecast.curve(), forecast.median, 2.0, forecast.p_target, actual)
        assert score.as_dict() == pytest.approx(alone.as_dict())
        assert score.hit == alone.hit


def test_no_curves_make_no_forecasts() -> None:
    assert Forecast.from_curves(0, 2.0, []) == []
