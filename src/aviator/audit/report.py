"""The audit's report as pydantic models: what the CLI writes as JSON and the API can publish as-is.

Every number a person sees comes with a plain-language ``help`` (on each test, and in
``AuditReport.help`` for the other fields).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

Part = Literal["return", "tail", "fit", "independence"]
Verdict = Literal["consistent", "inconsistent", "too_few"]
#: The parts in the order the verdict names them.
PARTS: tuple[Part, ...] = ("return", "tail", "fit", "independence")


@dataclass(frozen=True)
class Outcome:
    """One test's result before the verdict: its p-value and what it found, in plain words."""

    name: str
    part: Part
    p_value: float
    detail: str
    help: str


class AuditTest(BaseModel):
    """One test of the audit, with its p-value and whether it passed under the family-wise (Holm) rule."""

    name: str
    part: Part
    p_value: float = Field(description="Chance of a result at least this far from the law if the law holds.")
    p_adjusted: float = Field(description="The p-value adjusted for running all the tests together (Holm).")
    passed: bool
    detail: str
    help: str


class RtpEstimate(BaseModel):
    """The return to player: the claimed one and the one the rounds show, with a 95% interval."""

    claimed: float
    estimate: float | None
    low: float | None
    high: float | None


class InstantCrashes(BaseModel):
    """Rounds that crashed at 1.00x: how many, their share with a 95% interval, and the law's share."""

    observed: int
    rate: float | None
    low: float | None
    high: float | None
    expected_rate: float


class CurvePoint(BaseModel):
    """The return of cashing out at ``cash_out`` (cash_out x P(M >= cash_out)) with its 95% interval."""

    cash_out: float
    value: float
    low: float
    high: float


class SurvivalPoint(BaseModel):
    """P(M >= multiplier): the share of rounds that reached it (95% interval) and the law's c/m."""

    multiplier: float
    observed: float
    low: float
    high: float
    law: float


class TailLevel(BaseModel):
    """Rounds at or above a tail level: observed, expected by the law, and the exact binomial chance of
    seeing this few or fewer."""

    level: float
    observed: int
    expected: float
    p_value: float


class PitBin(BaseModel):
    """One bar of the PIT histogram: rounds whose PIT fell in [low, high), and the 95% band of a fair game."""

    low: float
    high: float
    count: int
    expected: float
    band_low: int
    band_high: int


class Shortfall(BaseModel):
    """The cash-out whose return falls furthest below the claim, measured against its own uncertainty."""

    cash_out: float
    value: float
    low: float
    high: float
    shortfall: float


class Power(BaseModel):
    """What these rounds could catch: the smallest return shortfall and the highest cap the audit would
    flag at least 8 times in 10 (80% power)."""

    rounds: int
    alpha_per_test: float
    rtp_shortfall: float | None
    rtp_detectable: float | None
    cap_below: float | None


class AuditReport(BaseModel):
    """The whole audit of one series of rounds against one claimed return."""

    verdict: Verdict
    verdict_words: str
    rounds: int
    rounds_needed: int
    failed_parts: list[Part]
    rtp: RtpEstimate
    instant_crashes: InstantCrashes
    largest_shortfall: Shortfall | None
    tail_break: float | None = Field(
        description="The tail level from which the rounds stop following the law."
    )
    tests: list[AuditTest]
    power: Power | None
    return_curve: list[CurvePoint]
    survival: list[SurvivalPoint]
    tail_levels: list[TailLevel]
    pit_histogram: list[PitBin]
    settings: dict[str, float | int | str]
    help: dict[str, str]

    def failed_tests(self) -> list[AuditTest]:
        """The tests that did not pass."""
        return [test for test in self.tests if not test.passed]
