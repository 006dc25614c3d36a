"""A return to player that drifts or switches: Bayes over a grid of returns with fixed share, and house.

Model class: round n follows P(M >= m) = c_n / m with c_n on ``RTP_GRID``, and between two rounds c
moves to any value of the grid with probability ``SWITCH`` (fixed share, Herbster and Warmuth 1998:
it tracks a return that switches or drifts). On the 0.01 grid P(M = 1.00) = 1 - c/1.01 and
P(M = m) = c (1/m - 1/(m + 0.01)) for m >= 1.01, so the likelihood of a round under c is
1 - c/1.01 if it crashed at 1.00 and proportional to c otherwise: only the crashes at 1.00 tell one
return from another (the factor 1/m - 1/(m + 0.01) is the same for every c and cancels).

The forecast over the grid is the mixture of the curves c/x, which is the house curve at the posterior
mean of c. The tracker starts at the published return. Bayes on top mixes it with the house odds
themselves (prior weight ``HOUSE_PRIOR``), so on rounds at the published return the forecast tends
to exactly the house curve, and the model loses at most ln(1 / HOUSE_PRIOR) nats to house over all
time. Cost per round: O(grid).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from aviator.core.curve import GRID_ARRAY, FloatArray
from aviator.models.base import Model, ModelParams

#: The returns the model weighs (0.01 apart).
RTP_GRID: FloatArray = np.round(np.arange(0.80, 1.0 + 1e-9, 0.01), 2)
#: Chance per round that the return moves to another value of the grid.
SWITCH = 1e-3
#: Prior weight of the house odds against the tracker.
HOUSE_PRIOR = 0.9
#: Below this a multiplier counts as a crash at 1.00.
ATOM_BELOW = 1.005


def rtp_curves(rtp: FloatArray) -> FloatArray:
    """Rows of the house curve min(1, c/x) (1 at x = 1.00), one per return in ``rtp``."""
    rows = np.minimum(1.0, np.asarray(rtp, dtype=np.float64)[:, None] / GRID_ARRAY[None, :])
    rows[:, GRID_ARRAY <= 1.0] = 1.0
    return np.asarray(rows, dtype=np.float64)


def round_likelihood(rtp: FloatArray | float, multiplier: float) -> FloatArray:
    """The likelihood of one round under each return, up to a factor common to all returns."""
    c = np.asarray(rtp, dtype=np.float64)
    return np.asarray(1.0 - c / 1.01 if multiplier < ATOM_BELOW else c, dtype=np.float64)


class DriftModel(Model):
    """Tracks a return to player that switches or drifts, and is the house odds when it does not."""

    name = "drift"
    description = (
        "Tracks a return to player that drifts or switches (Bayes over returns 0.80 to 1.00 with a "
        f"{SWITCH:g} chance a round of moving), mixed by Bayes with the house odds: exactly the house "
        "curve when the rounds keep the published return."
    )
    min_rounds = 1

    def __init__(self, params: ModelParams | None = None) -> None:
        super().__init__(params)
        # the published return joins the grid; the tracker starts there and fixed share lets it move
        self.grid: FloatArray = np.union1d(RTP_GRID, [self.params.rtp])
        self.weights: FloatArray = np.asarray(np.isclose(self.grid, self.params.rtp), dtype=np.float64)
        self.log_house = math.log(HOUSE_PRIOR / (1.0 - HOUSE_PRIOR))

    def house_weight(self) -> float:
        z = self.log_house
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    def tracked_rtp(self) -> float:
        """The posterior mean of the return, over the grid."""
        return float(self.weights @ self.grid)

    def effective_rtp(self) -> float:
        """The return of the forecast: house and tracker mixed by their weights."""
        g = self.house_weight()
        return g * self.params.rtp + (1.0 - g) * self.tracked_rtp()

    def learn_one(self, multiplier: float) -> None:
        like = round_likelihood(self.grid, multiplier)
        tracker = float(self.weights @ like)
        house = float(round_likelihood(self.params.rtp, multiplier))
        self.log_house += math.log(house) - math.log(tracker)
        posterior = self.weights * like / tracker
        self.weights = (1.0 - SWITCH) * posterior + SWITCH / len(self.grid)
        super().learn_one(multiplier)

    def predict(self, history: FloatArray) -> tuple[FloatArray, dict[str, Any]]:
        rtp = self.effective_rtp()
        details: dict[str, Any] = {
            "rtp_forecast": rtp,
            "rtp_tracked": self.tracked_rtp(),
            "house_weight": self.house_weight(),
            "rounds_learned": self.rounds_seen,
        }
        return rtp_curves(np.array([rtp]))[0], details

    def predict_range(self, series: FloatArray, start: int, stop: int) -> FloatArray:
        rtp = np.empty(stop - start, dtype=np.float64)
        for i in range(start, stop):
            rtp[i - start] = self.effective_rtp()
            self.learn_one(float(series[i]))
        return rtp_curves(rtp)
