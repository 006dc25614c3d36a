"""Benchmark: walk-forward backtest (h=1, every round) of the fast models over simulated rounds.

Rounds are i.i.d. from the house distribution, M = max(1, floor(100 c / (1 - U)) / 100).
Usage: python benchmarks/bench_backtest.py [--rounds 1000000] [--models house,empirical,heuristic]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from aviator.evaluation.backtest import run_backtest
from aviator.models.registry import known_models


def simulate(n: int, rtp: float = 0.97, seed: int = 0) -> np.ndarray:
    u = np.random.default_rng(seed).uniform(size=n)
    return np.maximum(1.0, np.floor(100 * rtp / (1 - u)) / 100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=1_000_000)
    parser.add_argument("--models", default="house,empirical,heuristic")
    args = parser.parse_args()
    series = simulate(args.rounds)
    print(f"{args.rounds} simulated rounds, h=1, step 1, every round after the warm-up")
    names = [name for name in args.models.split(",") if name]
    missing = [name for name in names if name not in known_models()]
    if missing:
        print(f"not registered: {', '.join(missing)} (known: {', '.join(known_models())})")
    start = time.perf_counter()
    report = run_backtest(series, [name for name in names if name not in missing])
    print(f"whole backtest: {time.perf_counter() - start:.2f} s")
    for name, reason in report.skipped.items():
        print(f"{name:>10}: skipped, {reason}")
    for name, result in report.models.items():
        skill = result.skill
        interval = (
            f"[{skill.low:+.5f}, {skill.high:+.5f}]"
            if skill.low is not None and skill.high is not None
            else ""
        )
        print(
            f"{name:>10}: {result.seconds:7.2f} s for {result.rounds} forecasts "
            f"({result.seconds / max(result.rounds, 1) * 1e6:.1f} µs each, scoring included); "
            f"skill {skill.mean:+.5f} {interval} {skill.verdict}"
        )


if __name__ == "__main__":
    main()
