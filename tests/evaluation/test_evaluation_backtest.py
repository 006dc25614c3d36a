"""The walk-forward backtest: windows, no look-ahead, skips, errors and the report."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import numpy as np
import pytest

from aviator.core.curve import GRID, FloatArray, house_survival
from aviator.evaluation.backtest import make_plan, run_backtest, walk_forward
from aviator.models.base import BatchModel, Model, ModelParams
from aviator.models.registry import MODEL_CLASSES, UnknownModelError, create_model, known_models

C = 0.97


def _rounds(n: int, seed: int = 0) -> FloatArray:
    u = np.random.default_rng(seed).uniform(size=n)
    return np.maximum(1.0, np.floor(100 * C / (1 - u)) / 100)


class Pessimist(Model):
    name = "pessimist"
    description = "Thinks every round crashes early."

    def predict(self, history: FloatArray) -> tuple[FloatArray, dict[str, Any]]:
        return np.minimum(1.0, 0.5 / np.asarray(GRID)), {}


class Recorder(BatchModel):
    name = "recorder"
    description = "Records what it is trained on; forecasts house."
    min_rounds = 20
    trained_lengths: ClassVar[list[tuple[int, float]]] = []

    @classmethod
    def train(cls, series: FloatArray, params: ModelParams) -> Any:
        cls.trained_lengths.append((len(series), float(series[-1])))
        return len(series)

    def predict(self, history: FloatArray) -> tuple[FloatArray, dict[str, Any]]:
        return house_survival(self.params.rtp), {}


class Greedy(Model):
    name = "greedy"
    description = "Needs more rounds than any test series has."
    min_rounds = 10_000

    def predict(self, history: FloatArray) -> tuple[FloatArray, dict[str, Any]]:
        return house_survival(self.params.rtp), {}


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    Recorder.trained_lengths = []
    for cls in (Pessimist, Recorder, Greedy):
        monkeypatch.setitem(MODEL_CLASSES, cls.name, cls)


def test_cutoffs_count_back_from_the_end() -> None:
    plan = make_plan(100, h=5, n_windows=3, step_size=4)
    assert plan.cutoffs.tolist() == [87, 91, 95]
    assert make_plan(100, warmup=30).cutoffs.tolist() == list(range(30, 100))
    assert make_plan(100, h=3, warmup=30).cutoffs.tolist() == list(range(31, 98, 3))  # anchored at the end
    with pytest.raises(ValueError, match="the data has 100"):
        make_plan(100, h=10, n_windows=50)


def test_house_is_the_baseline_and_a_bad_model_is_worse(fakes: None) -> None:
    series = _rounds(3000)
    report = run_backtest(series, ["pessimist"])
    out = report.to_json()
    assert list(out["models"]) == ["house", "pessimist"]
    house, bad = out["models"]["house"], out["models"]["pessimist"]
    assert house["rounds"] == bad["rounds"] == 2999
    assert house["skill"] == 0.0 and house["verdict"].startswith("the baseline")
    assert bad["skill"] == pytest.approx(bad["scores"]["log_score"] - house["scores"]["log_score"])
    low, high = bad["skill_ci"]
    assert low < bad["skill"] < high < 0
    assert bad["verdict"] == "worse than the house odds"
    assert bad["scores"]["confidence"] == pytest.approx(0.25)
    json.dumps(out)  # JSON-safe


def test_no_look_ahead_for_any_registered_model() -> None:
    a = _rounds(700, seed=1)
    b = a.copy()
    b[450:] = _rounds(250, seed=2)
    for name in known_models():
        for plan in (make_plan(700, warmup=300), make_plan(700, h=4, step_size=3, warmup=300)):
            runs = [list(walk_forward(create_model(name), s, plan)) for s in (a, b)]
            for (rows_a, curves_a), (rows_b, curves_b) in zip(*runs, strict=True):
                assert rows_a.tolist() == rows_b.tolist()
                early = rows_a < 450 if plan.h == 1 else np.full(len(rows_a), rows_a[0] <= 450)
                np.testing.assert_array_equal(curves_a[early], curves_b[early], err_msg=name)


def test_changing_rounds_after_the_last_cutoff_leaves_the_forecasts_alone() -> None:
    a = _rounds(600, seed=3)
    b = a.copy()
    b[-5:] = [1.0, 50.0, 1.3, 2.2, 7.7]
    ra, rb = (run_backtest(s, [], h=5, n_windows=1).to_json() for s in (a, b))
    for name, model in ra["models"].items():
        other = rb["models"][name]
        assert model["scores"]["confidence"] == other["scores"]["confidence"]
        assert [r["predicted"] for r in model["calibration"]] == [
            r["predicted"] for r in other["calibration"]
        ]


def test_batch_models_train_on_the_past_only(fakes: None) -> None:
    series = np.arange(1.0, 201.0)  # round i has multiplier i + 1
    run_backtest(series, ["recorder"], h=10, n_windows=6, input_size=50, refit=2)
    # cutoffs 140, 150, ..., 190; refits at windows 0, 2, 4; at most 50 rounds, ending at the cutoff.
    assert Recorder.trained_lengths == [(50, 140.0), (50, 160.0), (50, 180.0)]
    Recorder.trained_lengths = []
    run_backtest(series, ["recorder"], refit=False)
    assert Recorder.trained_lengths == [(20, 20.0)]


def test_a_model_needing_more_rounds_is_skipped_and_the_others_scored(fakes: None) -> None:
    report = run_backtest(_rounds(500), ["greedy", "pessimist"]).to_json()
    assert report["skipped"] == {"greedy": "needs 10001 rounds, the data has 500"}
    assert set(report["models"]) == {"house", "pessimist"}
    small = run_backtest(_rounds(100), ["recorder"], input_size=10).to_json()
    assert "recorder" in small["skipped"] and "needs 20 rounds" in small["skipped"]["recorder"]


def test_unknown_model_names_the_known_ones() -> None:
    with pytest.raises(UnknownModelError) as info:
        run_backtest(_rounds(100), ["house", "oracle"])
    assert "oracle" in str(info.value) and "house" in str(info.value)


def test_progress_reaches_the_total(fakes: None) -> None:
    calls: list[tuple[int, int]] = []
    report = run_backtest(
        _rounds(300), ["pessimist"], progress=lambda done, total: calls.append((done, total))
    )
    assert calls[-1] == (2 * 299, 2 * 299)
    assert report.settings["n_windows"] == 299


def test_holm_correction_sets_the_verdicts_and_the_detectable_edge() -> None:
    from aviator.evaluation.backtest import correct_over_models
    from aviator.evaluation.report import ModelResult
    from aviator.evaluation.skill import Skill, VerdictCode, min_detectable_edge

    def result(mean: float, p: float) -> ModelResult:
        r = ModelResult("m", 1000, {}, Skill(mean, mean - 0.01, mean + 0.01, 1000, "", "dm"), [])
        r.p_value, r.min_detectable_edge = p, 0.002  # the HAC standard error, before the correction
        return r

    # Holm at 5% over 3: 0.01 <= 0.05/3 passes, then 0.04 > 0.05/2 stops (Bonferroni alone: the same)
    results = {"a": result(0.02, 0.01), "b": result(-0.03, 0.04), "c": result(0.01, 0.5)}
    assert correct_over_models(results) == 3
    assert results["a"].skill.code == VerdictCode.SKILL
    assert results["b"].skill.code == VerdictCode.NO_SKILL  # p = 0.04 alone would have said "worse"
    assert results["c"].skill.code == VerdictCode.NO_SKILL
    assert results["a"].p_holm == pytest.approx(0.03) and results["b"].p_holm == pytest.approx(0.08)
    assert results["a"].min_detectable_edge == pytest.approx(min_detectable_edge(0.002, 1000, 0.05 / 3))
    assert "Holm's correction over 3 models" in results["a"].skill.method
    # step-down: with 0.01 and 0.02 over 2, Holm rejects both where Bonferroni (0.025 each) would too
    two = {"a": result(0.02, 0.01), "b": result(-0.03, 0.02)}
    correct_over_models(two)
    assert two["b"].skill.code == VerdictCode.WORSE


def test_the_detectable_edge_is_never_below_what_a_likelihood_ratio_allows() -> None:
    from aviator.evaluation.skill import min_detectable_edge

    z = 1.959963984540054 + 0.8416212335729143
    assert min_detectable_edge(0.01, 10_000) == pytest.approx(z * 0.01)
    assert min_detectable_edge(0.0, 10_000) == pytest.approx(2 * z * z / 10_000)
