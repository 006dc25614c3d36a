"""Hash helpers shared by every game family, and strict parsing of the hex strings users paste."""

from __future__ import annotations

import hashlib
import hmac
import math

_HEX_DIGITS = frozenset("0123456789abcdef")


def sha256_hex(text: str) -> str:
    """Hex SHA-256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha512_hex(text: str) -> str:
    """Hex SHA-512 of ``text`` encoded as UTF-8."""
    return hashlib.sha512(text.encode("utf-8")).hexdigest()


def hmac_sha256_hex(key: str | bytes, message: str | bytes) -> str:
    """Hex HMAC-SHA256; ``str`` arguments are used as their UTF-8 bytes."""
    key_bytes = key.encode("utf-8") if isinstance(key, str) else key
    msg_bytes = message.encode("utf-8") if isinstance(message, str) else message
    return hmac.new(key_bytes, msg_bytes, hashlib.sha256).hexdigest()


def parse_hex(value: str, *, name: str, length: int | None = None) -> str:
    """``value`` stripped and lower-cased, after checking it is hex (of ``length`` characters).

    Lower case matters: the games hash a hash *as its hex string*, and their digests are lower case.
    Raises ``ValueError`` with a message that names ``name``.
    """
    text = value.strip().lower()
    if not text:
        raise ValueError(f"{name} is empty")
    bad = sorted(set(text) - _HEX_DIGITS)
    if bad:
        raise ValueError(f"{name} must be hexadecimal (0-9, a-f); found {''.join(bad)!r}")
    if length is not None and len(text) != length:
        raise ValueError(f"{name} must be {length} hex characters, got {len(text)}")
    return text


def floor_cents(value: float) -> float:
    """Floor to 2 decimals, as crash games show results: floor(100 * x) / 100."""
    return math.floor(value * 100) / 100
