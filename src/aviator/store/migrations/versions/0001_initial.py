"""The initial schema: rounds, predictions, file offsets, state and metrics.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "rounds",
        sa.Column("seq", _Id, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(300), nullable=False, unique=True),
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
    op.create_index("ix_rounds_source_round_id", "rounds", ["source", "round_id"])
    op.create_table(
        "predictions",
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("model", sa.String(32), nullable=False),
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
        sa.UniqueConstraint("model", "round_seq", name="uq_predictions_model_round"),
    )
    op.create_index("ix_predictions_round_seq", "predictions", ["round_seq"])
    op.create_table(
        "file_offsets",
        sa.Column("path", sa.String(1024), primary_key=True),
        sa.Column("identity", sa.String(256), nullable=False),
        sa.Column("offset", sa.BigInteger, nullable=False),
        sa.Column("rows", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "state",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "metrics",
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
    )
    op.create_index("ix_metrics_ts", "metrics", ["ts"])


def downgrade() -> None:
    for table in ("metrics", "state", "file_offsets", "predictions", "rounds"):
        op.drop_table(table)
