"""Whether a write the store acknowledges will survive: the store's file is still the one opened,
and a failure of the database becomes one clear domain error (503 over HTTP), never an ack.

SQLite keeps writing to a database file that was deleted while it was open (the inode lives on until
the last handle closes), and those writes are gone after a restart: ``FileGuard`` notices that the
path no longer names the file the server opened, and refuses the write.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from aviator.core.errors import StoreUnavailable

#: Below this much free space on the database file's disk the store is not ready: the next batch
#: may not fit (a 10,000-round batch with its predictions takes a few MB), though a probe row does.
MIN_FREE_BYTES = 16 * 1024 * 1024


class FileGuard:
    """The identity (device, inode) of a SQLite database file, taken when the store is first used."""

    def __init__(self, engine: Engine) -> None:
        database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
        self.path = Path(database).resolve() if database and database != ":memory:" else None
        self._identity: tuple[int, int] | None = None

    def check(self) -> None:
        """StoreUnavailable when the file was deleted or replaced since it was first seen."""
        if self.path is None:
            return
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            if self._identity is None:
                return  # not created yet: the first write creates it
            raise StoreUnavailable(
                f"the database file {self.path} was deleted while the server ran: writes cannot be made "
                "durable, so none is accepted; restart the server",
                "store_file_gone",
            ) from None
        identity = (status.st_dev, status.st_ino)
        if self._identity is None:
            self._identity = identity
        elif identity != self._identity:
            raise StoreUnavailable(
                f"the database file {self.path} was replaced while the server ran: writes cannot be made "
                "durable, so none is accepted; restart the server",
                "store_file_replaced",
            )

    def check_space(self) -> None:
        """StoreUnavailable when the database file's disk has less than ``MIN_FREE_BYTES`` free."""
        if self.path is None:
            return
        free = shutil.disk_usage(self.path.parent).free
        if free < MIN_FREE_BYTES:
            raise StoreUnavailable(
                f"the disk of {self.path} has {free / 1e6:.1f} MB free (less than "
                f"{MIN_FREE_BYTES / 1e6:.0f} MB): the next writes may not fit; free some space",
                "disk_full",
            )


def reason(exc: BaseException) -> str:
    """A failure of the database in one line (the driver's words, without SQLAlchemy's links)."""
    origin = getattr(exc, "orig", None) or exc
    text = str(origin).strip().splitlines()[0] if str(origin).strip() else type(origin).__name__
    return text[:300]


@contextlib.contextmanager
def durable_write(what: str) -> Iterator[None]:
    """Turn a failure of the database during a write into StoreUnavailable, naming what failed."""
    try:
        yield
    except StoreUnavailable:
        raise
    except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
        raise StoreUnavailable(
            f"the store could not keep {what} ({reason(exc)}): nothing of it was acknowledged",
            "store_unavailable",
        ) from exc
