"""The watcher delivers each new complete line once, across restarts, truncation and replacement."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from pathlib import Path
from typing import Any

import pytest

from aviator.files.parse import ParsedRow, RowError, read_file, to_round_row
from aviator.files.watcher import FileWatcher
from aviator.store.db import connect, migrate
from aviator.store.repository import Store
from aviator.store.sessions import FileOffset
from tests.support import stream

SAMPLE = Path(__file__).parents[1] / "data" / "aviator_payouts_sample.csv"
SAMPLE_LINES = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
HEADER, DATA = SAMPLE_LINES[0], SAMPLE_LINES[1:]


class Sink:
    """A deliver() that stores rows the way the app does and remembers every delivery."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.rows: list[ParsedRow] = []
        self.errors: list[RowError] = []
        self.new = 0

    async def __call__(
        self, path: Path, identity: str, rows: list[ParsedRow], errors: list[RowError]
    ) -> None:
        prepared = [to_round_row(r, source="csv", identity=identity) for r in rows]
        self.new += await asyncio.to_thread(self.store.add_rows, stream(self.store, "files"), prepared)
        self.rows += rows  # after the store: a test that sees the rows may count the stored rounds
        self.errors += errors


@pytest.fixture
def store(tmp_path: Path) -> Store:
    engine = connect(f"sqlite:///{tmp_path / 'store.db'}")
    migrate(engine)
    return Store(engine)


@pytest.fixture
def watched(tmp_path: Path) -> Path:
    folder = tmp_path / "watched"
    folder.mkdir()
    return folder


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def _scan(watcher: FileWatcher) -> int:
    return asyncio.run(watcher.scan_once())


def _watcher(folder: Path, store: Store, sink: Sink, **options: Any) -> FileWatcher:
    return FileWatcher(folder, "aviator_payouts_*.csv", store, sink, **options)


