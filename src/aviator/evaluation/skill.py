"""Skill: how much better a model's log score is than the house odds', with an interval and a verdict.

Skill is the mean over the same rounds of d = (model's log score) - (house's log score), in nats per
round. Its fixed-n 95% interval comes from the Diebold-Mariano statistic (Newey-West HAC variance of
the mean of d, from statsmodels) or from a moving-block bootstrap. The verdict only claims skill when
the whole interval is above zero. (The live record re-reads its verdict after every round, so it uses
an anytime-valid confidence sequence instead: ``confseq``.)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from enum import StrEnum
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
import statsmodels.api as sm

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
    """Newey-West (Bartlett kernel) variance of the mean of d: statsmodels' HAC covariance of the
    intercept-only regression (no small-sample correction)."""
    values = np.asarray(d, dtype=np.float64)
    if len(values) < 2 or float(np.ptp(values)) == 0.0:
        return 0.0
    fit = sm.OLS(values, np.ones(len(values))).fit(
        cov_type="HAC", cov_kwds={"maxlags": min(lags, len(values) - 1), "use_correction": False}
    )
    return max(float(fit.bse[0]) ** 2, 0.0)


@dataclass(frozen=True)
class DieboldMariano:
    """The Diebold-Mariano test of "no skill" (mean d = 0): mean, HAC standard error, two-sided p."""

    mean: float
    se: float
    p_value: float


def diebold_mariano(d: FloatArray, lags: int | None = None) -> DieboldMariano:
    """The test on d (at least 2 values); ``lags`` defaults to the Newey-West automatic bandwidth."""
    values = np.asarray(d, dtype=np.float64)
    se = math.sqrt(hac_variance_of_mean(values, newey_west_lags(len(values)) if lags is None else lags))
    mean = float(values.mean())
    if se == 0.0:
        return DieboldMariano(mean, 0.0, 1.0 if mean == 0.0 else 0.0)
    return DieboldMariano(mean, se, 2.0 * (1.0 - NormalDist().cdf(abs(mean) / se)))


def min_detectable_edge(se: float, n: int, alpha: float = 0.05, power: float = 0.8) -> float:
    """The smallest true skill delta that a two-sided test at level ``alpha`` over n rounds finds with
    probability ``power``: delta = z sqrt(var / n) with z = z_(1 - alpha/2) + z_power.

    The variance is the larger of the measured one (se^2 n) and 2 delta: a log-likelihood ratio worth
    delta nats a round varies by about 2 delta a round, so a model that stayed at the house odds (and so
    measured almost no variance) could still not have shown less than delta = 2 z^2 / n.
    """
    if n < 1:
        raise ValueError(f"need n >= 1, got {n}")
    z = NormalDist().inv_cdf(1.0 - alpha / 2.0) + NormalDist().inv_cdf(power)
    return max(z * se, 2.0 * z * z / n)


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
