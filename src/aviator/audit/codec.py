"""An ``AuditState`` as a JSON-safe dict and back, so a server can keep a live audit across restarts.

The two big count arrays (the multiplier histogram and the PIT cells, tens of thousands of mostly
empty bins) travel as base64 of their zlib-compressed little-endian int64 bytes; the generator's
128-bit state as decimal strings (JSON numbers that large do not survive every JSON reader).
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections import deque
from typing import Any

import numpy as np

from aviator.audit.law import IntArray
from aviator.audit.levels import EDGES
from aviator.audit.state import (
    BLOCK_SIZES,
    CRASH_BLOCK_SIZE,
    MAX_LAG,
    PIT_CELLS,
    TRANSITION_CENTS,
    AuditState,
    BlockSums,
)

VERSION = 1
_BLOCK_FIELDS = (
    "size",
    "blocks",
    "sum_block_squares",
    "total",
    "total_squares",
    "partial_count",
    "partial_sum",
    "partial_squares",
)


def _pack(counts: IntArray) -> str:
    return base64.b64encode(zlib.compress(counts.astype("<i8").tobytes(), 6)).decode("ascii")


def _unpack(text: object, size: int, name: str) -> IntArray:
    try:
        raw = zlib.decompress(base64.b64decode(str(text), validate=True))
    except (binascii.Error, zlib.error, ValueError) as exc:
        raise ValueError(f"audit state: {name} is not base64 of zlib-compressed counts ({exc})") from None
    counts = np.frombuffer(raw, dtype="<i8").astype(np.int64)
    if counts.size != size or (counts < 0).any():
        raise ValueError(f"audit state: {name} must hold {size} counts of 0 or more, found {counts.size}")
    return counts


def _block(block: BlockSums) -> dict[str, float | int]:
    return {name: getattr(block, name) for name in _BLOCK_FIELDS}


def _unblock(data: Any) -> BlockSums:
    return BlockSums(**{name: dict(data)[name] for name in _BLOCK_FIELDS})


def to_state(state: AuditState) -> dict[str, Any]:
    """The state as a JSON-safe dict."""
    bits = state.generator.bit_generator.state
    return {
        "version": VERSION,
        "rtp": state.rtp,
        "seed": state.seed,
        "rounds": state.rounds,
        "hist": _pack(state.hist),
        "pit_cells": _pack(state.pit_cells),
        "sum_y": state.sum_y,
        "sum_y2": state.sum_y2,
        "lag_products": [float(x) for x in state.lag_products],
        "head": list(state.head),
        "recent": list(state.recent),
        "highs": state.highs,
        "runs": state.runs,
        "transitions": state.transitions.tolist(),
        "last_cents": state.last_cents,
        "max_cents": state.max_cents,
        "streak_high": state.streak_high,
        "streak_length": state.streak_length,
        "streaks_high": {str(k): v for k, v in sorted(state.streaks_high.items())},
        "streaks_low": {str(k): v for k, v in sorted(state.streaks_low.items())},
        "blocks": [_block(block) for block in state.blocks],
        "crash_blocks": _block(state.crash_blocks),
        "rng": {
            "state": str(bits["state"]["state"]),
            "inc": str(bits["state"]["inc"]),
            "has_uint32": int(bits["has_uint32"]),
            "uinteger": int(bits["uinteger"]),
        },
    }


def _get(data: dict[str, Any], name: str) -> Any:
    if name not in data:
        raise ValueError(f"audit state: {name} is missing")
    return data[name]


def from_state(data: dict[str, Any]) -> AuditState:
    """An ``AuditState`` from ``to_state``'s dict; ValueError names the field that is wrong."""
    if not isinstance(data, dict):
        raise ValueError("audit state: expected a JSON object")
    if _get(data, "version") != VERSION:
        raise ValueError(f"audit state: version {data['version']!r} is not {VERSION}")
    try:
        state = AuditState(rtp=float(_get(data, "rtp")), seed=int(_get(data, "seed")))
        state.rounds = int(_get(data, "rounds"))
        state.hist = _unpack(_get(data, "hist"), EDGES.size, "hist")
        state.pit_cells = _unpack(_get(data, "pit_cells"), PIT_CELLS, "pit_cells")
        state.sum_y, state.sum_y2 = float(_get(data, "sum_y")), float(_get(data, "sum_y2"))
        state.lag_products = np.asarray(_get(data, "lag_products"), dtype=np.float64)
        state.head = [float(x) for x in _get(data, "head")]
        state.recent = deque((float(x) for x in _get(data, "recent")), maxlen=MAX_LAG)
        state.highs, state.runs = int(_get(data, "highs")), int(_get(data, "runs"))
        state.transitions = np.asarray(_get(data, "transitions"), dtype=np.int64)
        last = _get(data, "last_cents")
        state.last_cents = None if last is None else int(last)
        state.max_cents = int(_get(data, "max_cents"))
        side = _get(data, "streak_high")
        state.streak_high = None if side is None else bool(side)
        state.streak_length = int(_get(data, "streak_length"))
        state.streaks_high = {int(k): int(v) for k, v in dict(_get(data, "streaks_high")).items()}
        state.streaks_low = {int(k): int(v) for k, v in dict(_get(data, "streaks_low")).items()}
        state.blocks = [_unblock(block) for block in _get(data, "blocks")]
        state.crash_blocks = _unblock(_get(data, "crash_blocks"))
        bits = dict(_get(data, "rng"))
        state.generator.bit_generator.state = {
            "bit_generator": "PCG64",
            "state": {"state": int(bits["state"]), "inc": int(bits["inc"])},
            "has_uint32": int(bits["has_uint32"]),
            "uinteger": int(bits["uinteger"]),
        }
    except (TypeError, KeyError) as exc:
        raise ValueError(f"audit state: a field has the wrong shape ({exc})") from None
    _check(state)
    return state


def _check(state: AuditState) -> None:
    """The counts must agree with each other (a state edited by hand or cut short is refused)."""
    n = state.rounds
    problems = []
    if n < 0 or int(state.hist.sum()) != n or int(state.pit_cells.sum()) != n:
        problems.append("hist and pit_cells must each count every round")
    if state.lag_products.shape != (MAX_LAG,):
        problems.append(f"lag_products must hold {MAX_LAG} sums")
    if len(state.head) != min(n, MAX_LAG) or len(state.recent) != min(n, MAX_LAG):
        problems.append(f"head and recent must hold the first and last min(rounds, {MAX_LAG}) values")
    if state.transitions.shape != (len(TRANSITION_CENTS), 4) or int(state.transitions.sum()) != len(
        TRANSITION_CENTS
    ) * max(0, n - 1):
        problems.append("transitions must count every pair of consecutive rounds at each threshold")
    if [block.size for block in state.blocks] != list(BLOCK_SIZES):
        problems.append(f"blocks must be of sizes {BLOCK_SIZES}")
    elif state.crash_blocks.size != CRASH_BLOCK_SIZE:
        problems.append(f"crash_blocks must be of size {CRASH_BLOCK_SIZE}")
    elif any(
        block.blocks * block.size + block.partial_count != n for block in [*state.blocks, state.crash_blocks]
    ):
        problems.append("blocks must cover every round")
    if problems:
        raise ValueError("audit state: " + "; ".join(problems))
