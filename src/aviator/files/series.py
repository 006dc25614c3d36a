"""The multiplier series of one or more round files, in time order, for offline analysis.

Used by ``aviator backtest``, ``aviator audit`` and ``aviator strategy --replay``: every file is read
with the one parser (bad lines become errors naming file, line and reason), the rows are put in time
order (stable, so equal times keep their file order) and a round seen twice (the same round id, or
with no id the same time and multiplier) is kept once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from aviator.core.curve import FloatArray
from aviator.files.parse import ParsedRow, RowError
from aviator.files.reader import read_rounds


@dataclass
class SeriesLoad:
    """What reading the files gave: the multipliers, the bad lines and the duplicates dropped."""

    values: FloatArray
    rows_read: int
    errors: list[RowError] = field(default_factory=list)
    duplicates: int = 0


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def load_series(files: Sequence[Path]) -> SeriesLoad:
    """The multipliers of all ``files`` in time order, duplicates dropped (see the module docstring)."""
    rows: list[ParsedRow] = []
    errors: list[RowError] = []
    for path in files:
        parsed = read_rounds(path)
        rows.extend(parsed.rows)
        errors.extend(parsed.errors)
    rows.sort(key=lambda row: _aware(row.timestamp))
    seen: set[tuple[Any, ...]] = set()
    values: list[float] = []
    for row in rows:
        key = ("id", row.round_id) if row.round_id else ("ts", _aware(row.timestamp), row.multiplier)
        if key not in seen:
            seen.add(key)
            values.append(float(row.multiplier))
    return SeriesLoad(np.asarray(values, dtype=np.float64), len(rows), errors, len(rows) - len(values))
