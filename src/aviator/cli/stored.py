"""Rounds of a stored stream, for the commands that take ``--stream S`` (read only; nothing migrated)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from aviator.core.curve import FloatArray


@dataclass(frozen=True)
class StoredStream:
    name: str
    rtp: float
    values: FloatArray


def _bad(message: str) -> typer.BadParameter:
    return typer.BadParameter(message, param_hint="'--stream'")


def read_stream(name: str, database_url: str) -> StoredStream:
    """Every round of stream ``name`` in the store at ``database_url``, oldest first, with its RTP.

    A usage error (exit 2) names what is missing: the store, or the stream (with the ones there are).
    """
    from pathlib import Path

    from sqlalchemy import inspect
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from aviator.core.redact import redact
    from aviator.store.db import connect, normalize_url
    from aviator.store.repository import Store

    url = normalize_url(database_url)
    parsed = make_url(url)
    shown = redact(database_url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        if not Path(str(parsed.database)).is_file():
            raise _bad(f"no store at {shown} (set AVIATOR_DATABASE_URL, or run the server first)")
    engine = connect(url)
    try:
        if not inspect(engine).has_table("streams"):
            raise _bad(f"the store at {shown} has no streams table (not an aviator store, or not migrated)")
        store = Store(engine)
        record = store.stream(name)
        if record is None:
            known = ", ".join(s.name for s in store.streams()) or "none"
            raise _bad(f"no stream {name!r} in {shown}; streams there: {known}")
        return StoredStream(record.name, record.rtp, store.multipliers(record.id))
    except SQLAlchemyError as exc:
        raise _bad(f"cannot read the store at {shown}: {exc.__class__.__name__}: {exc}") from None
    finally:
        engine.dispose()
