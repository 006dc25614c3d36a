"""The live tracker: streaks, running means equal batch means, skill, state round-trip."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from aviator.core.curve import GRID, clean_curve, house_survival, quantile_multiplier, survival_at
from aviator.evaluation.confseq import half_width
from aviator.evaluation.scores import RoundScore, score_forecast, score_matrix
from aviator.evaluation.skill import BASELINE_VERDICT
from aviator.evaluation.tracker import Tracker

C = 0.97
HOUSE = house_survival(C)
LOW = clean_curve(np.minimum(1.0, 0.6 / np.asarray(GRID)))  # a pessimistic curve


def _score(curve: np.ndarray, actual: float, target: float = 2.0) -> RoundScore:
    return score_forecast(curve, quantile_multiplier(curve, 0.5), target, survival_at(curve, target), actual)


def _rounds(n: int, seed: int = 0) -> np.ndarray:
    u = np.random.default_rng(seed).uniform(size=n)
    return np.maximum(1.0, np.floor(100 * C / (1 - u)) / 100)


def test_streaks_count_consecutive_hits() -> None:
    tracker = Tracker()
    for actual in (2.5, 3.0, 1.2, 2.0, 5.0, 9.0, 1.0, 4.0):
        tracker.record("house", _score(HOUSE, actual), _score(HOUSE, actual).log_score)
    streak = tracker.summary("house")["streak"]
    assert streak == {"current": 1, "best": 3}


def test_running_means_equal_batch_means_and_skill() -> None:
    actuals = _rounds(400)
    tracker = Tracker()
    for actual in actuals:
        tracker.record("low", _score(LOW, actual), _score(HOUSE, actual).log_score)
    curves = np.repeat(LOW[None, :], len(actuals), axis=0)
    batch = score_matrix(curves, np.full(len(actuals), quantile_multiplier(LOW, 0.5)), actuals, 2.0)
    house = score_matrix(
        np.repeat(HOUSE[None, :], len(actuals), axis=0),
        np.full(len(actuals), quantile_multiplier(HOUSE, 0.5)),
        actuals,
        2.0,
    )
    summary = tracker.summary("low")
    scores = summary["scores"]
    assert summary["rounds"] == 400
    assert scores["log_score"] == pytest.approx(batch["log_score"].mean())
    assert scores["brier@2"] == pytest.approx(batch["brier@2"].mean())
    assert scores["rps"] == pytest.approx(batch["rps"].mean())
    assert scores["mae"] == pytest.approx(batch["abs_error"].mean())
    assert scores["rmse"] == pytest.approx(math.sqrt(batch["sq_error"].mean()))
    assert scores["rmse_log"] == pytest.approx(math.sqrt(batch["sq_log_error"].mean()))
    assert scores["hit_rate"] == pytest.approx(batch["hit"].mean())
    assert scores["confidence"] == pytest.approx(survival_at(LOW, 2.0))
    d = batch["log_score"] - house["log_score"]
    skill = summary["skill"]
    half = half_width(len(d), d.std(ddof=1), 0.05)  # one model against house: all of alpha
    assert skill["mean"] == pytest.approx(d.mean())
    assert skill["low"] == pytest.approx(d.mean() - half)
    assert skill["high"] == pytest.approx(d.mean() + half)
    assert skill["verdict"] == "worse than the house odds"
    assert "anytime-valid confidence sequence" in skill["method"]
    cal = [row for row in summary["calibration"] if row["threshold"] == 2.0 and row["count"]]
    assert len(cal) == 1 and cal[0]["count"] == 400
    assert cal[0]["observed"] == pytest.approx((actuals >= 2.0).mean())


def test_nothing_measured_is_none_not_a_number() -> None:
    tracker = Tracker()
    summary = tracker.summary("empirical")
    assert summary["rounds"] == 0
    assert all(value is None for value in summary["scores"].values())
    assert summary["skill"]["mean"] is None
    tracker.record("empirical", _score(HOUSE, 1.5), -1.0)
    early = tracker.summary("empirical")["skill"]
    assert early["low"] is None and early["verdict"] == "not enough rounds scored yet (1 of 30)"


def test_house_is_the_baseline() -> None:
    tracker = Tracker()
    for actual in _rounds(50):
        score = _score(HOUSE, actual)
        tracker.record("house", score, score.log_score)
    skill = tracker.summary("house")["skill"]
    assert (skill["mean"], skill["low"], skill["high"], skill["verdict"]) == (0.0, 0.0, 0.0, BASELINE_VERDICT)


def test_state_round_trips_through_json_and_continues() -> None:
    actuals = _rounds(120, seed=4)
    whole, first = Tracker(), Tracker()
    for i, actual in enumerate(actuals):
        for tracker in (whole, first) if i < 60 else (whole,):
            tracker.record("low", _score(LOW, actual), _score(HOUSE, actual).log_score)
            tracker.record("house", _score(HOUSE, actual), _score(HOUSE, actual).log_score)
    restored = Tracker.from_state(json.loads(json.dumps(first.to_state())))
    assert restored.summaries() == first.summaries()
    for actual in actuals[60:]:
        restored.record("low", _score(LOW, actual), _score(HOUSE, actual).log_score)
        restored.record("house", _score(HOUSE, actual), _score(HOUSE, actual).log_score)
    assert json.dumps(restored.summaries()) == json.dumps(whole.summaries())
    restored.reset()
    assert restored.summaries() == {}
    assert Tracker.from_state({}).summaries() == {}
    assert Tracker.from_state({"version": 99, "models": {"x": {}}}).summaries() == {}


def test_the_error_rate_is_split_over_the_models_scored_against_house() -> None:
    actuals = _rounds(300, seed=2)
    alone, together = Tracker(), Tracker()
    for actual in actuals:
        house, low = _score(HOUSE, actual), _score(LOW, actual)
        for tracker in (alone, together):
            tracker.record("house", house, house.log_score)
            tracker.record("low", low, house.log_score)
        for name in ("a", "b", "c"):
            together.record(name, low, house.log_score)
    assert alone.tests == 1 and together.tests == 4
    one, four = alone.summary("low")["skill"], together.summary("low")["skill"]
    assert one["mean"] == four["mean"]
    d_sd = (one["high"] - one["mean"]) / half_width(300, 1.0, 0.05)
    assert four["high"] - four["mean"] == pytest.approx(half_width(300, d_sd, 0.05 / 4))
    assert four["high"] - four["mean"] > one["high"] - one["mean"]
    assert "split over 4 models (Bonferroni)" in four["method"]
