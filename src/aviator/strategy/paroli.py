"""Paroli (anti-martingale): double the stake after a win; after ``streak`` wins, or any loss, reset."""

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

MAX_STREAK = 20


class ParoliRule(LevelRule):
    name: ClassVar[str] = "paroli"
    title: ClassVar[str] = "Paroli (anti-martingale)"
    summary: ClassVar[str] = (
        "Double the stake after every win; after that many wins in a row, or after any loss, "
        "go back to the base stake."
    )

    def __init__(self, base: int | IntArray, cashout: int | IntArray, streak: int | IntArray = 3) -> None:
        self.base = int_param(base, "base", 1, STAKE_CEILING)
        self.cashout = cashout_param(cashout)
        self.streak = int_param(streak, "streak", 1, MAX_STREAK)
        # level = wins in a row (below streak); stake = base x 2^level
        self._ladder = StakeLadder(self.base, [2**n for n in range(MAX_STREAK)])

    @property
    def cashouts(self) -> tuple[Cashout, ...]:
        return (self.cashout,)

    def stakes_at(self, level: IntArray) -> tuple[IntArray, ...]:
        return (self._ladder.at(level),)

    def advance(self, level: IntArray, won: tuple[BoolArray, ...]) -> IntArray:
        up = np.minimum(level + 1, self._ladder.top)
        up *= won[0] & (up < self.streak)
        return up

    def parameters(self) -> dict[str, Any]:
        return {
            "base": plain(self.base, 100),
            "cashout": plain(self.cashout, 100),
            "streak": plain(self.streak),
        }

    @classmethod
    def search_space(cls, bankroll: int) -> list[dict[str, Any]]:
        return [
            {"base": b, "cashout": k, "streak": n}
            for b in base_grid(bankroll)
            for k in CASHOUT_GRID
            for n in (2, 3, 4)
        ]
