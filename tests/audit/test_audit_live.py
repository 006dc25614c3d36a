"""The live audit gives the offline audit's report on the same rounds, restarts included."""

from __future__ import annotations

import json

import numpy as np
import pytest

from aviator.audit import LiveAudit, audit_rounds
from aviator.audit.report import AuditReport
from aviator.fairness.planted import Plant, planted_rounds


def _agree(live: AuditReport, offline: AuditReport) -> None:
    assert live.verdict == offline.verdict and live.failed_parts == offline.failed_parts
    assert [t.name for t in live.tests] == [t.name for t in offline.tests]
    for a, b in zip(live.tests, offline.tests, strict=True):
        assert a.p_value == pytest.approx(b.p_value, rel=1e-7, abs=1e-12), a.name
        assert a.passed == b.passed, a.name
    skip = {"tests", "verdict_words"}  # the words quote p-values, which agree to rounding
    assert live.model_dump(exclude=skip) == offline.model_dump(exclude=skip)


@pytest.mark.parametrize("plant", [Plant("fair"), Plant("lag", 0.15), Plant("cap", level=50.0)])
def test_round_by_round_the_live_report_is_the_offline_one(plant: Plant) -> None:
    rounds = planted_rounds(2_400, plant, seed=21)
    live = LiveAudit(0.97)
    for m in rounds:
        live.add(float(m))
    assert live.rounds == 2_400
    _agree(live.report(), audit_rounds(rounds, 0.97))


def test_a_live_audit_saved_and_restored_midway_agrees_too() -> None:
    rounds = planted_rounds(3_000, Plant("regime", 0.05, switch=0.002), seed=22)
    first = LiveAudit.from_rounds(rounds[:1_234], 0.97)
    restored = LiveAudit.from_state(json.loads(json.dumps(first.to_state())))
    restored.extend(float(m) for m in rounds[1_234:])
    _agree(restored.report(), audit_rounds(rounds, 0.97))


def test_the_live_report_before_enough_rounds_is_too_few_with_the_number_needed() -> None:
    live = LiveAudit(0.99)
    assert live.report().verdict == "too_few" and live.report().rounds_needed == 500
    live.extend(float(m) for m in planted_rounds(120, Plant("fair"), rtp=0.99, seed=23))
    report = live.report()
    assert report.verdict == "too_few" and report.rounds_needed == 380 and report.tests == []
    assert "380 more" in report.verdict_words
    assert report.rtp.estimate is not None and len(report.return_curve) > 0
    assert sum(b.count for b in report.pit_histogram) == 120


def test_the_state_does_not_grow_with_the_rounds_seen() -> None:
    """What add() updates is fixed in size (O(1) per round): counts and sums, never a list of rounds."""
    live = LiveAudit.from_rounds(planted_rounds(50_000, Plant("fair"), seed=24), 0.97)
    small = LiveAudit.from_rounds(planted_rounds(600, Plant("fair"), seed=25), 0.97)
    big, little = json.dumps(live.to_state()), json.dumps(small.to_state())
    streak_keys = len(live.to_state()["streaks_high"]) + len(live.to_state()["streaks_low"])
    assert streak_keys < 60  # streak lengths, not rounds
    assert len(big) < 40 * len(little)  # compressed counts, not a list of rounds
    assert np.asarray(live.to_state()["lag_products"]).size == 20


@pytest.mark.parametrize("values", [[1.0] * 600, [1_000_000.0] * 600, [1.0, 1_000_000.0] * 300])
def test_a_feed_stuck_on_one_value_is_inconsistent_offline_and_live(values: list[float]) -> None:
    offline = audit_rounds(values, 0.97)
    live = LiveAudit(0.97)
    live.extend(values)
    assert offline.verdict == "inconsistent" and "fit" in offline.failed_parts
    _agree(live.report(), offline)
