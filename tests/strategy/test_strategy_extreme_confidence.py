"""Intervals at a confidence within a hair of 1 stay numbers (schemathesis found ``high: null``, an
answer that broke its own schema, at confidence 0.9999999999999999)."""

from __future__ import annotations

import math

import pytest

from aviator.strategy.run import run_strategy
from aviator.strategy.schema import StrategyRequest
from aviator.strategy.summary import z_value

NEARLY_ONE = 0.9999999999999999  # 0.5 + NEARLY_ONE / 2 rounds to 1.0


def test_z_value_is_finite_up_to_the_last_float_below_one() -> None:
    assert z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert math.isfinite(z_value(NEARLY_ONE)) and z_value(NEARLY_ONE) > z_value(0.9999)


def test_every_interval_of_a_result_is_finite_at_a_confidence_next_to_one() -> None:
    result = run_strategy(
        StrategyRequest(rule="martingale", paths=300, rounds=100, seed=3, confidence=NEARLY_ONE)
    )
    data = result.model_dump()
    for key in ("expected_profit", "ruin_probability", "ahead_probability", "expected_total_staked"):
        assert math.isfinite(data[key]["low"]) and math.isfinite(data[key]["high"]), key
        assert data[key]["low"] <= data[key]["estimate"] <= data[key]["high"]
    assert '"high":null' not in result.model_dump_json().replace(" ", "")
