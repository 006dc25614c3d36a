"""A return to player that follows a cycle in the round number: one regression per period, and house.

Model class: c_n = b0 + b1 sin(2 pi n / P) + b2 cos(2 pi n / P) for one period P in ``PERIODS``
(n = the round's index in the stream the model has learned). Under P(M >= m) = c/m a crash at 1.00
has probability 1 - c/1.01, so y_n = 1.01 (1 - [M_n = 1.00]) has mean c_n: per period, a ridge
regression of y on (1, sin, cos), with a prior worth ``PRIOR_ROUNDS`` rounds at (c_house, 0, 0),
estimates the cycle. Each period's forecast is the house curve at its estimated return (kept within
[MIN_RTP, 1]); Bayes mixes the periods and the house odds themselves (prior weight ``HOUSE_PRIOR``).
On rounds at the published return the forecast tends to exactly the house curve. Cost per round:
O(periods) (a 3 x 3 solve each).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from aviator.core.curve import FloatArray
from aviator.models.base import Model, ModelParams
from aviator.models.drift import round_likelihood, rtp_curves

#: Periods (in rounds) the model looks for.
PERIODS: FloatArray = np.arange(2, 121, dtype=np.float64)
#: Prior weight of the house odds; the periods share the rest.
HOUSE_PRIOR = 0.9
#: Pseudo-rounds of the ridge prior at (c_house, 0, 0).
PRIOR_ROUNDS = 50.0
MIN_RTP = 0.5


class CycleModel(Model):
    """Looks for a return that rises and falls with the round number, and is house when there is none."""

    name = "cycle"
    description = (
        "Looks for a return to player that follows a cycle of 2 to 120 rounds (a regression per "
        "period on the crashes at 1.00), mixed by Bayes with the house odds: exactly the house curve "
        "when there is no such cycle."
    )
    min_rounds = 1

    def __init__(self, params: ModelParams | None = None) -> None:
        super().__init__(params)
        k = len(PERIODS)
        self.gram: FloatArray = np.zeros((k, 3, 3))
        self.moment: FloatArray = np.zeros((k, 3))
        periods = math.log((1.0 - HOUSE_PRIOR) / k)
        self.log_weights: FloatArray = np.concatenate([[math.log(HOUSE_PRIOR)], np.full(k, periods)])

    def _features(self, n: int) -> FloatArray:
        angle = 2.0 * np.pi * (n % PERIODS) / PERIODS
        return np.column_stack([np.ones(len(PERIODS)), np.sin(angle), np.cos(angle)])

    def _period_rtp(self, x: FloatArray) -> FloatArray:
        """Each period's estimated return for the round with features ``x`` (one row per period)."""
        prior = PRIOR_ROUNDS * np.eye(3)
        target = PRIOR_ROUNDS * np.array([self.params.rtp, 0.0, 0.0])
        beta = np.linalg.solve(self.gram + prior, (self.moment + target)[:, :, None])[:, :, 0]
        return np.asarray(np.clip((x * beta).sum(axis=1), MIN_RTP, 1.0), dtype=np.float64)

    def _weights(self) -> FloatArray:
        w = np.exp(self.log_weights - self.log_weights.max())
        return np.asarray(w / w.sum(), dtype=np.float64)

    def _forecast(self) -> tuple[float, FloatArray, FloatArray]:
        """The mixed return, the weights (house first) and each period's return, for the next round."""
        each = self._period_rtp(self._features(self.rounds_seen))
        weights = self._weights()
        return float(weights[0] * self.params.rtp + weights[1:] @ each), weights, each

    def learn_one(self, multiplier: float) -> None:
        x = self._features(self.rounds_seen)
        each = self._period_rtp(x)
        self.log_weights[0] += math.log(float(round_likelihood(self.params.rtp, multiplier)))
        self.log_weights[1:] += np.log(round_likelihood(each, multiplier))
        y = 0.0 if multiplier < 1.005 else 1.01
        self.gram += x[:, :, None] * x[:, None, :]
        self.moment += y * x
        super().learn_one(multiplier)

    def predict(self, history: FloatArray) -> tuple[FloatArray, dict[str, Any]]:
        rtp, weights, each = self._forecast()
        best = int(np.argmax(weights[1:]))
        details: dict[str, Any] = {
            "rtp_forecast": rtp,
            "house_weight": float(weights[0]),
            "likeliest_period": int(PERIODS[best]),
            "likeliest_period_weight": float(weights[1 + best]),
            "likeliest_period_rtp": float(each[best]),
        }
        return rtp_curves(np.array([rtp]))[0], details

    def predict_range(self, series: FloatArray, start: int, stop: int) -> FloatArray:
        rtp = np.empty(stop - start, dtype=np.float64)
        for i in range(start, stop):
            rtp[i - start] = self._forecast()[0]
            self.learn_one(float(series[i]))
        return rtp_curves(rtp)
