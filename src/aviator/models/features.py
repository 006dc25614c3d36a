"""Time-series features of the rounds before a round, per round and over a whole series.

There is one implementation: every feature is a function of a matrix of windows (one row per
predicted round, the ``LOOKBACK`` log-multipliers before it, oldest first, NaN-padded at the front
when fewer rounds exist). ``features_at(history)`` builds a one-row matrix from the tail of the
history (O(LOOKBACK)); ``feature_matrix(series)`` builds the rows of a whole series in chunks. Row ``i``
uses ``series[:i]`` only, so round ``i`` itself never enters its own features.

Features are computed on ln M (multipliers are heavy-tailed). A window with no rounds gives 0.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from aviator.core.curve import FloatArray

#: Rounds of history the features look at (at most; fewer at the start of a series).
LOOKBACK = 100
_CHUNK = 16_384
_LN2, _LN5, _LN10 = float(np.log(2.0)), float(np.log(5.0)), float(np.log(10.0))

FEATURE_NAMES: tuple[str, ...] = (
    "lag1",
    "lag2",
    "mean5",
    "mean10",
    "mean20",
    "mean50",
    "std10",
    "std20",
    "std50",
    "min10",
    "max10",
    "max50",
    "ema5",
    "ema20",
    "slope10",
    "slope20",
    "momentum5_20",
    "roc5",
    "p25_20",
    "p75_20",
    "frac_ge2_20",
    "streak2",
    "since_ge2",
    "since_ge5",
    "since_ge10",
)

BoolArray = npt.NDArray[np.bool_]


def window_matrix(values: FloatArray, width: int, rows: npt.NDArray[np.intp]) -> FloatArray:
    """Row r = the ``width`` values before index ``rows[r]`` (oldest first), NaN-padded at the front."""
    padded = np.concatenate([np.full(width, np.nan), np.asarray(values, dtype=np.float64)])
    return np.array(sliding_window_view(padded, width)[rows], dtype=np.float64)


def masked_mean(x: FloatArray, valid: BoolArray) -> FloatArray:
    count = valid.sum(axis=1)
    total = np.where(valid, x, 0.0).sum(axis=1)
    return np.asarray(np.where(count > 0, total / np.maximum(count, 1), 0.0), dtype=np.float64)


def masked_std(x: FloatArray, valid: BoolArray) -> FloatArray:
    """Population standard deviation of the valid values (0 for fewer than two)."""
    count = valid.sum(axis=1)
    dev = np.where(valid, x - masked_mean(x, valid)[:, None], 0.0)
    var = (dev * dev).sum(axis=1) / np.maximum(count, 1)
    return np.asarray(np.where(count > 1, np.sqrt(var), 0.0), dtype=np.float64)


def masked_slope(x: FloatArray, valid: BoolArray) -> FloatArray:
    """Least-squares slope of value against position (0 when undefined)."""
    t = np.broadcast_to(np.arange(x.shape[1], dtype=np.float64), x.shape)
    t_dev = np.where(valid, t - masked_mean(t, valid)[:, None], 0.0)
    x_dev = np.where(valid, x - masked_mean(x, valid)[:, None], 0.0)
    num = (t_dev * x_dev).sum(axis=1)
    den = (t_dev * t_dev).sum(axis=1)
    return np.asarray(np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0), dtype=np.float64)


def ema(x: FloatArray, valid: BoolArray, span: int) -> FloatArray:
    """Exponential moving average over the window, weight (1 - alpha)^age, alpha = 2 / (span + 1)."""
    alpha = 2.0 / (span + 1.0)
    weights = (1.0 - alpha) ** np.arange(x.shape[1] - 1, -1, -1, dtype=np.float64)
    num = np.where(valid, x, 0.0) @ weights
    den = valid.astype(np.float64) @ weights
    return np.asarray(np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0), dtype=np.float64)


def masked_percentile(x: FloatArray, valid: BoolArray, q: float) -> FloatArray:
    """Linear-interpolation percentile (numpy's default method) of the valid values; 0 if none."""
    ordered = np.sort(np.where(valid, x, np.inf), axis=1)
    count = valid.sum(axis=1)
    pos = q * np.maximum(count - 1, 0)
    lo = np.floor(pos).astype(np.intp)
    hi = np.minimum(lo + 1, np.maximum(count - 1, 0))
    some = count > 0
    low = np.where(some, np.take_along_axis(ordered, lo[:, None], axis=1)[:, 0], 0.0)
    high = np.where(some, np.take_along_axis(ordered, hi[:, None], axis=1)[:, 0], 0.0)
    return np.asarray(low + (pos - lo) * (high - low), dtype=np.float64)


def _since(hit: BoolArray) -> FloatArray:
    """Rounds since the last hit (0 = the last round hit), the window width if none."""
    reverse = hit[:, ::-1]
    since = np.where(reverse.any(axis=1), reverse.argmax(axis=1), hit.shape[1])
    return np.asarray(since, dtype=np.float64)


def _streak(x: FloatArray, valid: BoolArray) -> FloatArray:
    """Signed run length of the latest rounds on the same side of 2x (+ at or above, - below)."""
    above = valid & (x >= _LN2)
    last = above[:, -1:]
    same = (above == last) & valid
    reverse = same[:, ::-1]
    run = np.where(reverse.all(axis=1), x.shape[1], reverse.argmin(axis=1)).astype(np.float64)
    return np.asarray(np.where(last[:, 0], run, -run), dtype=np.float64)


def _tail(x: FloatArray, valid: BoolArray, k: int) -> tuple[FloatArray, BoolArray]:
    return x[:, -k:], valid[:, -k:]


def _lag(x: FloatArray, k: int) -> FloatArray:
    return np.nan_to_num(x[:, -k], nan=0.0)


def features_from_windows(x: FloatArray) -> FloatArray:
    """The feature rows of a (rows, LOOKBACK) matrix of ln M windows (NaN = no round)."""
    valid = ~np.isnan(x)
    w = {k: _tail(x, valid, k) for k in (5, 10, 20, 50)}
    mean5, mean20 = masked_mean(*w[5]), masked_mean(*w[20])
    both = valid[:, -1] & valid[:, -6]
    roc5 = np.where(both, np.nan_to_num(x[:, -1] - x[:, -6]), 0.0)
    max10 = np.where(w[10][1], w[10][0], -np.inf).max(axis=1)
    max50 = np.where(w[50][1], w[50][0], -np.inf).max(axis=1)
    min10 = np.where(w[10][1], w[10][0], np.inf).min(axis=1)
    any10, any50 = w[10][1].any(axis=1), w[50][1].any(axis=1)
    columns = [
        _lag(x, 1),
        _lag(x, 2),
        mean5,
        masked_mean(*w[10]),
        mean20,
        masked_mean(*w[50]),
        masked_std(*w[10]),
        masked_std(*w[20]),
        masked_std(*w[50]),
        np.where(any10, min10, 0.0),
        np.where(any10, max10, 0.0),
        np.where(any50, max50, 0.0),
        ema(x, valid, 5),
        ema(x, valid, 20),
        masked_slope(*w[10]),
        masked_slope(*w[20]),
        mean5 - mean20,
        roc5,
        masked_percentile(*w[20], 0.25),
        masked_percentile(*w[20], 0.75),
        masked_mean((w[20][0] >= _LN2).astype(np.float64), w[20][1]),
        _streak(x, valid),
        _since(valid & (x >= _LN2)),
        _since(valid & (x >= _LN5)),
        _since(valid & (x >= _LN10)),
    ]
    return np.ascontiguousarray(np.column_stack(columns), dtype=np.float64)


def features_at(history: FloatArray) -> FloatArray:
    """The feature vector for the round after ``history`` (multipliers, oldest first). O(LOOKBACK)."""
    tail = np.log(np.asarray(history, dtype=np.float64)[-LOOKBACK:])
    rows = np.array([len(tail)], dtype=np.intp)
    return np.asarray(features_from_windows(window_matrix(tail, LOOKBACK, rows))[0], dtype=np.float64)


def feature_matrix(series: FloatArray, start: int = 0, stop: int | None = None) -> FloatArray:
    """Feature rows for rounds ``start..stop-1`` of ``series``; row for round i uses ``series[:i]``."""
    values = np.asarray(series, dtype=np.float64)
    stop = len(values) if stop is None else stop
    logs = np.log(values[:stop])
    out = np.empty((max(stop - start, 0), len(FEATURE_NAMES)), dtype=np.float64)
    for lo in range(start, stop, _CHUNK):
        hi = min(lo + _CHUNK, stop)
        rows = np.arange(lo, hi, dtype=np.intp)
        out[lo - start : hi - start] = features_from_windows(window_matrix(logs, LOOKBACK, rows))
    return out
