"""The schema (SQLAlchemy Core). Changes go through a new Alembic migration as well."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

#: Integer primary keys: BIGINT on PostgreSQL, INTEGER (rowid alias) on SQLite.
_Id = BigInteger().with_variant(Integer(), "sqlite")

streams = Table(
    "streams",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("game", String(16), nullable=False),
    Column("rtp", Float, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

rounds = Table(
    "rounds",
    metadata,
    Column("seq", _Id, primary_key=True, autoincrement=True),
    Column("stream_id", BigInteger, ForeignKey("streams.id"), nullable=False),
    Column("stream_seq", BigInteger, nullable=False),
    Column("key", String(300), nullable=False),
    Column("source", String(64), nullable=False),
    Column("round_id", String(128)),
    Column("multiplier", Float, nullable=False),
    Column("ts", DateTime(timezone=True), nullable=False),
    Column("server_seed", String(128)),
    Column("server_hash", String(128)),
    Column("client_seeds", Text),
    Column("combined_hash", String(256)),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)
Index("ix_rounds_source_round_id", rounds.c.source, rounds.c.round_id)
Index("uq_rounds_stream_key", rounds.c.stream_id, rounds.c.key, unique=True)
Index("ix_rounds_stream_seq", rounds.c.stream_id, rounds.c.stream_seq, unique=True)

predictions = Table(
    "predictions",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("model", String(32), nullable=False),
    Column("stream_id", BigInteger, nullable=False, index=True),
    Column("round_seq", BigInteger, nullable=False),
    Column("made_at", DateTime(timezone=True), nullable=False),
    Column("target", Float, nullable=False),
    Column("median", Float, nullable=False),
    Column("p_target", Float, nullable=False),
    Column("thresholds", Text, nullable=False),
    Column("actual", Float, nullable=False),
    Column("hit", Boolean, nullable=False),
    Column("log_score", Float, nullable=False),
    Column("scores", Text, nullable=False),
    UniqueConstraint("model", "round_seq", name="uq_predictions_model_round_v2"),
)
Index("ix_predictions_round_seq", predictions.c.round_seq)

file_offsets = Table(
    "file_offsets",
    metadata,
    Column("path", String(1024), primary_key=True),
    Column("identity", String(256), nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("rows", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

state = Table(
    "state",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

metrics = Table(
    "metrics",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("ts", DateTime(timezone=True), nullable=False, index=True),
    Column("name", String(64), nullable=False),
    Column("value", Float, nullable=False),
)
