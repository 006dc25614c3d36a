"""Scores of one forecast: hand-computed house cases, and the vectorized scores give the same numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from aviator.core.curve import (
    GRID,
    THRESHOLDS,
    clean_curve,
    curve_medians,
    house_survival,
    quantile_multiplier,
    survival_at,
    survival_at_many,
)
from aviator.evaluation.scores import MEAN_KEYS, RoundScore, score_forecast, score_matrix, summarize

C = 0.97
HOUSE = house_survival(C)


def _house_score(actual: float, target: float = 2.0) -> RoundScore:
    return score_forecast(HOUSE, quantile_multiplier(HOUSE, 0.5), target, survival_at(HOUSE, target), actual)


def _house_rps(actual: float) -> float:
    total = 0.0
    for x in GRID:
        s = 1.0 if x <= 1.0 else C / x
        total += (s - (1.0 if actual >= x else 0.0)) ** 2
    return total / len(GRID)


def test_house_at_one_point_zero_zero() -> None:
    score = _house_score(1.00)
    assert score.log_score == pytest.approx(math.log(1 - C / 1.5))
    assert score.binary_log == pytest.approx(tuple(math.log(1 - C / t) for t in THRESHOLDS))
    assert score.brier == pytest.approx(tuple((C / t) ** 2 for t in THRESHOLDS))
    assert score.probs == pytest.approx(tuple(C / t for t in THRESHOLDS))
    assert score.rps == pytest.approx(_house_rps(1.00))
    assert score.median == pytest.approx(1.94, abs=0.011)
    assert score.abs_error == pytest.approx(score.median - 1.0)
    assert score.sq_error == pytest.approx((score.median - 1.0) ** 2)
    assert score.abs_log_error == pytest.approx(math.log(score.median))
    assert score.hit is False
    assert score.confidence == pytest.approx(C / 2)


def test_house_at_two_point_five() -> None:
    score = _house_score(2.5)
    assert score.log_score == pytest.approx(math.log(C / 2 - C / 3))
    reached = [2.5 >= t for t in THRESHOLDS]
    assert score.binary_log == pytest.approx(
        tuple(math.log(C / t) if r else math.log(1 - C / t) for t, r in zip(THRESHOLDS, reached, strict=True))
    )
    assert score.brier == pytest.approx(
        tuple((C / t - r) ** 2 for t, r in zip(THRESHOLDS, reached, strict=True))
    )
    assert score.rps == pytest.approx(_house_rps(2.5))
    assert score.sq_log_error == pytest.approx((math.log(score.median) - math.log(2.5)) ** 2)
    assert score.hit is True


def test_house_at_fifteen() -> None:
    score = _house_score(15.0, target=20.0)
    assert score.log_score == pytest.approx(math.log(C / 10))
    assert score.binary_log == pytest.approx(tuple(math.log(C / t) for t in THRESHOLDS))
    assert score.brier == pytest.approx(tuple((1 - C / t) ** 2 for t in THRESHOLDS))
    assert score.rps == pytest.approx(_house_rps(15.0))
    assert score.abs_error == pytest.approx(15.0 - score.median)
    assert score.hit is False
    assert score.confidence == pytest.approx(C / 20)


def test_a_forecast_that_ruled_out_the_outcome_scores_finite() -> None:
    curve = clean_curve(np.where(np.asarray(GRID) < 2.0, 1.0, 0.0))
    score = score_forecast(curve, 1.99, 2.0, 0.0, 1.2)
    assert math.isfinite(score.log_score)
    assert score.log_score < -20


def _random_curves(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rows = [clean_curve(np.sort(rng.uniform(0, 1, len(GRID)))[::-1] ** rng.uniform(0.3, 3)) for _ in range(n)]
    rows.append(HOUSE)
    rows.append(clean_curve(np.full(len(GRID), 0.9)))  # median beyond the grid
    rows.append(clean_curve(np.full(len(GRID), 0.2)))  # median 1.00
    return np.asarray(rows)


def test_vectorized_helpers_match_the_curve_functions() -> None:
    curves = _random_curves(40, seed=1)
    medians = curve_medians(curves)
    assert medians.tolist() == [quantile_multiplier(row, 0.5) for row in curves]
    for x in (1.0, 1.005, 1.01, 1.1, 1.5, 2.0, 2.37, 7.0, 999.0, 1000.0, 2500.0):
        expected = [survival_at(row, x) for row in curves]
        assert survival_at_many(curves, x) == pytest.approx(expected, rel=1e-12, abs=0)


def test_score_matrix_gives_the_numbers_of_score_forecast() -> None:
    curves = _random_curves(40, seed=2)
    rng = np.random.default_rng(3)
    actuals = np.maximum(1.0, np.floor(100 * C / (1 - rng.uniform(size=len(curves)))) / 100)
    actuals[:4] = [1.0, 1.5, 2.0, 10.0]  # on the bin edges
    medians = curve_medians(curves)
    matrix = score_matrix(curves, medians, actuals, 2.5)
    for i, curve in enumerate(curves):
        one = score_forecast(curve, medians[i], 2.5, survival_at(curve, 2.5), actuals[i]).as_dict()
        assert set(one) == set(matrix)
        for key, value in one.items():
            assert matrix[key][i] == pytest.approx(value, rel=1e-12, abs=1e-15), key


def test_summarize_names_means_and_roots() -> None:
    sums = dict.fromkeys(MEAN_KEYS, 0.0)
    sums.update(log_score=-3.0, sq_error=8.0, hit=1.0, abs_error=4.0)
    out = summarize(sums, 2)
    assert out["log_score"] == -1.5
    assert out["rmse"] == 2.0
    assert out["mae"] == 2.0
    assert out["hit_rate"] == 0.5
    assert all(value is None for value in summarize(sums, 0).values())
