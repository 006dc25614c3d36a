"""The rows the store writes, built only here: round rows and prediction rows.

Callers hand over domain values (a Round, or a file row's fields; a forecast and its score) and get
the row the tables take; how a timestamp or a list of seeds is encoded stays inside the store.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from aviator.core.rounds import Fairness, Round, StoredRound, aware_utc


class RoundRow(NamedTuple):
    """One round as the ``rounds`` table takes it (without seq, stream and stream_seq)."""

    key: str
    source: str
    round_id: str | None
    multiplier: float
    ts: datetime | str
    server_seed: str | None
    server_hash: str | None
    client_seeds: str | None
    combined_hash: str | None


def round_row(
    *,
    key: str,
    source: str,
    multiplier: float,
    ts: datetime,
    round_id: str | None = None,
    server_seed: str | None = None,
    server_hash: str | None = None,
    client_seeds: Sequence[str] = (),
    combined_hash: str | None = None,
) -> RoundRow:
    """A row from a round's fields (already validated by whoever read them)."""
    return RoundRow(
        key,
        source,
        round_id,
        multiplier,
        ts,
        server_seed,
        server_hash,
        json.dumps(list(client_seeds)) if client_seeds else None,
        combined_hash,
    )


def row_of(item: Round) -> RoundRow:
    """The row of a validated Round."""
    fair = item.fairness
    return round_row(
        key=item.key,
        source=item.source,
        multiplier=item.multiplier,
        ts=item.timestamp,
        round_id=item.round_id,
        server_seed=fair.server_seed if fair else None,
        server_hash=fair.server_hash if fair else None,
        client_seeds=fair.client_seeds if fair else (),
        combined_hash=fair.combined_hash if fair else None,
    )


def aware(value: datetime) -> datetime:
    """A timestamp read back from the store, in UTC (SQLite gives it back naive)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def stored_round(row: Any, stream: str) -> StoredRound:
    """A row of ``rounds`` (read back) as a StoredRound of ``stream``."""
    fairness = None
    if row.server_seed is not None and row.combined_hash is not None:
        fairness = Fairness(
            server_seed=row.server_seed,
            server_hash=row.server_hash or "",
            client_seeds=tuple(json.loads(row.client_seeds or "[]")),
            combined_hash=row.combined_hash,
        )
    return StoredRound.model_construct(
        seq=row.seq,
        stream_seq=row.stream_seq,
        stream=stream,
        source=row.source,
        key=row.key,
        round_id=row.round_id,
        multiplier=row.multiplier,
        timestamp=aware(row.ts),
        fairness=fairness,
    )


def utc_text(value: datetime) -> str:
    """UTC as SQLAlchemy's SQLite DateTime stores it: 'YYYY-MM-DD HH:MM:SS[.ffffff]'."""
    if value.tzinfo is UTC:  # the usual case, and the fast one
        return value.isoformat(sep=" ")[:-6]
    return aware_utc(value).replace(tzinfo=None).isoformat(sep=" ")


def prediction_row(
    *,
    model: str,
    stream_id: int,
    round_seq: int,
    made_at: datetime,
    target: float,
    median: float,
    p_target: float,
    thresholds: Mapping[str, float],
    actual: float,
    hit: bool,
    log_score: float,
    scores: Mapping[str, float],
) -> dict[str, Any]:
    """One scored forecast (a model's, for one round) as the ``predictions`` table takes it."""
    return {
        "model": model,
        "stream_id": stream_id,
        "round_seq": round_seq,
        "made_at": made_at,
        "target": target,
        "median": median,
        "p_target": p_target,
        "thresholds": json.dumps(dict(thresholds)),
        "actual": actual,
        "hit": hit,
        "log_score": log_score,
        "scores": json.dumps(dict(scores)),
    }


def prediction_out(row: Mapping[str, Any]) -> dict[str, Any]:
    """A ``predictions`` row read back, JSON-ready."""
    return {
        **{k: v for k, v in row.items() if k not in ("thresholds", "scores", "made_at")},
        "made_at": aware(row["made_at"]).isoformat(),
        "thresholds": json.loads(row["thresholds"]),
        "scores": json.loads(row["scores"]),
    }
