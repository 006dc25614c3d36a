"""The return at each cash-out: t x P(M >= t) against the claimed c, the estimate of c, the instant crashes.

Under the law every cash-out returns exactly c: t x c/t. The rounds give P(M >= t) as a share with an
exact (Clopper-Pearson) interval, so the return at t comes with one too. The law has one free number,
c, and its maximum-likelihood estimate is 1.01 x (share of rounds reaching 1.01x): that is the estimate
of c given, and the return curve shows whether the other cash-outs agree with it.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import beta, binom

from aviator.audit.law import FloatArray, IntArray, instant_crash_probability, survival
from aviator.audit.levels import (
    RETURN_LEVELS,
    TAIL_LEVELS,
    counts_at_least,
    speaking_levels,
)
from aviator.audit.montecarlo import p_value, signed_root_deviance
from aviator.audit.report import CurvePoint, InstantCrashes, Outcome, RtpEstimate, Shortfall, SurvivalPoint

#: Intervals are 95%.
INTERVAL = 0.95

INSTANT_CRASH_HELP = (
    "How often a round crashes at 1.00x, before anyone can cash out. With a return c the law says a share "
    "1 - c/1.01 of rounds do (3.96% at Aviator's 97%); more instant crashes mean a lower return. "
    "Exact binomial test, both directions."
)
RETURN_CURVE_HELP = (
    "The return of always cashing out at t is t times the share of rounds that reach t; the law says it is c "
    "at every t. This test looks for any cash-out from 1.01x to 10x whose return is lower than c by more "
    "than chance allows, counting the many cash-outs looked at."
)


def clopper_pearson(k: IntArray, n: int) -> tuple[FloatArray, FloatArray]:
    """Exact 95% intervals for the shares k/n."""
    k = np.asarray(k, dtype=np.float64)
    half = (1.0 - INTERVAL) / 2.0
    with np.errstate(invalid="ignore"):
        low = np.where(k > 0, beta.ppf(half, np.maximum(k, 1.0), n - k + 1.0), 0.0)
        high = np.where(k < n, beta.ppf(1.0 - half, k + 1.0, np.maximum(n - k, 1.0)), 1.0)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def rtp_estimate(hist: IntArray, rounds: int, rtp: float) -> RtpEstimate:
    """c estimated as 1.01 x the share of rounds reaching 1.01x, with its exact 95% interval."""
    if rounds == 0:
        return RtpEstimate(claimed=rtp, estimate=None, low=None, high=None)
    reached = np.array([rounds - int(hist[0])])
    low, high = clopper_pearson(reached, rounds)
    return RtpEstimate(
        claimed=rtp,
        estimate=round(1.01 * float(reached[0]) / rounds, 6),
        low=round(1.01 * float(low[0]), 6),
        high=round(1.01 * float(high[0]), 6),
    )


def instant_crashes(hist: IntArray, rounds: int, rtp: float) -> InstantCrashes:
    """The rounds that crashed at 1.00x, their share (95% interval) and the law's share."""
    observed = int(hist[0])
    expected = instant_crash_probability(rtp)
    if rounds == 0:
        return InstantCrashes(observed=0, rate=None, low=None, high=None, expected_rate=expected)
    low, high = clopper_pearson(np.array([observed]), rounds)
    return InstantCrashes(
        observed=observed,
        rate=observed / rounds,
        low=float(low[0]),
        high=float(high[0]),
        expected_rate=expected,
    )


def instant_crash_test(hist: IntArray, rounds: int, rtp: float) -> Outcome:
    """Exact two-sided binomial test (twice the smaller tail) of the 1.00x count against 1 - c/1.01."""
    k, p0 = int(hist[0]), instant_crash_probability(rtp)
    p = min(1.0, 2.0 * min(float(binom.cdf(k, rounds, p0)), float(binom.sf(k - 1, rounds, p0))))
    detail = (
        f"{k:,} of {rounds:,} rounds crashed at 1.00x ({k / rounds:.2%}); a return of {rtp:g} means {p0:.2%}"
    )
    return Outcome("instant crashes", "return", p, detail, INSTANT_CRASH_HELP)


def return_levels(rounds: int, rtp: float) -> IntArray:
    """The cash-outs of the return-curve test (1.01x to 10x, where the data can speak)."""
    return speaking_levels(RETURN_LEVELS, rounds, rtp)


def return_curve_test(
    hist: IntArray, rounds: int, rtp: float, null_minima: FloatArray
) -> tuple[Outcome, Shortfall | None]:
    """The most significant shortfall of the return curve below c, calibrated over all its cash-outs."""
    levels = return_levels(rounds, rtp)
    counts = counts_at_least(hist, levels)
    r = signed_root_deviance(counts, rounds, survival(levels, rtp))
    i = int(np.argmin(r))
    p = p_value(float(r[i]), null_minima)
    shortfall = None
    if r[i] < 0:
        t = levels[i] / 100.0
        low, high = clopper_pearson(counts[i : i + 1], rounds)
        value = t * counts[i] / rounds
        shortfall = Shortfall(
            cash_out=t, value=value, low=t * float(low[0]), high=t * float(high[0]), shortfall=rtp - value
        )
        detail = (
            f"the return falls furthest below {rtp:g} at {t:g}x: {value:.3f} "
            f"(95% interval {shortfall.low:.3f} to {shortfall.high:.3f})"
        )
    else:
        detail = f"the return is at least {rtp:g} at every cash-out from 1.01x to 10x"
    return Outcome("return at each cash-out", "return", p, detail, RETURN_CURVE_HELP), shortfall


def curve_levels(rounds: int, rtp: float) -> IntArray:
    """Where the return curve is drawn: the fine cash-outs, then the tail levels the data can speak to."""
    return speaking_levels(np.union1d(RETURN_LEVELS, TAIL_LEVELS), rounds, rtp)


def return_curve(hist: IntArray, rounds: int, rtp: float) -> list[CurvePoint]:
    """t x P(M >= t) with its 95% interval at each level of ``curve_levels``."""
    if rounds == 0:
        return []
    levels = curve_levels(rounds, rtp)
    counts = counts_at_least(hist, levels)
    low, high = clopper_pearson(counts, rounds)
    t = levels / 100.0
    return [
        CurvePoint(
            cash_out=float(t[j]),
            value=float(t[j] * counts[j] / rounds),
            low=float(t[j] * low[j]),
            high=float(t[j] * high[j]),
        )
        for j in range(levels.size)
    ]


def survival_curve(hist: IntArray, rounds: int, rtp: float, highest_cents: int) -> list[SurvivalPoint]:
    """P(M >= m) observed (95% interval) and by the law, from 1.01x to the highest level reached."""
    if rounds == 0:
        return []
    levels = np.union1d(RETURN_LEVELS, TAIL_LEVELS)
    levels = levels[levels <= max(highest_cents, RETURN_LEVELS[-1])]
    counts = counts_at_least(hist, levels)
    low, high = clopper_pearson(counts, rounds)
    law = survival(levels, rtp)
    return [
        SurvivalPoint(
            multiplier=float(levels[j] / 100.0),
            observed=float(counts[j] / rounds),
            low=float(low[j]),
            high=float(high[j]),
            law=float(law[j]),
        )
        for j in range(levels.size)
    ]
