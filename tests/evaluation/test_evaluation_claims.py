"""A model's P(reach target) always comes with the house's figure and, unless skilled, a plain label."""

from __future__ import annotations

import pytest

from aviator.evaluation.claims import LABELS, target_claim
from aviator.evaluation.skill import VerdictCode


def test_an_unskilled_model_is_labelled_beside_its_number() -> None:
    claim = target_claim("ensemble", 0.676, 0.485, "worse", 2.0)
    assert claim["p_target"] == 0.676 and claim["house_p_target"] == 0.485
    assert claim["better_than_house"] is False
    assert "worse than the house odds" in claim["label"]
    assert "48.5%" in claim["explained"] and "2x" in claim["explained"]


@pytest.mark.parametrize("code", list(VerdictCode))
def test_every_verdict_has_a_label_and_only_skill_claims_better(code: VerdictCode) -> None:
    claim = target_claim("m", 0.5, 0.485, code, 2.0)
    assert claim["label"] == LABELS[code]
    assert claim["better_than_house"] == (code == VerdictCode.SKILL)
    assert "win" not in claim["label"]
