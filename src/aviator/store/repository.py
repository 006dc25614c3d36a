"""Repository functions over the tables. Synchronous: async callers run them in a thread."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, Insert, delete, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from aviator.core.curve import FloatArray
from aviator.core.rounds import Fairness, Round, StoredRound
from aviator.store import tables as t

#: State keys that outlive a reset (the deployment's identity names its lease and bus channel).
KEPT_STATE_KEYS = ("deployment", "reset_generation")
#: PostgreSQL transaction lock taken by every round insert, so seq order is commit order: a reader
#: that saw seq n can never later find a smaller seq committed (the engine reads by seq).
_ROUNDS_LOCK = 7_165_001


@dataclass(frozen=True)
class AddResult:
    """What became of a batch: the rounds stored (with their seq), and how many were already there."""

    stored: list[StoredRound]
    duplicates: int


@dataclass(frozen=True)
class FileOffset:
    """How far a watched file has been read: its identity, the byte offset and the rows taken."""

    path: str
    identity: str
    offset: int
    rows: int


def _now() -> datetime:
    return datetime.now(UTC)


def _sqlite_datetime(value: datetime) -> str:
    """UTC as SQLAlchemy's SQLite DateTime stores it: 'YYYY-MM-DD HH:MM:SS[.ffffff]'."""
    if value.tzinfo is UTC:  # the usual case, and the fast one
        return value.isoformat(sep=" ")[:-6]
    return _aware(value).astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def prepared_row(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """A row as ``Store.bulk_add`` takes it -> the tuple ``Store.bulk_add_prepared`` takes."""
    return (
        row["key"],
        row["source"],
        row.get("round_id"),
        row["multiplier"],
        _sqlite_datetime(row["ts"]),
        row.get("server_seed"),
        row.get("server_hash"),
        row.get("client_seeds"),
        row.get("combined_hash"),
    )


class Store:
    """All reads and writes of the store go through here."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    # -- rounds ---------------------------------------------------------------------------------
    def _insert_ignoring_duplicates(self, table: Any, index: list[str]) -> Insert:
        if self.dialect == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing(index_elements=index)
        if self.dialect == "sqlite":
            return sqlite.insert(table).on_conflict_do_nothing(index_elements=index)
        return insert(table)

    def add_rounds(self, rounds: Sequence[Round]) -> AddResult:
        """Store new rounds in order; a round whose key is already stored (or repeated) is a duplicate."""
        seen: set[str] = set()
        rows: list[dict[str, Any]] = []
        unique: list[tuple[str, Round]] = []
        now = _now()
        for item in rounds:
            key = item.key
            if key in seen:
                continue
            seen.add(key)
            unique.append((key, item))
            fair = item.fairness
            rows.append(
                {
                    "key": key,
                    "source": item.source,
                    "round_id": item.round_id,
                    "multiplier": item.multiplier,
                    "ts": item.timestamp,
                    "server_seed": fair.server_seed if fair else None,
                    "server_hash": fair.server_hash if fair else None,
                    "client_seeds": json.dumps(list(fair.client_seeds)) if fair else None,
                    "combined_hash": fair.combined_hash if fair else None,
                    "ingested_at": now,
                }
            )
        if not rows:
            return AddResult([], len(rounds))
        statement = self._insert_ignoring_duplicates(t.rounds, ["key"]).returning(
            t.rounds.c.seq, t.rounds.c.key
        )
        with self.engine.begin() as conn:
            self._lock_rounds(conn)
            inserted = conn.execute(statement, rows).all()
        seq_by_key = {key: seq for seq, key in inserted}
        stored = [
            StoredRound.model_construct(seq=seq_by_key[key], **dict(item))
            for key, item in unique
            if key in seq_by_key
        ]
        stored.sort(key=lambda r: r.seq)
        return AddResult(stored, len(rounds) - len(stored))

    def bulk_add(self, rows: Sequence[Mapping[str, Any]]) -> int:
        """Fast path for imports: store plain row dicts (columns of ``rounds`` without ``seq`` and
        ``ingested_at``); returns how many were new. Rows must already be validated."""
        if not rows:
            return 0
        if self.dialect == "sqlite":
            return self.bulk_add_prepared([prepared_row(row) for row in rows])
        now = _now()
        payload = [{**row, "ingested_at": now} for row in rows]
        statement = self._insert_ignoring_duplicates(t.rounds, ["key"])
        with self.engine.begin() as conn:
            self._lock_rounds(conn)
            before = conn.execute(select(func.count()).select_from(t.rounds)).scalar_one()
            conn.execute(statement, payload)
            after = conn.execute(select(func.count()).select_from(t.rounds)).scalar_one()
        return int(after - before)

    def _lock_rounds(self, conn: Connection) -> None:
        if self.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ROUNDS_LOCK})

    _BULK_COLUMNS = (
        "key", "source", "round_id", "multiplier", "ts",
        "server_seed", "server_hash", "client_seeds", "combined_hash",
    )  # fmt: skip

    def bulk_add_prepared(self, values: Sequence[tuple[Any, ...]]) -> int:
        """``bulk_add`` for rows already in column order (``key, source, round_id, multiplier, ts,
        server_seed, server_hash, client_seeds, combined_hash``) with ``ts`` as UTC text
        'YYYY-MM-DD HH:MM:SS[.ffffff]' (see :func:`prepared_row`); returns how many were new."""
        if not values:
            return 0
        if self.dialect != "sqlite":
            rows = [dict(zip(self._BULK_COLUMNS, value, strict=True)) for value in values]
            for row in rows:
                row["ts"] = datetime.fromisoformat(row["ts"]).replace(tzinfo=UTC)
            return self.bulk_add(rows)
        # The DBAPI's executemany is several times faster than going through SQLAlchemy. Timestamps
        # are in the text form SQLAlchemy's SQLite DateTime reads back; the stamp is our own text,
        # so it can sit in the statement as a literal.
        stamp = _sqlite_datetime(_now())
        columns = ", ".join(self._BULK_COLUMNS)
        sql = f"INSERT OR IGNORE INTO rounds ({columns}, ingested_at) VALUES ({'?, ' * 9}'{stamp}')"
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            before = raw.total_changes
            cursor.executemany(sql, values)
            raw.commit()
            return int(raw.total_changes - before)
        finally:
            raw.close()

    @staticmethod
    def _to_round(row: Any) -> StoredRound:
        fairness = None
        if row.server_seed is not None and row.combined_hash is not None:
            fairness = Fairness(
                server_seed=row.server_seed,
                server_hash=row.server_hash or "",
                client_seeds=tuple(json.loads(row.client_seeds or "[]")),
                combined_hash=row.combined_hash,
            )
        return StoredRound(
            seq=row.seq,
            source=row.source,
            round_id=row.round_id,
            multiplier=row.multiplier,
            timestamp=_aware(row.ts),
            fairness=fairness,
        )

    def recent_rounds(self, limit: int = 50, before_seq: int | None = None) -> list[StoredRound]:
        """Newest first; ``before_seq`` pages further back."""
        query = select(t.rounds).order_by(t.rounds.c.seq.desc()).limit(limit)
        if before_seq is not None:
            query = query.where(t.rounds.c.seq < before_seq)
        with self.engine.connect() as conn:
            return [self._to_round(row) for row in conn.execute(query)]

    def rounds_after(self, seq: int, limit: int = 1000) -> list[StoredRound]:
        """Rounds with a larger seq, oldest first."""
        query = select(t.rounds).where(t.rounds.c.seq > seq).order_by(t.rounds.c.seq).limit(limit)
        with self.engine.connect() as conn:
            return [self._to_round(row) for row in conn.execute(query)]

    def get_round(self, seq: int) -> StoredRound | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.rounds).where(t.rounds.c.seq == seq)).first()
        return self._to_round(row) if row else None

    def multipliers(self, up_to_seq: int | None = None, last: int | None = None) -> FloatArray:
        """The multiplier series, oldest first (optionally only up to a seq, or only the last N)."""
        query = select(t.rounds.c.multiplier).order_by(t.rounds.c.seq.desc())
        if up_to_seq is not None:
            query = query.where(t.rounds.c.seq <= up_to_seq)
        if last is not None:
            query = query.limit(last)
        with self.engine.connect() as conn:
            values = conn.execute(query).scalars().all()
        return np.asarray(values[::-1], dtype=np.float64)

    def count_rounds(self, after_seq: int | None = None) -> int:
        query = select(func.count()).select_from(t.rounds)
        if after_seq is not None:
            query = query.where(t.rounds.c.seq > after_seq)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def last_seq(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.coalesce(func.max(t.rounds.c.seq), 0))).scalar_one())

    def source_round_ids(self, source: str, last: int = 1) -> list[str]:
        """The round ids of the latest rounds of one source, newest first."""
        query = (
            select(t.rounds.c.round_id)
            .where(t.rounds.c.source == source)
            .order_by(t.rounds.c.seq.desc())
            .limit(last)
        )
        with self.engine.connect() as conn:
            return [value for value in conn.execute(query).scalars() if value is not None]

    def round_statistics(self) -> dict[str, float | int | None]:
        """Count, mean, std, min, max and median of every stored multiplier."""
        series = self.multipliers()
        if series.size == 0:
            return {"count": 0, "mean": None, "std": None, "min": None, "max": None, "median": None}
        return {
            "count": int(series.size),
            "mean": float(series.mean()),
            "std": float(series.std()),
            "min": float(series.min()),
            "max": float(series.max()),
            "median": float(np.median(series)),
        }

    # -- predictions ----------------------------------------------------------------------------
    def add_predictions(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Scored predictions (one row per model and round); a repeat of (model, round) is ignored."""
        if not rows:
            return
        statement = self._insert_ignoring_duplicates(t.predictions, ["model", "round_seq"])
        with self.engine.begin() as conn:
            conn.execute(statement, [dict(row) for row in rows])

    def recent_predictions(self, limit: int = 100, model: str | None = None) -> list[dict[str, Any]]:
        query = select(t.predictions).order_by(t.predictions.c.id.desc()).limit(limit)
        if model is not None:
            query = query.where(t.predictions.c.model == model)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            {
                **{k: v for k, v in row.items() if k not in ("thresholds", "scores", "made_at")},
                "made_at": _aware(row["made_at"]).isoformat(),
                "thresholds": json.loads(row["thresholds"]),
                "scores": json.loads(row["scores"]),
            }
            for row in rows
        ]

    # -- small JSON state -----------------------------------------------------------------------
    def get_state(self, key: str) -> Any:
        with self.engine.connect() as conn:
            value = conn.execute(select(t.state.c.value).where(t.state.c.key == key)).scalar()
        return None if value is None else json.loads(value)

    def set_state(self, key: str, value: Any) -> None:
        encoded = json.dumps(value)
        values = {"key": key, "value": encoded, "updated_at": _now()}
        with self.engine.begin() as conn:
            if self.dialect in ("postgresql", "sqlite"):
                # An upsert: two processes setting a new key at once must not collide.
                dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
                statement = dialect_insert(t.state).values(values)
                statement = statement.on_conflict_do_update(
                    index_elements=["key"], set_={"value": encoded, "updated_at": values["updated_at"]}
                )
                conn.execute(statement)
                return
            changed = conn.execute(
                update(t.state).where(t.state.c.key == key).values(value=encoded, updated_at=_now())
            ).rowcount
            if not changed:
                conn.execute(insert(t.state).values(values))

    def setdefault_state(self, key: str, value: Any) -> Any:
        """Store ``value`` under ``key`` unless a value is there already; return the stored one."""
        statement = self._insert_ignoring_duplicates(t.state, ["key"])
        with self.engine.begin() as conn:
            conn.execute(statement, [{"key": key, "value": json.dumps(value), "updated_at": _now()}])
        return self.get_state(key)

    # -- watched files --------------------------------------------------------------------------
    def get_offset(self, path: str) -> FileOffset | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.file_offsets).where(t.file_offsets.c.path == path)).first()
        return FileOffset(row.path, row.identity, row.offset, row.rows) if row else None

    def set_offset(self, offset: FileOffset) -> None:
        values = {"identity": offset.identity, "offset": offset.offset, "rows": offset.rows}
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(t.file_offsets)
                .where(t.file_offsets.c.path == offset.path)
                .values(**values, updated_at=_now())
            ).rowcount
            if not changed:
                conn.execute(insert(t.file_offsets).values(path=offset.path, **values, updated_at=_now()))

    def offsets(self) -> list[FileOffset]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.file_offsets)).all()
        return [FileOffset(r.path, r.identity, r.offset, r.rows) for r in rows]

    # -- metrics --------------------------------------------------------------------------------
    def add_metrics(self, values: Mapping[str, float], ts: datetime | None = None) -> None:
        stamp = ts or _now()
        rows = [{"ts": stamp, "name": name, "value": float(v)} for name, v in values.items()]
        if rows:
            with self.engine.begin() as conn:
                conn.execute(insert(t.metrics), rows)

    def recent_metrics(self, names: Iterable[str] | None = None, limit: int = 500) -> list[dict[str, Any]]:
        query = select(t.metrics).order_by(t.metrics.c.id.desc()).limit(limit)
        if names is not None:
            query = query.where(t.metrics.c.name.in_(list(names)))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [{"ts": _aware(r.ts).isoformat(), "name": r.name, "value": r.value} for r in rows]

    def prune_metrics(self, older_than: datetime) -> int:
        """Delete the metric rows older than ``older_than``; returns how many."""
        with self.engine.begin() as conn:
            return int(conn.execute(delete(t.metrics).where(t.metrics.c.ts < older_than)).rowcount)

    def database_size(self) -> int | None:
        """Bytes used by the database, where the backend can tell."""
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
                size = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
                return int(pages) * int(size)
            if self.dialect == "postgresql":
                return int(conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one())
        return None

    # -- reset ----------------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget the session: rounds, predictions, state and metrics (file offsets and the
        deployment's identity stay)."""
        with self.engine.begin() as conn:
            self._lock_rounds(conn)
            for table in (t.predictions, t.rounds, t.metrics):
                conn.execute(delete(table))
            conn.execute(delete(t.state).where(t.state.c.key.not_in(KEPT_STATE_KEYS)))
