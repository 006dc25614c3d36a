"""Verdicts watched after every round: the replay agrees with the live Tracker, and fair streams rarely
alarm with the confidence sequence while the old fixed-n interval alarms often."""

from __future__ import annotations

import numpy as np
import pytest

from aviator.core.curve import quantile_multiplier, survival_at
from aviator.evaluation.scores import score_forecast
from aviator.evaluation.skill import VerdictCode
from aviator.evaluation.tracker import Tracker
from aviator.evaluation.watching import any_false_alarm, first_skill, live_differences, running_bounds
from aviator.fairness.planted import Plant, fair_rounds, planted_rounds
from aviator.models.base import HISTORY_WINDOW
from aviator.models.registry import create_models


def test_the_replay_reads_the_verdict_as_the_live_tracker_does() -> None:
    series = planted_rounds(600, Plant(kind="lag", strength=0.8), seed=5)
    names = ["empirical", "context"]
    models = create_models(names)
    tracker = Tracker()
    first_live: dict[str, int] = {}
    lows: dict[str, list[float | None]] = {name: [] for name in names}
    for i, actual in enumerate(series):
        history = series[max(0, i - HISTORY_WINDOW) : i]
        scores = {}
        for name, model in models.items():
            curve = model.predict(history)[0]
            scores[name] = score_forecast(
                curve, quantile_multiplier(curve, 0.5), 2.0, survival_at(curve, 2.0), float(actual)
            )
        for name, score in scores.items():
            tracker.record(name, score, scores["house"].log_score)
            models[name].learn_one(float(actual))
        for name in names:
            skill = tracker.summary(name)["skill"]
            lows[name].append(skill["low"])
            if skill["code"] == VerdictCode.SKILL and name not in first_live:
                first_live[name] = i + 1
    differences = live_differences(series, names)
    assert "context" in first_live  # a strong lag: the live verdict says yes
    for name in names:
        assert first_skill(differences[name], tests=2) == first_live.get(name)
        _, low, _ = running_bounds(differences[name], tests=2)
        live = np.array([np.nan if v is None else v for v in lows[name]])
        np.testing.assert_allclose(low, live, rtol=1e-7, atol=1e-9)


def test_fair_streams_watched_every_round_rarely_alarm_with_the_sequence() -> None:
    # 40 fair runs of 1,000 rounds, the two fastest models; the full measurement (200 runs, every fast
    # model) is benchmarks/bench_false_alarm.py.
    names = ["empirical", "drift"]
    sequence = fixed = 0
    for run in range(40):
        differences = live_differences(fair_rounds(1_000, seed=500 + run), names)
        sequence += any_false_alarm(differences, "sequence")
        fixed += any_false_alarm(differences, "fixed")
    assert sequence <= 1
    assert fixed >= 5  # the fixed-n interval re-read every round alarms in a large share of fair runs


def test_a_batch_model_is_refused() -> None:
    with pytest.raises(ValueError, match="not a round-by-round model"):
        live_differences(fair_rounds(100, seed=1), ["ensemble"])


@pytest.mark.parametrize(
    ("plant", "rounds", "finder"),
    [
        (Plant(kind="lag", strength=0.3, lag=1), 5_000, "context"),
        (Plant(kind="regime", strength=0.2, switch=0.002), 8_000, "drift"),
        (Plant(kind="periodic", strength=0.3, period=50), 5_000, "cycle"),
        (Plant(kind="shortfall", strength=0.1), 8_000, "drift"),
        (Plant(kind="thin", strength=0.8, level=5.0), 8_000, "empirical"),
    ],
    ids=lambda v: getattr(v, "kind", None),
)
def test_the_live_verdict_finds_each_planted_kind(plant: Plant, rounds: int, finder: str) -> None:
    d = live_differences(planted_rounds(rounds, plant, seed=31), [finder])[finder]
    # read as on a page of six models: the confidence sequence at 5% / 6
    first = first_skill(d, tests=6)
    assert first is not None and first < rounds, plant
