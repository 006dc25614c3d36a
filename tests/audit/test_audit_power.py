"""The power figures, checked by simulation: what they say is caught 8 times in 10 is."""

from __future__ import annotations

import numpy as np

from aviator.audit import audit_rounds
from aviator.audit.audit import TEST_COUNT
from aviator.audit.law import to_cents
from aviator.audit.levels import TAIL_LEVELS
from aviator.audit.power import detectable_shortfall, instant_crash_rejects_from
from aviator.audit.returns import instant_crash_test
from aviator.audit.verdict import ALPHA
from aviator.fairness.planted import Plant, planted_rounds

ALPHA_PER_TEST = ALPHA / TEST_COUNT


def _instant_crash_flags(n: int, shortfall: float, runs: int, seed: int) -> float:
    flagged = 0
    for i in range(runs):
        hist = np.zeros(1, dtype=np.int64)
        hist[0] = int(
            (to_cents(planted_rounds(n, Plant("shortfall", shortfall), seed=seed + i)) == 100).sum()
        )
        flagged += instant_crash_test(hist, n, 0.97).p_value <= ALPHA_PER_TEST
    return flagged / runs


def test_the_smallest_detectable_shortfall_is_caught_8_times_in_10() -> None:
    n = 5_000
    shortfall = detectable_shortfall(n, 0.97, ALPHA_PER_TEST)
    assert shortfall is not None and 0.005 < shortfall < 0.02
    assert instant_crash_rejects_from(n, 0.97, ALPHA_PER_TEST) > n * (1 - 0.97 / 1.01)
    # 400 streams: the share flagged is 0.8 within about 0.05 (two standard errors 0.04)
    assert abs(_instant_crash_flags(n, shortfall, 400, seed=80_000) - 0.8) <= 0.05
    # half that shortfall is caught far less often: the figure is the edge, not a loose bound
    assert _instant_crash_flags(n, shortfall / 2, 200, seed=81_000) < 0.4


def test_the_verdict_catches_the_detectable_shortfall_at_least_as_often() -> None:
    """Holm's first step is alpha / m, so whatever the instant-crash test flags at that level the verdict
    flags too: the verdict's power is at least the computed 80%."""
    n, runs = 5_000, 100
    report = audit_rounds(planted_rounds(n, Plant("fair"), seed=82_000), 0.97)
    assert report.power is not None and report.power.rtp_shortfall is not None
    shortfall = report.power.rtp_shortfall
    flagged = 0
    for i in range(runs):
        audit = audit_rounds(planted_rounds(n, Plant("shortfall", shortfall), seed=83_000 + i), 0.97)
        crashes = next(t for t in audit.tests if t.name == "instant crashes")
        if crashes.p_value <= ALPHA_PER_TEST:
            assert audit.verdict == "inconsistent" and "return" in audit.failed_parts
        flagged += audit.verdict == "inconsistent"
    assert flagged / runs >= 0.72  # at least 0.8 in expectation; 100 runs leave 0.04 of noise


def test_caps_below_the_detectable_level_are_caught_and_caps_far_above_are_not() -> None:
    n = 20_000
    report = audit_rounds(planted_rounds(n, Plant("fair"), seed=84_000), 0.97)
    assert report.power is not None and report.power.cap_below is not None
    cap = report.power.cap_below
    assert cap in (TAIL_LEVELS / 100.0).tolist()
    just_below = round(cap * 0.97, 2)
    far_above = round(cap * 4.0, 2)
    caught = [
        audit_rounds(planted_rounds(n, Plant("cap", level=just_below), seed=85_000 + i), 0.97)
        for i in range(10)
    ]
    missed = [
        audit_rounds(planted_rounds(n, Plant("cap", level=far_above), seed=86_000 + i), 0.97)
        for i in range(10)
    ]
    assert sum("tail" in r.failed_parts for r in caught) >= 8
    assert sum("tail" in r.failed_parts for r in missed) <= 5


def test_more_rounds_catch_smaller_shortfalls_and_higher_caps() -> None:
    figures = []
    for n in (1_000, 10_000, 100_000):
        report = audit_rounds(planted_rounds(n, Plant("fair"), seed=87_000), 0.97)
        assert report.power is not None
        figures.append((report.power.rtp_shortfall, report.power.cap_below))
    shortfalls = [f[0] for f in figures]
    caps = [f[1] for f in figures]
    assert all(s is not None for s in shortfalls) and all(c is not None for c in caps)
    assert shortfalls == sorted(shortfalls, reverse=True)  # type: ignore[type-var]
    assert caps == sorted(caps)  # type: ignore[type-var]
