"""The session's other data: scored predictions, small JSON state, watched-file offsets, metrics.

``Store`` (repository.py) adds rounds and streams on top of this.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Insert, delete, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from aviator.core.rounds import utcnow
from aviator.store import tables as t
from aviator.store.records import aware, prediction_out
from aviator.store.state_keys import KEPT_BY_RESET

#: PostgreSQL transaction lock taken by every round insert and by a reset: seq order is commit order.
ROUNDS_LOCK = 7_165_001


@dataclass(frozen=True)
class FileOffset:
    """How far a watched file has been read: its identity, the byte offset and the rows taken."""

    path: str
    identity: str
    offset: int
    rows: int


class SessionData:
    """Predictions, state, offsets and metrics over one SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    def _insert_ignoring_duplicates(self, table: Any, index: list[str]) -> Insert:
        if self.dialect == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing(index_elements=index)
        if self.dialect == "sqlite":
            return sqlite.insert(table).on_conflict_do_nothing(index_elements=index)
        return insert(table)

    # -- predictions ----------------------------------------------------------------------------
    def add_predictions(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Scored predictions (``records.prediction_row``); a repeat of (model, round) is ignored."""
        if not rows:
            return
        statement = self._insert_ignoring_duplicates(t.predictions, ["model", "round_seq"])
        with self.engine.begin() as conn:
            conn.execute(statement, [dict(row) for row in rows])

    def recent_predictions(
        self, stream_id: int, limit: int = 100, model: str | None = None
    ) -> list[dict[str, Any]]:
        query = (
            select(t.predictions)
            .where(t.predictions.c.stream_id == stream_id)
            .order_by(t.predictions.c.id.desc())
            .limit(limit)
        )
        if model is not None:
            query = query.where(t.predictions.c.model == model)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [prediction_out(dict(row)) for row in rows]

    def iter_predictions(self, stream_id: int, batch: int = 5000) -> Iterator[list[dict[str, Any]]]:
        """Every scored prediction of a stream, oldest first, ``batch`` at a time."""
        after = 0
        while True:
            query = (
                select(t.predictions)
                .where(t.predictions.c.stream_id == stream_id, t.predictions.c.id > after)
                .order_by(t.predictions.c.id)
                .limit(batch)
            )
            with self.engine.connect() as conn:
                rows = conn.execute(query).mappings().all()
            if not rows:
                return
            yield [prediction_out(dict(row)) for row in rows]
            after = int(rows[-1]["id"])

    def last_prediction_id(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.coalesce(func.max(t.predictions.c.id), 0))).scalar_one())

    def count_predictions(self, stream_id: int, up_to_id: int | None = None) -> int:
        query = select(func.count()).select_from(t.predictions).where(t.predictions.c.stream_id == stream_id)
        if up_to_id is not None:
            query = query.where(t.predictions.c.id <= up_to_id)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    # -- small JSON state -----------------------------------------------------------------------
    def get_state(self, key: str) -> Any:
        with self.engine.connect() as conn:
            value = conn.execute(select(t.state.c.value).where(t.state.c.key == key)).scalar()
        return None if value is None else json.loads(value)

    def set_state(self, key: str, value: Any) -> None:
        encoded = json.dumps(value)
        values = {"key": key, "value": encoded, "updated_at": utcnow()}
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
                update(t.state).where(t.state.c.key == key).values(value=encoded, updated_at=utcnow())
            ).rowcount
            if not changed:
                conn.execute(insert(t.state).values(values))

    def setdefault_state(self, key: str, value: Any) -> Any:
        """Store ``value`` under ``key`` unless a value is there already; return the stored one."""
        statement = self._insert_ignoring_duplicates(t.state, ["key"])
        with self.engine.begin() as conn:
            conn.execute(statement, [{"key": key, "value": json.dumps(value), "updated_at": utcnow()}])
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
                .values(**values, updated_at=utcnow())
            ).rowcount
            if not changed:
                conn.execute(insert(t.file_offsets).values(path=offset.path, **values, updated_at=utcnow()))

    def offsets(self) -> list[FileOffset]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.file_offsets)).all()
        return [FileOffset(r.path, r.identity, r.offset, r.rows) for r in rows]

    # -- metrics --------------------------------------------------------------------------------
    def add_metrics(self, values: Mapping[str, float], ts: datetime | None = None) -> None:
        stamp = ts or utcnow()
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
        return [{"ts": aware(r.ts).isoformat(), "name": r.name, "value": r.value} for r in rows]

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
        """Forget the session: rounds, predictions, state and metrics (streams, file offsets and the
        deployment's identity stay)."""
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ROUNDS_LOCK})
            for table in (t.predictions, t.rounds, t.metrics):
                conn.execute(delete(table))
            conn.execute(delete(t.state).where(t.state.c.key.not_in([str(k) for k in KEPT_BY_RESET])))
