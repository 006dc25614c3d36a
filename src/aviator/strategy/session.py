"""A session: the starting bankroll, the round limit and the optional stops, all in integer cents.

A session ends at the round limit, at a stop (the bankroll down by ``stop_loss`` or more, or up by
``take_profit`` or more, checked after each round), or at ruin: the rule's next stake exceeds the
bankroll (it cannot be placed), checked before every round and once more after the last one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from aviator.strategy.base import BANK_CEILING

#: The largest starting bankroll (cents): $1 billion.
MAX_BANKROLL = 10**11
#: The most rounds in one session.
MAX_ROUNDS = 10**6


class End(IntEnum):
    """How a session ended."""

    LIMIT = 0
    RUIN = 1
    STOP_LOSS = 2
    TAKE_PROFIT = 3
    CEILING = 4


END_WORDS: dict[End, str] = {
    End.LIMIT: "played every round",
    End.RUIN: "ruin: the next stake was more than the bankroll",
    End.STOP_LOSS: "stop-loss reached",
    End.TAKE_PROFIT: "take-profit reached",
    End.CEILING: "bankroll reached the simulation's ceiling ($10 billion)",
}


@dataclass(frozen=True)
class Session:
    bankroll: int
    rounds: int
    stop_loss: int | None = None
    take_profit: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.bankroll <= MAX_BANKROLL:
            raise ValueError(f"bankroll must be within [1, {MAX_BANKROLL}] cents, got {self.bankroll}")
        if not 1 <= self.rounds <= MAX_ROUNDS:
            raise ValueError(f"rounds must be within [1, {MAX_ROUNDS}], got {self.rounds}")
        if self.stop_loss is not None and not 1 <= self.stop_loss <= self.bankroll:
            raise ValueError(
                f"stop_loss must be within [1, bankroll = {self.bankroll}] cents, got {self.stop_loss}"
            )
        if self.take_profit is not None and self.take_profit < 1:
            raise ValueError(f"take_profit must be at least 1 cent, got {self.take_profit}")

    @property
    def low_stop(self) -> int | None:
        """The session stops once the bankroll is at or below this (stop-loss), if set."""
        return None if self.stop_loss is None else self.bankroll - self.stop_loss

    @property
    def high_stop(self) -> int:
        """The session stops once the bankroll is at or above this (take-profit, or the ceiling)."""
        if self.take_profit is None:
            return BANK_CEILING
        return min(self.bankroll + self.take_profit, BANK_CEILING)

    @property
    def high_end(self) -> End:
        """How a session that reaches ``high_stop`` ended."""
        if self.take_profit is not None and self.bankroll + self.take_profit <= BANK_CEILING:
            return End.TAKE_PROFIT
        return End.CEILING
