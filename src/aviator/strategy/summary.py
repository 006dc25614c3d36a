"""What a simulation measured, with intervals: profit, ruin, ending ahead, staked, drawdown, the Wald check.

Means get a normal-theory interval (the estimate +- z standard errors: thousands of independent
sessions make the mean close to normal); chances get Wilson's score interval (statsmodels), which
stays inside [0, 1] and is honest when the chance is near 0 or 1. Amounts are in cents.

The Wald check: every bet returns, on average, its stake times the return at its cash-out (c under
the game's law), whatever came before, so the expected profit of any rule is (return - 1) times the
expected total staked (less the cents lost to rounding payouts down). The simulation's profits minus
each path's Wald term average to zero; the check reports that average with its interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aviator.strategy.base import FloatArray, IntArray
from aviator.strategy.session import End
from aviator.strategy.simulate import Simulation

#: Percentiles of the final bankroll reported.
QUANTILES: tuple[int, ...] = (5, 25, 50, 75, 95)


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float

    def scaled(self, factor: float) -> Interval:
        return Interval(self.estimate * factor, self.low * factor, self.high * factor)

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


def z_value(confidence: float) -> float:
    from scipy.stats import norm

    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be within (0, 1), got {confidence}")
    # From the upper tail: 0.5 + c/2 rounds to 1.0 for c within 1e-16 of 1, where ppf gives inf.
    return float(norm.isf((1.0 - confidence) / 2.0))


def mean_interval(
    values: IntArray | FloatArray, confidence: float = 0.95, lowest: float | None = None
) -> Interval:
    """The mean with a normal-theory interval, kept at or above ``lowest`` (the least the quantity can
    be, like an empty bankroll); a single value has no spread: the interval is the value."""
    data = np.asarray(values, dtype=np.float64)
    mean = float(data.mean())
    if len(data) < 2:
        return Interval(mean, mean, mean)
    half = z_value(confidence) * float(data.std(ddof=1)) / np.sqrt(len(data))
    low = mean - half if lowest is None else max(lowest, mean - half)
    return Interval(mean, low, mean + half)


def proportion_interval(count: int, total: int, confidence: float = 0.95) -> Interval:
    """A chance measured as count/total, with Wilson's score interval."""
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(count, total, alpha=1.0 - confidence, method="wilson")
    return Interval(count / total, float(low), float(high))


@dataclass(frozen=True)
class Summary:
    """The measured figures of one simulation (cents, chances in [0, 1])."""

    paths: int
    rounds: int
    confidence: float
    expected_profit: Interval
    expected_final_bank: Interval
    ruin_probability: Interval
    ahead_probability: Interval
    expected_total_staked: Interval
    wald_expected_profit: float
    wald_gap: Interval
    final_quantiles: dict[int, float]
    drawdown_mean: float
    drawdown_quantiles: dict[int, float]
    end_shares: dict[End, float]
    ruin_rounds_median: float | None
    ruin_rounds_mean: float | None
    rounds_played_mean: float

    @property
    def wald_holds(self) -> bool:
        """Whether zero lies within the interval of (profit - Wald term)."""
        return self.wald_gap.contains(0.0)

    @property
    def return_per_staked(self) -> float | None:
        """The Wald expectation per cent staked (about c - 1), or None when nothing was staked."""
        staked = self.expected_total_staked.estimate
        return None if staked <= 0 else self.wald_expected_profit / staked


def summarize(simulation: Simulation, confidence: float = 0.95) -> Summary:
    start = simulation.session.bankroll
    profit = simulation.final_bank - start
    n = simulation.paths
    ruined = simulation.ended == int(End.RUIN)
    ruin_rounds = simulation.played[ruined]
    ends = np.bincount(simulation.ended, minlength=len(End))
    return Summary(
        paths=n,
        rounds=simulation.session.rounds,
        confidence=confidence,
        expected_profit=mean_interval(profit, confidence, lowest=-start),
        expected_final_bank=mean_interval(simulation.final_bank, confidence, lowest=0.0),
        ruin_probability=proportion_interval(int(ruined.sum()), n, confidence),
        ahead_probability=proportion_interval(int((profit > 0).sum()), n, confidence),
        expected_total_staked=mean_interval(simulation.staked, confidence, lowest=0.0),
        wald_expected_profit=float(simulation.wald.mean()),
        wald_gap=mean_interval(profit - simulation.wald, confidence),
        final_quantiles=_quantiles(simulation.final_bank),
        drawdown_mean=float(simulation.max_drawdown.mean()),
        drawdown_quantiles=_quantiles(simulation.max_drawdown),
        end_shares={how: float(ends[how]) / n for how in End if ends[how]},
        ruin_rounds_median=float(np.median(ruin_rounds)) if len(ruin_rounds) else None,
        ruin_rounds_mean=float(ruin_rounds.mean()) if len(ruin_rounds) else None,
        rounds_played_mean=float(simulation.played.mean()),
    )


def _quantiles(values: IntArray) -> dict[int, float]:
    points = np.percentile(values, QUANTILES)
    return {q: float(v) for q, v in zip(QUANTILES, points, strict=True)}
