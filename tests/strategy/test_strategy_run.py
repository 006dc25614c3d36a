"""``run_strategy`` and its request/result models: figures, bounds, plain words, errors naming the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from aviator.files.series import load_series
from aviator.strategy.run import run_strategy
from aviator.strategy.schema import SERVER_MAX_PATH_ROUNDS, LocalStrategyRequest, StrategyRequest

SAMPLE = Path(__file__).parents[1] / "data" / "aviator_sample_2000.csv"


def _request(**fields: Any) -> StrategyRequest:
    return StrategyRequest(**({"rule": "martingale", "paths": 4_000, "rounds": 300, "seed": 5} | fields))


def test_the_result_has_every_figure_the_issue_names_with_exact_values_beside() -> None:
    result = run_strategy(_request(exact=True))
    data = result.model_dump()
    for key in ("expected_profit", "ruin_probability", "ahead_probability", "expected_total_staked"):
        assert set(data[key]) >= {"estimate", "low", "high", "exact"}
        assert data[key]["low"] <= data[key]["estimate"] <= data[key]["high"]
    assert result.ruin_probability.exact is not None and result.exact is not None
    assert result.ruin_probability.low <= result.ruin_probability.exact <= result.ruin_probability.high
    assert set(result.quantiles) == {"5%", "25%", "50%", "75%", "95%"}
    assert set(result.fan_chart.bands) == {"5%", "25%", "50%", "75%", "95%"}
    assert result.fan_chart.rounds[0] == 0 and result.fan_chart.rounds[-1] == 300
    assert all(b == 100.0 for b in (band[0] for band in result.fan_chart.bands.values()))
    assert result.wald_check.holds and result.wald_check.return_per_dollar == pytest.approx(0.97)
    assert result.wald_expected_profit == pytest.approx(-0.03 * result.expected_total_staked.estimate)
    assert result.seed == 5 and result.path_rounds > 0


def test_the_plain_sentence_states_the_expected_loss_from_the_measured_figures() -> None:
    result = run_strategy(_request(rule="flat", rounds=1_000, paths=500, exact=True))
    # flat $1 for 1,000 rounds from $100 at 2x: about $1,000 staked, about $30 lost
    assert result.plain_words.startswith("On average you lose 3 cents of every dollar you stake;")
    assert "you stake $" in result.plain_words and "so you lose about $" in result.plain_words
    staked = result.exact.expected_total_staked if result.exact else 0.0
    assert f"${staked:,.0f}" in result.plain_words
    assert f"${0.03 * staked:,.2f}" in result.plain_words or f"${0.03 * staked:,.0f}" in result.plain_words
    for word in ("win big", "guarantee", "profit for sure"):
        assert word not in result.plain_words.lower()
    assert {"interval", "ruin", "wald", "exact", "fan chart"} <= set(result.explanations)


def test_same_seed_same_figures() -> None:
    assert run_strategy(_request()).expected_profit == run_strategy(_request()).expected_profit


def test_a_rule_without_an_exact_solver_says_why_and_reports_kelly() -> None:
    result = run_strategy(_request(rule="percent", base=0.1, fraction=0.05, exact=True))
    assert result.exact is None and result.exact_note is not None and "bankroll" in result.exact_note
    assert result.kelly_fraction == 0.0
    assert result.ruin_probability.exact is None


def test_replay_and_the_overfitting_check_on_recorded_rounds() -> None:
    history = [float(v) for v in load_series([SAMPLE]).values]
    result = run_strategy(
        _request(
            rule="flat", history=history, law="fitted", replay=True, optimize=True, rounds=2_000, paths=200
        )
    )
    assert result.law == "fitted" and "2,000 recorded rounds" in result.law_words
    assert result.replay is not None and result.replay.rounds_played == len(result.replay.bankroll)
    assert result.replay.multipliers[:2] == [12.06, 16.49]
    assert result.overfit is not None
    assert result.overfit.split_round == 1_000 and result.overfit.settings_tried == 60
    best = result.overfit.best
    assert best.in_sample.rounds <= 1_000 and best.out_of_sample.rounds <= 1_000
    assert best.in_sample.roi == best.in_sample.profit / 100.0
    assert "best of 60 settings" in result.overfit.plain_words
    assert (
        "On the recorded rounds" in result.plain_words
        and "not what the next ones will do" in result.plain_words
    )


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"base": 0.005}, "base"),
        ({"cashout": 1.005}, "cashout"),
        ({"cashout": 1.0}, "cashout"),
        ({"rule": "labouchere"}, "known rules"),
        ({"law": "empirical"}, "history"),
        ({"law": "recorded"}, "law"),
        ({"replay": True}, "history"),
        ({"stop_loss": 200.0}, "stop_loss"),
        ({"history": [1.5, 0.2]}, "history[1]"),
        ({"rule": "two-bet", "cashout": 5.0, "long_cashout": 2.0}, "long cash-out"),
        ({"paths": 1_000_000, "rounds": 1_000}, "paths x rounds"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_a_bad_request_names_what_is_wrong(fields: dict[str, Any], where: str) -> None:
    with pytest.raises(ValidationError, match=where.replace("[", r"\[").replace("]", r"\]")):
        _request(**fields)


def test_the_server_caps_paths_times_rounds_and_a_local_run_goes_further() -> None:
    StrategyRequest(rule="flat", paths=20_000, rounds=1_000)
    assert 20_000 * 1_000 == SERVER_MAX_PATH_ROUNDS
    with pytest.raises(ValidationError, match="paths x rounds"):
        StrategyRequest(rule="flat", paths=10_000, rounds=10_000)
    LocalStrategyRequest(rule="flat", paths=10_000, rounds=10_000)
