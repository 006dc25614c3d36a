"""Validation and deduplication of incoming rounds; every bad item is reported with its reason."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from aviator.core.rounds import Fairness, Round, StoredRound, utcnow
from aviator.store.repository import Store


class RoundIn(BaseModel):
    """A round as clients send it (HTTP, WebSocket, manual entry)."""

    model_config = ConfigDict(extra="forbid")

    multiplier: float = Field(description="Crash point, 1.00 or more.", examples=[2.37])
    timestamp: datetime | None = Field(None, description="When the round ended (default: now, UTC).")
    round_id: str | None = Field(None, max_length=128, description="The game's round id, if known.")
    source: str = Field("http", min_length=1, max_length=64, description="Where the round comes from.")
    fairness: Fairness | None = None


_ROUND_IN = TypeAdapter(RoundIn)


@dataclass(frozen=True)
class Rejection:
    """One item refused, with its position in the batch and why."""

    index: int
    reason: str
    value: Any = None


@dataclass
class IngestReport:
    stored: list[StoredRound] = field(default_factory=list)
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)


def _reason(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def validate_items(items: Sequence[Any], max_multiplier: float) -> tuple[list[Round], list[Rejection]]:
    """Turn raw items into rounds; each bad item becomes a Rejection naming what is wrong."""
    rounds: list[Round] = []
    rejected: list[Rejection] = []
    for index, raw in enumerate(items):
        try:
            incoming = _ROUND_IN.validate_python(raw)
            candidate = Round(
                source=incoming.source,
                multiplier=incoming.multiplier,
                timestamp=incoming.timestamp or utcnow(),
                round_id=incoming.round_id,
                fairness=incoming.fairness,
            )
        except ValidationError as exc:
            rejected.append(Rejection(index, _reason(exc), raw))
            continue
        if candidate.multiplier > max_multiplier:
            reason = f"multiplier: {candidate.multiplier} is above the cap of {max_multiplier:g}"
            rejected.append(Rejection(index, reason, raw))
            continue
        rounds.append(candidate)
    return rounds, rejected


class Ingestor:
    """Stores valid rounds and wakes the engine; the store's unique keys drop duplicates."""

    def __init__(self, store: Store, on_stored: Callable[[], None], max_multiplier: float) -> None:
        self.store = store
        self.on_stored = on_stored
        self.max_multiplier = max_multiplier
        self.stored_total = 0
        self.duplicates_total = 0
        self.rejected_total = 0

    async def submit_raw(self, items: Sequence[Any]) -> IngestReport:
        rounds, rejected = validate_items(items, self.max_multiplier)
        report = await self.submit(rounds)
        report.rejected = rejected
        self.rejected_total += len(rejected)
        return report

    async def submit(self, rounds: Sequence[Round]) -> IngestReport:
        if not rounds:
            return IngestReport()
        result = await asyncio.to_thread(self.store.add_rounds, rounds)
        self.stored_total += len(result.stored)
        self.duplicates_total += result.duplicates
        if result.stored:
            self.on_stored()
        return IngestReport(stored=result.stored, duplicates=result.duplicates)

    def status(self) -> dict[str, int]:
        return {
            "stored": self.stored_total,
            "duplicates": self.duplicates_total,
            "rejected": self.rejected_total,
        }
