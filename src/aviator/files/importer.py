"""Bulk import of round files into the store: parsed in chunks, stored in chunks, every bad line told.

Files of plain ``timestamp,multiplier`` lines take the vectorized path of :mod:`aviator.files.fastpath`
(same rows, same errors); any other layout is parsed line by line.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from aviator.core.multiplier import DEFAULT_MAX_MULTIPLIER
from aviator.core.streams import IMPORT_STREAM, StreamKind, StreamSpec
from aviator.files import fastpath
from aviator.files.json_rows import looks_like_json, read_json
from aviator.files.parse import LineParser, ParsedRow, RowError, file_identity, to_round_row
from aviator.store.records import RoundRow
from aviator.store.repository import Store, StreamRecord

DEFAULT_CHUNK_ROWS = 20_000
DEFAULT_KEEP_ERRORS = 20


@dataclass
class ImportSummary:
    """What an import did. ``read`` counts data lines (rounds and rejected lines, not headers)."""

    files: int = 0
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0


class _Batch:
    """Rows waiting for the store; stored every ``size`` rows and at the end."""

    def __init__(self, store: Store, stream: StreamRecord, summary: ImportSummary, size: int) -> None:
        self.store = store
        self.stream = stream
        self.summary = summary
        self.size = size
        self.rows: list[RoundRow] = []

    def flush(self) -> None:
        # Storing from a worker thread while parsing goes on was measured slower: sqlite3 gives the
        # GIL back for every row it steps, and the parser keeps it for a whole switch interval.
        if self.rows:
            stored = self.store.add_rows(self.stream, self.rows)
            self.summary.stored += stored
            self.summary.duplicates += len(self.rows) - stored
            self.rows = []

    def extend(self, rows: Sequence[RoundRow]) -> bool:
        """Queue rows; True when the batch was stored."""
        self.rows.extend(rows)
        if len(self.rows) >= self.size:
            self.flush()
            return True
        return False


def import_files(
    paths: Sequence[Path],
    store: Store,
    *,
    stream: str = IMPORT_STREAM,
    source: str = "csv",
    max_multiplier: float = DEFAULT_MAX_MULTIPLIER,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    keep_errors: int = DEFAULT_KEEP_ERRORS,
    progress: Callable[[int], None] | None = None,
    fast_path: bool = True,
    rtp: float = 0.97,
) -> ImportSummary:
    """Store every round of ``paths`` in ``stream`` (created as an import stream when new; a row
    already there is a duplicate); ``progress`` gets bytes read.

    ``fast_path=False`` parses every line one by one (same result, slower; kept for comparison).
    """
    summary = ImportSummary()
    started = time.perf_counter()
    record = store.ensure_stream(StreamSpec(name=stream, kind=StreamKind.IMPORT, rtp=rtp))
    batch = _Batch(store, record, summary, chunk_rows)

    def reject(error: RowError) -> None:
        summary.rejected += 1
        if len(summary.errors) < keep_errors:
            summary.errors.append(error)

    for path in paths:
        summary.files += 1
        identity = file_identity(path)
        if looks_like_json(path):
            parsed = read_json(path, max_multiplier=max_multiplier)
            summary.read += len(parsed.rows) + len(parsed.errors)
            for error in parsed.errors:
                reject(error)
            batch.extend([to_round_row(row, source=source, identity=identity) for row in parsed.rows])
            if progress is not None:
                progress(path.stat().st_size)
            continue
        parser = LineParser(str(path), max_multiplier=max_multiplier)
        pending = 0
        with path.open("rb") as handle:
            for raw in handle:
                pending += len(raw)
                item = parser.feed(raw.decode("utf-8", "replace"))
                if item is None:
                    if fast_path and parser.header is not None and fastpath.eligible(parser.header):
                        break  # the rest of the file goes in chunks below
                    continue
                summary.read += 1
                if not isinstance(item, ParsedRow):
                    reject(item)
                elif batch.extend([to_round_row(item, source=source, identity=identity)]) and progress:
                    progress(pending)
                    pending = 0
            # Only after the break above: otherwise the loop has read the whole file.
            while lines := list(islice(handle, chunk_rows)):
                chunk = fastpath.parse_lines(
                    lines, parser, source=source, identity=identity, max_multiplier=max_multiplier
                )
                pending += sum(map(len, lines))
                summary.read += chunk.read
                for error in chunk.errors:
                    reject(error)
                if batch.extend(chunk.values) and progress is not None:
                    progress(pending)
                    pending = 0
        if parser.header is None and not parser.header_failed:
            reason = "empty file: expected a header line with a timestamp and a multiplier column"
            reject(RowError(str(path), 1, reason, ""))
        if progress is not None:
            progress(pending)
    batch.flush()
    summary.seconds = time.perf_counter() - started
    return summary
