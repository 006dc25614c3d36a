"""One verdict for people: Holm's rule over every test, and the parts that failed in plain words.

Holm's step-down rule keeps the chance that a game following the law is called inconsistent at most
alpha (5%) however the tests depend on each other, while losing less power than dividing alpha by
the number of tests for all of them. It is written out here (a sort and a running maximum) rather than
taken from statsmodels' ``multipletests``, which runs a full garbage collection on every Holm call
(tens of milliseconds in a busy process, on every live report); a test checks the two agree.
"""

from __future__ import annotations

import numpy as np

from aviator.audit.report import PARTS, AuditTest, Outcome, Part, Power, Verdict

ALPHA = 0.05

_PART_WORDS: dict[Part, str] = {
    "return": "the return is not what the game claims",
    "tail": "big multipliers are rarer than the law says",
    "fit": "the spread of multipliers does not match the law",
    "independence": "rounds depend on the rounds before them",
}


def holm(outcomes: list[Outcome], alpha: float = ALPHA) -> list[AuditTest]:
    """Each outcome with its Holm-adjusted p-value and whether it passed."""
    if not outcomes:
        return []
    p = np.array([o.p_value for o in outcomes], dtype=np.float64)
    order = np.argsort(p, kind="stable")
    steps = np.minimum(1.0, np.maximum.accumulate(p[order] * np.arange(p.size, 0, -1)))
    adjusted = np.empty_like(p)
    adjusted[order] = steps
    reject = adjusted <= alpha
    return [
        AuditTest(
            name=o.name,
            part=o.part,
            p_value=o.p_value,
            p_adjusted=float(adj),
            passed=not bool(rej),
            detail=o.detail,
            help=o.help,
        )
        for o, rej, adj in zip(outcomes, reject, adjusted, strict=True)
    ]


def failed_parts(tests: list[AuditTest]) -> list[Part]:
    """The parts with at least one failed test, in PARTS order."""
    failed = {test.part for test in tests if not test.passed}
    return [part for part in PARTS if part in failed]


def too_few_words(rounds: int, needed: int) -> str:
    """The verdict sentence when there are not enough rounds yet."""
    return (
        f"Too few rounds to judge: {rounds:,} so far, and the audit needs at least {needed:,} "
        f"({needed - rounds:,} more)."
    )


def verdict_words(
    verdict: Verdict,
    tests: list[AuditTest],
    rounds: int,
    rtp: float,
    power: Power | None,
    tail_break: float | None,
) -> str:
    """The verdict in one or two plain sentences (never a promise about winnings)."""
    if verdict == "consistent":
        words = (
            f"Consistent with the claimed law (a return of {rtp:.1%}, rounds independent of each other): "
            f"none of the {len(tests)} tests found these {rounds:,} rounds out of line."
        )
        catch = []
        if power is not None and power.rtp_detectable is not None:
            catch.append(f"a return of {power.rtp_detectable:.1%} or lower")
        if power is not None and power.cap_below is not None:
            catch.append(f"a cap below {power.cap_below:g}x")
        if catch:
            words += (
                " This is not proof of fairness, but " + " or ".join(catch) + " would most likely have shown."
            )
        return words
    reasons = []
    for part in failed_parts(tests):
        phrase = _PART_WORDS[part]
        if part == "tail" and tail_break is not None:
            phrase += f" (from about {tail_break:g}x up)"
        first = next(test for test in tests if test.part == part and not test.passed)
        reasons.append(f"{phrase}: {first.detail}")
    return "Inconsistent with the claimed law: " + "; ".join(reasons) + "."
