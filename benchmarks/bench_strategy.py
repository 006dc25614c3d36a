"""Benchmark: Monte Carlo of the strategy lab, 10,000 paths x 10,000 rounds of martingale.

Goal: at least 50M path-rounds a second (the whole run in under 2 s). Two bankrolls: $10M, where
almost every path plays every round (path-rounds played = paths x rounds), and $100, where most
paths are ruined early and the simulation drops them (played path-rounds far fewer than nominal).
Wall and CPU time are both printed: on a shared machine the wall time includes waiting for a core.
Usage: python benchmarks/bench_strategy.py [--paths 10000] [--rounds 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from aviator.strategy.laws import GameLaw
from aviator.strategy.registry import create_rule
from aviator.strategy.session import Session
from aviator.strategy.simulate import simulate


def run(name: str, bankroll: int, paths: int, rounds: int, repeat: int, **settings: int) -> None:
    rule = create_rule(name, **settings)
    best_wall = best_cpu = float("inf")
    played = 0
    for attempt in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = simulate(
            rule, GameLaw(0.97), Session(bankroll, rounds), paths, np.random.default_rng(attempt)
        )
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        played = result.path_rounds
    nominal = paths * rounds
    print(
        f"{name:>10} ${bankroll / 100:>12,.0f}: {paths:,} paths x {rounds:,} rounds in "
        f"{best_wall:.2f} s wall "
        f"({best_cpu:.2f} s CPU), best of {repeat}; played {played:,} path-rounds = "
        f"{played / best_wall / 1e6:.0f}M/s played, {nominal / best_wall / 1e6:.0f}M/s nominal, "
        f"{played / best_cpu / 1e6:.0f}M played per CPU-second"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paths", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    run("martingale", 10**9, args.paths, args.rounds, args.repeat, base=100, cashout=200)
    run("martingale", 10_000, args.paths, args.rounds, args.repeat, base=100, cashout=200)
    run("flat", 10**9, args.paths, args.rounds, args.repeat, base=100, cashout=150)
    run("two-bet", 10**9, args.paths, args.rounds, args.repeat, base=100, cashout=150, long_cashout=1000)


if __name__ == "__main__":
    main()
