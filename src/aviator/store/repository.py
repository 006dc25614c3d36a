"""The store's rounds and streams: every read and write of them goes through here.

Synchronous: async callers run these in a thread. Round inserts are serialized (a lock in the process,
``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL), so ``seq`` order is commit order (the
engine reads by seq) and each stream's numbering has no gaps.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import Connection, Engine, func, insert, select, text

from aviator.core.curve import FloatArray
from aviator.core.errors import StoreUnavailable
from aviator.core.rounds import Round, StoredRound, utcnow
from aviator.core.streams import Game, StreamKind, StreamSpec
from aviator.store import tables as t
from aviator.store.durability import FileGuard, durable_write
from aviator.store.records import RoundRow, aware, row_of, stored_round, utc_text
from aviator.store.sessions import ROUNDS_LOCK, SessionData
from aviator.store.state_keys import StateKey

_KEY_CHUNK = 500
_COLUMNS = RoundRow._fields


class StreamRecord(NamedTuple):
    id: int
    name: str
    kind: StreamKind
    game: Game
    rtp: float
    created_at: datetime


@dataclass(frozen=True)
class AddResult:
    """What became of a batch: the rounds stored (with their seq), and how many were already there."""

    stored: list[StoredRound]
    duplicates: int


def _record(row: Any) -> StreamRecord:
    return StreamRecord(
        int(row.id), row.name, StreamKind(row.kind), Game(row.game), float(row.rtp), aware(row.created_at)
    )


class Store(SessionData):
    """Rounds, streams and (from ``SessionData``) predictions, state, offsets and metrics."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._names: dict[int, str] = {}
        self._write_lock = threading.Lock()
        self.file_guard = FileGuard(engine)

    # -- streams --------------------------------------------------------------------------------
    def ensure_stream(self, spec: StreamSpec) -> StreamRecord:
        """The stream named ``spec.name``, created from ``spec`` if it does not exist yet."""
        found = self.stream(spec.name)
        if found is not None:
            return found
        values = {**spec.model_dump(mode="json"), "created_at": utcnow()}
        with self.engine.begin() as conn:
            conn.execute(self._insert_ignoring_duplicates(t.streams, ["name"]), [values])
        created = self.stream(spec.name)
        assert created is not None
        return created

    def stream(self, name: str) -> StreamRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.streams).where(t.streams.c.name == name)).first()
        if row is None:
            return None
        record = _record(row)
        self._names[record.id] = record.name
        return record

    def streams(self) -> list[StreamRecord]:
        with self.engine.connect() as conn:
            records = [_record(row) for row in conn.execute(select(t.streams).order_by(t.streams.c.id))]
        self._names.update({r.id: r.name for r in records})
        return records

    def stream_name(self, stream_id: int) -> str:
        if stream_id not in self._names:
            self.streams()
        return self._names[stream_id]

    def stream_spans(
        self, up_to_seq: int, stream_id: int | None = None
    ) -> dict[int, tuple[datetime | None, datetime | None]]:
        """First and last round time of every stream (or of one), over the rounds up to a seq."""
        query = (
            select(t.rounds.c.stream_id, func.min(t.rounds.c.ts), func.max(t.rounds.c.ts))
            .where(t.rounds.c.seq <= up_to_seq)
            .group_by(t.rounds.c.stream_id)
        )
        if stream_id is not None:
            query = query.where(t.rounds.c.stream_id == stream_id)
        with self.engine.connect() as conn:
            return {int(sid): (aware(lo), aware(hi)) for sid, lo, hi in conn.execute(query).all()}

    def set_stream_rtp(self, stream_id: int, rtp: float) -> None:
        with self.engine.begin() as conn:
            conn.execute(t.streams.update().where(t.streams.c.id == stream_id).values(rtp=rtp))

    # -- writing rounds -------------------------------------------------------------------------
    def add_rounds(self, rounds: Sequence[Round]) -> AddResult:
        """Store validated rounds (their streams must exist); a key already in its stream, or repeated
        in the batch, is a duplicate. Returns the stored rounds in seq order."""
        by_stream: dict[str, list[Round]] = {}
        for item in rounds:
            by_stream.setdefault(item.stream, []).append(item)
        stored: list[StoredRound] = []
        for name, items in by_stream.items():
            stream = self.stream(name)
            if stream is None:
                raise KeyError(f"stream {name!r} does not exist: create it with ensure_stream first")
            stored.extend(self._add(stream, [row_of(item) for item in items], want_stored=True)[0])
        stored.sort(key=lambda r: r.seq)
        return AddResult(stored, len(rounds) - len(stored))

    def add_rows(self, stream: StreamRecord, rows: Sequence[RoundRow]) -> int:
        """Store prepared rows of one stream (the import path); returns how many were new. A row's
        ``ts`` may be a datetime or UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]'."""
        return self._add(stream, rows, want_stored=False)[1]

    def _add(
        self, stream: StreamRecord, rows: Sequence[RoundRow], *, want_stored: bool
    ) -> tuple[list[StoredRound], int]:
        first_of: dict[str, RoundRow] = {}
        for row in rows:
            first_of.setdefault(row.key, row)
        unique = list(first_of.values())
        if not unique:
            return [], 0
        with self._write_lock, durable_write(f"{len(unique)} round(s) of stream {stream.name!r}"):
            self.file_guard.check()
            if self.dialect == "sqlite":
                return self._add_sqlite(stream, unique, want_stored)
            with self.engine.begin() as conn:
                if self.dialect == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ROUNDS_LOCK})
                new, first = self._new_rows(conn, stream.id, unique)
                if new:
                    now = utcnow()
                    payload = [
                        {
                            **row._asdict(),
                            "ts": row.ts if isinstance(row.ts, datetime) else _parse_utc(row.ts),
                            "stream_id": stream.id,
                            "stream_seq": first + i,
                            "ingested_at": now,
                        }
                        for i, row in enumerate(new)
                    ]
                    conn.execute(insert(t.rounds), payload)
                stored = self._stored_since(conn, stream, first) if want_stored and new else []
        return stored, len(new)

    def _add_sqlite(
        self, stream: StreamRecord, rows: list[RoundRow], want_stored: bool
    ) -> tuple[list[StoredRound], int]:
        # The DBAPI's executemany is several times faster than going through SQLAlchemy; BEGIN
        # IMMEDIATE takes the write lock first, so another process cannot number the same stream.
        columns = ", ".join(_COLUMNS)
        sql = (
            f"INSERT INTO rounds (stream_id, stream_seq, {columns}, ingested_at) "
            f"VALUES (?, ?, {'?, ' * len(_COLUMNS)}?)"
        )
        raw = self.engine.raw_connection()
        try:
            cursor: Any = raw.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                existing = _existing_keys(cursor, stream.id, [row.key for row in rows])
                new = [row for row in rows if row.key not in existing]
                cursor.execute(
                    "SELECT COALESCE(MAX(stream_seq), 0) FROM rounds WHERE stream_id = ?", (stream.id,)
                )
                first = int(cursor.fetchone()[0]) + 1
                stamp = utc_text(utcnow())
                cursor.executemany(
                    sql,
                    [
                        (stream.id, first + i, *row[:4], _sqlite_ts(row.ts), *row[5:], stamp)
                        for i, row in enumerate(new)
                    ],
                )
                raw.commit()
            except BaseException:
                raw.rollback()
                raise
        finally:
            raw.close()
        if not (want_stored and new):
            return [], len(new)
        with self.engine.connect() as conn:
            return self._stored_since(conn, stream, first), len(new)

    def _new_rows(self, conn: Connection, stream_id: int, rows: list[RoundRow]) -> tuple[list[RoundRow], int]:
        existing: set[str] = set()
        keys = [row.key for row in rows]
        for start in range(0, len(keys), _KEY_CHUNK):
            chunk = keys[start : start + _KEY_CHUNK]
            query = select(t.rounds.c.key).where(t.rounds.c.stream_id == stream_id, t.rounds.c.key.in_(chunk))
            existing.update(conn.execute(query).scalars())
        last = conn.execute(
            select(func.coalesce(func.max(t.rounds.c.stream_seq), 0)).where(t.rounds.c.stream_id == stream_id)
        ).scalar_one()
        return [row for row in rows if row.key not in existing], int(last) + 1

    def _stored_since(self, conn: Connection, stream: StreamRecord, first: int) -> list[StoredRound]:
        query = (
            select(t.rounds)
            .where(t.rounds.c.stream_id == stream.id, t.rounds.c.stream_seq >= first)
            .order_by(t.rounds.c.stream_seq)
        )
        return [stored_round(row, stream.name) for row in conn.execute(query)]

    # -- reading rounds -------------------------------------------------------------------------
    def _rounds(self, rows: Any) -> list[StoredRound]:
        return [stored_round(row, self.stream_name(int(row.stream_id))) for row in rows]

    def recent_rounds(
        self, stream_id: int, limit: int = 50, before_stream_seq: int | None = None
    ) -> list[StoredRound]:
        """A stream's rounds, newest first; ``before_stream_seq`` pages further back."""
        query = (
            select(t.rounds)
            .where(t.rounds.c.stream_id == stream_id)
            .order_by(t.rounds.c.stream_seq.desc())
            .limit(limit)
        )
        if before_stream_seq is not None:
            query = query.where(t.rounds.c.stream_seq < before_stream_seq)
        with self.engine.connect() as conn:
            return self._rounds(conn.execute(query))

    def rounds_after(self, seq: int, limit: int = 1000) -> list[StoredRound]:
        """Rounds of every stream with a larger seq, oldest first (the engine's queue)."""
        query = select(t.rounds).where(t.rounds.c.seq > seq).order_by(t.rounds.c.seq).limit(limit)
        with self.engine.connect() as conn:
            return self._rounds(conn.execute(query))

    def get_round(self, stream_id: int, stream_seq: int) -> StoredRound | None:
        query = select(t.rounds).where(t.rounds.c.stream_id == stream_id, t.rounds.c.stream_seq == stream_seq)
        with self.engine.connect() as conn:
            found = self._rounds(conn.execute(query))
        return found[0] if found else None

    def iter_rounds(self, stream_id: int, batch: int = 5000) -> Iterator[list[StoredRound]]:
        """Every round of a stream, oldest first, ``batch`` at a time (never all in memory)."""
        after = 0
        while True:
            query = (
                select(t.rounds)
                .where(t.rounds.c.stream_id == stream_id, t.rounds.c.stream_seq > after)
                .order_by(t.rounds.c.stream_seq)
                .limit(batch)
            )
            with self.engine.connect() as conn:
                rounds = self._rounds(conn.execute(query))
            if not rounds:
                return
            yield rounds
            after = rounds[-1].stream_seq

    def multipliers(
        self, stream_id: int, up_to_seq: int | None = None, last: int | None = None
    ) -> FloatArray:
        """A stream's multipliers, oldest first (optionally only up to a seq, or only the last N)."""
        query = (
            select(t.rounds.c.multiplier)
            .where(t.rounds.c.stream_id == stream_id)
            .order_by(t.rounds.c.stream_seq.desc())
        )
        if up_to_seq is not None:
            query = query.where(t.rounds.c.seq <= up_to_seq)
        if last is not None:
            query = query.limit(last)
        with self.engine.connect() as conn:
            values = conn.execute(query).scalars().all()
        return np.asarray(values[::-1], dtype=np.float64)

    def count_rounds(
        self, stream_id: int | None = None, after_seq: int | None = None, up_to_seq: int | None = None
    ) -> int:
        query = select(func.count()).select_from(t.rounds)
        if stream_id is not None:
            query = query.where(t.rounds.c.stream_id == stream_id)
        if after_seq is not None:
            query = query.where(t.rounds.c.seq > after_seq)
        if up_to_seq is not None:
            query = query.where(t.rounds.c.seq <= up_to_seq)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def probe(self) -> None:
        """A real write and read of the store (readiness); StoreUnavailable says why it failed."""
        with durable_write("the readiness probe"):
            self.file_guard.check()
            self.file_guard.check_space()
            stamp = utcnow().isoformat()
            self.set_state(StateKey.READY_PROBE, stamp)
            if self.get_state(StateKey.READY_PROBE) != stamp:
                raise StoreUnavailable(
                    "the store did not give back what was just written", "store_unavailable"
                )

    def latest_stream(self) -> str | None:
        """The stream of the newest round of all."""
        query = select(t.rounds.c.stream_id).order_by(t.rounds.c.seq.desc()).limit(1)
        with self.engine.connect() as conn:
            found = conn.execute(query).scalar()
        return None if found is None else self.stream_name(int(found))

    def last_seq(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.coalesce(func.max(t.rounds.c.seq), 0))).scalar_one())

    def latest_round_ids(self, stream_id: int, last: int = 1) -> list[str]:
        """The round ids of a stream's latest rounds, newest first."""
        query = (
            select(t.rounds.c.round_id)
            .where(t.rounds.c.stream_id == stream_id)
            .order_by(t.rounds.c.stream_seq.desc())
            .limit(last)
        )
        with self.engine.connect() as conn:
            return [value for value in conn.execute(query).scalars() if value is not None]

    def round_statistics(self, stream_id: int) -> dict[str, float | int | None]:
        """Count, mean, std, min, max and median of a stream's multipliers."""
        series = self.multipliers(stream_id)
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


def _existing_keys(cursor: Any, stream_id: int, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), _KEY_CHUNK):
        chunk = keys[start : start + _KEY_CHUNK]
        marks = ", ".join("?" * len(chunk))
        cursor.execute(
            f"SELECT key FROM rounds WHERE stream_id = ? AND key IN ({marks})", (stream_id, *chunk)
        )
        found.update(row[0] for row in cursor.fetchall())
    return found


def _sqlite_ts(value: datetime | str) -> str:
    return value if isinstance(value, str) else utc_text(value)


def _parse_utc(value: str) -> datetime:
    return aware(datetime.fromisoformat(value))
