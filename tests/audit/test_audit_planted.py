"""On streams where the answer is known, each part fails where it must and passes where it must.

Each stream has a fixed seed. A fair stream is called inconsistent about 4% of the time (that is the
false-alarm rate, measured over many streams in test_audit_false_alarms.py), so a fixed seed can be one
of those: the fair seeds here are ones that are not, and what must hold for every stream (a part that
may not fail) is measured as a rate over many streams, not on one.
"""

from __future__ import annotations

import math

import pytest

from aviator.audit import audit_rounds
from aviator.audit.independence import (
    autocorrelations,
    blocks_test,
    ljung_box_statistics,
    ljung_box_test,
    runs_test,
    streaks_test,
    transitions_test,
)
from aviator.audit.report import AuditReport
from aviator.audit.state import AuditState
from aviator.fairness.planted import Plant, planted_rounds


def _audit(plant: Plant, n: int, seed: int, rtp: float = 0.97) -> AuditReport:
    return audit_rounds(planted_rounds(n, plant, rtp=rtp, seed=seed), rtp)


@pytest.mark.parametrize(("n", "rtp"), [(500, 0.97), (2_000, 0.97), (20_000, 0.97), (100_000, 0.99)])
def test_fair_streams_of_several_sizes_are_consistent(n: int, rtp: float) -> None:
    report = _audit(Plant("fair"), n, seed=41, rtp=rtp)
    assert report.verdict == "consistent", report.verdict_words
    assert report.failed_parts == [] and len(report.tests) == 11 and all(t.passed for t in report.tests)
    assert report.verdict_words.startswith("Consistent with the claimed law")


@pytest.mark.parametrize(("strength", "n"), [(0.01, 20_000), (0.03, 2_000)])
def test_a_return_shortfall_fails_the_return(strength: float, n: int) -> None:
    report = _audit(Plant("shortfall", strength), n, seed=32)
    assert report.verdict == "inconsistent" and "return" in report.failed_parts
    assert "the return is not what the game claims" in report.verdict_words
    assert report.rtp.high is not None and report.rtp.high < 0.97
    assert report.largest_shortfall is not None and report.largest_shortfall.shortfall > 0


@pytest.mark.parametrize(("level", "broken_at"), [(100.0, 125.89), (1_000.0, 1_258.93)])
def test_a_cap_fails_the_tail_and_says_where(level: float, broken_at: float) -> None:
    report = _audit(Plant("cap", level=level), 20_000, seed=33)
    assert report.failed_parts == ["tail"], report.verdict_words
    assert report.tail_break == broken_at
    assert f"from about {broken_at:g}x up" in report.verdict_words
    tail = next(t for t in report.tests if t.part == "tail")
    assert f"the highest was {level:g}x" in tail.detail


def test_a_thinned_tail_fails_the_tail_from_its_level() -> None:
    report = _audit(Plant("thin", 0.5, level=50.0), 20_000, seed=34)
    assert "tail" in report.failed_parts
    assert report.tail_break == 50.12
    assert "big multipliers are rarer than the law says" in report.verdict_words


def test_a_mild_thinning_high_up_fails_the_tail_not_the_return() -> None:
    report = _audit(Plant("thin", 0.4, level=200.0), 100_000, seed=35)
    assert "tail" in report.failed_parts and "return" not in report.failed_parts, report.verdict_words
    assert report.tail_break == 199.53


@pytest.mark.parametrize(("strength", "n"), [(0.1, 5_000), (0.05, 20_000)])
def test_lag_one_dependence_fails_independence(strength: float, n: int) -> None:
    report = _audit(Plant("lag", strength), n, seed=36)
    assert "independence" in report.failed_parts, report.verdict_words
    assert "tail" not in report.failed_parts and "fit" not in report.failed_parts  # each round's law is fair
    assert "rounds depend on the rounds before them" in report.verdict_words
    failed = {t.name for t in report.failed_tests()}
    assert "what follows a high or low round" in failed


@pytest.mark.parametrize(("strength", "switch"), [(0.03, 0.001), (0.05, 0.01)])
def test_regime_dependence_fails_independence(strength: float, switch: float) -> None:
    report = _audit(Plant("regime", strength, switch=switch), 20_000, seed=37)
    assert "independence" in report.failed_parts, report.verdict_words
    assert "changes over time" in {t.name for t in report.failed_tests()}


def test_an_honest_game_audited_against_the_wrong_claim_fails_the_return() -> None:
    rounds = planted_rounds(20_000, Plant("fair"), rtp=0.97, seed=38)
    report = audit_rounds(rounds, 0.99)  # an Aviator feed checked as if it were bustabit
    assert report.failed_parts[0] == "return" and "independence" not in report.failed_parts


@pytest.mark.parametrize(
    "plant", [Plant("shortfall", 0.02), Plant("cap", level=20.0), Plant("thin", 0.5, level=10.0)]
)
def test_independence_does_not_fail_on_independent_rounds_from_the_wrong_law(plant: Plant) -> None:
    """The independence tests assume no law, only independence: on streams whose law is wrong but whose rounds
    are independent, the independence part alone (Bonferroni over its five tests) fails no more often than the
    nominal 5% (within sampling noise over 200 streams; a test that assumed the claimed law would fail nearly
    every one of them)."""
    runs, flagged = 200, 0
    for seed in range(runs):
        state = AuditState.from_rounds(planted_rounds(2_000, plant, seed=7_000 + seed), 0.97)
        lb = ljung_box_test(state.rounds, ljung_box_statistics(state.rounds, autocorrelations(state)))
        tests = (lb, runs_test(state), transitions_test(state), streaks_test(state), blocks_test(state))
        flagged += min(o.p_value for o in tests) * len(tests) <= 0.05
    assert flagged / runs <= 0.05 + 2 * math.sqrt(0.05 * 0.95 / runs)
