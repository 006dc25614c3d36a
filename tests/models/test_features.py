"""The feature set: one implementation per round and over a series, with no look-ahead."""

from __future__ import annotations

import numpy as np

from aviator.core.curve import FloatArray
from aviator.models.features import FEATURE_NAMES, LOOKBACK, feature_matrix, features_at


def simulate(n: int, seed: int) -> FloatArray:
    u = np.random.default_rng(seed).random(n)
    return np.asarray(np.maximum(1.0, np.floor(97 / (1 - u)) / 100), dtype=np.float64)


def test_per_round_and_vectorized_features_agree() -> None:
    series = simulate(700, seed=1)
    matrix = feature_matrix(series)
    assert matrix.shape == (700, len(FEATURE_NAMES)) == (700, 25)
    for i in (0, 1, 2, 6, 19, 20, 21, LOOKBACK - 1, LOOKBACK, LOOKBACK + 1, 511, 512, 699):
        np.testing.assert_allclose(
            features_at(series[max(0, i - 512) : i]), matrix[i], rtol=1e-12, atol=1e-12
        )


def test_a_row_uses_only_the_rounds_before_it() -> None:
    series = simulate(300, seed=2)
    changed = series.copy()
    changed[150:] = 123.45
    np.testing.assert_array_equal(feature_matrix(series)[:151], feature_matrix(changed)[:151])
    assert not np.array_equal(feature_matrix(series)[151], feature_matrix(changed)[151])


def test_feature_values_on_a_hand_checked_history() -> None:
    history = np.array([1.0, 3.0, 1.5, 12.0, 2.5, 1.2, 1.1], dtype=np.float64)
    f = dict(zip(FEATURE_NAMES, features_at(history), strict=True))
    logs = np.log(history)
    assert f["lag1"] == np.log(1.1) and f["lag2"] == np.log(1.2)
    np.testing.assert_allclose(f["mean5"], logs[-5:].mean())
    np.testing.assert_allclose(f["std10"], logs.std())
    np.testing.assert_allclose(f["slope10"], np.polyfit(np.arange(7), logs, 1)[0])
    np.testing.assert_allclose(f["p25_20"], np.percentile(logs, 25))
    np.testing.assert_allclose(f["roc5"], logs[-1] - logs[-6])
    np.testing.assert_allclose(f["max10"], np.log(12.0))
    assert f["streak2"] == -2  # 1.2 and 1.1 are below 2x, 2.5 before them is not
    assert f["since_ge2"] == 2 and f["since_ge5"] == 3 and f["since_ge10"] == 3
    np.testing.assert_allclose(f["frac_ge2_20"], 3 / 7)


def test_empty_history_gives_neutral_features() -> None:
    f = features_at(np.array([], dtype=np.float64))
    assert np.all(np.isfinite(f))
    assert f[FEATURE_NAMES.index("since_ge2")] == LOOKBACK
