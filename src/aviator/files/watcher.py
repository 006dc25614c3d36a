"""Tails the round CSV files of a directory and delivers each new complete line, parsed.

Per file the byte offset read so far is stored with the file's identity (device, inode and a hash of
its first line) only after ``deliver`` has returned, so a restart goes on exactly where the last run
stopped; a crash in between only re-delivers rows, which the store drops by their keys. A file that
shrank below its offset (truncated) or whose identity changed (replaced) is read again from the
start. A last line without its newline waits until it is complete. The files are never written.

Changes are noticed through ``watchfiles.awatch`` and, in case a notification is missed (network
file systems, editors that swap files), by a rescan every ``rescan_interval`` seconds.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from watchfiles import awatch

from aviator.core.multiplier import DEFAULT_MAX_MULTIPLIER
from aviator.core.status import WatchedFile, WatcherStatus
from aviator.files.parse import Header, LineParser, ParsedRow, RowError, content_identity
from aviator.store.sessions import FileOffset

logger = logging.getLogger(__name__)

DEFAULT_PATTERN = "aviator_payouts_*.csv"
#: ``deliver(path, identity, rows, errors)``: the file's identity (for its rows' keys) and what was read.
Deliver = Callable[[Path, str, list[ParsedRow], list[RowError]], Awaitable[None]]
#: Rejected lines logged one by one per read of a file; the rest are counted.
ERRORS_LOGGED = 20


class OffsetStore(Protocol):
    """Where read offsets persist (``aviator.store.repository.Store`` is one)."""

    def get_offset(self, path: str) -> FileOffset | None: ...

    def set_offset(self, offset: FileOffset) -> None: ...


@dataclass
class _Tail:
    """How far one file has been read (``lines``: lines consumed up to ``offset``)."""

    identity: str
    offset: int = 0
    lines: int = 0
    rows: int = 0
    header: Header | None = None
    header_failed: bool = False


@dataclass
class _Step:
    tail: _Tail
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    more: bool = False
    restarted: str | None = None
    #: The identity its rows' keys use (``aviator.files.parse.content_identity``).
    key_identity: str = ""


def _identity(status: os.stat_result, first_line: bytes) -> str:
    digest = hashlib.sha256(first_line.rstrip(b"\r\n")).hexdigest()
    return f"{status.st_dev}:{status.st_ino}:{digest}"


def _resume(handle: BinaryIO, stored: FileOffset, max_multiplier: float) -> _Tail:
    """The state at a stored offset: the header re-read from the file, the lines before it counted."""
    handle.seek(0)
    parser = LineParser("", max_multiplier=max_multiplier)
    consumed = 0
    while consumed < stored.offset and parser.header is None and not parser.header_failed:
        raw = handle.readline()
        if not raw:
            break
        consumed += len(raw)
        parser.feed(raw.decode("utf-8", "replace"))
    lines = parser.line
    remaining = stored.offset - consumed
    while remaining > 0:
        block = handle.read(min(remaining, 1 << 20))
        if not block:
            break
        lines += block.count(b"\n")
        remaining -= len(block)
    return _Tail(stored.identity, stored.offset, lines, stored.rows, parser.header, parser.header_failed)


def _read_step(
    path: Path, name: str, tail: _Tail | None, stored: FileOffset | None, max_multiplier: float, limit: int
) -> _Step | None:
    """Parse the complete lines after the offset (at most about ``limit`` bytes); None: nothing to read."""
    with path.open("rb") as handle:
        status = os.fstat(handle.fileno())
        first = handle.readline()
        if not first.endswith(b"\n"):
            return None
        identity = _identity(status, first)
        key_identity = content_identity(path, first, handle.readline())
        known = tail or (_Tail(stored.identity, stored.offset, 0, stored.rows) if stored else None)
        base: _Tail | None = None
        restarted = None
        if known is not None:
            if known.identity != identity:
                restarted = "replaced"
            elif status.st_size < known.offset:
                restarted = "truncated"
            elif tail is not None:
                base = tail
            elif stored is not None:
                base = _resume(handle, stored, max_multiplier)
        if base is None:
            base = _Tail(identity)
        handle.seek(base.offset)
        data = handle.read(limit)
        if len(data) == limit and b"\n" not in data:
            data += handle.readline()  # one line longer than the limit
        end = data.rfind(b"\n") + 1
        if end == 0:
            return _Step(base, restarted=restarted, key_identity=key_identity)
        parser = LineParser(name, header=base.header, line=base.lines, max_multiplier=max_multiplier)
        parser.header_failed = base.header_failed
        step = _Step(base, more=len(data) >= limit, restarted=restarted, key_identity=key_identity)
        for raw in data[:end].split(b"\n")[:-1]:
            item = parser.feed(raw.decode("utf-8", "replace"))
            if isinstance(item, ParsedRow):
                step.rows.append(item)
            elif item is not None:
                step.errors.append(item)
        step.tail = _Tail(
            identity,
            base.offset + end,
            parser.line,
            base.rows + len(step.rows),
            parser.header,
            parser.header_failed,
        )
        return step


class FileWatcher:
    """Watches ``directory`` for files matching ``pattern`` and delivers their new rows as they come."""

    def __init__(
        self,
        directory: Path,
        pattern: str,
        offsets: OffsetStore,
        deliver: Deliver,
        *,
        stream: str = "files",
        max_multiplier: float = DEFAULT_MAX_MULTIPLIER,
        force_polling: bool = False,
        poll_delay_ms: int = 300,
        rescan_interval: float = 1.0,
        chunk_bytes: int = 4 << 20,
    ) -> None:
        self.directory = directory
        self.pattern = pattern
        self.offsets = offsets
        self.deliver = deliver
        self.stream = stream
        self.max_multiplier = max_multiplier
        self.force_polling = force_polling
        self.poll_delay_ms = poll_delay_ms
        self.rescan_interval = rescan_interval
        self.chunk_bytes = chunk_bytes
        self._tails: dict[str, _Tail] = {}
        self._files: dict[str, dict[str, int]] = {}
        self._lock = asyncio.Lock()
        self._watch_failed = False
        self.last_file: str | None = None
        self.last_rows_at: datetime | None = None
        self.total_rows = 0

    def _matching(self) -> list[Path]:
        return sorted(path for path in self.directory.glob(self.pattern) if path.is_file())

    async def scan_once(self) -> int:
        """Read what is new in every matching file now; returns the number of rows delivered."""
        delivered = 0
        for path in await asyncio.to_thread(self._matching):
            delivered += await self._process(path)
        return delivered

    async def _process(self, path: Path) -> int:
        name = str(path.resolve())
        delivered = 0
        async with self._lock:
            while True:
                tail = self._tails.get(name)
                stored = None if tail else await asyncio.to_thread(self.offsets.get_offset, name)
                try:
                    step = await asyncio.to_thread(
                        _read_step, path, name, tail, stored, self.max_multiplier, self.chunk_bytes
                    )
                except FileNotFoundError:
                    self._tails.pop(name, None)
                    return delivered
                if step is None:
                    return delivered
                if step.restarted:
                    logger.info("%s was %s: reading it again from the start", name, step.restarted)
                if step.rows or step.errors:
                    await self.deliver(path, step.key_identity, step.rows, step.errors)
                    self._note(name, step)
                    delivered += len(step.rows)
                previous = tail or stored
                new = step.tail
                if previous is None or (previous.identity, previous.offset) != (new.identity, new.offset):
                    await asyncio.to_thread(
                        self.offsets.set_offset, FileOffset(name, new.identity, new.offset, new.rows)
                    )
                self._tails[name] = new
                entry = self._files.setdefault(name, {"rows": 0, "offset": 0, "errors": 0})
                entry["rows"], entry["offset"] = new.rows, new.offset
                if not step.more:
                    return delivered

    def _note(self, name: str, step: _Step) -> None:
        logger.info("new data detected in %s (%d records)", name, len(step.rows))
        if step.errors:
            for error in step.errors[:ERRORS_LOGGED]:
                logger.warning("rejected %s", error)
            if len(step.errors) > ERRORS_LOGGED:
                logger.warning("%s: %d more line(s) rejected", name, len(step.errors) - ERRORS_LOGGED)
        entry = self._files.setdefault(name, {"rows": 0, "offset": 0, "errors": 0})
        entry["errors"] += len(step.errors)
        if step.rows:
            self.last_file = name
            self.last_rows_at = datetime.now(UTC)
            self.total_rows += len(step.rows)

    def status(self) -> WatcherStatus:
        """Per file: rows taken (over all runs), byte offset, lines rejected (this run); then totals."""
        return WatcherStatus(
            directory=str(self.directory),
            pattern=self.pattern,
            stream=self.stream,
            files={name: WatchedFile(**entry) for name, entry in self._files.items()},
            last_file=self.last_file,
            last_rows_at=self.last_rows_at.isoformat() if self.last_rows_at else None,
            total_rows=self.total_rows,
        )

    async def _guarded(self, work: Coroutine[Any, Any, int]) -> None:
        try:
            await work
        except Exception:
            logger.exception(
                "reading watched files in %s failed; retrying on the next change", self.directory
            )

    async def _process_changes(self, changes: set[tuple[Any, str]]) -> int:
        changed = {str(Path(path).resolve()) for _, path in changes}
        delivered = 0
        for path in await asyncio.to_thread(self._matching):
            if str(path.resolve()) in changed:
                delivered += await self._process(path)
        return delivered

    async def _watch(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                async for changes in awatch(
                    self.directory,
                    watch_filter=None,
                    stop_event=stop,
                    force_polling=self.force_polling,
                    poll_delay_ms=self.poll_delay_ms,
                    recursive=False,
                ):
                    await self._guarded(self._process_changes(changes))
            except Exception as exc:
                level = logging.DEBUG if self._watch_failed else logging.WARNING
                logger.log(level, "cannot watch %s (%s); rescanning it instead", self.directory, exc)
                self._watch_failed = True
                try:
                    await asyncio.wait_for(stop.wait(), timeout=5)
                except TimeoutError:
                    pass

    async def run(self) -> None:
        """Watch until cancelled: notifications for speed, a rescan every ``rescan_interval`` for safety."""
        logger.info("watching %s for %s", self.directory, self.pattern)
        stop = asyncio.Event()
        watching = asyncio.create_task(self._watch(stop))
        try:
            while True:
                await self._guarded(self.scan_once())
                await asyncio.sleep(self.rescan_interval)
        finally:
            stop.set()
            watching.cancel()
            await asyncio.gather(watching, return_exceptions=True)
