"""The laws: the game's odds, recorded rounds in order, and recorded rounds drawn at random."""

from __future__ import annotations

import numpy as np
import pytest

from aviator.fairness.planted import fair_rounds
from aviator.strategy.laws import EmpiricalLaw, GameLaw, RecordedLaw, to_hundredths


def test_the_game_law_reaches_a_cash_out_with_chance_c_over_x() -> None:
    law = GameLaw(0.97)
    rng = np.random.default_rng(0)
    draws = law.block(rng, 0, 100, np.arange(10_000))
    for cashout in (101, 200, 1000):
        share = law.reaches(draws, cashout).mean()
        assert share == pytest.approx(0.97 * 100 / cashout, abs=4 * np.sqrt(0.25 / 1e6))
        assert float(law.survival(cashout)) == pytest.approx(97 / cashout)
    per_path = law.reaches(draws[0], np.full(10_000, 200))
    assert per_path.shape == (10_000,)


def test_the_game_law_agrees_with_the_planted_fair_rounds() -> None:
    # the same event as M >= x for M = max(1.00, floor(100 c / U) / 100)
    fair = fair_rounds(400_000, rtp=0.97, seed=1)
    for cashout in (150, 300):
        assert (fair >= cashout / 100).mean() == pytest.approx(97 / cashout, abs=0.003)


def test_recorded_rounds_in_order_from_a_start_and_round_again() -> None:
    law = RecordedLaw([1.0, 2.5, 3.01, 1.5], random_start=False)
    law.start(np.random.default_rng(0), 2)
    block = law.block(np.random.default_rng(0), 3, 3, np.arange(2))
    assert block[:, 0].tolist() == [150, 100, 250]  # round 4, then round again from the first
    assert law.reaches(block[0], 150).all()
    assert float(law.survival(250)) == 0.5 and law.observed_return(250) == pytest.approx(1.25)


def test_random_starts_differ_per_path_and_follow_the_paths_kept() -> None:
    law = RecordedLaw(np.arange(100) / 10 + 1.0)
    law.start(np.random.default_rng(3), 5)
    whole = law.block(np.random.default_rng(0), 0, 2, np.arange(5))
    assert len(set(whole[0].tolist())) > 1
    assert (whole[1] - whole[0] == 10).sum() >= 4  # one round later (10 hundredths), except a wrap
    kept = law.block(np.random.default_rng(0), 0, 2, np.array([3, 1]))
    assert kept.tolist() == whole[:, [3, 1]].tolist()


def test_drawn_at_random_has_the_recorded_rounds_law() -> None:
    recorded = fair_rounds(2_000, seed=9)
    law = EmpiricalLaw(recorded)
    draws = law.block(np.random.default_rng(1), 0, 200, np.arange(1_000))
    assert set(np.unique(draws).tolist()) <= set(to_hundredths(recorded).tolist())
    assert law.reaches(draws, 200).mean() == pytest.approx((recorded >= 2.0).mean(), abs=0.005)
    assert law.independent and not RecordedLaw(recorded).independent


@pytest.mark.parametrize("bad", [[2.0, 0.5], [1.5, float("nan")], []])
def test_recorded_rounds_must_be_multipliers_and_the_error_names_the_round(bad: list[float]) -> None:
    with pytest.raises(ValueError, match="round 2|non-empty"):
        to_hundredths(bad)


def test_hundredths_round_float_noise_to_the_cent_grid() -> None:
    assert to_hundredths([2.01, 1.0, 1.1 * 3, 6711.93]).tolist() == [201, 100, 330, 671193]
