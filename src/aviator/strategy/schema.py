"""The request and result of a strategy run, shared by ``aviator strategy`` and ``POST /api/strategy``.

Money is in dollars here (whole cents on the way in: $0.005 is refused), multipliers as multipliers;
inside the lab everything is integer cents and hundredths. ``StrategyRequest`` carries the server's
bounds (paths x rounds at most ``SERVER_MAX_PATH_ROUNDS``); ``LocalStrategyRequest`` is the same for a
run on one's own machine, with a higher cap.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from aviator.strategy.base import MAX_CASHOUT, Rule
from aviator.strategy.laws import EmpiricalLaw, FittedLaw, GameLaw, Law
from aviator.strategy.registry import ALIASES, create_rule, known_rules
from aviator.strategy.session import MAX_BANKROLL, MAX_ROUNDS, Session

#: The most paths x rounds one request to the server may simulate (about a second of work).
SERVER_MAX_PATH_ROUNDS = 20_000_000
#: The most paths x rounds on one's own machine.
LOCAL_MAX_PATH_ROUNDS = 10_000_000_000
#: The most recorded rounds a request may carry.
MAX_HISTORY = 1_000_000
#: The most rounds the exact programme is asked to run for.
MAX_EXACT_ROUNDS = 100_000

LawName = Literal["game", "empirical", "fitted"]


#: The largest amount of money any field may hold (a billion dollars, in cents, far past any bankroll).
MAX_CENTS = 100_000_000_000


def cents(dollars: float, name: str) -> int:
    """Dollars as whole cents; a fraction of a cent, or an amount past any bankroll, is an error
    naming the field."""
    if not math.isfinite(dollars) or abs(dollars) * 100 > MAX_CENTS:
        raise ValueError(f"{name} must be a number of dollars up to {MAX_CENTS // 100:,}, got {dollars!r}")
    value = round(dollars * 100)
    if abs(dollars * 100 - value) > 1e-6:
        raise ValueError(f"{name} must be in whole cents, got {dollars!r}")
    return int(value)


def hundredths(multiplier: float, name: str) -> int:
    """A multiplier on the 0.01 grid as hundredths (2.0 -> 200)."""
    if not math.isfinite(multiplier):
        raise ValueError(f"{name} must be a finite number, got {multiplier!r}")
    value = round(multiplier * 100)
    if abs(multiplier * 100 - value) > 1e-6:
        raise ValueError(f"{name} must be on the 0.01 grid (like 1.55), got {multiplier!r}")
    return int(value)


class StrategyRequest(BaseModel):
    """A rule, its settings, the session and what to measure."""

    model_config = ConfigDict(extra="forbid")
    path_rounds_cap: ClassVar[int] = SERVER_MAX_PATH_ROUNDS

    rule: str = Field(description="flat, martingale, paroli, dalembert, fibonacci, two-bet or percent")
    base: float = Field(
        1.0, gt=0, le=MAX_BANKROLL / 100, description="Base stake, dollars (percent: the smallest bet)"
    )
    cashout: float = Field(
        2.0, ge=1.01, le=MAX_CASHOUT / 100, description="Auto cash-out (two-bet: the safe one)"
    )
    long_base: float | None = Field(
        None, gt=0, le=MAX_BANKROLL / 100, description="two-bet: the long bet's stake"
    )
    long_cashout: float = Field(10.0, ge=1.01, le=MAX_CASHOUT / 100, description="two-bet: the long cash-out")
    streak: int = Field(3, ge=1, le=20, description="paroli: wins in a row before going back to the base")
    fraction: float = Field(0.02, ge=0.0, le=1.0, description="percent: the share of the bankroll staked")
    unit: float | None = Field(
        None, gt=0, le=MAX_BANKROLL / 100, description="dalembert: the step (default: base)"
    )
    bankroll: float = Field(100.0, gt=0, le=MAX_BANKROLL / 100, description="Starting bankroll, dollars")
    rounds: int = Field(1000, ge=1, le=MAX_ROUNDS, description="Most rounds in a session")
    paths: int = Field(10_000, ge=1, le=1_000_000, description="Simulated sessions")
    rtp: float = Field(0.97, ge=0.5, le=1.0, description="The game's return to player c")
    stop_loss: float | None = Field(None, gt=0, description="Stop once down this many dollars")
    take_profit: float | None = Field(None, gt=0, description="Stop once up this many dollars")
    law: LawName = Field(
        "game", description="game: the published law; empirical: drawn from history; fitted: fitted to it"
    )
    history: list[float] | None = Field(
        None, max_length=MAX_HISTORY, description="Recorded multipliers, oldest first"
    )
    replay: bool = Field(False, description="Replay the rule on history, round by round")
    optimize: bool = Field(False, description="The overfitting check on history")
    split: float = Field(
        0.5, ge=0.1, le=0.9, description="Share of history the overfitting check searches on"
    )
    exact: bool = Field(
        False, description="Also solve exactly (flat, martingale, paroli, dalembert, fibonacci, two-bet)"
    )
    seed: int | None = Field(None, ge=0, lt=2**63, description="Random seed (default: a fresh one, reported)")
    confidence: float = Field(0.95, gt=0.5, lt=1.0, description="Coverage of the intervals")

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, name: str) -> str:
        name = ALIASES.get(name, name)
        if name not in known_rules():
            raise ValueError(f"unknown rule {name!r}; known rules: {', '.join(known_rules())}")
        return name

    @field_validator("base", "long_base", "unit", "bankroll", "stop_loss", "take_profit")
    @classmethod
    def _whole_cents(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None:
            cents(value, str(info.field_name))
        return value

    @field_validator("cashout", "long_cashout")
    @classmethod
    def _on_the_grid(cls, value: float, info: ValidationInfo) -> float:
        hundredths(value, str(info.field_name))
        return value

    @field_validator("history")
    @classmethod
    def _multipliers(cls, values: list[float] | None) -> list[float] | None:
        if values is not None:
            array = np.asarray(values, dtype=np.float64)
            bad = np.flatnonzero(~np.isfinite(array) | (array < 1.0))
            if bad.size:
                i = int(bad[0])
                raise ValueError(
                    f"history[{i}] is {values[i]!r}: a multiplier must be a finite number >= 1.00"
                )
        return values

    @model_validator(mode="after")
    def _consistent(self) -> StrategyRequest:
        if self.paths * self.rounds > self.path_rounds_cap:
            raise ValueError(
                f"paths x rounds = {self.paths * self.rounds:,} is more than this server runs "
                f"({self.path_rounds_cap:,}); fewer paths or rounds"
            )
        if self.stop_loss is not None and self.stop_loss > self.bankroll:
            raise ValueError(
                f"stop_loss (${self.stop_loss:g}) cannot be more than the bankroll (${self.bankroll:g})"
            )
        needs_history = [
            what
            for what, on in (
                ("law " + self.law, self.law != "game"),
                ("replay", self.replay),
                ("optimize", self.optimize),
            )
            if on
        ]
        if needs_history and not self.history:
            raise ValueError(f"{' and '.join(needs_history)} need recorded rounds in 'history'")
        if self.exact and self.rounds > MAX_EXACT_ROUNDS:
            raise ValueError(f"exact figures are computed for at most {MAX_EXACT_ROUNDS:,} rounds")
        self.session()  # the bankroll and stops in cents, checked
        self.build_rule()  # every setting checked where the rule checks it (the message names it)
        return self

    def rule_settings(self) -> dict[str, Any]:
        """The settings the rule takes, in cents and hundredths."""
        settings: dict[str, Any] = {
            "base": cents(self.base, "base"),
            "cashout": hundredths(self.cashout, "cashout"),
        }
        if self.rule == "two-bet":
            settings["long_cashout"] = hundredths(self.long_cashout, "long_cashout")
            if self.long_base is not None:
                settings["long_base"] = cents(self.long_base, "long_base")
        elif self.rule == "paroli":
            settings["streak"] = self.streak
        elif self.rule == "percent":
            settings["fraction"] = self.fraction
        elif self.rule == "dalembert" and self.unit is not None:
            settings["unit"] = cents(self.unit, "unit")
        return settings

    def build_rule(self) -> Rule:
        return create_rule(self.rule, **self.rule_settings())

    def session(self) -> Session:
        return Session(
            bankroll=cents(self.bankroll, "bankroll"),
            rounds=self.rounds,
            stop_loss=None if self.stop_loss is None else cents(self.stop_loss, "stop_loss"),
            take_profit=None if self.take_profit is None else cents(self.take_profit, "take_profit"),
        )

    def build_law(self) -> Law:
        if self.law == "game":
            return GameLaw(self.rtp)
        assert self.history is not None
        if self.law == "empirical":
            return EmpiricalLaw(self.history)
        return FittedLaw(self.history, self.rtp)


class LocalStrategyRequest(StrategyRequest):
    """A request run on one's own machine (the CLI): the same checks, a higher cap on paths x rounds."""

    path_rounds_cap: ClassVar[int] = LOCAL_MAX_PATH_ROUNDS


