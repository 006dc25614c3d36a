"""Incremental learners from ``river``, updated after every round.

One river ``LogisticRegression`` per threshold t in ``curve.THRESHOLDS`` predicts P(M >= t) from five
cheap features of the last ``RECENT`` rounds (standardized by one shared river ``StandardScaler``).
Each starts at the house odds (its intercept is logit(c/t)), so it departs from ``house`` only as far
as the rounds push it. The probabilities become a curve like the ensemble's
(``curve_from_threshold_probs``). The learning step for round n uses the features of the rounds
before n, exactly what ``predict`` saw for round n.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from typing import Any

import numpy as np
from river import linear_model, optim, preprocessing

from aviator.core.curve import THRESHOLDS, FloatArray, curve_from_threshold_probs, house_survival
from aviator.models.base import Model, ModelParams

#: Rounds the features look back over.
RECENT = 20
_LN2 = math.log(2.0)


def online_features(recent: Sequence[float]) -> dict[str, float]:
    """Five cheap features of the last rounds (multipliers, oldest first; at most RECENT used)."""
    logs = [math.log(m) for m in list(recent)[-RECENT:]]
    if not logs:
        return {"last": 0.0, "mean5": 0.0, "mean20": 0.0, "frac_ge2": 0.0, "since_ge2": 0.0}
    last5 = logs[-5:]
    since = next((i for i, v in enumerate(reversed(logs)) if v >= _LN2), len(logs))
    return {
        "last": logs[-1],
        "mean5": sum(last5) / len(last5),
        "mean20": sum(logs) / len(logs),
        "frac_ge2": sum(v >= _LN2 for v in logs) / len(logs),
        "since_ge2": float(since),
    }


class OnlineModel(Model):
    """Per-threshold online logistic regressions on a few features of the recent rounds."""

    name = "online"
    description = (
        "Online logistic regressions (river), one per threshold, updated every round on a few "
        "features of the last 20 rounds; starts at the house odds."
    )
    min_rounds = 50

    def __init__(self, params: ModelParams | None = None) -> None:
        super().__init__(params)
        self._recent: deque[float] = deque(maxlen=RECENT)
        self._scaler: Any = preprocessing.StandardScaler()
        house = house_survival(self.params.rtp, np.asarray(THRESHOLDS, dtype=np.float64))
        self._learners: list[Any] = [
            linear_model.LogisticRegression(
                optimizer=optim.SGD(0.01), intercept_init=math.log(p / (1.0 - p)), intercept_lr=0.01
            )
            for p in house
        ]

    def learn_one(self, multiplier: float) -> None:
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
        probs = self.probabilities(history)
        details: dict[str, Any] = {
            "p_thresholds": {f"{t:g}": float(p) for t, p in zip(THRESHOLDS, probs, strict=True)},
            "rounds_learned": self.rounds_seen,
        }
        return curve_from_threshold_probs(probs[None, :], self.params.rtp)[0], details
