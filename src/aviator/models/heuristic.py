"""The "full-stack design" multi-factor engine: six factors over the last W rounds, one point forecast.

Every factor works on x = ln M of the last W = ``params.window`` rounds, oldest first (t = 0..W-1),
and predicts x for the next round (t = W). With mu, var the window's mean and population variance and
k = max(2, W // 4) the "recent" length:

- trend: the least-squares line of x on t, extrapolated to t = W.
- volatility: mu + var / 2, the log of the mean multiplier a lognormal window with that spread implies.
- momentum: fast EMA + (fast EMA - slow EMA), spans k and W (a MACD-style push in the recent direction).
- mean reversion: mu + (mu - mean of the last k): recent departures from the window mean are undone.
- cycle: the lag L in 1..W//2 with the largest autocorrelation r_L; mu + r_L * (x[W - L] - mu).
- recent variance: precision-weighted blend of the last-k mean and the window mean (weights k/var_k
  and W/var): calm recent rounds are trusted more.

The point forecast is exp of the weighted mean of the six (the model's ``weights``),
kept within [1, 1e6]. Curve rule: the house curve stretched along x so that its median is the point
forecast p, capped at the house's own P(M >= 1.01) (so the 1.00 atom never vanishes):
S(1.00) = 1 and S(x) = min(c / 1.01, p / (2x)) for x >= 1.01 (c = RTP). It is non-increasing, and
S(p) = 1/2 for every p >= 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aviator.core.curve import GRID, GRID_ARRAY, FloatArray, clean_rows, house_survival
from aviator.models.base import Model, ModelParams
from aviator.models.features import ema, window_matrix

FACTORS: tuple[str, ...] = ("trend", "volatility", "momentum", "mean_reversion", "cycle", "recent_variance")
#: The factors' weights in the point forecast (the design's own choice, not fitted).
DEFAULT_WEIGHTS: tuple[float, ...] = (0.25, 0.20, 0.20, 0.15, 0.10, 0.10)
_EPS = 1e-6
_MAX_POINT = 1e6


def factor_predictions(x: FloatArray) -> FloatArray:
    """Each factor's forecast of the next ln M, for a (rows, W) matrix of ln M windows: (rows, 6)."""
    rows, width = x.shape
    recent = max(2, width // 4)
    valid = np.ones_like(x, dtype=np.bool_)
    t = np.arange(width, dtype=np.float64)
    t_dev = t - t.mean()
    mu = x.mean(axis=1)
    dev = x - mu[:, None]
    var = (dev * dev).mean(axis=1)

    slope = dev @ t_dev / (t_dev @ t_dev)
    trend = mu + slope * (width - t.mean())
    volatility = mu + var / 2.0
    fast = ema(x, valid, recent)
    momentum = fast + (fast - ema(x, valid, width))
    recent_x = x[:, -recent:]
    recent_mean = recent_x.mean(axis=1)
    mean_reversion = 2.0 * mu - recent_mean

    denom = (dev * dev).sum(axis=1)
    best_r = np.full(rows, -np.inf)
    best_lag = np.ones(rows, dtype=np.intp)
    for lag in range(1, width // 2 + 1):
        r = np.where(denom > 0, (dev[:, lag:] * dev[:, :-lag]).sum(axis=1) / np.maximum(denom, _EPS), 0.0)
        better = r > best_r
        best_r = np.where(better, r, best_r)
        best_lag = np.where(better, lag, best_lag)
    one_cycle_ago = np.take_along_axis(dev, (width - best_lag)[:, None], axis=1)[:, 0]
    cycle = mu + best_r * one_cycle_ago

    recent_var = recent_x.var(axis=1)
    w_recent = recent / (recent_var + _EPS)
    w_window = width / (var + _EPS)
    recent_variance = (w_recent * recent_mean + w_window * mu) / (w_recent + w_window)
    return np.column_stack([trend, volatility, momentum, mean_reversion, cycle, recent_variance])


def check_weights(weights: tuple[float, ...]) -> tuple[float, ...]:
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (len(FACTORS),) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError(
            f"heuristic weights must be {len(FACTORS)} non-negative numbers with a positive sum "
            f"(one per factor: {', '.join(FACTORS)}), got {weights!r}"
        )
    return tuple(float(v) for v in weights)


def combine(factors: FloatArray, weights: tuple[float, ...]) -> FloatArray:
    """The point forecasts (multipliers) from factor rows of ln M and the factor weights."""
    w = np.asarray(check_weights(weights), dtype=np.float64)
    return np.asarray(np.clip(np.exp(factors @ (w / w.sum())), 1.0, _MAX_POINT), dtype=np.float64)


def curves_from_points(points: FloatArray, rtp: float) -> FloatArray:
    """Rows of S(x) = min(c/1.01, p/(2x)), S(1.00) = 1 (see the module docstring)."""
    cap = rtp / GRID[1]
    curves = np.minimum(cap, points[:, None] / (2.0 * GRID_ARRAY[None, :]))
    curves[:, 0] = 1.0
    return np.asarray(curves, dtype=np.float64)


class HeuristicModel(Model):
    """Trend, volatility, momentum, mean reversion, cycles and recent variance over the last W rounds."""

    name = "heuristic"
    description = (
        "Multi-factor engine over the last W rounds (trend, volatility, momentum, mean reversion, "
        "cycles, recent variance), weighted into one point forecast."
    )
    #: The smallest window (the setting's floor); ``rounds_needed`` is the current window.
    min_rounds = 5

    def __init__(
        self, params: ModelParams | None = None, weights: tuple[float, ...] = DEFAULT_WEIGHTS
    ) -> None:
        super().__init__(params)
        self.weights = check_weights(weights)

    @property
    def rounds_needed(self) -> int:
        return max(self.min_rounds, self.params.window)

    def predict(self, history: FloatArray) -> tuple[FloatArray, dict[str, Any]]:
        width = self.params.window
        if len(history) < width:
            status = f"warming up: needs {width} rounds, has {len(history)}"
            return house_survival(self.params.rtp), {"status": status, "window": width}
        x = np.log(np.asarray(history[-width:], dtype=np.float64))[None, :]
        factors = factor_predictions(x)
        point = combine(factors, self.weights)
        details: dict[str, Any] = {
            "window": width,
            "factors": {name: float(np.exp(v)) for name, v in zip(FACTORS, factors[0], strict=True)},
            "weights": dict(zip(FACTORS, (float(w) for w in self.weights), strict=True)),
            "point": float(point[0]),
        }
        return curves_from_points(point, self.params.rtp)[0], details

    def predict_range(self, series: FloatArray, start: int, stop: int) -> FloatArray:
        width = self.params.window
        rows = np.empty((stop - start, len(GRID)), dtype=np.float64)
        rows[:] = clean_rows(house_survival(self.params.rtp)[None, :])
        first = max(start, width)
        if first < stop:
            logs = np.log(np.asarray(series[:stop], dtype=np.float64))
            chunk = max(1, 2_000_000 // width)
            for lo in range(first, stop, chunk):
                hi = min(lo + chunk, stop)
                x = window_matrix(logs, width, np.arange(lo, hi, dtype=np.intp))
                points = combine(factor_predictions(x), self.weights)
                rows[lo - start : hi - start] = clean_rows(curves_from_points(points, self.params.rtp))
        self.rounds_seen += stop - start
        return rows
