"""The meter can say yes: on each planted stream some model's backtest verdict is "evidence of skill",
and on a fair stream none is (at the strengths below, chosen so each test takes a second or two)."""

from __future__ import annotations

import pytest

from aviator.evaluation.backtest import run_backtest
from aviator.evaluation.skill import VerdictCode
from aviator.fairness.planted import Plant, fair_rounds, planted_rounds

PLANTED = [
    # (plant, rounds, the model expected to find it)
    (Plant(kind="lag", strength=0.3, lag=1), 5_000, "context"),
    (Plant(kind="lag", strength=0.3, lag=6), 5_000, "context"),
    (Plant(kind="regime", strength=0.2, switch=0.002), 8_000, "drift"),
    (Plant(kind="periodic", strength=0.3, period=50), 5_000, "cycle"),
    (Plant(kind="shortfall", strength=0.1), 8_000, "drift"),
    (Plant(kind="thin", strength=0.8, level=5.0), 8_000, "empirical"),
]


@pytest.mark.parametrize(("plant", "rounds", "finder"), PLANTED, ids=lambda v: getattr(v, "kind", None))
def test_a_planted_deviation_is_found(plant: Plant, rounds: int, finder: str) -> None:
    series = planted_rounds(rounds, plant, seed=21)
    models = list(dict.fromkeys([finder, "empirical", "drift"]))  # the finder among others: Holm applies
    report = run_backtest(series, models)
    result = report.models[finder]
    assert result.skill.code == VerdictCode.SKILL, (plant, result.skill)
    assert result.p_holm is not None and result.p_holm <= 0.05
    assert result.p_value is not None and result.p_value <= result.p_holm
    assert f"Holm's correction over {len(models)} models" in result.skill.method


def test_on_a_fair_stream_no_model_claims_skill() -> None:
    report = run_backtest(fair_rounds(8_000, seed=22), ["empirical", "context", "drift", "cycle"])
    for name, result in report.models.items():
        assert result.skill.code != VerdictCode.SKILL, name
        if name != "house":
            assert result.min_detectable_edge is not None and result.min_detectable_edge > 0
    assert report.settings["models_tested"] == 4
