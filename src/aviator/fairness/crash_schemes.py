"""bustabit v2 and Stake crash results as integers of cents, computed from a game hash's raw bytes.

The same formulas as :mod:`aviator.fairness.bustabit` and :mod:`aviator.fairness.stake` (the same
float operations in the same order, so the same results), shaped for files of games: the HMAC key
is set up once per file, the hash arrives as bytes, and the result is the whole number of cents that
a recorded result is compared with.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from aviator.fairness.bustabit import BUSTABIT_V2_FORMULA, BUSTABIT_V2_SALT, BUSTABIT_V2_TIP
from aviator.fairness.fasthash import HmacSha256, hmac_sha256
from aviator.fairness.hashing import parse_hex
from aviator.fairness.stake import STAKE_CRASH_FORMULA, STAKE_CRASH_SALT, STAKE_CRASH_TIP

#: ``(raw game hash, its lower-case hex as bytes) -> result in cents``.
CentsFunction = Callable[[bytes, bytes], int]
_TWO_52 = float(2**52)
_TWO_32 = 2**32


@dataclass(frozen=True)
class CrashScheme:
    """A game family whose result comes from its hash by a published formula, in a hash chain.

    ``tip_steps_are_game_number``: the chain's published tip is exactly N hashings from game N
    (bustabit v2: game 1 is one SHA-256 away from it).
    """

    game: str
    salt: str
    published_tip: str
    tip_steps_are_game_number: bool
    formula: str
    make_cents: Callable[[str], CentsFunction]

    def cents_function(self) -> CentsFunction:
        return self.make_cents(self.salt)


def _bustabit_cents(salt: str) -> CentsFunction:
    keyed = HmacSha256(salt.encode("ascii"))
    inner_pad, outer_pad = keyed.pads()
    floor, from_bytes = math.floor, int.from_bytes

    def cents(raw: bytes, hex_hash: bytes) -> int:
        # HmacSha256.digest written out: this runs once per game of a file.
        inner = inner_pad.copy()
        inner.update(raw)
        outer = outer_pad.copy()
        outer.update(inner.digest())
        r = from_bytes(outer.digest()[:7], "big") >> 4  # the first 13 hex digits: 52 bits
        return max(100, floor(99 / (1 - r / _TWO_52)))

    return cents


def _stake_cents(salt: str) -> CentsFunction:
    message = salt.encode("ascii")

    def cents(raw: bytes, hex_hash: bytes) -> int:
        i = int.from_bytes(hmac_sha256(hex_hash, message)[:4], "big")  # the first 8 hex digits
        return math.floor(max(1.0, _TWO_32 / (i + 1) * 0.99) * 100)

    return cents


BUSTABIT = CrashScheme(
    game="bustabit",
    salt=BUSTABIT_V2_SALT,
    published_tip=BUSTABIT_V2_TIP,
    tip_steps_are_game_number=True,
    formula=BUSTABIT_V2_FORMULA,
    make_cents=_bustabit_cents,
)
STAKE_CRASH = CrashScheme(
    game="stake-crash",
    salt=STAKE_CRASH_SALT,
    published_tip=STAKE_CRASH_TIP,
    tip_steps_are_game_number=False,
    formula=STAKE_CRASH_FORMULA,
    make_cents=_stake_cents,
)
CRASH_SCHEMES: dict[str, CrashScheme] = {scheme.game: scheme for scheme in (BUSTABIT, STAKE_CRASH)}


def crash_scheme(game: str, salt: str | None = None) -> CrashScheme:
    """The scheme of ``game`` (``bustabit`` or ``stake-crash``), with another salt if one is given."""
    scheme = CRASH_SCHEMES.get(game)
    if scheme is None:
        raise ValueError(f"unknown game {game!r}; one of: {', '.join(CRASH_SCHEMES)}")
    if salt is None:
        return scheme
    return CrashScheme(
        game=scheme.game,
        salt=parse_hex(salt, name="salt", length=64),
        published_tip=scheme.published_tip,
        tip_steps_are_game_number=scheme.tip_steps_are_game_number,
        formula=scheme.formula,
        make_cents=scheme.make_cents,
    )
