"""Two bets a round: a safe one cashed out early and a long one left to fly, the same stakes every round."""

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
    base_grid,
    cashout_param,
    int_param,
    plain,
)


class TwoBetRule(LevelRule):
    name: ClassVar[str] = "two-bet"
    title: ClassVar[str] = "Two bets a round"
    summary: ClassVar[str] = (
        "Place two bets every round: a safe one cashed out at a low multiplier and a long one "
        "cashed out at a high multiplier."
    )
    slots: ClassVar[int] = 2

    def __init__(
        self,
        base: int | IntArray,
        cashout: int | IntArray,
        long_base: int | IntArray | None = None,
        long_cashout: int | IntArray = 1000,
    ) -> None:
        self.base = int_param(base, "base", 1, STAKE_CEILING)
        self.long_base = (
            self.base if long_base is None else int_param(long_base, "long_base", 1, STAKE_CEILING)
        )
        self.cashout = cashout_param(cashout)
        self.long_cashout = cashout_param(long_cashout, "long_cashout")
        if np.any(np.asarray(self.long_cashout) <= np.asarray(self.cashout)):
            raise ValueError(
                f"the long cash-out ({plain(self.long_cashout, 100)}x) must be above the safe one "
                f"({plain(self.cashout, 100)}x)"
            )

    @property
    def cashouts(self) -> tuple[Cashout, ...]:
        return (self.cashout, self.long_cashout)

    def stakes_at(self, level: IntArray) -> tuple[IntArray, ...]:
        return (
            np.broadcast_to(self.base, level.shape).astype(np.int64),
            np.broadcast_to(self.long_base, level.shape).astype(np.int64),
        )

    def advance(self, level: IntArray, won: tuple[BoolArray, ...]) -> IntArray:
        return level

    def parameters(self) -> dict[str, Any]:
        return {
            "base": plain(self.base, 100),
            "cashout": plain(self.cashout, 100),
            "long_base": plain(self.long_base, 100),
            "long_cashout": plain(self.long_cashout, 100),
        }

    @classmethod
    def search_space(cls, bankroll: int) -> list[dict[str, Any]]:
        safe = [k for k in CASHOUT_GRID if k <= 300]
        long = [k for k in CASHOUT_GRID if k >= 500]
        return [
            {"base": b, "cashout": k, "long_base": max(1, b // 2), "long_cashout": far}
            for b in base_grid(bankroll)
            for k in safe
            for far in long
        ]
