"""Stake: crash results from the seeding event's formula, and limbo results from seeds and a nonce.

Crash (bitcointalk topic 5162888): h = HMAC-SHA256(key = the game hash as its hex string, message =
the salt as its hex string), i = int(h[:8], 16), crash = max(1, 2**32 / (i + 1) * 0.99), shown floored
to 2 decimals. The salt is the hash of Bitcoin block 584500.

Limbo: the first 4 bytes of HMAC-SHA256(key = server seed, message = "client:nonce:0") make a float f
in [0, 1); result = floor(1e8 / (floor(f * 1e8) + 1) * 0.99 * 100) / 100.
"""

from __future__ import annotations

import math

from aviator.fairness.hashing import floor_cents, hmac_sha256_hex, parse_hex
from aviator.fairness.records import CrashCheck

STAKE_CRASH_SALT = "0000000000000000001b34dc6a1e86083f95500b096231436e9b25cbdd0075c4"
#: The last hash of Stake's 10,000,000-game crash chain, published in the seeding event.
STAKE_CRASH_TIP = "78a9757d3be42b74a3f70239078ad9317125fe9ee630d5bdada46de963e56752"
STAKE_CRASH_FORMULA = (
    "h = HMAC_SHA256(key=game hash hex string, msg=salt hex string); i = int(h[:8], 16); "
    "result = floor(100 * max(1, 2**32 / (i + 1) * 0.99)) / 100"
)
_HOUSE = 0.99


def stake_crash_hmac(game_hash: str, salt: str = STAKE_CRASH_SALT) -> str:
    game = parse_hex(game_hash, name="game hash", length=64)
    return hmac_sha256_hex(game, parse_hex(salt, name="salt", length=64))


def _crash_point(hex8: str) -> float:
    return max(1.0, 2**32 / (int(hex8, 16) + 1) * _HOUSE)


def stake_crash_point(game_hash: str, salt: str = STAKE_CRASH_SALT) -> float:
    """The unrounded crash point (the seeding event's ``crashpoint``)."""
    return _crash_point(stake_crash_hmac(game_hash, salt)[:8])


def stake_crash_result(game_hash: str, salt: str = STAKE_CRASH_SALT) -> float:
    """The crash point as the game shows it (floored to 2 decimals)."""
    return floor_cents(stake_crash_point(game_hash, salt))


def verify_stake_crash(game_hash: str, salt: str = STAKE_CRASH_SALT) -> CrashCheck:
    """Recompute a Stake crash result, with the intermediate values a player can check by hand."""
    digest = stake_crash_hmac(game_hash, salt)
    window = digest[:8]
    return CrashCheck(
        game="stake-crash",
        game_hash=parse_hex(game_hash, name="game hash", length=64),
        salt=parse_hex(salt, name="salt", length=64),
        hmac=digest,
        hex_window=window,
        decimal=int(window, 16),
        result=floor_cents(_crash_point(window)),
        formula=STAKE_CRASH_FORMULA,
    )


def stake_float(server_seed: str, client_seed: str, nonce: int, cursor: int = 0) -> float:
    """Stake's first float of a bet: 4 HMAC bytes read as base-256 digits after the point."""
    if nonce < 0 or cursor < 0:
        raise ValueError("nonce and cursor must be >= 0")
    digest = bytes.fromhex(hmac_sha256_hex(server_seed, f"{client_seed}:{nonce}:{cursor}"))
    # sum(b[j] / 256**(j+1)) over the first 4 bytes, which is exactly this 32-bit fraction.
    return int.from_bytes(digest[:4], "big") / 2**32


def stake_limbo_result(server_seed: str, client_seed: str, nonce: int) -> float:
    """A Stake limbo result (1% house edge), floored to 2 decimals."""
    f = stake_float(server_seed, client_seed, nonce)
    return math.floor(1e8 / (math.floor(f * 1e8) + 1) * _HOUSE * 100) / 100
