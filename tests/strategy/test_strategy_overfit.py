"""The overfitting check: searched on the first part, reported on the rest, side by side."""

from __future__ import annotations

import numpy as np
import pytest

from aviator.fairness.planted import fair_rounds
from aviator.strategy.flat import FlatRule
from aviator.strategy.overfit import overfit_check
from aviator.strategy.replay import replay
from aviator.strategy.session import Session


def test_the_best_first_part_setting_is_reported_on_the_rest_as_the_same_setting_replayed() -> None:
    series = fair_rounds(4_000, seed=12)
    session = Session(bankroll=10_000, rounds=10_000)
    check = overfit_check(FlatRule, series, session, split=0.5)
    assert check.split_round == 2_000 and check.first.rounds == check.rest.rounds == 2_000
    best = check.best
    assert check.first.profit[best] == check.first.profit.max()
    setting = check.settings[best]
    # both sides are what a plain replay of that one setting gives
    alone_first = replay(FlatRule(**setting), series[:2_000], Session(10_000, 2_000))
    alone_rest = replay(FlatRule(**setting), series[2_000:], Session(10_000, 2_000))
    assert check.first.profit[best] == alone_first.profit
    assert check.rest.profit[best] == alone_rest.profit
    assert check.first.staked[best] == alone_first.staked


def test_on_fair_rounds_the_in_sample_winner_does_not_keep_winning() -> None:
    # over several histories: the best first-part result is well above what the same setting makes next
    firsts, rests = [], []
    for seed in range(6):
        check = overfit_check(FlatRule, fair_rounds(2_000, seed=100 + seed), Session(10_000, 10_000))
        firsts.append(int(check.first.profit[check.best]))
        rests.append(int(check.rest.profit[check.best]))
    assert np.mean(firsts) > 0 > np.mean(rests), (firsts, rests)


def test_the_check_needs_rounds_on_both_sides() -> None:
    with pytest.raises(ValueError, match="at least 50 rounds on each side"):
        overfit_check(FlatRule, fair_rounds(60, seed=1), Session(1_000, 100), split=0.5)
