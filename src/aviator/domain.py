"""The values that travel through the system: rounds and forecasts."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from aviator import curve as curves


def utcnow() -> datetime:
    return datetime.now(UTC)


def round_key(source: str, round_id: str | None, timestamp: datetime, multiplier: float) -> str:
    """A round's stable identity: source + round id, or source + timestamp + multiplier."""
    if round_id:
        return f"{source}:id:{round_id}"
    return f"{source}:ts:{timestamp.isoformat()}:{multiplier:.2f}"


class Fairness(BaseModel):
    """The provably-fair record of a round (revealed after it ends)."""

    model_config = ConfigDict(frozen=True)

    server_seed: str
    server_hash: str
    client_seeds: tuple[str, ...]
    combined_hash: str


class Round(BaseModel):
    """One finished round of a crash game."""

    model_config = ConfigDict(frozen=True)

    source: str = Field(min_length=1, max_length=64)
    multiplier: float
    timestamp: datetime
    round_id: str | None = Field(None, max_length=128)
    fairness: Fairness | None = None

    @field_validator("multiplier")
    @classmethod
    def _finite_and_at_least_one(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("multiplier must be a finite number")
        if value < 1.0:
            raise ValueError(f"multiplier {value} is below 1.00, the smallest crash point")
        return round(value, 2)

    @field_validator("timestamp")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)

    @property
    def key(self) -> str:
        return round_key(self.source, self.round_id, self.timestamp, self.multiplier)


class StoredRound(Round):
    """A round as the store holds it: with its sequence number (insertion order)."""

    seq: int


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
