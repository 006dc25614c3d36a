"""Hashing for many games at once: HMAC with a fixed key from copied pads, and a tight chain walk.

``hmac.digest`` sets its key up again on every call (two SHA-256 blocks of work before the message);
with one key for a whole file of games, the key's inner and outer pads can be hashed once and the two
SHA-256 states copied for each message, which is what ``HmacSha256`` does (RFC 2104, the same
construction as ``hmac``). The chain walk hashes hex strings as bytes, the way the chain is built,
with nothing in its loop but the hashing, the hex conversion and one comparison.
"""

from __future__ import annotations

import hashlib
from binascii import hexlify

_BLOCK = 64
_INNER_PAD = bytes(byte ^ 0x36 for byte in range(256))
_OUTER_PAD = bytes(byte ^ 0x5C for byte in range(256))
_sha256 = hashlib.sha256


def _block_key(key: bytes) -> bytes:
    """The key as HMAC uses it: hashed when longer than a block, then zero-padded to a block."""
    if len(key) > _BLOCK:
        key = _sha256(key).digest()
    return key.ljust(_BLOCK, b"\0")


class HmacSha256:
    """HMAC-SHA256 under one fixed key; ``digest(message)`` equals ``hmac.digest(key, message, "sha256")``."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        block = _block_key(key)
        self._inner = _sha256(block.translate(_INNER_PAD))
        self._outer = _sha256(block.translate(_OUTER_PAD))

    def pads(self) -> tuple[hashlib._Hash, hashlib._Hash]:
        """The SHA-256 states after the inner and outer pads; copy them, never update them."""
        return self._inner, self._outer

    def digest(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256 with a key that changes every call (Stake keys it by the game hash)."""
    block = _block_key(key)
    inner = _sha256(block.translate(_INNER_PAD) + message).digest()
    return _sha256(block.translate(_OUTER_PAD) + inner).digest()


def walk_chain(start: bytes, target: bytes, max_steps: int) -> int | None:
    """How many times ``start`` (a hex string as ASCII bytes) is hashed to become ``target``, else None.

    Each step is ``hex(sha256(current))``, lower case, as bustabit and Stake build their chains. Both
    arguments must be lower-case hex bytes; 0 steps when they are equal.
    """
    if start == target:
        return 0
    current = start
    sha256 = _sha256
    to_hex = hexlify
    for step in range(1, max_steps + 1):
        current = to_hex(sha256(current).digest())
        if current == target:
            return step
    return None
