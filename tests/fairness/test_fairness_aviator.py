"""Spribe Aviator hashes against the published real round, and the last-8-hex alternative scheme."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aviator.fairness import AVIATOR_NOTE, combined_hash, server_hash, verify_aviator
from aviator.fairness.aviator_spribe import hex13, hex13_decimal
from aviator.fairness.last8 import last8_scheme

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parent.parent / "data" / "fairness_vectors.json").read_text(encoding="utf-8")
)
COMBINED = [v for v in VECTORS["aviator_spribe"] if v["kind"] == "combined_hash"]
LAST8 = [v for v in VECTORS["aviator_spribe"] if v["kind"] == "result_from_hash_alt_scheme"]


def test_every_aviator_vector_has_a_test() -> None:
    assert len(COMBINED) + len(LAST8) == len(VECTORS["aviator_spribe"]) >= 2


@pytest.mark.parametrize("vector", COMBINED, ids=lambda v: v["id"])
def test_combined_hash_hex13_and_decimal(vector: dict[str, Any]) -> None:
    combined = combined_hash(vector["server_seed"], vector["client_seeds"])
    assert combined == vector["expected_sha512"]
    assert hex13(combined) == vector["expected_hex13"]
    assert hex13_decimal(combined) == vector["expected_decimal"]


@pytest.mark.parametrize("vector", COMBINED, ids=lambda v: v["id"])
def test_verify_aviator_reports_hashes_and_no_result(vector: dict[str, Any]) -> None:
    commitment = server_hash(vector["server_seed"])
    check = verify_aviator(vector["server_seed"], vector["client_seeds"], commitment.upper())
    assert check.server_hash_ok is True
    assert check.server_hash_expected == commitment
    assert check.combined_hash == vector["expected_sha512"]
    assert (check.hex13, check.decimal) == (vector["expected_hex13"], vector["expected_decimal"])
    assert check.result is None
    payload = check.to_json()
    assert payload["result"] is None
    assert payload["client_seeds"] == vector["client_seeds"]
    assert payload["note"] == AVIATOR_NOTE
    assert "does not publish" in AVIATOR_NOTE


def test_server_hash_mismatch_and_absence() -> None:
    seeds = ["a", "b", "c"]
    assert verify_aviator("seed", seeds, "0" * 64).server_hash_ok is False
    unchecked = verify_aviator("seed", seeds)
    assert unchecked.server_hash_ok is None
    assert unchecked.server_hash_computed == server_hash("seed")


def test_client_seed_order_and_count_matter() -> None:
    assert combined_hash("s", ["a", "b", "c"]) != combined_hash("s", ["c", "b", "a"])
    with pytest.raises(ValueError, match="3 client seeds, got 2"):
        combined_hash("s", ["a", "b"])
    with pytest.raises(ValueError, match="3 client seeds, got 1"):
        combined_hash("s", "abc")
    with pytest.raises(ValueError, match="empty"):
        verify_aviator("s", ["a", "", "c"])
    with pytest.raises(ValueError, match="64 hex"):
        verify_aviator("s", ["a", "b", "c"], "abc")


@pytest.mark.parametrize("vector", LAST8, ids=lambda v: v["id"])
def test_last8_alternative_scheme(vector: dict[str, Any]) -> None:
    result = last8_scheme(vector["hex_last8"], rtp=0.97)
    assert result.decimal == vector["expected_decimal"]
    assert result.result == vector["expected_result"]
    # Given a whole hash it reads only the last 8 characters.
    assert last8_scheme("f" * 120 + vector["hex_last8"]).result == vector["expected_result"]


def test_last8_scheme_does_not_reproduce_the_real_aviator_round() -> None:
    for vector in COMBINED:
        assert last8_scheme(vector["expected_sha512"]).result != vector["reported_result"]


def test_last8_scheme_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="at least 8"):
        last8_scheme("abc")
    with pytest.raises(ValueError, match="divides"):
        last8_scheme("00000000")
    with pytest.raises(ValueError, match="rtp"):
        last8_scheme("0f88faed", rtp=1.5)
    assert last8_scheme("ffffffff").result == 1.0
