"""Rounds: what a source saw, as it travels through the system, and its stable identity."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator


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
