"""Skill: how much better a model's log score is than the house odds', with an interval and a verdict.

Skill is the mean over the same rounds of d = (model's log score) - (house's log score), in nats per
round. Its 95% interval comes from the Diebold-Mariano statistic (Newey-West HAC variance of the mean
of d) or from a moving-block bootstrap. The verdict only claims skill when the whole interval is above
zero.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from enum import StrEnum
from statistics import NormalDist
from typing import Any, Literal

import numpy as np

from aviator.core.curve import FloatArray

#: Fewer scored rounds than this and no interval or verdict is given.
MIN_ROUNDS = 30

SKILL = "evidence of skill over the house odds"
NO_SKILL = "no evidence of skill"
WORSE = "worse than the house odds"
BASELINE_VERDICT = "the baseline: the house odds themselves"


class VerdictCode(StrEnum):
    """What a verdict says, for machines (the page picks colours and words by it, never by the text)."""

    SKILL = "skill"
    NO_SKILL = "no_skill"
    WORSE = "worse"
    TOO_FEW = "too_few"
    BASELINE = "baseline"


Method = Literal["dm", "bootstrap"]


def too_few(n: int, minimum: int = MIN_ROUNDS) -> str:
    return f"not enough rounds scored yet ({n} of {minimum})"


@dataclass
class Skill:
    """Mean log-score difference to house (nats per round), its interval, rounds and verdict."""

    mean: float | None
    low: float | None
    high: float | None
    n: int
    verdict: str
    method: str
    code: VerdictCode = VerdictCode.TOO_FEW

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def classify(low: float | None, high: float | None, n: int, minimum: int = MIN_ROUNDS) -> VerdictCode:
    """The verdict for an interval of skill measured on n rounds."""
    if n < minimum or low is None or high is None:
        return VerdictCode.TOO_FEW
    if low > 0:
        return VerdictCode.SKILL
    if high < 0:
        return VerdictCode.WORSE
    return VerdictCode.NO_SKILL


def verdict_words(code: VerdictCode, n: int, minimum: int = MIN_ROUNDS) -> str:
    """The words of a verdict."""
    words = {
        VerdictCode.SKILL: SKILL,
        VerdictCode.NO_SKILL: NO_SKILL,
        VerdictCode.WORSE: WORSE,
        VerdictCode.BASELINE: BASELINE_VERDICT,
    }
    return words.get(code) or too_few(n, minimum)


def verdict(low: float | None, high: float | None, n: int, minimum: int = MIN_ROUNDS) -> str:
    """The verdict in words for an interval of skill measured on n rounds."""
    return verdict_words(classify(low, high, n, minimum), n, minimum)


def make_skill(
    mean: float | None, low: float | None, high: float | None, n: int, method: str, minimum: int = MIN_ROUNDS
) -> Skill:
    """A Skill with its verdict (code and words) read off the interval."""
    code = classify(low, high, n, minimum)
    return Skill(mean, low, high, n, verdict_words(code, n, minimum), method, code)


def z_value(level: float = 0.95) -> float:
    return NormalDist().inv_cdf(0.5 + level / 2)


def newey_west_lags(n: int) -> int:
    """The usual automatic bandwidth floor(4 (n/100)^(2/9))."""
    return int(math.floor(4 * (n / 100) ** (2 / 9))) if n > 0 else 0


def hac_variance_of_mean(d: FloatArray, lags: int) -> float:
    """Newey-West (Bartlett kernel) variance of the mean of d."""
    n = len(d)
    e = d - d.mean()
    s = float(e @ e) / n
    for lag in range(1, min(lags, n - 1) + 1):
        s += 2 * (1 - lag / (lags + 1)) * float(e[lag:] @ e[:-lag]) / n
    return max(s, 0.0) / n


def _bootstrap_interval(
    d: FloatArray, level: float, resamples: int, seed: int, block: int | None
) -> tuple[float, float]:
    n = len(d)
    b = block or max(1, math.ceil(n ** (1 / 3)))
    b = min(b, n)
    k = math.ceil(n / b)
    sums = np.concatenate([[0.0], np.cumsum(d)])
    block_sums = sums[b:] - sums[:-b]
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    for r in range(resamples):
        means[r] = block_sums[rng.integers(0, len(block_sums), size=k)].sum() / (k * b)
    tail = (1 - level) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return float(low), float(high)


def compute_skill(
    model_log_scores: FloatArray,
    house_log_scores: FloatArray,
    *,
    method: Method = "dm",
    lags: int | None = None,
    level: float = 0.95,
    minimum: int = MIN_ROUNDS,
    resamples: int = 2000,
    seed: int = 0,
    block: int | None = None,
) -> Skill:
    """Skill of a model over house from their log scores on the same rounds (in the same order).

    ``lags`` defaults to the Newey-West automatic bandwidth; h-step forecasts want at least h - 1.
    """
    d = np.asarray(model_log_scores, dtype=np.float64) - np.asarray(house_log_scores, dtype=np.float64)
    n = len(d)
    if n == 0:
        return make_skill(None, None, None, 0, method, minimum)
    mean = float(d.mean())
    if n < minimum:
        return make_skill(mean, None, None, n, method, minimum)
    if method == "dm":
        half = z_value(level) * math.sqrt(
            hac_variance_of_mean(d, newey_west_lags(n) if lags is None else lags)
        )
        low, high = mean - half, mean + half
    else:
        low, high = _bootstrap_interval(d, level, resamples, seed, block)
    return make_skill(mean, low, high, n, method, minimum)


def baseline_skill(n: int, method: str = "dm") -> Skill:
    """House measured against itself: zero by definition."""
    return Skill(0.0, 0.0, 0.0, n, BASELINE_VERDICT, method, VerdictCode.BASELINE)
