"""An alternative result-from-hash scheme seen in a third-party crash-game UI (provider unconfirmed).

Its provably-fair modal says: take the last 8 hex characters of the combined SHA-512 hash as a
decimal d; result = 4294967295 x RTP / d, floored to 2 decimals, and results below 1.00 are 1.00.
It is NOT known to be Spribe's mapping (it does not reproduce the real Aviator round in
tests/data/fairness_vectors.json); it is kept only so such a UI's claims can be checked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aviator.fairness.hashing import parse_hex
from aviator.fairness.records import JsonRecord

_MAX_U32 = 4294967295


@dataclass(frozen=True)
class Last8Result(JsonRecord):
    hex_last8: str
    decimal: int
    rtp: float
    result: float


def last8_scheme(hash_hex: str, rtp: float = 0.97) -> Last8Result:
    """Apply the last-8-hex scheme to a hash (or to its last 8 hex characters alone)."""
    text = parse_hex(hash_hex, name="hash")
    if len(text) < 8:
        raise ValueError(f"hash must have at least 8 hex characters, got {len(text)}")
    if not 0 < rtp <= 1:
        raise ValueError(f"rtp must be in (0, 1], got {rtp}")
    tail = text[-8:]
    decimal = int(tail, 16)
    if decimal == 0:
        raise ValueError("the last 8 hex characters are 0: the scheme divides by them")
    result = max(1.0, math.floor(_MAX_U32 * rtp / decimal * 100) / 100)
    return Last8Result(hex_last8=tail, decimal=decimal, rtp=rtp, result=result)
