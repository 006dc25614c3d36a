"""Streams: every round belongs to one stream (a game as seen by one source) with its own numbering.

Old rounds go to one stream per old ``source`` value (``simulator``, ``manual``, ``http``, ``csv``...),
numbered 1, 2, ... in their old order; their keys lose the source prefix (``simulator:id:7`` becomes
``id:7`` in stream ``simulator``). Predictions take the stream of their round. The engine's saved
scores were kept over the old mixed sequence: they move to the stream of the newest round (the
simulator's when it has rounds), and the engine goes on from the same place. No row is lost.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_NAME = re.compile(r"[^A-Za-z0-9_.:/@-]")
_ROUND_COLUMNS = (
    "seq", "stream_id", "stream_seq", "key", "source", "round_id", "multiplier", "ts",
    "server_seed", "server_hash", "client_seeds", "combined_hash", "ingested_at",
)  # fmt: skip
_PREDICTION_COLUMNS = (
    "id", "model", "stream_id", "round_seq", "made_at", "target", "median", "p_target",
    "thresholds", "actual", "hit", "log_score", "scores",
)  # fmt: skip


def _kind(source: str) -> str:
    if source in ("simulator", "manual"):
        return source
    if source == "csv":
        return "import"
    if source.startswith("browser"):
        return "browser"
    return "http"


def _stream_name(source: str) -> str:
    return (_NAME.sub("_", source) or "unnamed")[:64]


def _saved_rtp(conn: sa.Connection) -> float:
    value = conn.execute(sa.text("SELECT value FROM state WHERE key = 'runtime_settings'")).scalar()
    try:
        rtp = float(json.loads(value)["rtp"]) if value else 0.97
    except (ValueError, KeyError, TypeError):
        return 0.97
    return rtp if 0.5 < rtp <= 1.0 else 0.97


def _create_streams() -> None:
    op.create_table(
        "streams",
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("game", sa.String(16), nullable=False),
        sa.Column("rtp", sa.Float, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def _create_rounds(name: str) -> None:
    op.create_table(
        name,
        sa.Column("seq", _Id, primary_key=True, autoincrement=True),
        sa.Column("stream_id", sa.BigInteger, sa.ForeignKey("streams.id"), nullable=False),
        sa.Column("stream_seq", sa.BigInteger, nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("round_id", sa.String(128)),
        sa.Column("multiplier", sa.Float, nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("server_seed", sa.String(128)),
        sa.Column("server_hash", sa.String(128)),
        sa.Column("client_seeds", sa.Text),
        sa.Column("combined_hash", sa.String(256)),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    )


def _create_predictions(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("model", sa.String(32), nullable=False),
        sa.Column("stream_id", sa.BigInteger, nullable=False),
        sa.Column("round_seq", sa.BigInteger, nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("target", sa.Float, nullable=False),
        sa.Column("median", sa.Float, nullable=False),
        sa.Column("p_target", sa.Float, nullable=False),
        sa.Column("thresholds", sa.Text, nullable=False),
        sa.Column("actual", sa.Float, nullable=False),
        sa.Column("hit", sa.Boolean, nullable=False),
        sa.Column("log_score", sa.Float, nullable=False),
        sa.Column("scores", sa.Text, nullable=False),
        sa.UniqueConstraint("model", "round_seq", name="uq_predictions_model_round_v2"),
    )


def _copy_rounds(conn: sa.Connection, stream_ids: dict[str, int]) -> None:
    old = sa.table("rounds", *(sa.column(c) for c in _ROUND_COLUMNS if c not in ("stream_id", "stream_seq")))
    new = sa.table("rounds_v2", *(sa.column(c) for c in _ROUND_COLUMNS))
    counters: dict[str, int] = {}
    last = 0
    while True:
        rows = conn.execute(sa.select(old).where(old.c.seq > last).order_by(old.c.seq).limit(5000)).all()
        if not rows:
            return
        batch = []
        for row in rows:
            values = dict(row._mapping)
            source = values["source"]
            counters[source] = counters.get(source, 0) + 1
            prefix = f"{source}:"
            key = values["key"]
            values["key"] = key[len(prefix) :] if key.startswith(prefix) else key
            values["stream_id"] = stream_ids[source]
            values["stream_seq"] = counters[source]
            batch.append(values)
        conn.execute(sa.insert(new), batch)
        last = rows[-1].seq


def _copy_predictions(conn: sa.Connection, fallback_stream: int) -> None:
    columns = [c for c in _PREDICTION_COLUMNS if c != "stream_id"]
    conn.execute(
        sa.text(
            f"INSERT INTO predictions_v2 ({', '.join(columns)}, stream_id) "
            f"SELECT {', '.join('p.' + c for c in columns)}, COALESCE(r.stream_id, :fallback) "
            "FROM predictions p LEFT JOIN rounds_v2 r ON r.seq = p.round_seq"
        ),
        {"fallback": fallback_stream},
    )


def _move_engine_state(conn: sa.Connection, main_stream: int | None) -> None:
    value = conn.execute(sa.text("SELECT value FROM state WHERE key = 'engine'")).scalar()
    if not value:
        return
    state = json.loads(value)
    now = datetime.now(UTC)
    tracker = state.pop("tracker", None)
    conn.execute(
        sa.text("UPDATE state SET value = :value, updated_at = :now WHERE key = 'engine'"),
        {"value": json.dumps(state), "now": now},
    )
    if tracker is not None and main_stream is not None:
        conn.execute(
            sa.text("INSERT INTO state (key, value, updated_at) VALUES (:key, :value, :now)"),
            {"key": f"engine:stream:{main_stream}", "value": json.dumps({"tracker": tracker}), "now": now},
        )


def upgrade() -> None:
    conn = op.get_bind()
    _create_streams()
    rtp = _saved_rtp(conn)
    sources = [row[0] for row in conn.execute(sa.text("SELECT DISTINCT source FROM rounds ORDER BY source"))]
    streams = sa.table("streams", *(sa.column(c) for c in ("name", "kind", "game", "rtp", "created_at")))
    now = datetime.now(UTC)
    for source in sources:
        conn.execute(
            sa.insert(streams).values(
                name=_stream_name(source), kind=_kind(source), game="aviator", rtp=rtp, created_at=now
            )
        )
    ids = {str(name): int(i) for i, name in conn.execute(sa.text("SELECT id, name FROM streams"))}
    stream_ids = {source: ids[_stream_name(source)] for source in sources}
    _create_rounds("rounds_v2")
    _copy_rounds(conn, stream_ids)
    _create_predictions("predictions_v2")
    newest = conn.execute(sa.text("SELECT stream_id FROM rounds_v2 ORDER BY seq DESC LIMIT 1")).scalar()
    main = stream_ids.get("simulator", int(newest) if newest is not None else None)
    _copy_predictions(conn, main or 0)
    op.drop_table("predictions")
    op.drop_table("rounds")
    op.rename_table("rounds_v2", "rounds")
    op.rename_table("predictions_v2", "predictions")
    op.create_index("ix_rounds_source_round_id", "rounds", ["source", "round_id"])
    op.create_index("uq_rounds_stream_key", "rounds", ["stream_id", "key"], unique=True)
    op.create_index("ix_rounds_stream_seq", "rounds", ["stream_id", "stream_seq"], unique=True)
    op.create_index("ix_predictions_round_seq", "predictions", ["round_seq"])
    op.create_index("ix_predictions_stream_id", "predictions", ["stream_id"])
    if conn.dialect.name == "postgresql":
        for table, column in (("rounds", "seq"), ("predictions", "id")):
            conn.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                    f"COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
                )
            )
    _move_engine_state(conn, main)


def downgrade() -> None:
    raise NotImplementedError("0002 is one-way: rounds of several streams cannot be merged back safely")
