"""Scores of one forecast (a survival curve on GRID) against the multiplier that happened.

The score skill is measured with is the categorical log score over the bins cut at THRESHOLDS: it
judges the whole forecast and is proper (no forecast beats the truth in expectation). The binary log
scores and Brier scores at each threshold, the ranked probability score, the point-forecast errors and
the hit at the user's target are reported beside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from aviator.core.curve import GRID_ARRAY, THRESHOLDS, FloatArray, survival_at_many

#: Probabilities are floored here before a log, so a forecast that ruled out what happened scores
#: ln(1e-9) = -20.7 instead of minus infinity.
PROB_FLOOR = 1e-9
#: Multipliers are on the 0.01 grid; this absorbs float noise when comparing M >= x.
_EPS = 1e-9
_THRESHOLD_INDEX = np.searchsorted(GRID_ARRAY, THRESHOLDS).astype(np.intp)
_THRESHOLD_ARRAY = np.asarray(THRESHOLDS, dtype=np.float64)

#: Bins of the categorical log score: [1, 1.5), [1.5, 2), ..., [10, inf).
BINS: tuple[tuple[float, float], ...] = tuple(zip((1.0, *THRESHOLDS), (*THRESHOLDS, math.inf), strict=True))


def tkey(threshold: float) -> str:
    """The label of a threshold in score names: 1.5 -> '1.5', 2.0 -> '2'."""
    return f"{threshold:g}"


#: Per-round scores whose running or batch mean is reported (``hit`` averages to the hit rate).
MEAN_KEYS: tuple[str, ...] = (
    "log_score",
    *(f"log_score@{tkey(t)}" for t in THRESHOLDS),
    *(f"brier@{tkey(t)}" for t in THRESHOLDS),
    "rps",
    "abs_error",
    "sq_error",
    "abs_log_error",
    "sq_log_error",
    "hit",
    "confidence",
)


@dataclass(frozen=True)
class RoundScore:
    """Every score of one forecast against the actual multiplier (higher log scores are better)."""

    actual: float
    median: float
    target: float
    #: ln P(bin of the actual) under the forecast: THE score skill is measured with.
    log_score: float
    #: P(M >= t) forecast at each threshold.
    probs: tuple[float, ...]
    #: ln P(M >= t) if it happened, else ln P(M < t), per threshold.
    binary_log: tuple[float, ...]
    #: (P(M >= t) - 1[M >= t])^2 per threshold.
    brier: tuple[float, ...]
    #: Mean over GRID of (S(x) - 1[M >= x])^2.
    rps: float
    abs_error: float
    sq_error: float
    abs_log_error: float
    sq_log_error: float
    #: The actual reached the user's cash-out target.
    hit: bool
    #: P(M >= target) forecast: the "confidence".
    confidence: float

    def as_dict(self) -> dict[str, float]:
        """Flat name -> value (the names ``score_matrix`` uses)."""
        out: dict[str, float] = {"actual": self.actual, "median": self.median, "target": self.target}
        out["log_score"] = self.log_score
        for t, p, bl, b in zip(THRESHOLDS, self.probs, self.binary_log, self.brier, strict=True):
            out[f"p@{tkey(t)}"] = p
            out[f"log_score@{tkey(t)}"] = bl
            out[f"brier@{tkey(t)}"] = b
        out.update(
            rps=self.rps,
            abs_error=self.abs_error,
            sq_error=self.sq_error,
            abs_log_error=self.abs_log_error,
            sq_log_error=self.sq_log_error,
            hit=float(self.hit),
            confidence=self.confidence,
        )
        return out


def _safe_log(p: FloatArray) -> FloatArray:
    return np.log(np.maximum(p, PROB_FLOOR))


def bin_probabilities(curves: FloatArray) -> FloatArray:
    """P(M in each of BINS) for curves of shape (n, G): shape (n, len(BINS))."""
    at = curves[:, _THRESHOLD_INDEX]
    upper = np.concatenate([np.ones((len(curves), 1)), at], axis=1)
    lower = np.concatenate([at, np.zeros((len(curves), 1))], axis=1)
    return np.asarray(upper - lower, dtype=np.float64)


def bin_index(actuals: FloatArray) -> npt.NDArray[np.intp]:
    """Index into BINS of each actual multiplier."""
    return np.searchsorted(_THRESHOLD_ARRAY, np.asarray(actuals) + _EPS, side="right")


def score_matrix(
    curves: FloatArray, medians: FloatArray, actuals: FloatArray, target: float
) -> dict[str, FloatArray]:
    """Scores of n forecasts at once: the keys and numbers of ``RoundScore.as_dict`` as arrays."""
    curves = np.asarray(curves, dtype=np.float64)
    medians = np.asarray(medians, dtype=np.float64)
    actuals = np.asarray(actuals, dtype=np.float64)
    n = len(actuals)
    rows = np.arange(n)
    out: dict[str, FloatArray] = {
        "actual": actuals,
        "median": medians,
        "target": np.full(n, float(target)),
        "log_score": _safe_log(bin_probabilities(curves)[rows, bin_index(actuals)]),
    }
    at = curves[:, _THRESHOLD_INDEX]
    happened = actuals[:, None] + _EPS >= _THRESHOLD_ARRAY[None, :]
    binary = _safe_log(np.where(happened, at, 1.0 - at))
    brier = (at - happened) ** 2
    for k, t in enumerate(THRESHOLDS):
        out[f"p@{tkey(t)}"] = at[:, k]
        out[f"log_score@{tkey(t)}"] = binary[:, k]
        out[f"brier@{tkey(t)}"] = brier[:, k]
    reached = actuals[:, None] + _EPS >= GRID_ARRAY[None, :]
    error = medians - actuals
    log_error = np.log(medians) - np.log(actuals)
    out.update(
        rps=((curves - reached) ** 2).mean(axis=1),
        abs_error=np.abs(error),
        sq_error=error**2,
        abs_log_error=np.abs(log_error),
        sq_log_error=log_error**2,
        hit=(actuals + _EPS >= target).astype(np.float64),
        confidence=survival_at_many(curves, target),
    )
    return out


def score_forecast(
    curve: FloatArray, median: float, target: float, p_target: float, actual: float
) -> RoundScore:
    """Every score of one forecast (a curve on GRID) against the actual multiplier."""
    row = np.asarray(curve, dtype=np.float64)[None, :]
    return score_forecasts(row, np.array([median]), target, np.array([p_target]), actual)[0]


def score_forecasts(
    curves: FloatArray, medians: FloatArray, target: float, p_targets: FloatArray, actual: float
) -> list[RoundScore]:
    """Every score of several forecasts of one round (rows of curves, all at ``target``) at once."""
    n = len(curves)
    m = score_matrix(curves, medians, np.full(n, float(actual)), target)
    labels = [tkey(t) for t in THRESHOLDS]
    probs = np.stack([m[f"p@{k}"] for k in labels], axis=1).tolist()
    binary = np.stack([m[f"log_score@{k}"] for k in labels], axis=1).tolist()
    brier = np.stack([m[f"brier@{k}"] for k in labels], axis=1).tolist()
    columns = {key: m[key].tolist() for key in ("log_score", "rps", "abs_error", "sq_error")}
    columns.update({key: m[key].tolist() for key in ("abs_log_error", "sq_log_error")})
    hit = bool(actual + _EPS >= target)
    return [
        RoundScore(
            actual=float(actual),
            median=float(medians[i]),
            target=float(target),
            log_score=columns["log_score"][i],
            probs=tuple(probs[i]),
            binary_log=tuple(binary[i]),
            brier=tuple(brier[i]),
            rps=columns["rps"][i],
            abs_error=columns["abs_error"][i],
            sq_error=columns["sq_error"][i],
            abs_log_error=columns["abs_log_error"][i],
            sq_log_error=columns["sq_log_error"][i],
            hit=hit,
            confidence=float(p_targets[i]),
        )
        for i in range(n)
    ]


def summarize(sums: Mapping[str, float], n: int) -> dict[str, Any]:
    """Report names and values from sums of the MEAN_KEYS over n rounds (None when n = 0)."""

    def mean(key: str) -> float | None:
        return float(sums[key]) / n if n else None

    def root(key: str) -> float | None:
        value = mean(key)
        return math.sqrt(value) if value is not None else None

    out: dict[str, Any] = {"log_score": mean("log_score")}
    for t in THRESHOLDS:
        out[f"log_score@{tkey(t)}"] = mean(f"log_score@{tkey(t)}")
    for t in THRESHOLDS:
        out[f"brier@{tkey(t)}"] = mean(f"brier@{tkey(t)}")
    out.update(
        rps=mean("rps"),
        mae=mean("abs_error"),
        rmse=root("sq_error"),
        mae_log=mean("abs_log_error"),
        rmse_log=root("sq_log_error"),
        hit_rate=mean("hit"),
        confidence=mean("confidence"),
    )
    return out
