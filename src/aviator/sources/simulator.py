"""The embedded default source: a provably-fair game in Aviator's shape, one round every few seconds.

Each round's server seed is committed (SHA-256) before the round and revealed with it, so every
simulated round verifies with ``aviator verify aviator`` and recomputes with ``verify_simulated``.

With a ``plant`` (``fairness.planted``) the source plays a stream with a planted deviation instead: a
test of the measurement (does a model's verdict find it?), never a model of a real game. Those rounds
carry no seeds, because they are not provably fair, and the source's status says so.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence

from aviator.core.rounds import Fairness, Round, utcnow
from aviator.core.status import SimulatorStatus
from aviator.fairness import SimulatedRound, server_hash, simulate_round
from aviator.fairness.planted import Plant, PlantedStream

logger = logging.getLogger(__name__)

PLANTED_NOTE = (
    "a planted stream: a test of the measurement, not provably fair (no seeds), and no model of a real game"
)

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


def planted_round(multiplier: float, round_id: int | str, source: str = SOURCE_NAME) -> Round:
    """A round of a planted stream as it is stored: no seeds, since it is not provably fair."""
    return Round(
        stream=source, source=source, round_id=str(round_id), multiplier=multiplier, timestamp=utcnow()
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
        plant: Plant | None = None,
    ) -> None:
        self.submit = submit
        self.plant = plant
        seed = rng.getrandbits(64) if rng is not None else None
        self.stream = PlantedStream(plant, rtp, seed) if plant is not None else None
        self.interval = interval
        self.rtp = rtp
        self.next_round_id = next_round_id
        self.rng = rng
        self.rounds_played = 0
        self.next_commitment: str | None = None

    async def run(self) -> None:
        """Play until cancelled. The next round's commitment is known while the current one flies."""
        if self.stream is not None:
            await self._run_planted(self.stream)
            return
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

    async def _run_planted(self, stream: PlantedStream) -> None:
        logger.warning(
            "simulator: playing a planted stream (%s, strength %g): a test of the measurement, "
            "not provably fair, and no model of a real game",
            stream.plant.kind,
            stream.plant.strength,
        )
        value = stream.next()
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.submit([planted_round(value, self.next_round_id)])
            except Exception:
                logger.exception(
                    "simulator: could not store round %d; retrying next tick", self.next_round_id
                )
                continue
            value = stream.next()
            self.next_round_id += 1
            self.rounds_played += 1

    def status(self) -> SimulatorStatus:
        plant = self.plant
        return SimulatorStatus(
            name=SOURCE_NAME,
            stream=SOURCE_NAME,
            interval_s=self.interval,
            rounds_played=self.rounds_played,
            next_round_id=self.next_round_id,
            next_server_hash=self.next_commitment,
            provably_fair=plant is None,
            plant=None if plant is None else f"{plant.kind} (strength {plant.strength:g})",
            note=None if plant is None else PLANTED_NOTE,
        )
