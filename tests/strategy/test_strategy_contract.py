"""The rule contract, checked the same way for every registered rule."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from aviator.fairness.planted import fair_rounds
from aviator.strategy.base import MAX_CASHOUT, MIN_CASHOUT, IntArray, LevelRule, Rule
from aviator.strategy.laws import Block, EmpiricalLaw, GameLaw, Law, to_hundredths
from aviator.strategy.registry import ALIASES, RULE_CLASSES, UnknownRuleError, create_rule, rule_class
from aviator.strategy.session import Session
from aviator.strategy.simulate import simulate
from aviator.strategy.summary import summarize

ALL_RULES = sorted(RULE_CLASSES)

#: One setting per registered rule (cents, hundredths); a new rule must be added here.
RULE_SETTINGS: dict[str, dict[str, Any]] = {
    "flat": {"base": 100, "cashout": 200},
    "martingale": {"base": 100, "cashout": 200},
    "paroli": {"base": 100, "cashout": 200, "streak": 3},
    "dalembert": {"base": 100, "cashout": 200},
    "fibonacci": {"base": 100, "cashout": 150},
    "two-bet": {"base": 100, "cashout": 150, "long_base": 50, "long_cashout": 1000},
    "percent": {"base": 10, "cashout": 200, "fraction": 0.05},
}


class FixedLaw(Law):
    """Given rounds for every path (rounds x paths multipliers), independent of the generator."""

    name = "fixed"
    independent = False

    def __init__(self, rounds: npt.NDArray[np.float64]) -> None:
        self.table = to_hundredths(rounds.ravel()).reshape(rounds.shape)

    def survival(self, cashout: Any) -> Any:
        return np.asarray((self.table >= np.asarray(cashout)).mean(), dtype=np.float64)

    def block(self, rng: np.random.Generator, first: int, rounds: int, paths: IntArray) -> Block:
        return self.table[first : first + rounds][:, paths]

    def reaches(self, row: Block, cashout: Any) -> npt.NDArray[np.bool_]:
        return np.asarray(row >= cashout)

    def describe(self) -> str:
        return "fixed rounds"


def _rule(name: str) -> Rule:
    return create_rule(name, **RULE_SETTINGS[name])


def test_every_registered_rule_is_covered_by_these_tests() -> None:
    assert sorted(RULE_SETTINGS) == ALL_RULES


@pytest.mark.parametrize("name", ALL_RULES)
def test_decisions_have_the_contract_shape(name: str) -> None:
    rule = _rule(name)
    assert rule.title and rule.summary and rule.name == name
    level = np.array([0, 1, 2, 3, 0], dtype=np.int64)
    bank = np.array([10_000, 500, 1, 10**9, 0], dtype=np.int64)
    bets = rule.decide(level, bank)
    assert len(bets.stakes) == len(bets.cashouts) == rule.slots
    for stake, cashout in zip(bets.stakes, bets.cashouts, strict=True):
        assert stake.shape == (5,) and stake.dtype == np.int64 and (stake >= 0).all()
        assert MIN_CASHOUT <= np.min(cashout) and np.max(cashout) <= MAX_CASHOUT
    won = tuple(np.array([True, False, True, False, True]) for _ in range(rule.slots))
    after = rule.advance(level, won)
    assert after.shape == (5,) and after.dtype == np.int64 and (after >= 0).all()
    assert isinstance(rule, LevelRule) != rule.uses_bankroll


@pytest.mark.parametrize("name", ALL_RULES)
def test_paths_played_together_equal_paths_played_alone(name: str) -> None:
    rounds = fair_rounds(300 * 6, seed=11).reshape(300, 6)
    session = Session(bankroll=800, rounds=300, stop_loss=600, take_profit=900)
    together = simulate(_rule(name), FixedLaw(rounds), session, 6, np.random.default_rng(0))
    for p in range(6):
        alone = simulate(_rule(name), FixedLaw(rounds[:, p : p + 1]), session, 1, np.random.default_rng(0))
        assert together.final_bank[p] == alone.final_bank[0]
        assert together.staked[p] == alone.staked[0]
        assert together.played[p] == alone.played[0] and together.ended[p] == alone.ended[0]
        assert together.max_drawdown[p] == alone.max_drawdown[0]


@pytest.mark.parametrize("name", ALL_RULES)
def test_a_stake_depends_only_on_rounds_already_played(name: str) -> None:
    past = fair_rounds(40, seed=3)
    futures = [np.concatenate([past, fair_rounds(20, seed=s)]) for s in (4, 5)]
    traces = []
    for series in futures:
        result = simulate(
            _rule(name),
            FixedLaw(series[:, None]),
            Session(100_000, 60),
            1,
            np.random.default_rng(0),
            trace=True,
        )
        assert result.trace is not None
        traces.append(result.trace.stakes)
    # the stake of round 41 is decided before round 41 is seen: the first 41 stakes agree
    assert traces[0][:41] == traces[1][:41]


@pytest.mark.parametrize("name", ALL_RULES)
def test_the_wald_identity_holds_on_the_game_law(name: str) -> None:
    session = Session(bankroll=5_000, rounds=200, stop_loss=4_000, take_profit=5_000)
    result = simulate(_rule(name), GameLaw(0.97), session, 20_000, np.random.default_rng(7))
    summary = summarize(result, confidence=0.999)
    assert summary.expected_total_staked.estimate > 0
    assert summary.wald_holds, summary.wald_gap
    # and the Wald expectation is (c - 1) x staked, up to the cents lost to rounding payouts down
    assert summary.wald_expected_profit <= (0.97 - 1) * summary.expected_total_staked.estimate + 1e-6
    assert summary.return_per_staked == pytest.approx(-0.03, abs=0.006)


@pytest.mark.parametrize("name", ALL_RULES)
def test_the_wald_identity_holds_on_recorded_rounds_drawn_at_random(name: str) -> None:
    law = EmpiricalLaw(fair_rounds(5_000, rtp=0.99, seed=2))
    result = simulate(_rule(name), law, Session(5_000, 200), 20_000, np.random.default_rng(8))
    assert summarize(result, confidence=0.999).wald_holds


@pytest.mark.parametrize("name", ALL_RULES)
def test_every_rule_has_a_search_space_that_builds_one_rule_per_setting(name: str) -> None:
    cls = RULE_CLASSES[name]
    space = cls.search_space(10_000)
    assert len(space) >= 10
    many = cls.from_settings(space)
    assert many.per_path() and not _rule(name).per_path()
    bets = many.decide(np.zeros(len(space), dtype=np.int64), np.full(len(space), 10_000, dtype=np.int64))
    assert all(stake.shape == (len(space),) for stake in bets.stakes)


def test_aliases_and_unknown_names() -> None:
    for alias, name in ALIASES.items():
        assert rule_class(alias) is RULE_CLASSES[name]
    with pytest.raises(UnknownRuleError, match="known rules: flat, martingale"):
        rule_class("labouchere")


@pytest.mark.parametrize(
    ("name", "settings", "message"),
    [
        ("flat", {"base": 0, "cashout": 200}, "base"),
        ("flat", {"base": 100, "cashout": 100}, "cashout"),
        ("two-bet", {"base": 100, "cashout": 300, "long_cashout": 200}, "long cash-out"),
        ("paroli", {"base": 100, "cashout": 200, "streak": 0}, "streak"),
        ("percent", {"base": 1, "cashout": 200, "fraction": 1.5}, "fraction"),
    ],
)
def test_bad_settings_name_what_is_wrong(name: str, settings: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        create_rule(name, **settings)
