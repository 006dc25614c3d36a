"""The laws: the game's odds, recorded rounds in order, and recorded rounds drawn at random."""

from __future__ import annotations

import numpy as np
import pytest

from aviator.fairness.planted import fair_rounds
from aviator.strategy.laws import EmpiricalLaw, FittedLaw, GameLaw, RecordedLaw, to_hundredths


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


def test_recorded_rounds_in_order_for_every_path_and_never_past_the_end() -> None:
    law = RecordedLaw([1.0, 2.5, 3.01, 1.5])
    block = law.block(np.random.default_rng(0), 1, 3, np.arange(2))
    assert block.tolist() == [[250, 250], [301, 301], [150, 150]]
    assert law.reaches(block[0], 250).all()
    assert float(law.survival(250)) == 0.5
    with pytest.raises(ValueError, match="only 4 recorded rounds"):
        law.block(np.random.default_rng(0), 2, 3, np.arange(2))


def test_the_fitted_law_is_the_recorded_frequencies_shrunk_toward_the_house_odds() -> None:
    recorded = fair_rounds(50_000, rtp=0.9, seed=4)
    fitted = FittedLaw(recorded, rtp=0.97)
    # 50,000 rounds outweigh the prior of 200: close to the recorded frequency, a little toward c/x
    seen = (recorded >= 2.0).mean()
    assert float(fitted.survival(200)) == pytest.approx((50_000 * seen + 200 * 0.485) / 50_200, abs=1e-9)
    few = FittedLaw(recorded[:20], rtp=0.97)  # 20 rounds: mostly the house odds
    assert abs(float(few.survival(200)) - 0.485) < abs((recorded[:20] >= 2.0).mean() - 0.485)
    chances = fitted.survival(np.array([150, 200, 1000]))
    assert chances.shape == (3,) and np.all(np.diff(chances) < 0)
    draws = fitted.block(np.random.default_rng(2), 0, 100, np.arange(10_000))
    assert fitted.reaches(draws, 200).mean() == pytest.approx(float(fitted.survival(200)), abs=0.003)
    assert fitted.independent and "50,000 recorded rounds" in fitted.describe()


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
