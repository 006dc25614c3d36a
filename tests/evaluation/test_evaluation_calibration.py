"""Calibration tables from arrays and counts, and the PNG plot."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from aviator.evaluation.calibration import CalibrationCounts, calibration_table, plot_calibration


def test_table_counts_forecasts_and_outcomes_per_bin() -> None:
    probs = np.array([[0.05], [0.07], [0.55], [0.58], [0.59], [1.0]])
    actuals = np.array([1.0, 2.0, 2.5, 1.1, 3.0, 2.0])
    rows = calibration_table(probs, actuals, thresholds=(2.0,))
    by_bin = {row["bin"][0]: row for row in rows}
    assert len(rows) == 10
    assert by_bin[0.0]["count"] == 2
    assert by_bin[0.0]["predicted"] == pytest.approx(0.06)
    assert by_bin[0.0]["observed"] == pytest.approx(0.5)
    assert by_bin[0.5]["count"] == 3
    assert by_bin[0.5]["observed"] == pytest.approx(2 / 3)
    assert by_bin[0.9]["count"] == 1  # p = 1.0 goes in the top bin
    assert by_bin[0.3]["predicted"] is None and by_bin[0.3]["observed"] is None


def test_one_at_a_time_equals_batch_and_state_round_trips() -> None:
    rng = np.random.default_rng(0)
    probs = rng.uniform(size=(200, 5))
    actuals = np.maximum(1.0, np.floor(97 / (1 - rng.uniform(size=200))) / 100)
    batch, single = CalibrationCounts(), CalibrationCounts()
    batch.add(probs, actuals)
    for p, a in zip(probs, actuals, strict=True):
        single.add_one(tuple(p), float(a))
    np.testing.assert_array_equal(single.count, batch.count)
    np.testing.assert_array_equal(single.hits, batch.hits)
    np.testing.assert_allclose(single.sum_p, batch.sum_p, rtol=1e-12)
    restored = CalibrationCounts.from_state(batch.to_state())
    assert restored.table() == batch.table()
    assert len(batch.table(skip_empty=True)) <= 50


def test_plot_writes_a_png(tmp_path: Path) -> None:
    probs = np.full((100, 5), 0.5)
    actuals = np.linspace(1.0, 20.0, 100)
    path = plot_calibration({"house": calibration_table(probs, actuals)}, tmp_path / "img" / "cal.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
