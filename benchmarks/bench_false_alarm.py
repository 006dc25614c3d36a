"""The false-alarm rate under continuous watching: fair streams through the live verdict of every fast model.

Each run is a fresh fair stream (the house law, P(M >= m) = c/m, independent rounds) of ``--rounds``
rounds. Every round-by-round model forecasts every round from the rounds before it, and the verdict of
each is read after every round, as the live tracker reads it. A run is a false alarm when any model's
verdict ever says "evidence of skill". Counted twice: with the live tracker's interval (an anytime-valid
confidence sequence, 5% split over the models) and with the old one (a fixed-n 95% interval,
mean +/- 1.96 sd/sqrt(n), no correction, re-read every round).

Usage: python benchmarks/bench_false_alarm.py [--runs 200] [--rounds 5000] [--models a,b,...]
"""

from __future__ import annotations

import argparse
import math
import time

from aviator.evaluation.watching import FAST_MODELS, first_skill, live_differences
from aviator.fairness.planted import fair_rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5_000)
    parser.add_argument("--models", default=",".join(FAST_MODELS))
    parser.add_argument("--seed", type=int, default=1_000)
    args = parser.parse_args()
    names = [name for name in args.models.split(",") if name]
    began, cpu = time.perf_counter(), time.process_time()
    alarms = {"sequence": 0, "fixed": 0}
    by_model = {kind: dict.fromkeys(names, 0) for kind in alarms}
    first_fixed: list[int] = []
    for run in range(args.runs):
        series = fair_rounds(args.rounds, seed=args.seed + run)
        differences = live_differences(series, names)
        for kind in alarms:
            firsts = {name: first_skill(d, len(names), kind) for name, d in differences.items()}  # type: ignore[arg-type]
            hit = [name for name, first in firsts.items() if first is not None]
            alarms[kind] += bool(hit)
            for name in hit:
                by_model[kind][name] += 1
            if kind == "fixed" and hit:
                first_fixed.append(min(first for first in firsts.values() if first is not None))
    runs = args.runs
    print(
        f"{runs} fair runs of {args.rounds} rounds, models {', '.join(names)}; verdict read after every round"
    )
    for kind, label in (
        ("sequence", "confidence sequence, 5% split over the models"),
        ("fixed", "fixed-n 95%, no correction"),
    ):
        rate = alarms[kind] / runs
        se = math.sqrt(rate * (1 - rate) / runs)
        per_model = ", ".join(f"{name} {count}" for name, count in by_model[kind].items())
        print(
            f"  {label}: {alarms[kind]} of {runs} runs ever showed 'evidence of skill' "
            f"({rate:.1%} ± {se:.1%}); by model: {per_model}"
        )
    if first_fixed:
        first_fixed.sort()
        print(
            "  fixed-n interval: first false 'evidence of skill' after a median of "
            f"{first_fixed[len(first_fixed) // 2]} rounds"
        )
    print(f"wall {time.perf_counter() - began:.1f} s, cpu {time.process_time() - cpu:.1f} s")


if __name__ == "__main__":
    main()
