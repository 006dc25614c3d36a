"""A model's forecast of the next round, and the figures that follow from its curve."""

from __future__ import annotations

from collections.abc import Sequence
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

    @classmethod
    def from_curves(
        cls,
        seq: int,
        target: float,
        made: Sequence[tuple[str, curves.FloatArray, dict[str, Any], bool]],
    ) -> list[Forecast]:
        """``from_curve`` for several models' curves at once (model, curve, details, trained each):
        the same figures, computed as one matrix."""
        if not made:
            return []
        clean = curves.clean_rows(np.stack([np.asarray(curve, dtype=np.float64) for _, curve, _, _ in made]))
        medians = curves.quantiles(clean, 0.5).tolist()
        reach = curves.survival_at_many(clean, target).tolist()
        out = []
        for i, (model, _, details, trained) in enumerate(made):
            extra = dict(details)
            status = extra.pop("status", None)
            out.append(
                cls(
                    model=model,
                    seq=seq,
                    target=target,
                    survival=clean[i].tolist(),
                    median=medians[i],
                    p_target=reach[i],
                    expected_return=target * reach[i],
                    trained=trained,
                    status=status if isinstance(status, str) else None,
                    details=extra,
                )
            )
        return out

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
