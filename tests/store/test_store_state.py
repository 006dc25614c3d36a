"""State, file offsets, metrics, size, reset and migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, inspect

from aviator.core.rounds import Round
from aviator.store.db import connect, migrate
from aviator.store.repository import Store, StreamRecord
from aviator.store.sessions import FileOffset

T0 = datetime(2026, 1, 1, tzinfo=UTC)
MakeStream = Callable[..., StreamRecord]


def test_state_get_set_overwrite(store: Store) -> None:
    assert store.get_state("engine") is None
    store.set_state("engine", {"last_seq": 3, "nested": [1, 2]})
    assert store.get_state("engine") == {"last_seq": 3, "nested": [1, 2]}
    store.set_state("engine", {"last_seq": 4})
    assert store.get_state("engine") == {"last_seq": 4}


def test_setdefault_state_keeps_the_first_value(store: Store) -> None:
    assert store.setdefault_state("deployment", "first") == "first"
    assert store.setdefault_state("deployment", "second") == "first"
    assert store.get_state("deployment") == "first"


def test_file_offsets(store: Store) -> None:
    assert store.get_offset("/a.csv") is None
    store.set_offset(FileOffset("/a.csv", "dev:1", 100, 4))
    store.set_offset(FileOffset("/b.csv", "dev:2", 7, 1))
    store.set_offset(FileOffset("/a.csv", "dev:1", 250, 9))
    assert store.get_offset("/a.csv") == FileOffset("/a.csv", "dev:1", 250, 9)
    assert sorted(o.path for o in store.offsets()) == ["/a.csv", "/b.csv"]


def test_metrics_recent_filter_and_prune(store: Store) -> None:
    store.add_metrics({"cpu": 12.5, "memory": 1000.0}, ts=T0)
    store.add_metrics({"cpu": 20.0}, ts=T0 + timedelta(hours=25))
    store.add_metrics({})
    cpu = store.recent_metrics(["cpu"])
    assert [m["value"] for m in cpu] == [20.0, 12.5]
    assert len(store.recent_metrics()) == 3
    assert store.prune_metrics(T0 + timedelta(hours=1)) == 2
    assert [m["value"] for m in store.recent_metrics()] == [20.0]


def test_database_size_is_positive(store: Store) -> None:
    size = store.database_size()
    assert size is not None and size > 0


def _round(stream: str) -> Round:
    return Round(stream=stream, source=stream, round_id="1", multiplier=2.0, timestamp=T0)


def test_reset_forgets_the_session_but_keeps_offsets_and_deployment(
    store: Store, make_stream: MakeStream
) -> None:
    make_stream("sim")
    store.add_rounds([_round("sim")])
    store.set_state("engine", {"last_seq": 1})
    store.setdefault_state("deployment", "abc")
    store.add_metrics({"cpu": 1.0})
    store.set_offset(FileOffset("/a.csv", "x", 1, 1))
    store.reset()
    assert store.count_rounds() == 0
    assert store.get_state("engine") is None
    assert store.recent_metrics() == []
    assert store.get_offset("/a.csv") is not None
    assert store.get_state("deployment") == "abc"
    assert [s.name for s in store.streams()] == ["sim"]  # the stream stays, empty


def test_seq_keeps_growing_after_reset(store: Store, make_stream: MakeStream) -> None:
    make_stream("s")
    first = store.add_rounds([_round("s")]).stored[0]
    store.reset()
    again = store.add_rounds([_round("s")]).stored
    assert len(again) == 1 and again[0].seq >= first.seq and again[0].stream_seq == 1


def test_migrations_are_idempotent(db: Engine, store: Store) -> None:
    store.set_state("kept", 1)
    migrate(db)
    migrate(db)
    tables = set(inspect(db).get_table_names())
    assert {
        "rounds",
        "streams",
        "predictions",
        "file_offsets",
        "state",
        "metrics",
        "alembic_version",
    } <= tables
    assert store.get_state("kept") == 1


def test_processes_starting_together_migrate_once(fresh_postgres_url: str) -> None:
    engines = [connect(fresh_postgres_url) for _ in range(4)]
    try:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(migrate, engines))  # raises if two of them created the same table
        store = Store(engines[0])
        store.set_state("after", True)
        assert store.get_state("after") is True
    finally:
        for engine in engines:
            engine.dispose()