def test_appended_rows_are_delivered_once(
    watched: Path, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    path = watched / "aviator_payouts_20251210_193235.csv"
    path.write_text(HEADER + "".join(DATA[:2]), encoding="utf-8")
    (watched / "other.csv").write_text(HEADER + "".join(DATA[:5]), encoding="utf-8")
    sink = Sink(store)
    watcher = _watcher(watched, store, sink)
    with caplog.at_level(logging.INFO, logger="aviator.files.watcher"):
        assert _scan(watcher) == 2
    assert f"new data detected in {path.resolve()} (2 records)" in caplog.text
    assert _scan(watcher) == 0
    _append(path, "".join(DATA[2:5]))
    assert _scan(watcher) == 3
    assert [r.line for r in sink.rows] == [2, 3, 4, 5, 6]
    assert store.count_rounds() == 5
    status = watcher.status()
    name = str(path.resolve())
    assert status.model_dump()["files"] == {name: {"rows": 5, "offset": path.stat().st_size, "errors": 0}}
    assert status.last_file == name and status.total_rows == 5
    assert status.last_rows_at is not None
    saved = store.get_offset(name)
    assert saved is not None
    assert (saved.offset, saved.rows) == (path.stat().st_size, 5)
    assert saved.identity.endswith(hashlib.sha256(HEADER.rstrip("\n").encode()).hexdigest())
    assert path.read_text(encoding="utf-8") == HEADER + "".join(DATA[:5])


def test_partial_last_line_waits_until_complete(watched: Path, store: Store) -> None:
    path = watched / "aviator_payouts_1.csv"
    path.write_text("timestamp,multiplier\n2025-12-10 19:32:35,1.50\n2025-12-10 19:3", encoding="utf-8")
    sink = Sink(store)
    watcher = _watcher(watched, store, sink)
    assert _scan(watcher) == 1
    _append(path, "2:36,2.5")
    assert _scan(watcher) == 0
    _append(path, "0\n")
    assert _scan(watcher) == 1
    assert [(r.line, r.multiplier) for r in sink.rows] == [(2, 1.5), (3, 2.5)]
    assert sink.errors == []


def test_header_still_being_written_waits(watched: Path, store: Store) -> None:
    path = watched / "aviator_payouts_1.csv"
    path.write_text("timestamp,multi", encoding="utf-8")
    sink = Sink(store)
    watcher = _watcher(watched, store, sink)
    assert _scan(watcher) == 0
    _append(path, "plier\n2025-12-10 19:32:35,1.50\n")
    assert _scan(watcher) == 1
    assert sink.errors == []


def test_restart_in_the_middle_loses_and_repeats_nothing(watched: Path, store: Store) -> None:
    path = watched / "aviator_payouts_1.csv"
    path.write_text(HEADER + "".join(DATA[:100]), encoding="utf-8")
    first = Sink(store)
    assert _scan(_watcher(watched, store, first)) == 100
    _append(path, "".join(DATA[100:]) + "2025-12-16 00:00:00,0.5\n")
    second = Sink(store)
    assert _scan(_watcher(watched, store, second)) == 200
    assert [r.line for r in second.rows] == list(range(102, 302))
    assert [(e.line, e.reason) for e in second.errors] == [
        (302, "multiplier 0.5 is below 1.00, the smallest crash point")
    ]
    expected = [(r.line, r.timestamp, r.multiplier) for r in read_file(SAMPLE).rows]
    assert [(r.line, r.timestamp, r.multiplier) for r in first.rows + second.rows] == expected
    assert first.new + second.new == 300 == store.count_rounds()


class FailingOffsets:
    """An offset store whose first set_offset fails, as if the process died after deliver()."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.failed = False

    def get_offset(self, path: str) -> FileOffset | None:
        return self.store.get_offset(path)

    def set_offset(self, offset: FileOffset) -> None:
        if not self.failed:
            self.failed = True
            raise RuntimeError("crash before the offset was saved")
        self.store.set_offset(offset)


def test_crash_between_deliver_and_offset_only_redelivers(watched: Path, store: Store) -> None:
    path = watched / "aviator_payouts_1.csv"
    path.write_text(HEADER + "".join(DATA[:10]), encoding="utf-8")
    offsets = FailingOffsets(store)
    sink = Sink(store)
    watcher = FileWatcher(watched, "aviator_payouts_*.csv", offsets, sink)
    with pytest.raises(RuntimeError):
        _scan(watcher)
    assert len(sink.rows) == 10
    restarted = FileWatcher(watched, "aviator_payouts_*.csv", offsets, sink)
    assert _scan(restarted) == 10
    assert sink.new == 10 == store.count_rounds()
    assert _scan(restarted) == 0


def test_truncated_file_is_read_again_without_duplicates(watched: Path, store: Store) -> None:
    path = watched / "aviator_payouts_1.csv"
    path.write_text(HEADER + "".join(DATA[:20]), encoding="utf-8")
    sink = Sink(store)
    watcher = _watcher(watched, store, sink)
    assert _scan(watcher) == 20
    with path.open("w", encoding="utf-8") as handle:  # same inode, shorter
        handle.write(HEADER + "".join(DATA[:3]) + DATA[25])
    assert _scan(watcher) == 4
    assert [r.line for r in sink.rows[20:]] == [2, 3, 4, 5]
    assert sink.new == 21 == store.count_rounds()
    saved = store.get_offset(str(path.resolve()))
    assert saved is not None and saved.offset == path.stat().st_size


def test_replaced_file_is_read_again_without_duplicates(watched: Path, store: Store) -> None:
    path = watched / "aviator_payouts_1.csv"
    path.write_text(HEADER + "".join(DATA[:20]), encoding="utf-8")
    sink = Sink(store)
    assert _scan(_watcher(watched, store, sink)) == 20
    replacement = watched / "incoming.tmp"
    replacement.write_text(HEADER + "".join(DATA[:22]), encoding="utf-8")
    os.replace(replacement, path)  # a new inode under the same name, and longer than before
    assert _scan(_watcher(watched, store, sink)) == 22
    assert sink.new == 22 == store.count_rounds()


def test_file_without_header_is_reported_once(watched: Path, store: Store) -> None:
    path = watched / "aviator_payouts_1.csv"
    path.write_text("".join(DATA[:3]), encoding="utf-8")
    sink = Sink(store)
    watcher = _watcher(watched, store, sink)
    assert _scan(watcher) == 0
    _append(path, "".join(DATA[3:5]))
    assert _scan(_watcher(watched, store, sink)) == 0
    assert [(e.line, "expected a timestamp column" in e.reason) for e in sink.errors] == [(1, True)]


def test_large_files_are_read_in_steps(watched: Path, store: Store) -> None:
    path = watched / "aviator_payouts_1.csv"
    path.write_text(HEADER + "".join(DATA), encoding="utf-8")
    sink = Sink(store)
    watcher = _watcher(watched, store, sink, chunk_bytes=1000)
    assert _scan(watcher) == 300
    assert [r.line for r in sink.rows] == list(range(2, 302))


async def _wait_for(sink: Sink, count: int, timeout: float) -> float:
    started = time.monotonic()
    while len(sink.rows) < count:
        if time.monotonic() - started > timeout:
            raise AssertionError(f"only {len(sink.rows)} of {count} rows after {timeout} s")
        await asyncio.sleep(0.02)
    return time.monotonic() - started


def _run_and_append(watcher: FileWatcher, sink: Sink, path: Path) -> float:
    """Start the watcher, append one line once it is running; seconds until that line arrived."""

    async def scenario() -> float:
        task = asyncio.create_task(watcher.run())
        await _wait_for(sink, 1, 10)
        await asyncio.sleep(0.3)  # let the watch settle, so the append is a change it must see
        _append(path, DATA[1])
        elapsed = await _wait_for(sink, 2, 10)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return elapsed

    return asyncio.run(scenario())


@pytest.mark.parametrize("force_polling", [True, False])
def test_run_delivers_new_lines_promptly(watched: Path, store: Store, force_polling: bool) -> None:
    path = watched / "aviator_payouts_1.csv"
    path.write_text(HEADER + DATA[0], encoding="utf-8")
    sink = Sink(store)
    watcher = _watcher(watched, store, sink, force_polling=force_polling, poll_delay_ms=50)
    assert _run_and_append(watcher, sink, path) < 5  # well before the 60 s rescan
    assert [r.line for r in sink.rows] == [2, 3]


def test_notifications_alone_bring_new_lines(watched: Path, store: Store) -> None:
    path = watched / "aviator_payouts_1.csv"
    path.write_text(HEADER + DATA[0], encoding="utf-8")
    sink = Sink(store)
    watcher = _watcher(watched, store, sink, rescan_interval=60)  # the rescan cannot be what finds it
    assert _run_and_append(watcher, sink, path) < 5  # well before the 60 s rescan
    assert [r.line for r in sink.rows] == [2, 3]


def test_rescan_finds_files_when_watching_is_impossible(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "not-yet"
    sink = Sink(store)
    watcher = _watcher(folder, store, sink, rescan_interval=0.2)

    async def scenario() -> None:
        task = asyncio.create_task(watcher.run())
        await asyncio.sleep(0.3)
        folder.mkdir()
        (folder / "aviator_payouts_1.csv").write_text(HEADER + "".join(DATA[:3]), encoding="utf-8")
        await _wait_for(sink, 3, 10)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(scenario())
    assert store.count_rounds() == 3
