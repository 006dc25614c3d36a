"""The store fixtures: every store test runs on SQLite and on PostgreSQL.

PostgreSQL tests use a scratch database created on the server of ``AVIATOR_TEST_DATABASE_URL`` for
the session and dropped at its end; each test starts from empty tables.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from aviator.core.streams import StreamKind, StreamSpec
from aviator.store.db import connect, migrate, scratch_postgres_database
from aviator.store.repository import Store, StreamRecord

PG_ENV = "AVIATOR_TEST_DATABASE_URL"
_TABLES = ("predictions", "rounds", "streams", "state", "file_offsets", "metrics")


def _scratch_database() -> Iterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL store tests: set {PG_ENV}=postgresql://user@host:5432/db to run them")
    with scratch_postgres_database(base, "aviator_test") as url:
        yield url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database for the whole session (each test truncates it)."""
    yield from _scratch_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database of each backend."""
    if request.param == "sqlite":
        engine = connect(f"sqlite:///{tmp_path / 'store.db'}")
        migrate(engine)
    else:
        engine = connect(request.getfixturevalue("postgres_url"))
        migrate(engine)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(_TABLES)} RESTART IDENTITY"))
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def store(db: Engine) -> Store:
    return Store(db)


MakeStream = Callable[..., StreamRecord]


@pytest.fixture
def make_stream(store: Store) -> MakeStream:
    """``make_stream(name, kind)``: a stream in the store (created if new)."""

    def make(name: str = "sim", kind: StreamKind = StreamKind.HTTP) -> StreamRecord:
        return store.ensure_stream(StreamSpec(name=name, kind=kind))

    return make


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    """An empty PostgreSQL database of its own (not migrated)."""
    yield from _scratch_database()
