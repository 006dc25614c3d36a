"""Incremental learners from ``river``, updated after every round.

One river ``LogisticRegression`` per threshold t in ``curve.THRESHOLDS`` predicts P(M >= t) from cheap
features of the last ``RECENT`` rounds (standardized by one shared river ``StandardScaler``): five
summaries, and whether the last round reached each threshold. Each starts at the house odds (its
intercept is logit(c/t)), so it departs from ``house`` only as far as the rounds push it. The
probabilities become a curve like the ensemble's (``curve_from_threshold_probs``). The learning step
for round n uses the features of the rounds before n, exactly what ``predict`` saw for round n.

Two things keep the learners' noise from costing more than what they find (measured on a stream with a
planted lag-1 dependence worth 0.02 nats a round, docs/evaluation.md): the learning rate decays as
``LEARNING_RATE / sqrt(t)`` (a constant rate keeps every weight jittering around its target, and on
the thresholds with nothing to learn that jitter is pure loss), and Bayes mixes the learners' curve
with the house curve (prior weight ``HOUSE_PRIOR`` on house), so on rounds with nothing to learn the
forecast tends to the house curve.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from typing import Any

import numpy as np
from river import linear_model, optim, preprocessing

from aviator.core.curve import (
    GRID_ARRAY,
    THRESHOLDS,
    FloatArray,
    curve_from_threshold_probs,
    house_survival,
)
from aviator.models.base import Model, ModelParams

#: Rounds the features look back over.
RECENT = 20
#: Initial learning rate of every weight and intercept; it decays as 1 / sqrt(step).
LEARNING_RATE = 0.05
#: Prior weight of the house curve in the Bayes mixture with the learners' curve.
HOUSE_PRIOR = 0.5
_LN2 = math.log(2.0)
_AT_THRESHOLDS = np.searchsorted(GRID_ARRAY, THRESHOLDS).astype(np.intp)


def online_features(recent: Sequence[float]) -> dict[str, float]:
    """Cheap features of the last rounds (multipliers, oldest first; at most RECENT used)."""
    values = list(recent)[-RECENT:]
    logs = [math.log(m) for m in values]
    last_reached = {f"last_ge{t:g}": float(bool(values) and values[-1] >= t - 1e-9) for t in THRESHOLDS}
    if not logs:
        return {"last": 0.0, "mean5": 0.0, "mean20": 0.0, "frac_ge2": 0.0, "since_ge2": 0.0, **last_reached}
    last5 = logs[-5:]
    since = next((i for i, v in enumerate(reversed(logs)) if v >= _LN2), len(logs))
    return {
        "last": logs[-1],
        "mean5": sum(last5) / len(last5),
        "mean20": sum(logs) / len(logs),
        "frac_ge2": sum(v >= _LN2 for v in logs) / len(logs),
        "since_ge2": float(since),
        **last_reached,
    }


def _bin_probability(curve: FloatArray, multiplier: float) -> float:
    """P(the bin of ``multiplier``) under a curve: the score's categorical bins cut at THRESHOLDS."""
    at = [1.0, *(float(v) for v in curve[_AT_THRESHOLDS]), 0.0]
    j = sum(multiplier >= t - 1e-9 for t in THRESHOLDS)
    return max(at[j] - at[j + 1], 1e-12)


class OnlineModel(Model):
    """Per-threshold online logistic regressions on a few features of the recent rounds."""

    name = "online"
    description = (
        "Online logistic regressions (river), one per threshold, updated every round on a few "
        "features of the last 20 rounds; starts at the house odds and is mixed with them by Bayes."
    )
    min_rounds = 50

    def __init__(self, params: ModelParams | None = None) -> None:
        super().__init__(params)
        self._recent: deque[float] = deque(maxlen=RECENT)
        self._scaler: Any = preprocessing.StandardScaler()
        house = house_survival(self.params.rtp, np.asarray(THRESHOLDS, dtype=np.float64))
        self._learners: list[Any] = [
            linear_model.LogisticRegression(
                optimizer=optim.SGD(optim.schedulers.InverseScaling(LEARNING_RATE, power=0.5)),
                intercept_init=math.log(p / (1.0 - p)),
                intercept_lr=optim.schedulers.InverseScaling(LEARNING_RATE, power=0.5),
            )
            for p in house
        ]
        self.log_house = math.log(HOUSE_PRIOR / (1.0 - HOUSE_PRIOR))

    def house_weight(self) -> float:
        z = self.log_house
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    def _learners_curve(self, recent: Sequence[float] | FloatArray) -> FloatArray:
        probs = self.probabilities(np.asarray(list(recent), dtype=np.float64))
        curve: FloatArray = curve_from_threshold_probs(probs[None, :], self.params.rtp)[0]
        return curve

    def learn_one(self, multiplier: float) -> None:
        if self.rounds_seen >= self.min_rounds:  # Bayes: how well each curve forecast this round
            learners = _bin_probability(self._learners_curve(self._recent), multiplier)
            house = _bin_probability(house_survival(self.params.rtp), multiplier)
            self.log_house += math.log(house) - math.log(learners)
        x = online_features(self._recent)
        self._scaler.learn_one(x)
        scaled = self._scaler.transform_one(x)
        for t, learner in zip(THRESHOLDS, self._learners, strict=True):
            learner.learn_one(scaled, multiplier >= t - 1e-9)
        self._recent.append(float(multiplier))
        super().learn_one(multiplier)

    def probabilities(self, history: FloatArray) -> FloatArray:
        """P(M >= t) at each threshold for the round after ``history`` (before monotone cleaning)."""
        scaled = self._scaler.transform_one(online_features([float(m) for m in history[-RECENT:]]))
        return np.array([learner.predict_proba_one(scaled)[True] for learner in self._learners])

    def predict(self, history: FloatArray) -> tuple[FloatArray, dict[str, Any]]:
        if self.rounds_seen < self.min_rounds:
            status = f"warming up: {self.rounds_seen} of {self.min_rounds} rounds learned"
            return house_survival(self.params.rtp), {"status": status}
        g = self.house_weight()
        learners = self._learners_curve(history[-RECENT:])
        curve: FloatArray = np.asarray(g * house_survival(self.params.rtp) + (1.0 - g) * learners)
        details: dict[str, Any] = {
            "p_thresholds": {
                f"{t:g}": float(curve[i]) for t, i in zip(THRESHOLDS, _AT_THRESHOLDS, strict=True)
            },
            "house_weight": g,
            "rounds_learned": self.rounds_seen,
        }
        return curve, details
