"""Validation and storage of incoming rounds; every bad item is reported with its reason.

Each item is validated on its own: one bad item never drops the good ones. Identity follows
``aviator.core.rounds``: an item's ``round_id``, else the request's ``Idempotency-Key`` and the item's
position in the batch, else a new round. So a retried request is never stored twice, and a genuine
repeat (1.00 twice in the same second) is two rounds. Large batches are validated in a worker thread
and stored in chunks, so the event loop stays responsive.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from aviator.core.errors import InvalidInput, StoreUnavailable
from aviator.core.rounds import Fairness, Round, StoredRound, key_by_id, key_by_request, new_key, utcnow
from aviator.core.status import IngestStatus
from aviator.core.streams import HTTP_STREAM, STREAM_NAME, Game, StreamKind, kind_of_source
from aviator.live.streams import StreamRegistry
from aviator.store.durability import durable_write
from aviator.store.repository import Store

#: Rounds stored per transaction (and per hop to a worker thread) for a large batch.
CHUNK = 1000
MAX_IDEMPOTENCY_KEY = 128


class RoundIn(BaseModel):
    """A round as clients send it (HTTP, WebSocket, manual entry)."""

    model_config = ConfigDict(extra="forbid")

    multiplier: float = Field(
        strict=True, description="Crash point, 1.00 or more (a JSON number).", examples=[2.37]
    )
    timestamp: datetime | None = Field(None, description="When the round ended (default: now, UTC).")
    round_id: str | None = Field(None, max_length=128, description="The game's round id, if known.")
    source: str = Field(
        HTTP_STREAM,
        min_length=1,
        max_length=64,
        pattern=STREAM_NAME.pattern,
        description="The stream the round belongs to: one game as seen by this client (default 'http'); "
        "letters, digits and _ - . : / @.",
    )
    game: Game | None = Field(None, description="The game, when the stream is new (default: aviator).")
    fairness: Fairness | None = None


_ROUND_IN = TypeAdapter(RoundIn)


@dataclass(frozen=True)
class Rejection:
    """One item refused, with its position in the batch and why."""

    index: int
    reason: str


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


@dataclass(frozen=True)
class _Valid:
    round: Round
    game: Game | None


def validate_items(
    items: Sequence[Any], max_multiplier: float, idempotency_key: str | None = None
) -> tuple[list[_Valid], list[Rejection]]:
    """Turn raw items into rounds; each bad item becomes a Rejection naming what is wrong."""
    valid: list[_Valid] = []
    rejected: list[Rejection] = []
    now = utcnow()
    for index, raw in enumerate(items):
        try:
            incoming = _ROUND_IN.validate_python(raw)
            if incoming.round_id:
                key = key_by_id(incoming.round_id)
            elif idempotency_key:
                key = key_by_request(idempotency_key, index)
            else:
                key = new_key()
            candidate = Round(
                stream=incoming.source,
                source=incoming.source,
                multiplier=incoming.multiplier,
                timestamp=incoming.timestamp or now,
                round_id=incoming.round_id,
                fairness=incoming.fairness,
                key=key,
            )
        except ValidationError as exc:
            rejected.append(Rejection(index, _reason(exc)))
            continue
        if candidate.multiplier > max_multiplier:
            reason = f"multiplier: {candidate.multiplier} is above the cap of {max_multiplier:g}"
            rejected.append(Rejection(index, reason))
            continue
        valid.append(_Valid(candidate, incoming.game))
    return valid, rejected


class Ingestor:
    """Stores valid rounds in their streams and wakes the engine."""

    def __init__(
        self, store: Store, streams: StreamRegistry, on_stored: Callable[[], None], max_multiplier: float
    ) -> None:
        self.store = store
        self.streams = streams
        self.on_stored = on_stored
        self.max_multiplier = max_multiplier
        self.stored_total = 0
        self.duplicates_total = 0
        self.rejected_total = 0
        #: Why the last write failed (None once a write succeeds again).
        self.store_error: str | None = None

    async def submit_raw(self, items: Sequence[Any], idempotency_key: str | None = None) -> IngestReport:
        """Validate and store items as clients send them (see the module docstring)."""
        if idempotency_key is not None and not (
            1 <= len(idempotency_key) <= MAX_IDEMPOTENCY_KEY and idempotency_key.isprintable()
        ):
            raise InvalidInput(
                f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} printable characters",
                "bad_idempotency_key",
            )
        if len(items) > CHUNK:
            valid, rejected = await asyncio.to_thread(
                validate_items, items, self.max_multiplier, idempotency_key
            )
        else:
            valid, rejected = validate_items(items, self.max_multiplier, idempotency_key)
        games = {item.round.stream: item.game for item in reversed(valid)}  # the first item's game wins
        for name, game in games.items():
            await self._ensure_stream(name, kind_of_source(name), game)
        report = await self.submit([item.round for item in valid])
        report.rejected = rejected
        self.rejected_total += len(rejected)
        return report

    async def submit(self, rounds: Sequence[Round], kind: StreamKind | None = None) -> IngestReport:
        """Store validated rounds, creating their streams (of ``kind``, or by name) when new."""
        report = IngestReport()
        if not rounds:
            return report
        for name in dict.fromkeys(r.stream for r in rounds):
            await self._ensure_stream(name, kind or kind_of_source(name))
        for start in range(0, len(rounds), CHUNK):
            chunk = rounds[start : start + CHUNK]
            try:
                # The stream lookups of add_rounds read the store too: their failure is the write's.
                with durable_write(f"{len(chunk)} round(s)"):
                    result = await asyncio.to_thread(self.store.add_rounds, chunk)
            except StoreUnavailable as exc:
                self.store_error = str(exc)
                if not report.stored:
                    raise
                raise StoreUnavailable(
                    f"{exc.detail}; the {len(report.stored)} round(s) before them were stored (sending the "
                    "batch again with the same Idempotency-Key stores nothing twice)",
                    exc.code,
                ) from exc
            self.store_error = None
            report.stored.extend(result.stored)
            report.duplicates += result.duplicates
            if result.stored:
                self.streams.saw_round(result.stored[-1].stream)
                self.on_stored()
        self.stored_total += len(report.stored)
        self.duplicates_total += report.duplicates
        return report

    async def _ensure_stream(self, name: str, kind: StreamKind, game: Game | None = None) -> None:
        """The stream exists before its rounds are stored; a store that cannot say or make it so
        refuses the rounds (StoreUnavailable, shown in the status) rather than failing with a 500."""
        try:
            with durable_write(f"the rounds of stream {name!r}"):
                await self.streams.ensure(name, kind, game)
        except StoreUnavailable as exc:
            self.store_error = str(exc)
            raise

    def status(self) -> IngestStatus:
        return IngestStatus(
            stored=self.stored_total, duplicates=self.duplicates_total, rejected=self.rejected_total
        )
