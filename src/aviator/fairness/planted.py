"""Streams with a planted deviation from the fair law: tests of the measurement, never a model of a game.

A fair crash round has P(M >= m) = c/m on the 0.01 grid (c = the return to player), independent of
every other round: with U uniform on (0, 1], M = max(1.00, floor(100 c / U) / 100). Each kind below
changes one thing, so a test can ask whether the audit or a model finds exactly that:

- ``fair``: the law itself;
- ``shortfall``: the law at a lower return, c - strength;
- ``cap``: every result above ``level`` is paid as ``level`` (a capped or truncated feed);
- ``thin``: above ``level``, each result is replaced, with probability ``strength``, by a fresh
  draw below ``level`` (a tail rarer than c/m);
- ``lag``: whether a round reaches ``threshold`` depends on whether the round ``lag`` before did:
  P(reach | it did) = p + s(1 - p), P(reach | it did not) = p - s p, with p = c/threshold, so the law of
  each round alone is unchanged (strength s = 0.2 at threshold 2 is worth about 0.02 nats a round to a
  model that knows it);
- ``regime``: the return switches between c - strength and c + strength (kept at most 1) with
  probability ``switch`` per round (slow regimes);
- ``periodic``: the return follows c (1 + strength sin(2 pi n / period)), kept at most 1.

Everything is vectorized; a seed makes a stream reproducible. ``PlantedStream`` draws the same laws one
round at a time, for a live simulator.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
PlantKind = Literal["fair", "shortfall", "cap", "thin", "lag", "regime", "periodic"]
PLANT_KINDS: tuple[str, ...] = get_args(PlantKind)


@dataclass(frozen=True)
class Plant:
    """What to plant and how strongly (the fields a kind does not use are ignored)."""

    kind: PlantKind = "fair"
    strength: float = 0.0
    level: float = 100.0
    threshold: float = 2.0
    lag: int = 1
    switch: float = 0.001
    period: int = 50

    def __post_init__(self) -> None:
        if self.kind not in PLANT_KINDS:
            raise ValueError(f"unknown plant kind {self.kind!r}; one of {', '.join(PLANT_KINDS)}")
        if not 0.0 <= self.strength <= 1.0:
            raise ValueError(f"strength must be within [0, 1], got {self.strength}")
        if self.level < 1.01 or self.threshold < 1.01:
            raise ValueError("level and threshold must be at least 1.01")
        if self.lag < 1 or self.period < 2 or not 0.0 < self.switch <= 1.0:
            raise ValueError("lag must be >= 1, period >= 2 and switch within (0, 1]")


def _from_uniform(u: FloatArray, rtp: FloatArray | float) -> FloatArray:
    """M = max(1.00, floor(100 c / U) / 100) for U in (0, 1]."""
    with np.errstate(divide="ignore", over="ignore"):
        m = np.floor(100.0 * np.asarray(rtp) / u + 1e-9) / 100.0
    return np.asarray(np.clip(m, 1.0, 1e12), dtype=np.float64)


def _uniform(rng: np.random.Generator, n: int) -> FloatArray:
    return 1.0 - rng.random(n)  # in (0, 1]


def fair_rounds(n: int, rtp: float = 0.97, seed: int | None = None) -> FloatArray:
    """n rounds of the fair law at return ``rtp``."""
    return _from_uniform(_uniform(np.random.default_rng(seed), n), rtp)


def _conditioned(rng: np.random.Generator, reach: npt.NDArray[np.bool_], rtp: float, t: float) -> FloatArray:
    """A fair draw given whether it reaches ``t``: U uniform on (0, c/t] if it does, else on (c/t, 1]."""
    p = min(1.0, rtp / t)
    v = rng.random(reach.size)
    out = _from_uniform(np.where(reach, p * (1.0 - v), p + (1.0 - p) * (1.0 - v)), rtp)
    # A U within float noise of c/t could land a cent on the wrong side of t: keep the event exact.
    return np.asarray(
        np.where(reach, np.maximum(out, t), np.minimum(out, round(t - 0.01, 2))), dtype=np.float64
    )


def _lag_events(rng: np.random.Generator, n: int, p: float, s: float, lag: int) -> npt.NDArray[np.bool_]:
    reach = np.empty(n, dtype=np.bool_)
    reach[:lag] = rng.random(min(lag, n)) < p
    v = rng.random(n)
    high, low = p + s * (1.0 - p), p - s * p
    for i in range(lag, n):
        reach[i] = v[i] < (high if reach[i - lag] else low)
    return reach


def _regime_rtp(rng: np.random.Generator, n: int, rtp: float, s: float, switch: float) -> FloatArray:
    flips = rng.random(n) < switch
    state = np.cumsum(flips) % 2  # 0: low, 1: high, starting low
    return np.asarray(np.minimum(1.0, np.where(state == 1, rtp + s, rtp - s)), dtype=np.float64)


def planted_rounds(n: int, plant: Plant, rtp: float = 0.97, seed: int | None = None) -> FloatArray:
    """n rounds with ``plant`` in them (see the module docstring for each kind)."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rng = np.random.default_rng(seed)
    s = plant.strength
    if plant.kind == "fair" or (s == 0.0 and plant.kind != "cap"):  # a cap needs no strength
        return _from_uniform(_uniform(rng, n), rtp)
    if plant.kind == "shortfall":
        return _from_uniform(_uniform(rng, n), max(0.01, rtp - s))
    if plant.kind == "cap":
        return np.minimum(_from_uniform(_uniform(rng, n), rtp), plant.level)
    if plant.kind == "thin":
        values = _from_uniform(_uniform(rng, n), rtp)
        drop = (values > plant.level) & (rng.random(n) < s)
        values[drop] = _conditioned(rng, np.zeros(int(drop.sum()), dtype=np.bool_), rtp, plant.level)
        return values
    if plant.kind == "lag":
        p = min(1.0, rtp / plant.threshold)
        return _conditioned(rng, _lag_events(rng, n, p, s, plant.lag), rtp, plant.threshold)
    if plant.kind == "regime":
        return _from_uniform(_uniform(rng, n), _regime_rtp(rng, n, rtp, s, plant.switch))
    phase = np.sin(2.0 * np.pi * np.arange(n) / plant.period)
    return _from_uniform(_uniform(rng, n), np.minimum(1.0, rtp * (1.0 + s * phase)))


