"""Percentage of the bankroll (Kelly-style): stake a fixed fraction of what is left, never below the base.

Kelly's fraction for a bet that pays x with probability p is (p (x - 1) - (1 - p)) / (x - 1). Under the
game's law p = c/x, which makes it (c - 1) / (x - 1): negative for every cash-out when c < 1, so the
fraction that grows a bankroll fastest is zero, i.e. not betting. Any positive fraction is a choice to
lose more slowly or more quickly, never a way to grow.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from aviator.strategy.base import (
    CASHOUT_GRID,
    STAKE_CEILING,
    Bets,
    BoolArray,
    IntArray,
    Rule,
    cashout_param,
    float_param,
    int_param,
    plain,
    saturate,
)


def kelly_fraction(rtp: float, cashout: float) -> float:
    """Kelly's fraction of the bankroll for a bet at ``cashout`` under the law c/x (0 when c <= 1)."""
    p = min(1.0, rtp / cashout)
    return max(0.0, (p * (cashout - 1.0) - (1.0 - p)) / (cashout - 1.0))


class PercentRule(Rule):
    name: ClassVar[str] = "percent"
    title: ClassVar[str] = "Percentage of bankroll"
    summary: ClassVar[str] = (
        "Stake a fixed fraction of the current bankroll every round (never less than the base, the "
        "smallest bet); Kelly's fraction for any cash-out under the game's law is zero."
    )
    uses_bankroll: ClassVar[bool] = True

    def __init__(self, base: int | IntArray, cashout: int | IntArray, fraction: float | Any = 0.02) -> None:
        self.base = int_param(base, "base", 1, STAKE_CEILING)
        self.cashout = cashout_param(cashout)
        self.fraction = float_param(fraction, "fraction", 0.0, 1.0)

    def decide(self, level: IntArray, bank: IntArray) -> Bets:
        share = saturate(np.floor(self.fraction * bank))
        return Bets((np.maximum(share, self.base),), (self.cashout,))

    def advance(self, level: IntArray, won: tuple[BoolArray, ...]) -> IntArray:
        return level

    def parameters(self) -> dict[str, Any]:
        return {
            "base": plain(self.base, 100),
            "cashout": plain(self.cashout, 100),
            "fraction": plain(self.fraction),
        }

    @classmethod
    def search_space(cls, bankroll: int) -> list[dict[str, Any]]:
        return [
            {"base": 1, "cashout": k, "fraction": f}
            for k in CASHOUT_GRID
            for f in (0.005, 0.01, 0.02, 0.05, 0.1)
        ]
