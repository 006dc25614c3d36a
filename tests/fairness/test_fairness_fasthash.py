"""The copied-pad HMAC and the chain walk give exactly what hmac and a plain hashlib loop give."""

from __future__ import annotations

import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from aviator.fairness.fasthash import HmacSha256, hmac_sha256, walk_chain


@given(key=st.binary(max_size=200), messages=st.lists(st.binary(max_size=300), min_size=1, max_size=5))
def test_fixed_key_hmac_equals_the_standard_library(key: bytes, messages: list[bytes]) -> None:
    keyed = HmacSha256(key)
    for message in messages:  # the pads are copied, never used up
        assert keyed.digest(message) == hmac.digest(key, message, "sha256")


@given(key=st.binary(max_size=200), message=st.binary(max_size=300))
def test_per_call_key_hmac_equals_the_standard_library(key: bytes, message: bytes) -> None:
    assert hmac_sha256(key, message) == hmac.digest(key, message, "sha256")


def _plain_chain(start: bytes, length: int) -> list[bytes]:
    chain = [start]
    for _ in range(length):
        chain.append(hashlib.sha256(chain[-1]).hexdigest().encode("ascii"))
    return chain


def test_walk_counts_hashings_of_hex_strings() -> None:
    chain = _plain_chain(hashlib.sha256(b"walk").hexdigest().encode("ascii"), 500)
    assert walk_chain(chain[0], chain[0], 0) == 0
    assert walk_chain(chain[0], chain[1], 1) == 1
    assert walk_chain(chain[0], chain[500], 500) == 500
    assert walk_chain(chain[0], chain[500], 499) is None
    assert walk_chain(chain[500], chain[0], 1000) is None
    assert walk_chain(chain[17], chain[300], 10_000) == 283
