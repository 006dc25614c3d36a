"""Rounds: what a source saw, as it travels through the system, and its identity within its stream.

Identity (``key``) decides what is a retry and what is a new round, never the values themselves (a
repeat of 1.00 in the same second is two rounds):

- a round with the game's round id: ``id:<round_id>``;
- a row of a file: ``file:<file identity>:<line>:<digest of the line>`` (re-reading the same bytes
  finds the same keys; other bytes at that line are a new round);
- an item of an HTTP request with an ``Idempotency-Key``: ``req:<key>:<position in the batch>``;
- anything else is a new round (a fresh random key).
"""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: Timestamps a round may carry (anything outside is a typo or a unit error).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
#: The longest text a fairness field may hold (the store's column sizes).
SEED_MAX = 128
HASH_MAX = 256


def utcnow() -> datetime:
    return datetime.now(UTC)


def key_by_id(round_id: str) -> str:
    return f"id:{round_id}"


def key_by_position(file_identity: str, line: int, content: str = "") -> str:
    """A file row's identity: the file, the line, and a digest of the line's bytes (so a file rewritten
    with other rows at the same lines is read as new rows, and the same bytes again as the same)."""
    return f"file:{file_identity}:{line}:{content}" if content else f"file:{file_identity}:{line}"


def key_by_request(idempotency_key: str, index: int) -> str:
    return f"req:{idempotency_key}:{index}"


def new_key() -> str:
    return f"new:{uuid.uuid4().hex}"


def aware_utc(value: datetime) -> datetime:
    """``value`` in UTC (naive means UTC); ValueError when it is outside 1970-2100."""
    try:
        stamp = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except (OverflowError, OSError):
        raise ValueError(f"timestamp {value.isoformat()} is out of range") from None
    if not EARLIEST <= stamp < LATEST:
        raise ValueError(f"timestamp {stamp.isoformat()} is outside 1970-01-01 .. 2100-01-01")
    return stamp


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


class Fairness(BaseModel):
    """The provably-fair record of a round (revealed after it ends)."""

    model_config = ConfigDict(frozen=True)

    server_seed: str = Field(max_length=SEED_MAX)
    server_hash: str = Field(max_length=SEED_MAX)
    client_seeds: tuple[str, ...] = Field(max_length=8)
    combined_hash: str = Field(max_length=HASH_MAX)

    @field_validator("server_seed", "server_hash", "combined_hash")
    @classmethod
    def _text(cls, value: str) -> str:
        return _no_nul(value)

    @field_validator("client_seeds")
    @classmethod
    def _seeds(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for seed in value:
            _no_nul(seed)
            if len(seed) > SEED_MAX:
                raise ValueError(f"a client seed is longer than {SEED_MAX} characters")
        return value


class Round(BaseModel):
    """One finished round of a crash game, in its stream, with its identity there."""

    model_config = ConfigDict(frozen=True)

    stream: str = Field(min_length=1, max_length=64, description="The stream (game as seen by a source).")
    source: str = Field(min_length=1, max_length=64, description="What delivered it (simulator, http, ...).")
    multiplier: float
    timestamp: datetime
    round_id: str | None = Field(None, max_length=128)
    fairness: Fairness | None = None
    key: str = Field("", max_length=300, description="Identity within the stream (see the module).")

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
    def _in_range(cls, value: datetime) -> datetime:
        return aware_utc(value)

    @field_validator("round_id", "source", "stream")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        return None if value is None else _no_nul(value)

    @model_validator(mode="before")
    @classmethod
    def _identity(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("key"):
            round_id = data.get("round_id")
            data = {**data, "key": key_by_id(round_id) if round_id else new_key()}
        return data


class StoredRound(Round):
    """A round as the store holds it: its place in the store's queue and in its stream."""

    seq: int = Field(description="Position in the store (every stream): the engine's queue order.")
    stream_seq: int = Field(description="Position in its stream, from 1.")
