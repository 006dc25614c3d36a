"""The simulator's generator: reproducibility, verification, and the house distribution."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy.stats import chisquare

from aviator.fairness import (
    combined_hash,
    server_hash,
    simulate_round,
    simulated_multiplier,
    verify_round,
    verify_simulated,
)
from aviator.fairness.simulator import CLIENT_SEED_LENGTH, SERVER_SEED_LENGTH

RTP = 0.97


def test_round_is_consistent_and_reproducible() -> None:
    first = simulate_round(rng=random.Random(7))
    assert first == simulate_round(rng=random.Random(7))
    assert first != simulate_round(rng=random.Random(8))
    assert len(first.server_seed) == SERVER_SEED_LENGTH
    assert all(len(seed) == CLIENT_SEED_LENGTH for seed in first.client_seeds)
    assert first.server_hash == server_hash(first.server_seed)
    assert first.combined_hash == combined_hash(first.server_seed, first.client_seeds)
    assert first.hex13 == first.combined_hash[:13]
    assert first.decimal == int(first.hex13, 16)
    assert first.multiplier == simulated_multiplier(first.combined_hash, RTP)


def test_secrets_seeds_differ_between_rounds() -> None:
    seeds = {simulate_round().server_seed for _ in range(20)}
    assert len(seeds) == 20


def test_multiplier_mapping_known_points() -> None:
    # X = 0 gives floor(97) / 100 -> 1.00; X = 1/2 gives floor(194) / 100.
    assert simulated_multiplier("0" * 128, RTP) == 1.0
    assert simulated_multiplier("8" + "0" * 127, RTP) == 1.94
    assert simulated_multiplier("8" + "0" * 127, 0.99) == 1.98
    with pytest.raises(ValueError, match="rtp"):
        simulated_multiplier("0" * 128, 1.2)
    with pytest.raises(ValueError, match="128 hex"):
        simulated_multiplier("0" * 64, RTP)


def test_every_simulated_round_verifies() -> None:
    rng = random.Random(11)
    for _ in range(2000):
        round_ = simulate_round(RTP, rng)
        check = verify_round(round_, RTP)
        assert check.ok and check.server_hash_ok and check.multiplier_ok
        assert check.multiplier_computed == round_.multiplier
        assert check.combined_hash == round_.combined_hash


def test_tampering_is_detected() -> None:
    round_ = simulate_round(RTP, random.Random(3))
    bumped = verify_simulated(
        round_.server_seed, round_.client_seeds, round_.server_hash, round_.multiplier + 0.01, RTP
    )
    assert not bumped.ok and not bumped.multiplier_ok and bumped.server_hash_ok
    wrong_hash = verify_simulated(round_.server_seed, round_.client_seeds, "0" * 64, round_.multiplier, RTP)
    assert not wrong_hash.ok and wrong_hash.multiplier_ok
    other_seed = verify_simulated(
        round_.server_seed + "x", round_.client_seeds, round_.server_hash, round_.multiplier, RTP
    )
    assert other_seed.server_hash_ok is False
    no_hash = verify_simulated(round_.server_seed, round_.client_seeds, None, round_.multiplier, RTP)
    assert no_hash.ok and no_hash.server_hash_ok is None
    payload = bumped.to_json()
    assert payload["ok"] is False and len(payload["client_seeds"]) == 3


def test_100k_rounds_follow_the_house_curve() -> None:
    """P(M >= m) = c/m for m >= 1.01 and P(M = 1.00) = 1 - c/1.01: chi-square on bins, p > 0.001."""
    n = 100_000
    rng = random.Random(20240601)
    cents = np.array([round(simulate_round(RTP, rng).multiplier * 100) for _ in range(n)])
    edges = [100, 101, 120, 150, 200, 300, 500, 1000, 2000, 5000, 10000]

    def survival(edge_cents: int) -> float:
        return 1.0 if edge_cents <= 100 else RTP * 100 / edge_cents

    probs = [survival(a) - survival(b) for a, b in zip(edges, edges[1:], strict=False)] + [
        survival(edges[-1])
    ]
    observed = [int(np.sum((cents >= a) & (cents < b))) for a, b in zip(edges, edges[1:], strict=False)]
    observed.append(int(np.sum(cents >= edges[-1])))
    assert sum(observed) == n
    assert probs[0] == pytest.approx(1 - RTP / 1.01)
    assert chisquare(observed, np.array(probs) * n).pvalue > 0.001
    assert cents.min() == 100
