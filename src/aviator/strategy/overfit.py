"""The overfitting check: pick a rule's best settings on the first part of a history, then play them
on the rest, side by side.

Every setting of the rule's search space plays the first part once, in order (all settings at once,
one per path); the one that made the most is what an optimizer would publish. The same settings then
play the rest. On fair rounds the best first-part result is the luckiest of many tries, and the rest
shows what it is worth: the return the game's law gives every setting, c - 1 of what it stakes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from aviator.strategy.base import FloatArray, IntArray, Rule
from aviator.strategy.laws import RecordedLaw
from aviator.strategy.session import End, Session
from aviator.strategy.simulate import simulate

#: Shortest part of a history the check plays.
MIN_PART = 50


@dataclass(frozen=True)
class PartPlay:
    """Every setting's session on one part of the history (cents, one entry per setting)."""

    rounds: int
    profit: IntArray
    staked: IntArray
    ended: IntArray
    played: IntArray


@dataclass(frozen=True)
class OverfitCheck:
    rule: str
    bankroll: int
    split_round: int
    settings: list[dict[str, Any]]
    first: PartPlay
    rest: PartPlay

    def ranked(self) -> list[int]:
        """Settings from the best first-part profit down (ties: the first listed)."""
        return [int(i) for i in np.argsort(-self.first.profit, kind="stable")]

    @property
    def best(self) -> int:
        return self.ranked()[0]


def _play(rule: Rule, part: FloatArray, session: Session, settings: int) -> PartPlay:
    law = RecordedLaw(part)
    played = Session(session.bankroll, len(part), session.stop_loss, session.take_profit)
    result = simulate(rule, law, played, settings, np.random.default_rng(0))
    return PartPlay(
        len(part), result.final_bank - session.bankroll, result.staked, result.ended, result.played
    )


def overfit_check(
    rule_type: type[Rule], series: FloatArray | list[float], session: Session, split: float = 0.5
) -> OverfitCheck:
    """Search ``rule_type``'s settings on the first ``split`` of ``series``, play them on the rest."""
    values = np.asarray(series, dtype=np.float64)
    cut = int(round(len(values) * split))
    if min(cut, len(values) - cut) < MIN_PART:
        raise ValueError(
            f"the overfitting check needs at least {MIN_PART} rounds on each side of the split; "
            f"{len(values)} rounds split at {split:g} give {cut} and {len(values) - cut}"
        )
    settings = rule_type.search_space(session.bankroll)
    rule = rule_type.from_settings(settings)
    return OverfitCheck(
        rule=rule_type.name,
        bankroll=session.bankroll,
        split_round=cut,
        settings=settings,
        first=_play(rule, values[:cut], session, len(settings)),
        rest=_play(rule, values[cut:], session, len(settings)),
    )


def ended_words(code: int) -> str:
    return End(code).name.lower().replace("_", "-")
