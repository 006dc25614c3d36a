"""Martingale: double the stake after every loss, back to the base after a win."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from aviator.strategy.base import (
    CASHOUT_GRID,
    STAKE_CEILING,
    BoolArray,
    Cashout,
    IntArray,
    LevelRule,
    StakeLadder,
    base_grid,
    cashout_param,
    int_param,
    plain,
)


class MartingaleRule(LevelRule):
    name: ClassVar[str] = "martingale"
    title: ClassVar[str] = "Martingale"
    summary: ClassVar[str] = (
        "Double the stake after every loss and go back to the base stake after a win, "
        "at the same cash-out every round."
    )

    def __init__(self, base: int | IntArray, cashout: int | IntArray) -> None:
        self.base = int_param(base, "base", 1, STAKE_CEILING)
        self.cashout = cashout_param(cashout)
        # level = losses in a row; stake = base x 2^level
        self._ladder = StakeLadder(self.base, [2**n for n in range(64)])

    @property
    def cashouts(self) -> tuple[Cashout, ...]:
        return (self.cashout,)

    def stakes_at(self, level: IntArray) -> tuple[IntArray, ...]:
        return (self._ladder.at(level),)

    def advance(self, level: IntArray, won: tuple[BoolArray, ...]) -> IntArray:
        up = np.minimum(level + 1, self._ladder.top)
        up *= ~won[0]  # arithmetic, not np.where: several times faster on random masks
        return up

    def parameters(self) -> dict[str, Any]:
        return {"base": plain(self.base, 100), "cashout": plain(self.cashout, 100)}

    @classmethod
    def search_space(cls, bankroll: int) -> list[dict[str, Any]]:
        return [{"base": b, "cashout": k} for b in base_grid(bankroll) for k in CASHOUT_GRID]
