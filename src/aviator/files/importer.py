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
from typing import Any

from aviator.core.multiplier import DEFAULT_MAX_MULTIPLIER
from aviator.files import fastpath
from aviator.files.parse import LineParser, ParsedRow, RowError, to_store_row
from aviator.store.repository import Store

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
    """Rows waiting for the store (as dicts, or as prepared tuples on the fast path); stored every
    ``size`` rows and at the end."""

    def __init__(self, store: Store, summary: ImportSummary, size: int) -> None:
        self.store = store
        self.summary = summary
        self.size = size
        self.rows: list[dict[str, Any]] = []
        self.values: list[tuple[Any, ...]] = []

    def flush(self) -> None:
        # Storing from a worker thread while parsing goes on was measured slower: sqlite3 gives the
        # GIL back for every row it steps, and the parser keeps it for a whole switch interval.
        if self.rows:
            stored = self.store.bulk_add(self.rows)
            self.summary.stored += stored
            self.summary.duplicates += len(self.rows) - stored
            self.rows = []
        if self.values:
            stored = self.store.bulk_add_prepared(self.values)
            self.summary.stored += stored
            self.summary.duplicates += len(self.values) - stored
            self.values = []

    def add(self, row: ParsedRow, source: str, prepared: bool) -> bool:
        """Queue one row; True when that filled the batch and it was stored."""
        if prepared:
            self.values.append(fastpath.row_values(row, source))
        else:
            self.rows.append(to_store_row(row, source))
        if len(self.rows) + len(self.values) >= self.size:
            self.flush()
            return True
        return False

    def extend(self, values: list[tuple[Any, ...]]) -> bool:
        """Queue prepared rows; True when the batch was stored."""
        self.values.extend(values)
        if len(self.values) >= self.size:
            self.flush()
            return True
        return False


def import_files(
    paths: Sequence[Path],
    store: Store,
    *,
    source: str = "csv",
    max_multiplier: float = DEFAULT_MAX_MULTIPLIER,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    keep_errors: int = DEFAULT_KEEP_ERRORS,
    progress: Callable[[int], None] | None = None,
    fast_path: bool = True,
) -> ImportSummary:
    """Store every round of ``paths`` (duplicates dropped by key); ``progress`` gets bytes read.

    ``fast_path=False`` parses every line one by one (same result, slower; kept for comparison).
    """
    summary = ImportSummary()
    started = time.perf_counter()
    batch = _Batch(store, summary, chunk_rows)

    def reject(error: RowError) -> None:
        summary.rejected += 1
        if len(summary.errors) < keep_errors:
            summary.errors.append(error)

    for path in paths:
        summary.files += 1
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
                elif batch.add(item, source, prepared=fast_path) and progress is not None:
                    progress(pending)
                    pending = 0
            # Only after the break above: otherwise the loop has read the whole file.
            while lines := list(islice(handle, chunk_rows)):
                chunk = fastpath.parse_lines(lines, parser, source=source, max_multiplier=max_multiplier)
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
