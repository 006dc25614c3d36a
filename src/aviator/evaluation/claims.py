"""A model's P(reach target) as it may be shown: beside the house's figure, and labelled by its verdict.

A model's probability is a claim; the house's (c / target) is the game's published odds. Wherever a
model's figure is shown, ``target_claim`` gives both numbers and, unless the model's measured verdict
is "evidence of skill", a label that says plainly the model has not been shown to beat the house odds,
so a big number never outshouts the house's own.
"""

from __future__ import annotations

from typing import Any

from aviator.evaluation.skill import VerdictCode

#: What is said beside a model's figure, by its verdict.
LABELS: dict[VerdictCode, str] = {
    VerdictCode.SKILL: "measured better than the house odds so far (evidence of skill)",
    VerdictCode.NO_SKILL: "not better than the house odds: no evidence of skill yet",
    VerdictCode.WORSE: "worse than the house odds: trust the house figure",
    VerdictCode.TOO_FEW: "not measured yet: too few rounds scored; the house figure is the one to trust",
    VerdictCode.BASELINE: "the house odds themselves: the game's published chance",
}


def target_claim(
    model: str, p_target: float, house_p_target: float, code: VerdictCode | str, target: float
) -> dict[str, Any]:
    """The figures and words to show for one model's P(M >= target), the house's beside it."""
    verdict = VerdictCode(code)
    return {
        "model": model,
        "target": target,
        "p_target": p_target,
        "house_p_target": house_p_target,
        "better_than_house": verdict == VerdictCode.SKILL,
        "label": LABELS[verdict],
        "explained": (
            f"P(reach {target:g}x) is the chance the round's multiplier reaches {target:g}x before the "
            f"crash; the house's {house_p_target:.1%} is what the game's published odds give."
        ),
    }
