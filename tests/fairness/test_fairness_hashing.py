"""Hash helpers and hex parsing."""

from __future__ import annotations

import pytest

from aviator.fairness.hashing import floor_cents, hmac_sha256_hex, parse_hex, sha256_hex, sha512_hex


def test_digests_match_well_known_values() -> None:
    assert sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert sha512_hex("abc").startswith("ddaf35a193617aba")
    # RFC 4231 test case 2.
    assert hmac_sha256_hex("Jefe", "what do ya want for nothing?") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )


def test_parse_hex_strips_and_lowercases() -> None:
    assert parse_hex("  ABcd01 ", name="hash") == "abcd01"
    assert parse_hex("ab" * 32, name="hash", length=64) == "ab" * 32


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "empty"), ("xyz0", "hexadecimal"), ("abc", "64 hex characters, got 3"), ("0x" + "a" * 62, "'x'")],
)
def test_parse_hex_names_the_value_in_errors(value: str, message: str) -> None:
    with pytest.raises(ValueError, match="my option") as info:
        parse_hex(value, name="my option", length=64)
    assert message in str(info.value)


def test_floor_cents_floors_never_rounds() -> None:
    assert floor_cents(1.999) == 1.99
    assert floor_cents(2.0) == 2.0
    assert floor_cents(1.5992214910117746) == 1.59
