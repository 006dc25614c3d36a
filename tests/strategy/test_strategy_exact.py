"""The exact programme: against closed forms, brute force over every sequence, and Monte Carlo."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from scipy.stats import binom

from aviator.fairness.planted import fair_rounds
from aviator.strategy.base import LevelRule, payout
from aviator.strategy.exact import ExactUnavailable, solve_exact
from aviator.strategy.laws import EmpiricalLaw, GameLaw, Law, RecordedLaw
from aviator.strategy.registry import create_rule
from aviator.strategy.session import End, Session
from aviator.strategy.simulate import simulate
from aviator.strategy.summary import proportion_interval, summarize

#: Every rule with an exact solver, at settings where ruin, stops and rounding all happen.
EXACT_SETTINGS: dict[str, dict[str, Any]] = {
    "flat": {"base": 100, "cashout": 200},
    "martingale": {"base": 100, "cashout": 200},
    "paroli": {"base": 100, "cashout": 250, "streak": 3},
    "dalembert": {"base": 100, "cashout": 200},
    "fibonacci": {"base": 100, "cashout": 150},
    "two-bet": {"base": 100, "cashout": 150, "long_base": 50, "long_cashout": 1000},
}


def _level_rule(name: str, **override: Any) -> LevelRule:
    rule = create_rule(name, **(EXACT_SETTINGS[name] | override))
    assert isinstance(rule, LevelRule)
    return rule


def _brute_force(rule: LevelRule, law: Law, session: Session) -> tuple[float, float, float]:
    """P(ruin), P(ahead), E[final bankroll] by walking every sequence of outcomes (a separate, slow way)."""
    cashouts = [int(k) for k in rule.cashouts]
    thresholds = sorted(set(cashouts))
    chance = [float(law.survival(k)) for k in thresholds] + [0.0]
    outcome_p = [1.0 - chance[0]] + [chance[o - 1] - chance[o] for o in range(1, len(thresholds) + 1)]
    ruin = ahead = mean = 0.0
    for outcomes in itertools.product(range(len(outcome_p)), repeat=session.rounds):
        p, bank, level, ruined = 1.0, session.bankroll, 0, False
        for t, outcome in enumerate(outcomes):
            stakes = [int(s[0]) for s in rule.stakes_at(np.array([level]))]
            if sum(stakes) > bank:
                ruined = True
                p *= 1.0 if all(o == 0 for o in outcomes[t:]) else 0.0  # count the ended path once
                break
            won = [k <= thresholds[outcome - 1] if outcome else False for k in cashouts]
            bank += sum(int(payout(s, k)) if w else 0 for s, k, w in zip(stakes, cashouts, won, strict=True))
            bank -= sum(stakes)
            level = int(rule.advance(np.array([level]), tuple(np.array([w]) for w in won))[0])
            p *= outcome_p[outcome]
            low = session.low_stop
            if bank >= session.high_stop or (low is not None and bank <= low):
                p *= 1.0 if all(o == 0 for o in outcomes[t + 1 :]) else 0.0
                break
        else:
            stakes = [int(s[0]) for s in rule.stakes_at(np.array([level]))]
            ruined = sum(stakes) > bank
        if p == 0.0:
            continue
        ruin += p * ruined
        ahead += p * (bank > session.bankroll)
        mean += p * bank
    return ruin, ahead, mean


@pytest.mark.parametrize("name", sorted(EXACT_SETTINGS))
def test_the_programme_matches_every_sequence_walked_by_hand(name: str) -> None:
    law = GameLaw(0.97)
    session = Session(bankroll=450, rounds=7, stop_loss=400, take_profit=300)
    rule = _level_rule(name)
    exact = solve_exact(rule, law, session)
    ruin, ahead, mean = _brute_force(rule, law, session)
    assert exact.ruin_probability == pytest.approx(ruin, abs=1e-12)
    assert exact.ahead_probability == pytest.approx(ahead, abs=1e-12)
    assert exact.expected_final_bank == pytest.approx(mean, rel=1e-12)
    assert sum(exact.end_probability.values()) == pytest.approx(1.0, abs=1e-12)
    assert exact.final_mass.sum() == pytest.approx(1.0, abs=1e-12)


def test_flat_betting_is_a_binomial() -> None:
    # 100 rounds of $1 at 2x from $1,000: never ruined, -3 cents a round on average;
    # ahead means more than 50 wins
    exact = solve_exact(_level_rule("flat"), GameLaw(0.97), Session(100_000, 100))
    assert exact.ruin_probability == 0.0
    assert exact.ahead_probability == pytest.approx(binom.sf(50, 100, 0.485), abs=1e-12)
    assert exact.expected_profit == pytest.approx(100 * (0.97 / 2 * 200 - 100), abs=1e-6)
    assert exact.quantile(0.5) == 100_000 + 100 * (2 * binom.median(100, 0.485) - 100)


@pytest.mark.parametrize("name", sorted(EXACT_SETTINGS))
def test_exact_figures_obey_wald(name: str) -> None:
    session = Session(bankroll=3_000, rounds=150, take_profit=2_000)
    exact = solve_exact(_level_rule(name), GameLaw(0.97), session)
    assert exact.expected_profit == pytest.approx(exact.wald_expected_profit, rel=1e-9)
    rounding = exact.wald_expected_profit - (0.97 - 1) * exact.expected_total_staked
    assert rounding <= 1e-6  # rounding payouts down can only cost
    if name in ("flat", "martingale", "dalembert"):  # $1 at 2x: every payout is whole cents
        assert rounding == pytest.approx(0.0, abs=1e-6)


def test_rounding_payouts_down_is_counted_exactly() -> None:
    # 5 cents at 1.37x pays 6 cents, not 6.85: each bet loses 0.85 x P(win) cents more than c says
    rule = create_rule("flat", base=5, cashout=137)
    assert isinstance(rule, LevelRule)
    exact = solve_exact(rule, GameLaw(0.97), Session(10_000, 50))
    p = 0.97 / 1.37
    assert exact.expected_profit == pytest.approx(50 * (p * 6 - 5), rel=1e-12)


@pytest.mark.parametrize("name", sorted(EXACT_SETTINGS))
def test_monte_carlo_falls_within_its_intervals_of_the_exact_figures(name: str) -> None:
    law = GameLaw(0.97)
    session = Session(bankroll=2_000, rounds=300, stop_loss=1_500, take_profit=2_500)
    rule = _level_rule(name)
    exact = solve_exact(rule, law, session)
    summary = summarize(simulate(rule, law, session, 20_000, np.random.default_rng(21)), confidence=0.999)
    assert summary.ruin_probability.contains(exact.ruin_probability)
    assert summary.ahead_probability.contains(exact.ahead_probability)
    assert summary.expected_final_bank.contains(exact.expected_final_bank)
    assert summary.expected_total_staked.contains(exact.expected_total_staked)
    for how, p in exact.end_probability.items():
        assert proportion_interval(round(summary.end_shares.get(how, 0.0) * 20_000), 20_000, 0.999).contains(
            p
        )


def test_the_programme_runs_on_recorded_rounds_drawn_at_random_too() -> None:
    law = EmpiricalLaw(fair_rounds(3_000, seed=5))
    session = Session(bankroll=1_500, rounds=200)
    rule = _level_rule("martingale")
    exact = solve_exact(rule, law, session)
    summary = summarize(simulate(rule, law, session, 20_000, np.random.default_rng(4)), confidence=0.999)
    assert summary.ruin_probability.contains(exact.ruin_probability)
    assert summary.expected_final_bank.contains(exact.expected_final_bank)
    assert exact.ruin_probability > 0.1  # the check has something to find


def test_the_programme_says_why_it_cannot_answer() -> None:
    session = Session(10_000, 100)
    with pytest.raises(ExactUnavailable, match="depend on the bankroll"):
        solve_exact(create_rule("percent", base=1, cashout=200), GameLaw(0.97), session)
    with pytest.raises(ExactUnavailable, match="not independent"):
        solve_exact(_level_rule("flat"), RecordedLaw(fair_rounds(100, seed=1)), session)
    many = create_rule("flat", base=np.array([100, 200]), cashout=200)
    with pytest.raises(ExactUnavailable, match="one setting"):
        solve_exact(many, GameLaw(0.97), session)
    with pytest.raises(ExactUnavailable, match="cells"):
        solve_exact(create_rule("flat", base=1, cashout=10_001), GameLaw(0.97), Session(10**9, 100_000))


def test_ruin_is_checked_after_the_last_round_as_well() -> None:
    # martingale from $3 for two rounds: losing both ($1, then $2) leaves $0, and the next stake ($4)
    # cannot be placed, so that session ends in ruin even though the round limit came at the same time
    exact = solve_exact(create_rule("martingale", base=100, cashout=200), GameLaw(0.97), Session(300, 2))
    assert exact.end_probability[End.RUIN] == pytest.approx(0.515**2, rel=1e-12)
    assert exact.end_probability[End.LIMIT] == pytest.approx(1 - 0.515**2, rel=1e-12)


def test_the_programme_stops_when_the_work_would_take_too_long(monkeypatch: pytest.MonkeyPatch) -> None:
    from aviator.strategy import exact as programme

    monkeypatch.setattr(programme, "MAX_MOVES", 50)
    with pytest.raises(ExactUnavailable, match="too long"):
        solve_exact(_level_rule("dalembert"), GameLaw(0.97), Session(10_000, 100))
