"""The per-file result functions give exactly the single-game verifiers' results, vectors included."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from aviator.fairness import bustabit_result, stake_crash_result
from aviator.fairness.crash_schemes import BUSTABIT, STAKE_CRASH, crash_scheme

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "fairness_vectors.json").read_text(encoding="utf-8")
)
HASHES = [hashlib.sha256(f"scheme {i}".encode()).hexdigest() for i in range(3000)]


def _cents(scheme_game: str, game_hash: str, salt: str | None = None) -> int:
    cents = crash_scheme(scheme_game, salt).cents_function()
    return cents(bytes.fromhex(game_hash), game_hash.encode("ascii"))


@pytest.mark.parametrize("vector", VECTORS["bustabit_v2"], ids=lambda v: v["id"])
def test_published_bustabit_vector(vector: dict[str, Any]) -> None:
    assert _cents("bustabit", vector["game_hash"]) == round(vector["expected_bust"] * 100)
    assert BUSTABIT.salt == vector["salt_block_505750"]
    assert BUSTABIT.published_tip == vector["terminating_hash"]


def test_same_results_as_the_single_game_verifiers() -> None:
    bustabit = BUSTABIT.cents_function()
    stake = STAKE_CRASH.cents_function()
    for game_hash in HASHES:
        raw, text = bytes.fromhex(game_hash), game_hash.encode("ascii")
        assert bustabit(raw, text) == round(bustabit_result(game_hash) * 100)
        assert stake(raw, text) == round(stake_crash_result(game_hash) * 100)


def test_another_salt_changes_results_and_bad_salts_or_games_are_refused() -> None:
    salt = "ab" * 32
    changed = [h for h in HASHES[:200] if _cents("bustabit", h, salt) != _cents("bustabit", h)]
    assert len(changed) > 150
    assert all(_cents("bustabit", h, salt) == round(bustabit_result(h, salt) * 100) for h in HASHES[:200])
    with pytest.raises(ValueError, match="salt"):
        crash_scheme("bustabit", "xyz")
    with pytest.raises(ValueError, match="unknown game 'dice'"):
        crash_scheme("dice")
