"""The rule contract: each round a rule decides its stakes (or none) and cash-outs from its own state.

A rule keeps one integer per path, its *level* (how many losses in a row, how far up a ladder, ...),
starting at 0. Each round the simulator asks ``decide(level, bank)`` for the stakes of every bet slot
(integer cents, 0 = no bet) and their cash-outs (hundredths: 200 = 2.00x), settles them, and asks
``advance(level, won)`` for the next level. Everything is vectorized across paths: ``level`` and
``bank`` hold one entry per path, and a rule's parameters may hold one entry per path too (the
optimizer tries many settings in one run).

Settlement is the game's: a bet of s cents cashed out at x pays floor(s * x) cents, and the stake is
lost otherwise. A rule whose stakes depend on the level only, at fixed cash-outs (a ``LevelRule``), has
an exact solution by dynamic programming (``strategy.exact``).

Integer limits: a stake is saturated at ``STAKE_CEILING``, above every bankroll a session may reach
(``BANK_CEILING``, where a session ends), so a saturated stake is still one the bankroll cannot cover.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
#: A cash-out in hundredths of a multiplier (200 = 2.00x): one for all paths, or one per path.
Cashout = int | IntArray

#: A session ends when its bankroll reaches this many cents ($10 billion): the simulation's own limit.
BANK_CEILING = 10**12
#: Stakes are capped here, above any bankroll a session reaches, so cents times hundredths fit int64.
STAKE_CEILING = 2 * 10**12
#: The highest cash-out a rule may use (hundredths): 10,000x.
MAX_CASHOUT = 1_000_000
MIN_CASHOUT = 101


@dataclass(frozen=True)
class Bets:
    """One round's bets for every path: a stake array per slot (cents, 0 = none) and its cash-out."""

    stakes: tuple[IntArray, ...]
    cashouts: tuple[Cashout, ...]


def int_param(value: int | Sequence[int] | IntArray, name: str, low: int, high: int) -> IntArray:
    """A whole-number parameter (one value, or one per path) checked to lie within [low, high]."""
    array = np.asarray(value, dtype=np.int64)
    if array.ndim > 1 or array.size == 0:
        raise ValueError(f"{name} must be one number or one per path")
    if array.min() < low or array.max() > high:
        raise ValueError(f"{name} must be within [{low}, {high}], got {value!r}")
    return array


def float_param(
    value: float | Sequence[float] | FloatArray, name: str, low: float, high: float
) -> FloatArray:
    """A real parameter (one value, or one per path) checked to lie within [low, high]."""
    array = np.asarray(value, dtype=np.float64)
    if array.ndim > 1 or array.size == 0 or not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be one finite number or one per path")
    if array.min() < low or array.max() > high:
        raise ValueError(f"{name} must be within [{low}, {high}], got {value!r}")
    return array


def cashout_param(value: int | Sequence[int] | IntArray, name: str = "cashout") -> Cashout:
    """A cash-out in hundredths, from 1.01x to 10,000x; a plain int when it is one for all paths."""
    array = int_param(value, name, MIN_CASHOUT, MAX_CASHOUT)
    return int(array) if array.ndim == 0 else array


def saturate(stakes: IntArray | FloatArray) -> IntArray:
    """Stakes capped at ``STAKE_CEILING`` (exact: float products below it are whole numbers)."""
    return np.asarray(np.minimum(stakes, STAKE_CEILING), dtype=np.int64)