class Estimate(BaseModel):
    """A measured figure with its interval (``low`` .. ``high``), and the exact value where computed."""

    estimate: float
    low: float
    high: float
    exact: float | None = None


class WaldCheck(BaseModel):
    """Expected profit = (return - 1) x expected total staked, beside what the simulation gave."""

    return_per_dollar: float = Field(
        description="What a dollar staked returns on average (c for the game's law)"
    )
    expected_profit: float = Field(description="The Wald expectation (dollars)")
    simulated_profit: Estimate
    gap: Estimate = Field(description="Simulated profit minus the Wald expectation, path by path")
    holds: bool = Field(description="Zero lies within the gap's interval")


class FanChart(BaseModel):
    """Bankroll percentiles (dollars) over rounds: an ended session keeps its last bankroll."""

    rounds: list[int]
    bands: dict[str, list[float]]


class ExactFigures(BaseModel):
    ruin_probability: float
    ahead_probability: float
    expected_final_bankroll: float
    expected_profit: float
    expected_total_staked: float
    wald_expected_profit: float
    quantiles: dict[str, float]
    end_probability: dict[str, float]
    levels: int
    cells: int


class ReplayResult(BaseModel):
    """The rule on the recorded rounds in order, round by round (dollars)."""

    rounds_played: int
    ended_by: str
    final_bankroll: float
    profit: float
    total_staked: float
    wald_expected_profit: float = Field(description="What the game's law expects for the stakes placed")
    multipliers: list[float]
    stakes: list[list[float]]
    won: list[list[bool]]
    bankroll: list[float]


