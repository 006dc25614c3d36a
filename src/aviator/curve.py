"""The forecast grid and the survival-curve arithmetic every model shares.

A forecast is P(M >= x) on ``GRID``. Between grid points the curve is interpolated linearly in
log-log space, which is exact for the house curve c/x; beyond the last point it falls as 1/x.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Thresholds at which every forecast is scored (log score and Brier of P(M >= t)).
THRESHOLDS: tuple[float, ...] = (1.5, 2.0, 3.0, 5.0, 10.0)


def _build_grid() -> tuple[float, ...]:
    geometric = np.round(np.geomspace(1.01, 1000.0, 60), 2)
    points = {1.0, *THRESHOLDS, *(float(x) for x in geometric)}
    return tuple(sorted(points))


#: Multipliers at which a forecast gives P(M >= x). Starts at 1.00, where P = 1.
GRID: tuple[float, ...] = _build_grid()
GRID_ARRAY: FloatArray = np.asarray(GRID, dtype=np.float64)
_LOG_GRID = np.log(GRID_ARRAY)


def house_survival(rtp: float, grid: FloatArray = GRID_ARRAY) -> FloatArray:
    """P(M >= x) = c/x for x >= 1.01 and 1 at x = 1.00 (the game's published odds)."""
    curve = np.minimum(1.0, rtp / grid)
    curve[grid <= 1.0] = 1.0
    return curve


def clean_curve(values: Sequence[float] | FloatArray, floor: float = 1e-6) -> FloatArray:
    """Make any estimate a valid curve: P(1.00) = 1, within [floor, 1], non-increasing."""
    curve = np.clip(np.asarray(values, dtype=np.float64), floor, 1.0)
    curve[0] = 1.0
    return np.minimum.accumulate(curve)


def survival_at(curve: FloatArray, x: float) -> float:
    """P(M >= x) read off a curve on GRID."""
    if x <= GRID[0]:
        return 1.0
    if x >= GRID[-1]:
        return float(curve[-1] * GRID[-1] / x)
    log_x = np.log(x)
    i = int(np.searchsorted(_LOG_GRID, log_x, side="right")) - 1
    left, right = curve[i], curve[i + 1]
    if x == GRID[i] or left <= 0 or right <= 0:
        return float(left)
    w = (log_x - _LOG_GRID[i]) / (_LOG_GRID[i + 1] - _LOG_GRID[i])
    # Steps from the 1.00 atom: the curve is flat up to the next grid point.
    if i == 0:
        return float(right)
    return float(np.exp(np.log(left) + w * (np.log(right) - np.log(left))))


def quantile_multiplier(curve: FloatArray, p: float) -> float:
    """The largest x with P(M >= x) >= p (the median for p = 0.5), on the 0.01 grid."""
    if curve[-1] >= p:
        return round(float(GRID[-1] * curve[-1] / p), 2)
    above = np.nonzero(curve >= p)[0]
    i = int(above[-1])
    if i == 0:
        return 1.0
    left, right = curve[i], curve[i + 1]
    if left == right:
        return round(GRID[i], 2)
    w = (np.log(p) - np.log(left)) / (np.log(right) - np.log(left))
    x = float(np.exp(_LOG_GRID[i] + w * (_LOG_GRID[i + 1] - _LOG_GRID[i])))
    return float(np.floor(x * 100 + 1e-9) / 100)


def expected_return(curve: FloatArray, cash_out: float) -> float:
    """Expected payout per unit staked when cashing out at ``cash_out``: x * P(M >= x)."""
    return cash_out * survival_at(curve, cash_out)
