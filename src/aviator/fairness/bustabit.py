"""bustabit v2: a game's result from its hash, as the official verifier (github bustabit/verifier) does.

h = HMAC-SHA256(key = the salt as its hex string, message = the game hash's raw bytes);
X = int(h[:13], 16) / 2**52; result = max(1, floor(99 / (1 - X)) / 100)  (a 1% house edge).
The salt is the hash of Bitcoin block 505750, fixed in the v2 seeding event (bitcointalk 2807542).
"""

from __future__ import annotations

import math

from aviator.fairness.hashing import hmac_sha256_hex, parse_hex
from aviator.fairness.records import CrashCheck

BUSTABIT_V2_SALT = "0000000000000000004d6ec16dafe9d8370958664c1dc422f452892264c59526"
#: The published terminating hash of the v2 chain (game 1 is one SHA-256 away from it).
BUSTABIT_V2_TIP = "86728f5fc3bd99db94d3cdaf105d67788194e9701bf95d049ad0e1ee3d004277"
BUSTABIT_V2_FORMULA = (
    "h = HMAC_SHA256(key=salt hex string, msg=bytes of game hash); X = int(h[:13], 16) / 2**52; "
    "result = max(1, floor(99 / (1 - X)) / 100)"
)


def floor_mapping(hex13: str, numerator: float) -> float:
    """The bustabit-style mapping: max(1.00, floor(numerator / (1 - X)) / 100), X = int(hex13) / 2**52.

    ``numerator`` is 100 x the return to player (99 for bustabit). Then P(M >= m) = numerator / 100m
    for every m >= 1.01 on the 0.01 grid.
    """
    x = int(hex13, 16) / 2**52
    return max(1.0, math.floor(numerator / (1 - x)) / 100)


def bustabit_hmac(game_hash: str, salt: str = BUSTABIT_V2_SALT) -> str:
    game = parse_hex(game_hash, name="game hash", length=64)
    key = parse_hex(salt, name="salt", length=64)
    return hmac_sha256_hex(key, bytes.fromhex(game))


def bustabit_result(game_hash: str, salt: str = BUSTABIT_V2_SALT) -> float:
    """The bust (crash point) of a bustabit v2 game."""
    return floor_mapping(bustabit_hmac(game_hash, salt)[:13], 99.0)


def verify_bustabit(game_hash: str, salt: str = BUSTABIT_V2_SALT) -> CrashCheck:
    """Recompute a bustabit v2 result, with the intermediate values a player can check by hand."""
    digest = bustabit_hmac(game_hash, salt)
    window = digest[:13]
    return CrashCheck(
        game="bustabit-v2",
        game_hash=parse_hex(game_hash, name="game hash", length=64),
        salt=parse_hex(salt, name="salt", length=64),
        hmac=digest,
        hex_window=window,
        decimal=int(window, 16),
        result=floor_mapping(window, 99.0),
        formula=BUSTABIT_V2_FORMULA,
    )
