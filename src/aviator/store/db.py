"""Connecting to the store and bringing its schema up to date."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

_MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 7_165_003  # PostgreSQL advisory-lock key held while migrating


def normalize_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here; SQLite paths get their directory created."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit is on disk before it returns, so an acknowledged round survives a power cut.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def connect(url: str) -> Engine:
    """A SQLAlchemy engine for ``url``: SQLite with WAL on, or PostgreSQL through psycopg 3."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Apply every Alembic migration not yet applied, up to ``revision`` (``alembic upgrade head``)."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    # Alembic narrates every step at INFO ("Context impl SQLiteImpl."): noise in a command's output.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several processes start at once on one database: one migrates, the others wait.
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@contextlib.contextmanager
def scratch_postgres_database(server_url: str, prefix: str = "aviator_scratch") -> Iterator[str]:
    """A new, empty database on the PostgreSQL server of ``server_url``, dropped on exit (for tests
    and benchmarks that must not touch anyone's data). Yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalize_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(normalize_url(server_url)).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