def lag_information(strength: float, rtp: float = 0.97, threshold: float = 2.0) -> float:
    """Nats a round that knowing the planted lag dependence is worth (the mutual information of the
    round's event with the event ``lag`` rounds before), for the ``lag`` kind."""
    p = min(1.0, rtp / threshold)

    def entropy(q: float) -> float:
        return float(-sum(x * np.log(x) for x in (q, 1.0 - q) if x > 0))

    high, low = p + strength * (1.0 - p), p - strength * p
    return entropy(p) - (p * entropy(high) + (1.0 - p) * entropy(low))


class PlantedStream:
    """The rounds of ``planted_rounds`` one at a time (the same law; not the same numbers as a batch)."""

    def __init__(self, plant: Plant, rtp: float = 0.97, seed: int | None = None) -> None:
        self.plant, self.rtp = plant, rtp
        self.rng = np.random.default_rng(seed)
        self.index = 0
        self.high_regime = False
        self.events: deque[bool] = deque(maxlen=plant.lag)

    def _rtp(self) -> float:
        kind, s = self.plant.kind, self.plant.strength
        if kind == "shortfall":
            return max(0.01, self.rtp - s)
        if kind == "regime":
            if self.rng.random() < self.plant.switch:
                self.high_regime = not self.high_regime
            return min(1.0, self.rtp + s if self.high_regime else self.rtp - s)
        if kind == "periodic":
            phase = 2.0 * np.pi * self.index / self.plant.period
            return min(1.0, self.rtp * (1.0 + s * float(np.sin(phase))))
        return self.rtp

    def next(self) -> float:
        """The next round's multiplier."""
        plant, rng = self.plant, self.rng
        if plant.kind == "fair" or (plant.strength == 0.0 and plant.kind != "cap"):
            value = float(_from_uniform(_uniform(rng, 1), self.rtp)[0])
        elif plant.kind == "lag":
            p = min(1.0, self.rtp / plant.threshold)
            if len(self.events) < plant.lag:
                chance = p
            else:
                chance = p + plant.strength * (1.0 - p) if self.events[0] else p - plant.strength * p
            reach = np.array([rng.random() < chance])
            value = float(_conditioned(rng, reach, self.rtp, plant.threshold)[0])
            self.events.append(bool(reach[0]))
        else:
            value = float(_from_uniform(_uniform(rng, 1), self._rtp())[0])
            if plant.kind == "cap":
                value = min(value, plant.level)
            elif plant.kind == "thin" and value > plant.level and rng.random() < plant.strength:
                below = np.zeros(1, dtype=np.bool_)
                value = float(_conditioned(rng, below, self.rtp, plant.level)[0])
        self.index += 1
        return value
