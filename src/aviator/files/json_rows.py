"""Rounds in JSON files: an array of round objects, JSON Lines of them, or this project's own export.

Each object needs a multiplier field and may have id, timestamp and seed fields, under the same
aliases as CSV columns (any case): ``multiplier``/``payout``/``crash``/``result``..., ``timestamp``/
``time``/``date``..., ``round_id``/``id``/``game_id``..., seeds flat or in a ``fairness`` object. A bad
item is an error naming its position (the item's number in an array, the line in JSON Lines) and the
reason; it never stops the file. Lines of JSON Lines whose ``type`` is not ``round`` (the header and
summary of an export) are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aviator.core.multiplier import DEFAULT_MAX_MULTIPLIER, cut, parse_multiplier
from aviator.files.parse import ALIASES, ParsedRow, ParseResult, RowError, line_digest, parse_timestamp


def looks_like_json(path: Path) -> bool:
    """The file's first non-blank character opens a JSON array or object."""
    with path.open("rb") as handle:
        while chunk := handle.read(256):
            text = chunk.lstrip().lstrip(b"\xef\xbb\xbf")
            if text:
                return text[:1] in (b"[", b"{")
    return False


def _normalized(item: Mapping[str, Any]) -> dict[str, Any]:
    return {"_".join(str(k).strip().lower().replace("-", " ").split()): v for k, v in item.items()}


def _field(item: Mapping[str, Any], kind: str) -> Any:
    return next((item[a] for a in ALIASES[kind] if a in item and item[a] not in (None, "")), None)


def _text(value: Any, name: str, limit: int) -> str | None:
    if value is None or value == "":
        return None
    text = str(value)
    if len(text) > limit:
        raise ValueError(f"{name} is longer than {limit} characters")
    return text


def _timestamp(value: Any) -> datetime:
    if value is None:
        raise ValueError("missing timestamp")
    if isinstance(value, bool):
        raise ValueError(f"timestamp {value!r} is not a date/time")
    return parse_timestamp(str(value))


def _multiplier(value: Any, max_multiplier: float) -> float:
    if value is None or isinstance(value, bool):
        raise ValueError("missing multiplier" if value is None else f"multiplier {value!r} is not a number")
    return parse_multiplier(repr(value) if isinstance(value, float) else str(value), max_multiplier)


def parse_item(raw: Any, position: int, max_multiplier: float, now: datetime) -> ParsedRow:
    """One JSON object as a row (ValueError says what is wrong). A missing timestamp is ``now``."""
    if not isinstance(raw, Mapping):
        raise ValueError(f"expected an object with a multiplier, found {type(raw).__name__}")
    item = _normalized(raw)
    fairness = item.get("fairness")
    seeds_from = _normalized(fairness) if isinstance(fairness, Mapping) else item
    seeds = seeds_from.get("client_seeds") or [
        seeds_from[k] for k in ("client_seed_1", "client_seed_2", "client_seed_3") if seeds_from.get(k)
    ]
    if isinstance(seeds, str):
        seeds = seeds.split("|")
    if not isinstance(seeds, list) or any(len(str(s)) > 128 for s in seeds):
        raise ValueError("client seeds must be a list of texts of at most 128 characters")
    stamp = _field(item, "timestamp")
    return ParsedRow(
        line=position,
        timestamp=_timestamp(stamp) if stamp is not None else now,
        multiplier=_multiplier(_field(item, "multiplier"), max_multiplier),
        round_id=_text(_field(item, "round_id"), "round_id", 128),
        server_seed=_text(seeds_from.get("server_seed"), "server_seed", 128),
        server_hash=_text(seeds_from.get("server_hash"), "server_hash", 128),
        client_seeds=tuple(str(s) for s in seeds if s),
        combined_hash=_text(seeds_from.get("combined_hash") or seeds_from.get("hash"), "combined_hash", 256),
        digest=line_digest(json.dumps(raw, sort_keys=True, default=str).encode()),
    )


def _items(path: Path) -> Iterable[tuple[int, Any]] | RowError:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    stripped = text.lstrip()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if stripped.startswith("{"):
            return _lines(text)
        return RowError(
            str(path),
            exc.lineno,
            f"not valid JSON: {exc.msg}",
            cut(text.splitlines()[exc.lineno - 1] if text else ""),
        )
    if isinstance(document, Mapping) and isinstance(document.get("rounds"), list):
        document = document["rounds"]  # this project's export
    if isinstance(document, Mapping):
        return [(1, document)]
    if not isinstance(document, list):
        return RowError(str(path), 1, "expected a JSON array of round objects", cut(stripped[:200]))
    return list(enumerate(document, start=1))


def _lines(text: str) -> list[tuple[int, Any]]:
    out: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            out.append((number, _Bad(f"not valid JSON: {exc.msg}", line)))
            continue
        if isinstance(value, Mapping) and value.get("type") not in (None, "round"):
            continue
        out.append((number, value))
    return out


class _Bad:
    def __init__(self, reason: str, text: str) -> None:
        self.reason, self.text = reason, text


def read_json(path: Path, *, max_multiplier: float = DEFAULT_MAX_MULTIPLIER) -> ParseResult:
    """Every round of a JSON file, and every item that could not be read."""
    result = ParseResult()
    items = _items(path)
    if isinstance(items, RowError):
        result.errors.append(items)
        return result
    now = datetime.now(UTC)
    for position, raw in items:
        if isinstance(raw, _Bad):
            result.errors.append(RowError(str(path), position, raw.reason, cut(raw.text)))
            continue
        try:
            result.rows.append(parse_item(raw, position, max_multiplier, now))
        except ValueError as exc:
            result.errors.append(RowError(str(path), position, str(exc), cut(json.dumps(raw, default=str))))
    return result
