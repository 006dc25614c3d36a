from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence

from aviator.core.rounds import Round
from aviator.fairness import server_hash, verify_simulated
from aviator.sources.simulator import SimulatorSource


def test_simulator_plays_verifiable_rounds_with_consecutive_ids() -> None:
    received: list[Round] = []

    async def submit(rounds: Sequence[Round]) -> None:
        received.extend(rounds)

    async def scenario() -> None:
        source = SimulatorSource(submit, 0.001, 0.97, next_round_id=41, rng=random.Random(5))
        task = asyncio.create_task(source.run())
        while len(received) < 20:
            await asyncio.sleep(0.01)
        task.cancel()

    asyncio.run(scenario())
    ids = [int(r.round_id or 0) for r in received]
    assert ids[:20] == list(range(41, 61))
    for rnd in received:
        fair = rnd.fairness
        assert fair is not None and server_hash(fair.server_seed) == fair.server_hash
        seeds = fair.client_seeds
        check = verify_simulated(fair.server_seed, seeds, fair.server_hash, rnd.multiplier, 0.97)
        assert check.ok


def test_a_failed_store_does_not_skip_a_round_id() -> None:
    received: list[Round] = []
    failures = [True, False, False]

    async def submit(rounds: Sequence[Round]) -> None:
        if failures and failures.pop(0):
            raise OSError("database is locked")
        received.extend(rounds)

    async def scenario() -> None:
        source = SimulatorSource(submit, 0.001, 0.97, rng=random.Random(1))
        task = asyncio.create_task(source.run())
        while len(received) < 2:
            await asyncio.sleep(0.01)
        task.cancel()

    asyncio.run(scenario())
    assert [r.round_id for r in received[:2]] == ["1", "2"]


def test_a_planted_stream_plays_rounds_without_seeds_and_says_it_is_not_provably_fair() -> None:
    from aviator.fairness.planted import Plant

    received: list[Round] = []

    async def submit(rounds: Sequence[Round]) -> None:
        received.extend(rounds)

    source = SimulatorSource(submit, 0.0, 0.97, rng=random.Random(3), plant=Plant(kind="lag", strength=0.9))

    async def scenario() -> None:
        task = asyncio.create_task(source.run())
        while len(received) < 400:
            await asyncio.sleep(0.001)
        task.cancel()

    asyncio.run(scenario())
    assert all(rnd.fairness is None for rnd in received)
    assert [int(r.round_id or 0) for r in received[:5]] == [1, 2, 3, 4, 5]
    reach = [rnd.multiplier >= 2.0 for rnd in received[:400]]
    repeats = sum(a == b for a, b in zip(reach, reach[1:], strict=False)) / 399
    assert repeats > 0.8  # strength 0.9 at lag 1: a round mostly does what the one before did
    status = source.status()
    assert status.provably_fair is False and "not provably fair" in str(status.note)
    assert status.plant == "lag (strength 0.9)"
