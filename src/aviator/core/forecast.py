"""A model's forecast of the next round, and the figures that follow from its curve."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from aviator.core import curve as curves
from aviator.core.rounds import utcnow


class Forecast(BaseModel):
    """A model's forecast of the next round: P(M >= x) on the shared grid and what follows from it."""

    model: str
    seq: int = Field(description="Sequence number of the round this forecast is for.")
    target: float
    survival: list[float] = Field(description="P(M >= x) at each multiplier of `grid`.")
    median: float = Field(description="Point forecast: the median of the curve.")
    p_target: float = Field(description="P(M >= target): the 'confidence' of reaching the cash-out target.")
    expected_return: float = Field(description="Expected payout per unit staked when cashing out at target.")
    details: dict[str, Any] = Field(default_factory=dict, description="Model-specific values (factors...).")
    made_at: datetime = Field(default_factory=utcnow)

    @classmethod
    def from_curve(
        cls,
        model: str,
        seq: int,
        survival: curves.FloatArray,
        target: float,
        details: dict[str, Any] | None = None,
    ) -> Forecast:
        clean = curves.clean_curve(survival)
        return cls(
            model=model,
            seq=seq,
            target=target,
            survival=[float(v) for v in clean],
            median=curves.quantile_multiplier(clean, 0.5),
            p_target=curves.survival_at(clean, target),
            expected_return=curves.expected_return(clean, target),
            details=details or {},
        )

    def curve(self) -> curves.FloatArray:
        return np.asarray(self.survival, dtype=np.float64)
