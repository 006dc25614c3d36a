"""Power: for this many rounds, what the audit would catch at least 8 times in 10.

The verdict flags the rounds as soon as one test's p-value is below alpha / m (Holm's first step, m
tests), so a deviation that one test alone catches at that level with 80% chance is caught by the
verdict at least that often. Two such figures are computed:

- the smallest return shortfall d: rounds from the law at c - d make the instant-crash test (the most
  sensitive to a lower return, since the law's c is fixed by how often rounds reach 1.01x) reject with
  80% chance, from the exact binomial distribution of the 1.00x count;
- the highest cap: a game paying at most L leaves no round above L, and the tail test's simulated
  critical value says from which tail level an empty count is flagged; every cap below the highest such
  level is flagged (at the first tail level above the cap the count is zero).

tests/audit/test_audit_power.py checks both by simulation.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq
from scipy.stats import binom

from aviator.audit.law import FloatArray, instant_crash_probability
from aviator.audit.montecarlo import critical_value
from aviator.audit.report import Power
from aviator.audit.tail import deficit_at_zero, tail_levels

POWER = 0.8


def instant_crash_rejects_from(rounds: int, rtp: float, alpha: float) -> int:
    """The smallest 1.00x count the instant-crash test flags (upper side) at level ``alpha``."""
    return int(binom.isf(alpha / 2.0, rounds, instant_crash_probability(rtp))) + 1


def shortfall_power(rounds: int, rtp: float, shortfall: float, alpha: float) -> float:
    """The chance the instant-crash test flags rounds from the law at ``rtp - shortfall`` (upper side)."""
    k = instant_crash_rejects_from(rounds, rtp, alpha)
    return float(binom.sf(k - 1, rounds, instant_crash_probability(rtp - shortfall)))


def detectable_shortfall(rounds: int, rtp: float, alpha: float) -> float | None:
    """The smallest d with shortfall_power(d) >= POWER (None when even a return near 0 is not)."""
    largest = rtp - 1e-6
    if shortfall_power(rounds, rtp, largest, alpha) < POWER:
        return None
    root = brentq(lambda d: shortfall_power(rounds, rtp, d, alpha) - POWER, 0.0, largest, xtol=1e-7)
    return float(root)


def detectable_cap(rounds: int, rtp: float, tail_minima: FloatArray, alpha: float) -> float | None:
    """The highest tail level below which every cap is flagged (None when no cap can be)."""
    critical = critical_value(tail_minima, alpha)
    levels = tail_levels(rounds, rtp)
    if critical is None or levels.size == 0:
        return None
    flagged = levels[deficit_at_zero(rounds, rtp, levels) < critical]
    return float(flagged.max() / 100.0) if flagged.size else None


def power(rounds: int, rtp: float, tail_minima: FloatArray, alpha: float) -> Power:
    """The two figures for this many rounds at claimed return ``rtp``."""
    shortfall = detectable_shortfall(rounds, rtp, alpha)
    return Power(
        rounds=rounds,
        alpha_per_test=alpha,
        rtp_shortfall=None if shortfall is None else round(shortfall, 5),
        rtp_detectable=None if shortfall is None else round(rtp - shortfall, 5),
        cap_below=detectable_cap(rounds, rtp, np.asarray(tail_minima), alpha),
    )
