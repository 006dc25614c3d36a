"""The registered rules, by name."""

from __future__ import annotations

from typing import Any

from aviator.strategy.base import Rule
from aviator.strategy.dalembert import DAlembertRule
from aviator.strategy.fibonacci import FibonacciRule
from aviator.strategy.flat import FlatRule
from aviator.strategy.martingale import MartingaleRule
from aviator.strategy.paroli import ParoliRule
from aviator.strategy.percent import PercentRule
from aviator.strategy.two_bet import TwoBetRule

RULE_CLASSES: dict[str, type[Rule]] = {
    cls.name: cls
    for cls in (FlatRule, MartingaleRule, ParoliRule, DAlembertRule, FibonacciRule, TwoBetRule, PercentRule)
}
#: Other names people use for the same rules.
ALIASES: dict[str, str] = {"anti-martingale": "paroli", "d-alembert": "dalembert", "two-bets": "two-bet"}


class UnknownRuleError(KeyError):
    """A rule name that is not registered; the message lists the known ones."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"unknown rule {self.name!r}; known rules: {', '.join(known_rules())}"


def known_rules() -> list[str]:
    return list(RULE_CLASSES)


def rule_class(name: str) -> type[Rule]:
    try:
        return RULE_CLASSES[ALIASES.get(name, name)]
    except KeyError:
        raise UnknownRuleError(name) from None


def create_rule(name: str, **params: Any) -> Rule:
    """The rule ``name`` with its settings (cents, hundredths); a bad setting raises ValueError naming it."""
    return rule_class(name)(**params)
