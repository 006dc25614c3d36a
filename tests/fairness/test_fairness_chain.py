"""Hash-chain walking."""

from __future__ import annotations

import pytest

from aviator.fairness import previous_hash, steps_to_tip, verify_chain
from aviator.fairness.hashing import sha256_hex


def _chain(length: int) -> list[str]:
    hashes = [sha256_hex("chain seed")]
    for _ in range(length - 1):
        hashes.append(sha256_hex(hashes[-1]))
    return hashes


def test_steps_count_hashings_to_the_tip() -> None:
    chain = _chain(300)
    tip = chain[-1]
    assert steps_to_tip(tip, tip) == 0
    assert steps_to_tip(chain[0], tip) == 299
    assert steps_to_tip(chain[100], tip) == 199
    assert previous_hash(chain[5]) == chain[6]


def test_step_limit_is_inclusive_and_none_when_not_reached() -> None:
    chain = _chain(11)
    assert steps_to_tip(chain[0], chain[-1], max_steps=10) == 10
    assert steps_to_tip(chain[0], chain[-1], max_steps=9) is None
    assert steps_to_tip(chain[-1], chain[0], max_steps=1000) is None
    assert steps_to_tip(chain[0], chain[0], max_steps=0) == 0
    with pytest.raises(ValueError, match="max_steps"):
        steps_to_tip(chain[0], chain[0], max_steps=-1)


def test_uppercase_input_is_accepted() -> None:
    chain = _chain(3)
    assert steps_to_tip(chain[0].upper(), chain[2].upper()) == 2


def test_verify_chain_record() -> None:
    chain = _chain(4)
    check = verify_chain(chain[0], chain[3], max_steps=50)
    assert check.ok and check.steps == 3
    assert check.to_json() == {
        "game_hash": chain[0],
        "tip": chain[3],
        "max_steps": 50,
        "steps": 3,
        "ok": True,
    }
    missing = verify_chain(chain[3], chain[0], max_steps=5)
    assert not missing.ok
    assert missing.to_json()["steps"] is None
