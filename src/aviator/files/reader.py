"""Any round file, whatever its format: delimited text (CSV, ``;`` or tab) or JSON."""

from __future__ import annotations

from pathlib import Path

from aviator.core.multiplier import DEFAULT_MAX_MULTIPLIER
from aviator.files.json_rows import looks_like_json, read_json
from aviator.files.parse import ParseResult, read_file


def read_rounds(path: Path, *, max_multiplier: float = DEFAULT_MAX_MULTIPLIER) -> ParseResult:
    """Every round of the file and every entry that could not be read (file, line or item, reason)."""
    if looks_like_json(path):
        return read_json(path, max_multiplier=max_multiplier)
    return read_file(path, max_multiplier=max_multiplier)
