"""Settlement in integer cents (floor), ruin as the issue defines it, stops, and the integer ceiling."""

from __future__ import annotations

import numpy as np
import pytest

from aviator.strategy.base import BANK_CEILING, payout
from aviator.strategy.registry import create_rule
from aviator.strategy.replay import replay
from aviator.strategy.session import End, Session


def test_a_cash_out_pays_the_floor_of_stake_times_multiplier() -> None:
    assert payout(5, 137).tolist() == 6  # 6.85 cents pays 6
    assert payout(np.array([100, 7, 1, 333]), 155).tolist() == [155, 10, 1, 516]
    assert payout(10**12, 1_000_000).tolist() == 10**16  # no overflow at the limits


def test_replay_settles_a_win_in_whole_cents_rounded_down() -> None:
    rule = create_rule("flat", base=5, cashout=137)
    won = replay(rule, [2.0], Session(1_000, 1))
    assert won.final_bank == 1_000 - 5 + 6 and won.trace.won == [[True]]
    lost = replay(rule, [1.36], Session(1_000, 1))
    assert lost.final_bank == 1_000 - 5 and lost.trace.won == [[False]]
    exactly = replay(rule, [1.37], Session(1_000, 1))  # reaching the cash-out exactly wins
    assert exactly.final_bank == 1_001


def test_ruin_is_a_next_stake_the_bankroll_cannot_cover() -> None:
    rule = create_rule("martingale", base=100, cashout=200)
    # $2.50: lose $1 (left $1.50), the next stake $2 cannot be placed
    played = replay(rule, [1.0, 1.0, 5.0], Session(250, 3))
    assert played.ended is End.RUIN and played.played == 1 and played.final_bank == 150
    # $3: lose $1, then a $2 stake equal to the $2 left is placed (and lost); $4 next cannot be
    played = replay(rule, [1.0, 1.5, 5.0], Session(300, 3))
    assert played.ended is End.RUIN and played.played == 2 and played.final_bank == 0
    assert played.trace.stakes == [[100], [200]]


def test_an_empty_bankroll_after_the_last_round_is_ruin() -> None:
    played = replay(create_rule("flat", base=100, cashout=200), [1.2], Session(100, 1))
    assert played.ended is End.RUIN and played.played == 1 and played.final_bank == 0


def test_stop_loss_and_take_profit_end_the_session_after_the_round_that_reaches_them() -> None:
    rule = create_rule("flat", base=100, cashout=200)
    up = replay(rule, [3.0, 3.0, 3.0, 3.0], Session(1_000, 4, take_profit=200))
    assert up.ended is End.TAKE_PROFIT and up.played == 2 and up.final_bank == 1_200
    down = replay(rule, [1.1, 1.1, 1.1, 1.1], Session(1_000, 4, stop_loss=250))
    assert down.ended is End.STOP_LOSS and down.played == 3 and down.final_bank == 700
    assert len(down.trace.bank) == 3


def test_two_bets_settle_each_slot_on_its_own() -> None:
    rule = create_rule("two-bet", base=100, cashout=150, long_base=50, long_cashout=1000)
    played = replay(rule, [1.2, 2.0, 12.0], Session(10_000, 3))
    assert played.trace.won == [[False, False], [True, False], [True, True]]
    # -150, then +150 - 150, then +150 + 500 - 150
    assert played.trace.bank == [9_850, 9_850, 10_350]
    assert played.staked == 450


def test_percent_of_bankroll_stakes_the_floor_of_its_share_and_never_less_than_the_base() -> None:
    rule = create_rule("percent", base=10, cashout=200, fraction=0.1)
    played = replay(rule, [1.0, 1.0, 1.0], Session(1_055, 3))
    # 105 cents of 1,055; 95 of 950; 85 of 855
    assert played.trace.stakes == [[105], [95], [85]]
    small = replay(rule, [1.0], Session(50, 1))
    assert small.trace.stakes == [[10]]  # 5 cents is below the base of 10


def test_a_bankroll_that_reaches_the_ceiling_ends_the_session_without_overflow() -> None:
    rule = create_rule("percent", base=1, cashout=1_000_000, fraction=1.0)
    played = replay(rule, [20_000.0, 20_000.0], Session(10**11, 2))
    assert played.ended is End.CEILING and played.played == 1
    assert played.final_bank == 10**11 * 10_000 >= BANK_CEILING


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bankroll": 0, "rounds": 10}, "bankroll"),
        ({"bankroll": 100, "rounds": 0}, "rounds"),
        ({"bankroll": 100, "rounds": 10, "stop_loss": 101}, "stop_loss"),
        ({"bankroll": 100, "rounds": 10, "take_profit": 0}, "take_profit"),
    ],
)
def test_a_bad_session_names_what_is_wrong(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Session(**kwargs)