class PartResult(BaseModel):
    rounds: int
    profit: float
    roi: float = Field(description="Profit as a share of the starting bankroll")
    total_staked: float
    return_per_staked: float | None = Field(description="Profit per dollar staked")
    ended_by: str


class OverfitRow(BaseModel):
    settings: dict[str, Any]
    in_sample: PartResult
    out_of_sample: PartResult


class OverfitResult(BaseModel):
    """The search on the first part of the history, reported on the rest."""

    split_round: int
    settings_tried: int
    best: OverfitRow
    top: list[OverfitRow]
    in_sample_ahead_share: float
    out_of_sample_ahead_share: float
    out_of_sample_mean_roi: float
    plain_words: str


class StrategyResult(BaseModel):
    rule: str
    title: str
    summary: str
    settings: dict[str, Any]
    law: str
    law_words: str
    rtp: float
    bankroll: float
    rounds: int
    paths: int
    seed: int
    confidence: float
    expected_profit: Estimate
    ruin_probability: Estimate
    ahead_probability: Estimate
    expected_final_bankroll: Estimate
    expected_total_staked: Estimate
    wald_expected_profit: float
    wald_check: WaldCheck
    quantiles: dict[str, float] = Field(description="Final bankroll percentiles (dollars)")
    max_drawdown: dict[str, float]
    time_to_ruin: dict[str, float] | None
    ended: dict[str, float]
    rounds_played_mean: float
    fan_chart: FanChart
    exact: ExactFigures | None = None
    exact_note: str | None = None
    kelly_fraction: float | None = None
    replay: ReplayResult | None = None
    overfit: OverfitResult | None = None
    plain_words: str
    explanations: dict[str, str]
    path_rounds: int
    seconds: float
