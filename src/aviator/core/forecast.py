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
    seq: int = Field(description="The stream's number of the last round the forecast knows (made after it).")
    target: float
    survival: list[float] = Field(description="P(M >= x) at each multiplier of `grid`.")
    median: float = Field(description="Point forecast: the median of the curve.")
    p_target: float = Field(description="P(M >= target): the 'confidence' of reaching the cash-out target.")
    expected_return: float = Field(description="Expected payout per unit staked when cashing out at target.")
    trained: bool = Field(False, description="The model forecast on its own (else it gave the house curve).")
    status: str | None = Field(None, description="Why the model is not forecasting on its own yet.")
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
        *,
        trained: bool = False,
    ) -> Forecast:
        clean = curves.clean_curve(survival)
        extra = dict(details or {})
        status = extra.pop("status", None)
        return cls(
            model=model,
            seq=seq,
            target=target,
            survival=[float(v) for v in clean],
            median=curves.quantile_multiplier(clean, 0.5),
            p_target=curves.survival_at(clean, target),
            expected_return=curves.expected_return(clean, target),
            trained=trained,
            status=status if isinstance(status, str) else None,
            details=extra,
        )

    def at_target(self, target: float) -> Forecast:
        """The same forecast read at another cash-out target (P(reach) and return from the curve)."""
        curve = self.curve()
        return self.model_copy(
            update={
                "target": target,
                "p_target": curves.survival_at(curve, target),
                "expected_return": curves.expected_return(curve, target),
            }
        )

    def curve(self) -> curves.FloatArray:
        return np.asarray(self.survival, dtype=np.float64)
