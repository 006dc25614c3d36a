"""Where ``aviator collect`` gets its rounds from: one feed per source, built from common options.

A :class:`RoundFeed` yields finished rounds one at a time (blocking). The simulator feed lives here;
the browser feed in ``aviator.sources.browser``; ``aviator.sources.catalog`` names them all.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from aviator.core.rounds import Round
from aviator.fairness import simulate_round
from aviator.sources.simulator import to_round


@dataclass(frozen=True)
class FeedOptions:
    """What a feed may need; a new feed adds its own fields here."""

    interval: float = 4.0
    rtp: float = 0.97
    rng: random.Random | None = None
    # For a feed that reads a game page (aviator.sources.browser.from_feed_options).
    url: str | None = None
    selector: str | None = None
    frame: str | None = None
    profile: Path | None = None
    headed: bool = False
    executable: str | None = None


class RoundFeed(Protocol):
    """Where ``aviator collect`` gets its rounds from."""

    #: Whether its rounds carry provably-fair seeds (the file then has the fairness columns).
    with_fairness: bool

    def next_round(self, round_id: str, stop: threading.Event) -> Round | None:
        """Block until the next round ends and return it; None once ``stop`` is set."""
        ...

    def close(self) -> None: ...


class SimulatorFeed:
    """The built-in provably-fair simulator: one round every ``interval`` seconds."""

    with_fairness = True
    source = "simulator"

    def __init__(self, options: FeedOptions) -> None:
        self.interval = options.interval
        self.rtp = options.rtp
        self.rng = options.rng

    def next_round(self, round_id: str, stop: threading.Event) -> Round | None:
        if stop.wait(self.interval):
            return None
        return to_round(simulate_round(self.rtp, self.rng), round_id, self.source)

    def close(self) -> None:
        return None
