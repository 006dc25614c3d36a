"""Large files of crash games verified in several processes, with the same report as one process.

Each worker process reads a part of the file (parts end at line ends) and makes each row's own
checks: the hash, the result from it, and the SHA-256 its link needs (``check_part``). This process
takes the parts back in file order and puts the links together (``verify_checked``), which is mostly
comparing hashes already made. A file with a double quote anywhere is read in one process: a quoted
CSV field may hold a line end, and a part must not end inside it.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from aviator.fairness.batch import CheckedPart, check_part, verify_checked, verify_crash_games
from aviator.fairness.batch_records import BatchReport
from aviator.fairness.crash_schemes import CrashScheme, crash_scheme
from aviator.files.games import GamesFile, Layout, Progress, data_rows

#: A part of about this size goes to each worker at a time.
PART_BYTES = 4 << 20
#: Smaller files are verified in this process: starting workers costs more than they save.
PARALLEL_FROM_BYTES = 16 << 20
MAX_JOBS = 4


@dataclass(frozen=True)
class _Part:
    path: str
    start: int
    end: int
    lines_before: int
    layout: Layout | None
    game: str
    salt: str
    max_failures: int


def _check(part: _Part) -> CheckedPart:
    """In a worker: one part of the file, read and checked row by row."""
    with open(part.path, "rb") as handle:
        handle.seek(part.start)
        data = handle.read(part.end - part.start)
    lines = data.decode("utf-8", "replace").split("\n")
    if data.endswith(b"\n"):
        lines.pop()
    rows = data_rows(lines, part.lines_before, part.layout)
    return check_part(rows, crash_scheme(part.game, part.salt), part.max_failures)


def plan_parts(games: GamesFile, part_bytes: int = PART_BYTES) -> list[tuple[int, int, int]] | None:
    """``(start, end, lines before)`` of each part, or None when the file cannot be split safely."""
    if games.kind not in ("csv", "hash list"):
        return None
    parts = []
    start, lines_before = games.data_offset, games.lines_before
    with games.path.open("rb") as handle:
        handle.seek(start)
        while block := handle.read(part_bytes):
            if not block.endswith(b"\n"):
                block += handle.readline()
            if b'"' in block:
                return None
            parts.append((start, start + len(block), lines_before))
            lines_before += block.count(b"\n")
            start += len(block)
    return parts


def default_jobs(size: int) -> int:
    """Worker processes for a file of ``size`` bytes: 1 (this process) for small files."""
    if size < PARALLEL_FROM_BYTES:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_JOBS))


def _context() -> multiprocessing.context.BaseContext:
    """fork when this process runs one thread (workers start at once, nothing to import again);
    else a fork server, because a fork copies other threads' locks in whatever state they are."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def _checked_parts(
    parts: list[_Part], jobs: int, progress: Callable[[int], None] | None
) -> Iterator[CheckedPart]:
    """The parts' checks in file order, at most 2 x jobs parts in flight (memory stays bounded)."""
    context = _context()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        waiting: deque[tuple[_Part, Future[CheckedPart]]] = deque()
        queued = iter(parts)
        for part in queued:
            waiting.append((part, pool.submit(_check, part)))
            if len(waiting) >= 2 * jobs:
                break
        while waiting:
            part, future = waiting.popleft()
            checked = future.result()
            next_part = next(queued, None)
            if next_part is not None:
                waiting.append((next_part, pool.submit(_check, next_part)))
            if progress is not None:
                progress(part.end)
            yield checked


def verify_crash_file(
    games: GamesFile,
    scheme: CrashScheme,
    *,
    tip: str | None = None,
    max_gap: int,
    max_steps: int,
    jobs: int | None = None,
    max_failures: int = 10_000,
    progress: Progress | None = None,
    part_bytes: int = PART_BYTES,
) -> BatchReport:
    """Verify a file of crash games, in ``jobs`` processes (default: by the file's size)."""
    jobs = default_jobs(games.size) if jobs is None else jobs
    planned = plan_parts(games, part_bytes) if jobs > 1 else None
    if planned is None or len(planned) < 2:
        rows = games.rows(progress)
        return verify_crash_games(
            rows, scheme, tip=tip, max_gap=max_gap, max_steps=max_steps, max_failures=max_failures
        )
    parts = [
        _Part(str(games.path), start, end, before, games.layout, scheme.game, scheme.salt, max_failures)
        for start, end, before in planned
    ]
    done = None if progress is None else (lambda offset: progress(offset, games.size))
    return verify_checked(
        _checked_parts(parts, jobs, done),
        scheme,
        tip=tip,
        max_gap=max_gap,
        max_steps=max_steps,
        max_failures=max_failures,
    )
