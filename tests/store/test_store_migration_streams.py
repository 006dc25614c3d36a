"""Migration 0002 moves a 0001 database to streams without losing a row (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text

from aviator.store.db import migrate
from aviator.store.repository import Store

T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)
OLD_ROUNDS = [
    # seq, source, key, round_id, multiplier
    (1, "simulator", "simulator:id:1", "1", 2.5),
    (2, "http", "http:ts:2026-01-01T12:00:02+00:00:1.00", None, 1.0),
    (3, "simulator", "simulator:id:2", "2", 1.37),
    (4, "manual", "manual:ts:2026-01-01T12:00:04+00:00:3.10", None, 3.1),
    (5, "csv", "csv:id:abc", "abc", 12.0),
    (6, "simulator", "simulator:id:3", "3", 1.0),
]


def _old_database(db: Engine) -> None:
    with db.begin() as conn:
        for table in (
            "predictions",
            "rounds",
            "state",
            "file_offsets",
            "metrics",
            "streams",
            "alembic_version",
        ):
            conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
    migrate(db, "0001")
    with db.begin() as conn:
        for seq, source, key, round_id, multiplier in OLD_ROUNDS:
            conn.execute(
                text(
                    "INSERT INTO rounds (seq, key, source, round_id, multiplier, ts, server_seed, "
                    "ingested_at) VALUES (:seq, :key, :source, :round_id, :m, :ts, :seed, :ts)"
                ),
                {
                    "seq": seq,
                    "key": key,
                    "source": source,
                    "round_id": round_id,
                    "m": multiplier,
                    "ts": T0 + timedelta(seconds=seq),
                    "seed": "s" if source == "simulator" else None,
                },
            )
        for seq in (1, 3, 6):
            for model in ("house", "empirical"):
                conn.execute(
                    text(
                        "INSERT INTO predictions (model, round_seq, made_at, target, median, p_target, "
                        "thresholds, actual, hit, log_score, scores) VALUES (:model, :seq, :ts, 2.0, 1.9, "
                        "0.48, '{}', 2.0, :hit, -1.5, '{}')"
                    ),
                    {"model": model, "seq": seq, "ts": T0, "hit": True},
                )
        for key, value in (
            ("engine", {"last_seq": 6, "tracker": {"version": 1, "models": {}}}),
            ("runtime_settings", {"rtp": 0.96, "target": 2.0}),
            ("deployment", "abc"),
        ):
            conn.execute(
                text("INSERT INTO state (key, value, updated_at) VALUES (:k, :v, :t)"),
                {"k": key, "v": json.dumps(value), "t": T0},
            )
        if db.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('rounds', 'seq'), 6)"))


def test_an_old_database_upgrades_without_losing_a_row(db: Engine) -> None:
    _old_database(db)
    migrate(db)
    store = Store(db)
    streams = {s.name: s for s in store.streams()}
    assert set(streams) == {"simulator", "http", "manual", "csv"}
    assert streams["simulator"].kind == "simulator" and streams["csv"].kind == "import"
    assert streams["manual"].kind == "manual" and streams["http"].kind == "http"
    assert all(s.rtp == 0.96 and s.game == "aviator" for s in streams.values())  # the saved RTP

    rounds = store.rounds_after(0)
    assert [(r.seq, r.stream, r.multiplier) for r in rounds] == [
        (s, src, m) for s, src, _, _, m in OLD_ROUNDS
    ]
    sim = [r for r in rounds if r.stream == "simulator"]
    assert [(r.stream_seq, r.key, r.round_id) for r in sim] == [
        (1, "id:1", "1"),
        (2, "id:2", "2"),
        (3, "id:3", "3"),
    ]
    assert all(r.timestamp == T0 + timedelta(seconds=r.seq) for r in rounds)
    assert [r.stream_seq for r in rounds if r.stream == "http"] == [1]

    assert store.count_predictions(streams["simulator"].id) == 6
    assert {p["round_seq"] for p in store.recent_predictions(streams["simulator"].id)} == {1, 3, 6}

    assert store.get_state("engine") == {"last_seq": 6}
    moved = store.get_state(f"engine:stream:{streams['simulator'].id}")
    assert moved == {"tracker": {"version": 1, "models": {}}}
    assert store.get_state("runtime_settings") == {"rtp": 0.96, "target": 2.0}
    assert store.get_state("deployment") == "abc"


def test_after_the_upgrade_new_rounds_go_on_numbering_and_dedupe(db: Engine) -> None:
    _old_database(db)
    migrate(db)
    store = Store(db)
    from aviator.core.rounds import Round

    again = Round(stream="simulator", source="simulator", round_id="3", multiplier=1.0, timestamp=T0)
    new = Round(stream="simulator", source="simulator", round_id="4", multiplier=5.0, timestamp=T0)
    result = store.add_rounds([again, new])
    assert result.duplicates == 1
    assert [(r.stream_seq, r.seq) for r in result.stored] == [(4, 7)]
