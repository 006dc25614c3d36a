"""d'Alembert: one unit more after a loss, one unit less after a win (never below the base)."""

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
    saturate,
)

#: Levels stop here, as many as the most rounds a session may have (base + unit x level then fits int64).
MAX_LEVEL = 10**6


class DAlembertRule(LevelRule):
    name: ClassVar[str] = "dalembert"
    title: ClassVar[str] = "d'Alembert"
    summary: ClassVar[str] = (
        "Add one unit to the stake after a loss and take one away after a win, never going below "
        "the base stake (the unit is the base unless set)."
    )

    def __init__(
        self, base: int | IntArray, cashout: int | IntArray, unit: int | IntArray | None = None
    ) -> None:
        self.base = int_param(base, "base", 1, STAKE_CEILING)
        self.cashout = cashout_param(cashout)
        self.unit = self.base if unit is None else int_param(unit, "unit", 1, STAKE_CEILING)

    @property
    def cashouts(self) -> tuple[Cashout, ...]:
        return (self.cashout,)

    def stakes_at(self, level: IntArray) -> tuple[IntArray, ...]:
        # base + unit x level <= 2e12 + 2e12 x 1e6 fits int64
        return (saturate(self.base + self.unit * level),)

    def advance(self, level: IntArray, won: tuple[BoolArray, ...]) -> IntArray:
        down = np.maximum(level - 1, 0)
        up = np.minimum(level + 1, MAX_LEVEL)
        return np.asarray(up + won[0] * (down - up), dtype=np.int64)

    def parameters(self) -> dict[str, Any]:
        return {
            "base": plain(self.base, 100),
            "cashout": plain(self.cashout, 100),
            "unit": plain(self.unit, 100),
        }

    @classmethod
    def search_space(cls, bankroll: int) -> list[dict[str, Any]]:
        return [{"base": b, "cashout": k} for b in base_grid(bankroll) for k in CASHOUT_GRID]
