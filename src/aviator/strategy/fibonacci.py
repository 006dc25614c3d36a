"""Fibonacci: after a loss, stake the next Fibonacci multiple of the base; after a win, two steps back."""

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


def fibonacci_numbers(count: int) -> list[int]:
    """1, 1, 2, 3, 5, 8, ... (``count`` of them)."""
    numbers = [1, 1]
    while len(numbers) < count:
        numbers.append(numbers[-1] + numbers[-2])
    return numbers[:count]


class FibonacciRule(LevelRule):
    name: ClassVar[str] = "fibonacci"
    title: ClassVar[str] = "Fibonacci"
    summary: ClassVar[str] = (
        "Stakes follow 1, 1, 2, 3, 5, 8, ... times the base: one step up after a loss, "
        "two steps back after a win."
    )

    def __init__(self, base: int | IntArray, cashout: int | IntArray) -> None:
        self.base = int_param(base, "base", 1, STAKE_CEILING)
        self.cashout = cashout_param(cashout)
        self._ladder = StakeLadder(self.base, fibonacci_numbers(90))

    @property
    def cashouts(self) -> tuple[Cashout, ...]:
        return (self.cashout,)

    def stakes_at(self, level: IntArray) -> tuple[IntArray, ...]:
        return (self._ladder.at(level),)

    def advance(self, level: IntArray, won: tuple[BoolArray, ...]) -> IntArray:
        down = np.maximum(level - 2, 0)
        up = np.minimum(level + 1, self._ladder.top)
        return np.asarray(up + won[0] * (down - up), dtype=np.int64)

    def parameters(self) -> dict[str, Any]:
        return {"base": plain(self.base, 100), "cashout": plain(self.cashout, 100)}

    @classmethod
    def search_space(cls, bankroll: int) -> list[dict[str, Any]]:
        return [{"base": b, "cashout": k} for b in base_grid(bankroll) for k in CASHOUT_GRID]
