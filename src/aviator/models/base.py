"""The model contract: every model forecasts the next round as a survival curve P(M >= x) on GRID.

The engine drives each model in this order for every round n:

1. ``predict(history)`` with ``history`` = the multipliers of rounds ..., n-2, n-1 (oldest first, at
   most ``HISTORY_WINDOW`` of them): the forecast for round n. Round n is not known yet.
2. round n arrives; the forecast is scored against it.
3. ``learn_one(m_n)``: the model may update its state with round n.

Batch models (``batch = True``) also learn from whole series: ``train(series)`` is a pure function run
in a worker process; it returns a picklable fitted state that ``install`` swaps in atomically.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from aviator.core.curve import GRID, FloatArray, clean_curve

#: The most rounds of history any model is given at prediction time.
HISTORY_WINDOW = 512

#: Rounds of a start-up backlog replayed through ``learn_one`` by the default ``learn_many``.
WARM_UP_LIMIT = 10_000


@dataclass(frozen=True)
class ModelParams:
    """What users set and models read; the engine replaces them when the user changes a setting.
    A model's own parameters (weights, priors, depths) live in the model."""

    rtp: float = 0.97
    window: int = 20


class Model(ABC):
    """One forecaster of the next round."""

    name: ClassVar[str]
    description: ClassVar[str]
    batch: ClassVar[bool] = False
    #: Rounds of history needed before the model forecasts anything but the house curve (at the
    #: default settings; ``rounds_needed`` is the figure for the current ones).
    min_rounds: ClassVar[int] = 0

    def __init__(self, params: ModelParams | None = None) -> None:
        self.params = params or ModelParams()
        self.rounds_seen = 0

    def configure(self, params: ModelParams) -> None:
        self.params = params

    @property
    def rounds_needed(self) -> int:
        """Rounds the model must have learned before it forecasts on its own, at the current settings."""
        return self.min_rounds

    @property
    def trained(self) -> bool:
        """Whether the model forecasts on its own (else it answers with the house curve)."""
        return self.rounds_seen >= self.rounds_needed

    def learn_one(self, multiplier: float) -> None:
        """See one finished round, after its forecast was scored."""
        self.rounds_seen += 1

    def learn_many(self, series: FloatArray) -> None:
        """Learn a backlog at start-up (oldest first). The default replays the last
        ``WARM_UP_LIMIT`` rounds through ``learn_one``; models with a cheaper exact way override it."""
        skipped = max(0, series.size - WARM_UP_LIMIT)
        for value in series[skipped:]:
            self.learn_one(float(value))
        self.rounds_seen += skipped

    @abstractmethod
    def predict(self, history: FloatArray) -> tuple[FloatArray, dict[str, Any]]:
        """P(M >= x) on GRID for the round after ``history``, and model-specific details."""

    def predict_range(self, series: FloatArray, start: int, stop: int) -> FloatArray:
        """Curves for rounds ``start..stop-1`` of ``series``, each from the rounds before it only.

        Precondition: the model has learned ``series[:start]``; afterwards it has learned
        ``series[:stop]``. Used by backtests; fast models override it with a vectorized version
        that must give the same numbers as this loop.
        """
        rows = np.empty((stop - start, len(GRID)), dtype=np.float64)
        for i in range(start, stop):
            history = series[max(0, i - HISTORY_WINDOW) : i]
            rows[i - start] = clean_curve(self.predict(history)[0])
            self.learn_one(float(series[i]))
        return rows


class BatchModel(Model):
    """A model retrained from whole series in a worker process."""

    batch: ClassVar[bool] = True

    def __init__(self, params: ModelParams | None = None) -> None:
        super().__init__(params)
        self.fitted: Any = None
        self.trained_on = 0

    @property
    def trained(self) -> bool:
        return self.fitted is not None

    @classmethod
    @abstractmethod
    def train(cls, series: FloatArray, params: ModelParams) -> Any:
        """Fit on ``series`` (oldest first). Pure and picklable: runs in another process."""

    def install(self, fitted: Any, trained_on: int) -> None:
        """Swap in a fitted state (one assignment, so a forecast never sees half of it)."""
        self.fitted, self.trained_on = fitted, trained_on
