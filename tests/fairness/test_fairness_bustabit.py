"""bustabit v2 results and chain link against the published vectors."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from aviator.fairness import BUSTABIT_V2_SALT, BUSTABIT_V2_TIP, bustabit_result, verify_bustabit
from aviator.fairness.bustabit import floor_mapping
from aviator.fairness.chain import is_chain_link, steps_to_tip

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parent.parent / "data" / "fairness_vectors.json").read_text(encoding="utf-8")
)
BUSTABIT = VECTORS["bustabit_v2"]


@pytest.mark.parametrize("vector", BUSTABIT, ids=lambda v: v["id"])
def test_bust_from_hash(vector: dict[str, Any]) -> None:
    assert vector["salt_block_505750"] == BUSTABIT_V2_SALT
    assert bustabit_result(vector["game_hash"]) == vector["expected_bust"]
    check = verify_bustabit(vector["game_hash"], vector["salt_block_505750"])
    assert check.result == vector["expected_bust"]
    assert check.hex_window == check.hmac[:13]
    assert check.decimal == int(check.hmac[:13], 16)
    assert check.to_json()["result"] == vector["expected_bust"]


@pytest.mark.parametrize("vector", BUSTABIT, ids=lambda v: v["id"])
def test_hmac_message_is_raw_hash_bytes_not_the_hex_string(vector: dict[str, Any]) -> None:
    # The file records what the hex-string variant would give: our result must differ from it.
    assert bustabit_result(vector["game_hash"]) != vector["bust_if_msg_is_hex_string"]


@pytest.mark.parametrize("vector", BUSTABIT, ids=lambda v: v["id"])
def test_chain_link_to_terminating_hash(vector: dict[str, Any]) -> None:
    assert vector["terminating_hash"] == BUSTABIT_V2_TIP
    assert is_chain_link(vector["game_hash"], vector["terminating_hash"]) is vector["expected_chain_ok"]
    # Game 1 is one hashing away from the tip.
    assert steps_to_tip(vector["game_hash"], vector["terminating_hash"]) == 1


def test_floor_mapping_edges() -> None:
    assert floor_mapping("0" * 13, 99.0) == 1.0
    assert floor_mapping("0" * 13, 100.0) == 1.0
    # X = 1/2 doubles the numerator: floor(198) / 100.
    assert floor_mapping("8" + "0" * 12, 99.0) == 1.98
    top = floor_mapping("f" * 13, 99.0)
    assert top == math.floor(99 * 2**52) / 100


def test_salt_changes_the_result() -> None:
    game = BUSTABIT[0]["game_hash"]
    results = {bustabit_result(game, format(i, "064x")) for i in range(20)}
    assert len(results) > 10
