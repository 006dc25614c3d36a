"""The embedded default source: a provably-fair game in Aviator's shape, one round every few seconds.

Each round's server seed is committed (SHA-256) before the round and revealed with it, so every
simulated round verifies with ``aviator verify aviator`` and recomputes with ``verify_simulated``.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence

from aviator.core.rounds import Fairness, Round, utcnow
from aviator.core.status import SimulatorStatus
from aviator.fairness import SimulatedRound, server_hash, simulate_round

logger = logging.getLogger(__name__)

SOURCE_NAME = "simulator"


def to_round(
    simulated: SimulatedRound, round_id: int | str, source: str = SOURCE_NAME, stream: str | None = None
) -> Round:
    """A simulated round as it is stored (in ``stream``, by default the source's name), seeds revealed."""
    return Round(
        stream=stream or source,
        source=source,
        round_id=str(round_id),
        multiplier=simulated.multiplier,
        timestamp=utcnow(),
        fairness=Fairness(
            server_seed=simulated.server_seed,
            server_hash=simulated.server_hash,
            client_seeds=simulated.client_seeds,
            combined_hash=simulated.combined_hash,
        ),
    )


class SimulatorSource:
    """Plays rounds and hands each to ``submit`` as it ends."""

    def __init__(
        self,
        submit: Callable[[Sequence[Round]], Awaitable[object]],
        interval: float,
        rtp: float,
        next_round_id: int = 1,
        rng: random.Random | None = None,
    ) -> None:
        self.submit = submit
        self.interval = interval
        self.rtp = rtp
        self.next_round_id = next_round_id
        self.rng = rng
        self.rounds_played = 0
        self.next_commitment: str | None = None

    async def run(self) -> None:
        """Play until cancelled. The next round's commitment is known while the current one flies."""
        upcoming = simulate_round(self.rtp, self.rng)
        while True:
            self.next_commitment = upcoming.server_hash
            await asyncio.sleep(self.interval)
            played, upcoming = upcoming, simulate_round(self.rtp, self.rng)
            assert server_hash(played.server_seed) == played.server_hash
            try:
                await self.submit([to_round(played, self.next_round_id)])
            except Exception:
                logger.exception(
                    "simulator: could not store round %d; retrying next tick", self.next_round_id
                )
                continue
            self.next_round_id += 1
            self.rounds_played += 1

    def status(self) -> SimulatorStatus:
        return SimulatorStatus(
            name=SOURCE_NAME,
            stream=SOURCE_NAME,
            interval_s=self.interval,
            rounds_played=self.rounds_played,
            next_round_id=self.next_round_id,
            next_server_hash=self.next_commitment,
        )
