"""The forecast grid and the survival-curve arithmetic every model, score and route shares.

A forecast is P(M >= x) on ``GRID``. Between grid points the curve is interpolated linearly in
log-log space, which is exact for the house curve c/x; beyond the last point it falls as 1/x.
Each operation has one implementation over rows of curves (shape (n, len(GRID))); the one-curve
forms call it with a single row.
"""

from __future__ import annotations

import math
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
_THRESHOLD_ARRAY = np.asarray(THRESHOLDS, dtype=np.float64)
_LOG_T = np.log(_THRESHOLD_ARRAY)
# Where each grid point sits between two thresholds (for curves built from threshold probabilities).
_T_INDEX = np.clip(np.searchsorted(_LOG_T, _LOG_GRID, side="right") - 1, 0, len(THRESHOLDS) - 2)
_T_WEIGHT = np.clip((_LOG_GRID - _LOG_T[_T_INDEX]) / (_LOG_T[_T_INDEX + 1] - _LOG_T[_T_INDEX]), 0.0, 1.0)
#: Threshold probabilities are kept within [P_CLIP, 1] before they become a curve.
P_CLIP = 1e-4


def house_survival(rtp: float, grid: FloatArray = GRID_ARRAY) -> FloatArray:
    """P(M >= x) = c/x for x >= 1.01 and 1 at x = 1.00 (the game's published odds)."""
    curve = np.minimum(1.0, rtp / grid)
    curve[grid <= 1.0] = 1.0
    return curve


def clean_rows(curves: FloatArray, floor: float = 1e-6) -> FloatArray:
    """Make any estimates valid curves: P(1.00) = 1, within [floor, 1], non-increasing (per row)."""
    out = np.clip(np.asarray(curves, dtype=np.float64), floor, 1.0)
    out[:, 0] = 1.0
    return np.asarray(np.minimum.accumulate(out, axis=1), dtype=np.float64)


def clean_curve(values: Sequence[float] | FloatArray, floor: float = 1e-6) -> FloatArray:
    """``clean_rows`` for one curve."""
    row: FloatArray = clean_rows(np.asarray(values, dtype=np.float64)[None, :], floor)[0]
    return row


def survival_at_many(curves: FloatArray, x: float) -> FloatArray:
    """P(M >= x) read off every row of ``curves``."""
    n = len(curves)
    if x <= GRID[0]:
        return np.ones(n)
    if x >= GRID[-1]:
        return np.asarray(curves[:, -1] * GRID[-1] / x, dtype=np.float64)
    log_x = math.log(x)
    i = int(np.searchsorted(_LOG_GRID, log_x, side="right")) - 1
    left, right = curves[:, i], curves[:, i + 1]
    if x == GRID[i]:
        return np.array(left, dtype=np.float64)
    if i == 0:  # steps from the 1.00 atom: the curve is flat up to the next grid point
        return np.where((left <= 0) | (right <= 0), left, right)
    w = (log_x - _LOG_GRID[i]) / (_LOG_GRID[i + 1] - _LOG_GRID[i])
    positive = (left > 0) & (right > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = np.exp(np.log(left) + w * (np.log(right) - np.log(left)))
    return np.where(positive, inner, left)


def survival_at(curve: FloatArray, x: float) -> float:
    """P(M >= x) read off one curve on GRID."""
    return float(survival_at_many(np.asarray(curve, dtype=np.float64)[None, :], x)[0])


def quantiles(curves: FloatArray, p: float) -> FloatArray:
    """Per row of clean curves: the largest x with P(M >= x) >= p (the median for p = 0.5), on the
    0.01 grid."""
    n = len(curves)
    last = curves[:, -1]
    i = np.maximum((curves >= p).sum(axis=1) - 1, 0)
    nxt = np.minimum(i + 1, len(GRID) - 1)
    rows = np.arange(n)
    left, right = curves[rows, i], curves[rows, nxt]
    with np.errstate(divide="ignore", invalid="ignore"):
        w = (np.log(p) - np.log(left)) / (np.log(right) - np.log(left))
        x = np.exp(_LOG_GRID[i] + w * (_LOG_GRID[nxt] - _LOG_GRID[i]))
    out = np.floor(x * 100 + 1e-9) / 100
    out = np.where(left == right, np.round(GRID_ARRAY[i], 2), out)
    out = np.where(i == 0, 1.0, out)
    return np.asarray(np.where(last >= p, np.round(GRID[-1] * last / p, 2), out), dtype=np.float64)


def curve_medians(curves: FloatArray) -> FloatArray:
    """The median of every row of clean curves."""
    return quantiles(curves, 0.5)


def quantile_multiplier(curve: FloatArray, p: float) -> float:
    """``quantiles`` for one clean curve."""
    return float(quantiles(np.asarray(curve, dtype=np.float64)[None, :], p)[0])


def expected_return(curve: FloatArray, cash_out: float) -> float:
    """Expected payout per unit staked when cashing out at ``cash_out``: x * P(M >= x)."""
    return cash_out * survival_at(curve, cash_out)


def curve_from_threshold_probs(probs: FloatArray, rtp: float) -> FloatArray:
    """Rows of P(M >= x) on GRID from rows of P(M >= t) at THRESHOLDS.

    The probabilities are made non-increasing across thresholds, then the ratio to the house curve
    is interpolated linearly in log-log space between thresholds and held constant beyond the
    first and last one (so the curve follows the house shape there).
    """
    p = np.minimum.accumulate(np.clip(probs, P_CLIP, 1.0), axis=1)
    log_ratio = np.log(p / house_survival(rtp, _THRESHOLD_ARRAY)[None, :])
    interp = log_ratio[:, _T_INDEX] * (1.0 - _T_WEIGHT) + log_ratio[:, _T_INDEX + 1] * _T_WEIGHT
    return clean_rows(house_survival(rtp)[None, :] * np.exp(interp))
