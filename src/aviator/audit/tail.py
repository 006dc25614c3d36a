"""The tail: are the big multipliers as common as the law says? A cap or a thinned tail shows here first.

At each tail level L (ten a decade from 10x, up to where the law expects at least five rounds) the
count of rounds with M >= L is compared with Binomial(n, c/L): the exact binomial chance of this few
or fewer is reported per level, and the test takes the most significant shortfall over all levels,
calibrated by simulation (montecarlo.py). The level of that shortfall is where the data stop
following the law.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import binom

from aviator.audit.law import FloatArray, IntArray, survival
from aviator.audit.levels import TAIL_LEVELS, counts_at_least, speaking_levels
from aviator.audit.montecarlo import p_value, signed_root_deviance
from aviator.audit.report import Outcome, TailLevel

TAIL_HELP = (
    "Big multipliers are rare but the law says exactly how rare: c/L of rounds reach L. A game that caps its "
    "results, or pays big ones less often, has too few rounds above some level. This test compares the "
    "count above each level from 10x up with the law's and looks for any shortfall too large for chance, "
    "counting the many levels looked at."
)


def tail_levels(rounds: int, rtp: float) -> IntArray:
    """The tail levels the data can speak to."""
    return speaking_levels(TAIL_LEVELS, rounds, rtp)


def tail_table(hist: IntArray, rounds: int, rtp: float) -> list[TailLevel]:
    """Observed and expected rounds at or above each tail level, with the exact binomial lower tail."""
    if rounds == 0:
        return []
    levels = tail_levels(rounds, rtp)
    counts = counts_at_least(hist, levels)
    p = survival(levels, rtp)
    tails = binom.cdf(counts, rounds, p)
    return [
        TailLevel(
            level=float(levels[j] / 100.0),
            observed=int(counts[j]),
            expected=float(rounds * p[j]),
            p_value=float(min(1.0, tails[j])),
        )
        for j in range(levels.size)
    ]


def tail_test(
    hist: IntArray, rounds: int, rtp: float, highest: float, null_minima: FloatArray
) -> tuple[Outcome, float]:
    """The tail test and the level of its most significant shortfall (where the law stops holding)."""
    levels = tail_levels(rounds, rtp)
    counts = counts_at_least(hist, levels)
    expected = rounds * survival(levels, rtp)
    r = signed_root_deviance(counts, rounds, survival(levels, rtp))
    i = int(np.argmin(r))
    p = p_value(float(r[i]), null_minima)
    level = float(levels[i] / 100.0)
    if r[i] >= 0:
        detail = f"at every level from 10x to {levels[-1] / 100:g}x at least as many rounds as the law says"
    elif counts[i] == 0:
        detail = f"no round reached {level:g}x where the law expects {expected[i]:.1f}; "
        detail += f"the highest was {highest:g}x"
    else:
        detail = (
            f"the largest shortfall: {counts[i]:,} rounds reached {level:g}x where the law expects "
            f"{expected[i]:.1f}"
        )
    return Outcome("tail above 10x", "tail", p, detail, TAIL_HELP), level


def deficit_at_zero(rounds: int, rtp: float, levels: IntArray) -> FloatArray:
    """The signed root deviance of an empty count at each level (what a cap below the level gives)."""
    return signed_root_deviance(np.zeros(levels.size), rounds, survival(levels, rtp))
