"""Where the rounds of a simulation come from: the game's law, or rounds recorded from a game.

- ``GameLaw``: the published law, P(M >= x) = c/x on the 0.01 grid, every round independent. A round
  reaches cash-out x when U < c/x for U uniform on [0, 1): the same event as M >= x for
  M = max(1.00, floor(100 c / U) / 100) (``aviator.fairness.planted.fair_rounds``), without computing M.
- ``FittedLaw``: the fitted empirical law of recorded rounds: each cash-out's observed frequency,
  shrunk toward the house odds where the rounds are few (``aviator.models.empirical``), every round
  independent; drawn like the game's law, with the fitted chance in place of c/x.
- ``EmpiricalLaw``: independent rounds drawn, with replacement, from the recorded ones: exactly the
  law the recorded rounds show, with no memory of their order.
- ``RecordedLaw``: the recorded rounds in the order they came, every path from the first round: for a
  replay and the overfitting check, never for Monte Carlo (one history gives one session per start,
  and sessions from overlapping stretches of it are not independent: no honest interval comes of them).

A law hands out rounds in blocks (rounds x paths), and says which of them reach a cash-out.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from aviator.core.curve import GRID, survival_at
from aviator.models.empirical import PRIOR_ROUNDS, bin_of, blend
from aviator.strategy.base import Cashout, FloatArray, IntArray

Block = npt.NDArray[Any]


class Law(ABC):
    name: ClassVar[str]
    #: Rounds independent of each other (then the exact solver applies).
    independent: ClassVar[bool]

    @abstractmethod
    def survival(self, cashout: Cashout) -> FloatArray:
        """P(M >= x) for cash-outs x in hundredths (the chance a bet at x is won)."""

    @abstractmethod
    def block(self, rng: np.random.Generator, first: int, rounds: int, paths: IntArray) -> Block:
        """Rounds ``first`` .. ``first + rounds - 1`` of the paths numbered ``paths`` (rounds x paths)."""

    @abstractmethod
    def reaches(self, row: Block, cashout: Cashout) -> npt.NDArray[np.bool_]:
        """Which rounds of one block row reach ``cashout``."""

    @abstractmethod
    def describe(self) -> str:
        """The law in plain words."""


class _ThresholdLaw(Law):
    """Independent rounds: a round reaches cash-out x when its uniform draw is below P(M >= x)."""

    independent: ClassVar[bool] = True

    def __init__(self) -> None:
        self._buffer: FloatArray | None = None
        self._thresholds: dict[int, float] = {}

    def block(self, rng: np.random.Generator, first: int, rounds: int, paths: IntArray) -> Block:
        shape = (rounds, len(paths))
        if self._buffer is None or self._buffer.shape != shape:
            self._buffer = np.empty(shape, dtype=np.float64)
        rng.random(out=self._buffer)
        return self._buffer

    def reaches(self, row: Block, cashout: Cashout) -> npt.NDArray[np.bool_]:
        if isinstance(cashout, int):
            threshold = self._thresholds.get(cashout)
            if threshold is None:
                threshold = self._thresholds[cashout] = float(self.survival(cashout))
            return np.asarray(row < threshold)
        return np.asarray(row < self.survival(cashout))


class GameLaw(_ThresholdLaw):
    name: ClassVar[str] = "game"

    def __init__(self, rtp: float) -> None:
        if not 0.0 < rtp <= 1.0:
            raise ValueError(f"rtp must be within (0, 1], got {rtp}")
        super().__init__()
        self.rtp = rtp

    def survival(self, cashout: Cashout) -> FloatArray:
        return np.asarray(np.minimum(1.0, 100.0 * self.rtp / np.asarray(cashout, dtype=np.float64)))

    def describe(self) -> str:
        return f"the game's law at return {self.rtp:g} (every round independent)"


class FittedLaw(_ThresholdLaw):
    name: ClassVar[str] = "fitted"

    def __init__(self, series: FloatArray | list[float], rtp: float) -> None:
        super().__init__()
        values = to_hundredths(series) / 100.0
        counts = np.bincount(bin_of(values), minlength=len(GRID))
        at_or_above = np.cumsum(counts[::-1])[::-1]
        self.rounds = len(values)
        self.curve = blend(at_or_above[None, :], np.array([self.rounds]), rtp)[0]

    def survival(self, cashout: Cashout) -> FloatArray:
        points = np.asarray(cashout, dtype=np.int64)
        chances = [survival_at(self.curve, int(k) / 100.0) for k in points.ravel()]
        return np.asarray(chances, dtype=np.float64).reshape(points.shape)

    def describe(self) -> str:
        return (
            f"the law fitted to {self.rounds:,} recorded rounds (their frequencies, shrunk toward the house "
            f"odds with a prior worth {PRIOR_ROUNDS:.0f} rounds; every round independent)"
        )


def to_hundredths(series: FloatArray | list[float]) -> IntArray:
    """Recorded multipliers in hundredths; each must be a finite number of at least 1.00."""
    values = np.asarray(series, dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise ValueError("the recorded rounds must be a non-empty list of multipliers")
    bad = np.flatnonzero(~np.isfinite(values) | (values < 1.0))
    if bad.size:
        raise ValueError(
            f"round {int(bad[0]) + 1} of the recorded rounds is {values[bad[0]]!r}: not a multiplier >= 1.00"
        )
    return np.asarray(np.floor(values * 100.0 + 1e-6), dtype=np.int64)


class _Recorded(Law):
    def __init__(self, series: FloatArray | list[float]) -> None:
        self.hundredths = to_hundredths(series)
        self._sorted = np.sort(self.hundredths)

    def survival(self, cashout: Cashout) -> FloatArray:
        below = np.searchsorted(self._sorted, np.asarray(cashout), side="left")
        return np.asarray((len(self._sorted) - below) / len(self._sorted), dtype=np.float64)

    def reaches(self, row: Block, cashout: Cashout) -> npt.NDArray[np.bool_]:
        return np.asarray(row >= cashout)


class EmpiricalLaw(_Recorded):
    name: ClassVar[str] = "empirical"
    independent: ClassVar[bool] = True

    def block(self, rng: np.random.Generator, first: int, rounds: int, paths: IntArray) -> Block:
        picks = rng.integers(0, len(self.hundredths), size=(rounds, len(paths)))
        return self.hundredths.take(picks)

    def describe(self) -> str:
        return f"rounds drawn at random from {len(self.hundredths):,} recorded ones (their order ignored)"


class RecordedLaw(_Recorded):
    name: ClassVar[str] = "recorded"
    independent: ClassVar[bool] = False

    def block(self, rng: np.random.Generator, first: int, rounds: int, paths: IntArray) -> Block:
        if first + rounds > len(self.hundredths):
            raise ValueError(f"only {len(self.hundredths)} recorded rounds, asked for {first + rounds}")
        rows = self.hundredths[first : first + rounds, None]
        return np.broadcast_to(rows, (rounds, len(paths)))

    def describe(self) -> str:
        return f"{len(self.hundredths):,} recorded rounds in their order"
