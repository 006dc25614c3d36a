"""Flat: the same stake every round at the same cash-out."""

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


class FlatRule(LevelRule):
    name: ClassVar[str] = "flat"
    title: ClassVar[str] = "Flat stake"
    summary: ClassVar[str] = "Stake the same amount every round and cash out at the same multiplier."

    def __init__(self, base: int | IntArray, cashout: int | IntArray) -> None:
        self.base = int_param(base, "base", 1, STAKE_CEILING)
        self.cashout = cashout_param(cashout)

    @property
    def cashouts(self) -> tuple[Cashout, ...]:
        return (self.cashout,)

    def stakes_at(self, level: IntArray) -> tuple[IntArray, ...]:
        return (np.broadcast_to(self.base, level.shape).astype(np.int64),)

    def advance(self, level: IntArray, won: tuple[BoolArray, ...]) -> IntArray:
        return level

    def parameters(self) -> dict[str, Any]:
        return {"base": plain(self.base, 100), "cashout": plain(self.cashout, 100)}

    @classmethod
    def search_space(cls, bankroll: int) -> list[dict[str, Any]]:
        return [{"base": b, "cashout": k} for b in base_grid(bankroll) for k in CASHOUT_GRID]
