"""The claimed law on the cent grid and its randomized PIT."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import kstest

from aviator.audit.law import (
    instant_crash_probability,
    probability,
    randomized_pit,
    survival,
    to_cents,
)
from aviator.fairness.planted import fair_rounds


def test_the_law_is_a_distribution_with_its_atom_at_one() -> None:
    cents = np.arange(100, 1_000_000)
    p = probability(cents, 0.97)
    assert p[0] == pytest.approx(1 - 0.97 / 1.01)
    assert instant_crash_probability(0.97) == pytest.approx(0.0396039604)
    assert (p > 0).all()
    # everything from 1.00 to 9,999.99 plus the law's mass above
    assert p.sum() + survival([1_000_000], 0.97)[0] == pytest.approx(1.0, abs=1e-12)
    assert survival([100, 101, 200, 1000], 0.99).tolist() == pytest.approx([1.0, 0.99 / 1.01, 0.495, 0.099])


def test_to_cents_reads_the_grid_and_names_the_first_bad_round() -> None:
    assert to_cents([1.0, 2.61, 6711.93, 1_000_000.0]).tolist() == [100, 261, 671193, 100_000_000]
    with pytest.raises(ValueError, match=r"round 2: 0\.5 is not a multiplier of 1\.00 or more \(2 bad of 4"):
        to_cents([1.5, 2.0, 0.5, float("nan")])
    with pytest.raises(ValueError, match=r"round 1: 1\.005 is not on the 0\.01 grid"):
        to_cents([1.5, 1.005])


def test_the_randomized_pit_of_fair_rounds_is_uniform_and_inside_its_step() -> None:
    rounds = fair_rounds(200_000, 0.97, seed=3)
    cents = to_cents(rounds)
    v = np.random.default_rng(1).random(cents.size)
    pit = randomized_pit(cents, 0.97, v)
    assert kstest(pit, "uniform").pvalue > 0.01
    low, high = 1 - survival(cents, 0.97), 1 - survival(cents + 1, 0.97)
    assert ((pit >= low) & (pit <= high)).all()


def test_the_pit_without_randomization_would_not_be_uniform() -> None:
    """What the tie randomization is for: F(M) alone piles up at the atom (a KS test sees it at once)."""
    cents = to_cents(fair_rounds(20_000, 0.97, seed=4))
    assert kstest(randomized_pit(cents, 0.97, np.ones(cents.size)), "uniform").pvalue < 1e-6
