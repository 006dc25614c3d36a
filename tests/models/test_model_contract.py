"""One contract every registered model keeps: valid curves, no look-ahead, fast paths equal to the loop."""

from __future__ import annotations

import json

import numpy as np
import pytest

from aviator.core.curve import GRID, FloatArray, quantile_multiplier, survival_at
from aviator.core.forecast import Forecast
from aviator.models import registry
from aviator.models.base import HISTORY_WINDOW, BatchModel, Model

RTP = 0.97
TRAIN_ROUNDS = 300
MODELS = registry.known_models()


def simulate(n: int, seed: int) -> FloatArray:
    """I.i.d. rounds from the house distribution P(M >= m) = c/m on the 0.01 grid."""
    u = np.random.default_rng(seed).random(n)
    return np.asarray(np.maximum(1.0, np.floor(100 * RTP / (1 - u)) / 100), dtype=np.float64)


def ready(name: str, series: FloatArray, n: int) -> Model:
    """A model that has learned ``series[:n]`` (and, for batch models, was trained on it)."""
    model = registry.create_model(name)
    if isinstance(model, BatchModel):
        model.install(type(model).train(series[:n], model.params), n)
    for m in series[:n]:
        model.learn_one(float(m))
    return model


def history_before(series: FloatArray, n: int) -> FloatArray:
    return series[max(0, n - HISTORY_WINDOW) : n]


@pytest.fixture(scope="module")
def series() -> FloatArray:
    return simulate(900, seed=7)


@pytest.mark.parametrize("name", MODELS)
def test_untrained_model_answers_with_the_house_curve(name: str) -> None:
    model = registry.create_model(name)
    curve, details = model.predict(np.array([], dtype=np.float64))
    house = registry.create_model("house").predict(np.array([], dtype=np.float64))[0]
    np.testing.assert_allclose(curve, house)
    assert json.dumps(details)


@pytest.mark.parametrize("name", MODELS)
def test_curve_is_valid_and_forecast_agrees(name: str, series: FloatArray) -> None:
    model = ready(name, series, TRAIN_ROUNDS)
    for n in (TRAIN_ROUNDS, TRAIN_ROUNDS + 1, TRAIN_ROUNDS + 57):
        curve, details = model.predict(history_before(series, n))
        assert curve.shape == (len(GRID),)
        assert curve[0] == 1.0
        assert np.all((curve >= 0) & (curve <= 1))
        assert np.all(np.diff(curve) <= 1e-12)
        forecast = Forecast.from_curve(name, n, curve, target=2.0, details=details)
        assert forecast.median == quantile_multiplier(forecast.curve(), 0.5)
        assert forecast.p_target == pytest.approx(survival_at(curve, 2.0), abs=1e-9)
        again = Forecast.model_validate_json(forecast.model_dump_json())
        assert again.survival == forecast.survival
        model.learn_one(float(series[n]))


@pytest.mark.parametrize("name", MODELS)
def test_predict_range_equals_the_predict_loop(name: str, series: FloatArray) -> None:
    fast, slow = ready(name, series, TRAIN_ROUNDS), ready(name, series, TRAIN_ROUNDS)
    rows = fast.predict_range(series, TRAIN_ROUNDS, len(series))
    loop = Model.predict_range(slow, series, TRAIN_ROUNDS, len(series))
    np.testing.assert_allclose(rows, loop, rtol=1e-9, atol=1e-12)
    assert fast.rounds_seen == slow.rounds_seen == len(series)


@pytest.mark.parametrize("name", MODELS)
def test_no_look_ahead_through_predict_range(name: str, series: FloatArray) -> None:
    n = TRAIN_ROUNDS + 150
    changed = series.copy()
    changed[n:] = changed[n:][::-1] * 3.0 + 1.0
    a = ready(name, series, TRAIN_ROUNDS).predict_range(series, TRAIN_ROUNDS, len(series))
    b = ready(name, changed, TRAIN_ROUNDS).predict_range(changed, TRAIN_ROUNDS, len(series))
    upto = n - TRAIN_ROUNDS + 1  # rounds before n, and round n itself
    np.testing.assert_array_equal(a[:upto], b[:upto])
    assert not np.array_equal(series[n:], changed[n:])


@pytest.mark.parametrize("name", MODELS)
def test_no_look_ahead_through_predict(name: str, series: FloatArray) -> None:
    """The forecast for round n, after learning rounds < n, ignores what rounds n, n+1, ... are."""
    n = TRAIN_ROUNDS + 40
    changed = series.copy()
    changed[n:] = 50.0
    model_a, model_b = ready(name, series, TRAIN_ROUNDS), ready(name, changed, TRAIN_ROUNDS)
    for i in range(TRAIN_ROUNDS, n):
        model_a.learn_one(float(series[i]))
        model_b.learn_one(float(changed[i]))
    curve_a, _ = model_a.predict(history_before(series, n))
    curve_b, _ = model_b.predict(history_before(changed, n))
    np.testing.assert_array_equal(curve_a, curve_b)


@pytest.mark.parametrize("name", [n for n in MODELS if registry.MODEL_CLASSES[n].batch])
def test_batch_training_ignores_rounds_after_the_cut(name: str, series: FloatArray) -> None:
    n = TRAIN_ROUNDS
    changed = series.copy()
    changed[n:] = 2.0
    a, b = ready(name, series, n), ready(name, changed, n)
    np.testing.assert_array_equal(a.predict(series[:n])[0], b.predict(changed[:n])[0])
    # and training is deterministic, so the equality above is not luck
    c = ready(name, series, n)
    np.testing.assert_array_equal(a.predict(series[:n])[0], c.predict(series[:n])[0])