def payout(stake: IntArray | int, cashout: Cashout) -> IntArray:
    """What a winning bet pays back: floor(stake x cash-out) cents, the stake included."""
    return np.asarray((np.asarray(stake, dtype=np.int64) * cashout) // 100, dtype=np.int64)


class Rule(ABC):
    """A betting rule: stakes and cash-outs each round from its level and the bankroll (see module doc)."""

    name: ClassVar[str]
    title: ClassVar[str]
    #: What the rule does, in plain words.
    summary: ClassVar[str]
    #: Bet slots per round (two for the two-bet rule).
    slots: ClassVar[int] = 1
    #: Whether the stakes depend on the bankroll (then no exact solver applies).
    uses_bankroll: ClassVar[bool] = False

    @abstractmethod
    def decide(self, level: IntArray, bank: IntArray) -> Bets:
        """The stakes (one array per slot, cents) and cash-outs of this round, for every path."""

    @abstractmethod
    def advance(self, level: IntArray, won: tuple[BoolArray, ...]) -> IntArray:
        """The level after a round, from the level before and whether each slot's bet was won."""

    @abstractmethod
    def parameters(self) -> dict[str, Any]:
        """The rule's settings in plain units (dollars, multipliers), for reports."""

    @classmethod
    @abstractmethod
    def search_space(cls, bankroll: int) -> list[dict[str, Any]]:
        """Settings the overfitting check tries (constructor keywords), for a bankroll in cents."""

    @classmethod
    def from_settings(cls, settings: Sequence[Mapping[str, Any]]) -> Rule:
        """One rule trying every setting at once: setting i on path i."""
        keys = settings[0].keys()
        return cls(**{key: np.asarray([s[key] for s in settings]) for key in keys})

    def per_path(self) -> bool:
        """Whether some parameter holds one value per path (then paths must stay in place)."""
        return any(np.ndim(value) > 0 for value in vars(self).values() if isinstance(value, np.ndarray))


class LevelRule(Rule):
    """A rule whose stakes depend on its level only, at fixed cash-outs: exactly solvable."""

    @property
    @abstractmethod
    def cashouts(self) -> tuple[Cashout, ...]:
        """The fixed cash-out of each slot."""

    @abstractmethod
    def stakes_at(self, level: IntArray) -> tuple[IntArray, ...]:
        """The stake of each slot at each level (cents)."""

    def decide(self, level: IntArray, bank: IntArray) -> Bets:
        return Bets(self.stakes_at(level), self.cashouts)


def dollars(cents: int | float | np.integer[Any] | np.floating[Any]) -> float:
    """Cents as dollars, for reports."""
    return float(cents) / 100.0


def plain(value: IntArray | FloatArray | int | float, scale: float = 1.0) -> float | list[float]:
    """A parameter in plain units (divided by ``scale``): a number, or a list when it is one per path."""
    array = np.asarray(value, dtype=np.float64) / scale
    if array.ndim == 0:
        return float(array)
    return [float(v) for v in array]


#: Base stakes the overfitting check tries, as fractions of the bankroll.
BASE_FRACTIONS: tuple[float, ...] = (0.005, 0.01, 0.02, 0.05)
#: Cash-outs the overfitting check tries (hundredths).
CASHOUT_GRID: tuple[int, ...] = (
    110,
    120,
    130,
    150,
    175,
    200,
    250,
    300,
    400,
    500,
    700,
    1000,
    1500,
    2000,
    5000,
)


def base_grid(bankroll: int) -> list[int]:
    """Base stakes (cents, at least 1) for the overfitting check."""
    return sorted({max(1, int(bankroll * f)) for f in BASE_FRACTIONS})


class StakeLadder:
    """Stakes base x factor[level], saturated at ``STAKE_CEILING``; the top level's stake is the first
    saturated one (beyond every bankroll), so levels never need to go higher."""

    def __init__(self, base: IntArray, factors: Sequence[int]) -> None:
        smallest = int(np.min(base))
        kept: list[int] = []
        for factor in factors:
            kept.append(factor)
            if smallest * factor >= STAKE_CEILING:
                break
        self.base = base
        self.top = len(kept) - 1
        self._factors = np.asarray(kept, dtype=np.float64)
        self._table: IntArray | None = (
            saturate(np.asarray([int(base) * f for f in kept], dtype=np.float64)) if base.ndim == 0 else None
        )

    def at(self, level: IntArray) -> IntArray:
        if self._table is not None:
            return np.asarray(self._table.take(level), dtype=np.int64)
        return saturate(self.base * self._factors.take(level))
