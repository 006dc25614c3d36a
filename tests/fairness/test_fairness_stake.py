"""Stake limbo against the published vectors; Stake crash by its properties and third-party values."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy.stats import chisquare

from aviator.fairness import STAKE_CRASH_SALT, STAKE_CRASH_TIP, stake_crash_result, verify_stake_crash
from aviator.fairness.chain import is_chain_link, previous_hash, steps_to_tip
from aviator.fairness.stake import stake_crash_point, stake_float, stake_limbo_result

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parent.parent / "data" / "fairness_vectors.json").read_text(encoding="utf-8")
)

# Values published in github lucasholder/fair src/games/crash.rs and limbo.rs tests (not in the
# shared vector file): unrounded crash points and the game #1,126,614 example.
DEADBEEF = "deadbeefe7c270724bd4851c020d489257fa79a70e694a9b5099375464348698"
STAKE_GAME_1126614 = "5844bf329a6334074778ab8a5f0960e24f9eec43f83bbd98ac0a9f8bcd87184e"


@pytest.mark.parametrize("vector", VECTORS["stake_limbo"], ids=lambda v: f"nonce{v['nonce']}")
def test_limbo_vectors(vector: dict[str, Any]) -> None:
    result = stake_limbo_result(vector["server_seed"], vector["client_seed"], vector["nonce"])
    assert result == vector["expected"]


def test_limbo_tiny_float_vector() -> None:
    server, client = "e8df2cc3b9ccb583ce5ea92336842387", "83e27f682128eb1852b048203dfd6931"
    assert stake_limbo_result(server, client, 1942124) == 3807692.3


def test_stake_float_is_in_unit_interval_and_rejects_negative_nonce() -> None:
    values = [stake_float("s", "c", n) for n in range(200)]
    assert all(0 <= v < 1 for v in values)
    assert len(set(values)) == 200
    with pytest.raises(ValueError, match="nonce"):
        stake_float("s", "c", -1)


def test_crash_params_match_the_vector_file() -> None:
    assert VECTORS["stake_crash_params"]["salt_bitcoin_block_584500"] == STAKE_CRASH_SALT


def test_crash_points_published_by_a_third_party() -> None:
    assert stake_crash_point(DEADBEEF) == 1.2897005203687084
    chain = [hashlib.sha256(b"testing").hexdigest()]
    for _ in range(2):
        chain.append(previous_hash(chain[-1]))
    assert stake_crash_point(chain[2]) == 1.5992214910117746
    assert stake_crash_point(STAKE_GAME_1126614) == 2.3522275811778033
    assert stake_crash_result(STAKE_GAME_1126614) == 2.35


def test_real_stake_game_is_its_number_of_steps_from_the_published_tip() -> None:
    assert steps_to_tip(STAKE_GAME_1126614, STAKE_CRASH_TIP) == 1_126_614


def _hashes(count: int) -> list[str]:
    return [hashlib.sha256(f"stake-property-{k}".encode()).hexdigest() for k in range(count)]


def test_crash_results_are_at_least_one_and_floored_to_cents() -> None:
    for game_hash in _hashes(2000):
        check = verify_stake_crash(game_hash)
        raw = stake_crash_point(game_hash)
        assert check.result >= 1.0
        assert check.result == round(check.result, 2)
        assert check.result <= raw < check.result + 0.01
        assert check.hex_window == check.hmac[:8]
        assert check.result == stake_crash_result(game_hash)


def test_chain_rule_links_consecutive_stake_games() -> None:
    games = [STAKE_GAME_1126614]
    for _ in range(5):
        games.append(previous_hash(games[-1]))
    for later, earlier in zip(games, games[1:], strict=False):
        assert is_chain_link(later, earlier)
        assert not is_chain_link(earlier, later)
    assert steps_to_tip(games[0], games[-1]) == 5
    # Different games give (almost always) different results.
    assert len({stake_crash_result(g) for g in games}) > 3


def test_crash_distribution_follows_one_percent_house_edge() -> None:
    """P(shown >= m) = floor(0.99 * 2**32 / m) / 2**32 ~ 0.99 / m: chi-square over bins, p > 0.001."""
    n = 20_000
    cents = np.array([round(stake_crash_result(h) * 100) for h in _hashes(n)])
    edges = [100, 101, 120, 150, 200, 300, 500, 1000, 2000, 5000, 10000]

    def survival(edge_cents: int) -> float:
        if edge_cents <= 100:
            return 1.0
        return math.floor(0.99 * 2**32 * 100 / edge_cents) / 2**32

    probs = [survival(a) - survival(b) for a, b in zip(edges, edges[1:], strict=False)] + [
        survival(edges[-1])
    ]
    observed = [int(np.sum((cents >= a) & (cents < b))) for a, b in zip(edges, edges[1:], strict=False)]
    observed.append(int(np.sum(cents >= edges[-1])))
    assert sum(observed) == n
    expected = np.array(probs) * n
    assert chisquare(observed, expected).pvalue > 0.001


def test_bad_hash_is_rejected() -> None:
    with pytest.raises(ValueError, match="game hash must be 64"):
        stake_crash_result("abc")
    with pytest.raises(ValueError, match="salt"):
        stake_crash_result(DEADBEEF, "zz")
