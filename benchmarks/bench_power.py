"""Power, measured: rounds each model needs before its live verdict says "evidence of skill".

For each planted kind and strength (``fairness.planted``: tests of the measurement, never models of a
real game), ``--runs`` streams of ``--rounds`` rounds are played through every round-by-round model;
the verdict is read after every round as the live tracker reads it (the anytime-valid confidence
sequence, 5% split over the models shown). Per model the median over runs of the rounds before the
first "evidence of skill" is printed ("never" when at most half the runs got there within the
stream), with how many runs did, as a Markdown table for docs/evaluation.md.

The "worth" of a plant is what knowing it gives a forecaster of the score's bins: the mean
Kullback-Leibler divergence per round of the planted bin law from the house's (nats a round; the
regime and periodic kinds averaged over their states, the oracle knowing the state).
``--worth`` prints only those.

Usage: python benchmarks/bench_power.py [--runs 7] [--rounds 30000] [--only lag,regime] [--worth]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from aviator.evaluation.watching import FAST_MODELS, first_skill, live_differences
from aviator.fairness.planted import Plant, lag_information, planted_rounds

PLANTS: tuple[tuple[str, Plant], ...] = (
    ("lag 1, s = 0.10", Plant(kind="lag", strength=0.10, lag=1)),
    ("lag 1, s = 0.14", Plant(kind="lag", strength=0.14, lag=1)),
    ("lag 1, s = 0.20", Plant(kind="lag", strength=0.20, lag=1)),
    ("lag 3, s = 0.20", Plant(kind="lag", strength=0.20, lag=3)),
    ("regime, s = 0.10, switch 0.001", Plant(kind="regime", strength=0.10, switch=0.001)),
    ("regime, s = 0.20, switch 0.001", Plant(kind="regime", strength=0.20, switch=0.001)),
    ("periodic, s = 0.10, period 50", Plant(kind="periodic", strength=0.10, period=50)),
    ("periodic, s = 0.20, period 50", Plant(kind="periodic", strength=0.20, period=50)),
    ("shortfall, s = 0.02", Plant(kind="shortfall", strength=0.02)),
    ("shortfall, s = 0.05", Plant(kind="shortfall", strength=0.05)),
    ("thin, s = 0.5 above 10x", Plant(kind="thin", strength=0.5, level=10.0)),
)


CUTS = np.array([1.5, 2.0, 3.0, 5.0, 10.0])


def bin_law(rtp: float) -> np.ndarray:
    """P(each score bin) under the fair law at return ``rtp``."""
    survival = np.concatenate([[1.0], np.minimum(1.0, rtp / CUTS), [0.0]])
    return np.asarray(-np.diff(survival), dtype=np.float64)


def kl(p: np.ndarray, q: np.ndarray) -> float:
    keep = p > 0
    return float(np.sum(p[keep] * np.log(p[keep] / q[keep])))


def worth(plant: Plant, rtp: float = 0.97) -> float:
    """Nats a round that knowing the plant is worth to a forecaster of the bins (see the docstring)."""
    house = bin_law(rtp)
    s = plant.strength
    if plant.kind == "lag":
        return lag_information(s, rtp, plant.threshold)
    if plant.kind == "shortfall":
        return kl(bin_law(rtp - s), house)
    if plant.kind == "regime":
        return 0.5 * kl(bin_law(rtp - s), house) + 0.5 * kl(bin_law(min(1.0, rtp + s)), house)
    if plant.kind == "periodic":
        phases = np.arange(plant.period)
        rtps = np.minimum(1.0, rtp * (1.0 + s * np.sin(2.0 * np.pi * phases / plant.period)))
        return float(np.mean([kl(bin_law(float(c)), house) for c in rtps]))
    if plant.kind == "thin" and plant.level == 10.0:
        # above 10x (M >= 10.01) a share s is redrawn below 10x, in the house's proportions there
        moved = s * rtp / 10.01
        thinned = house.copy()
        thinned[-1] -= moved
        thinned[:-1] += moved * house[:-1] / house[:-1].sum()
        return kl(thinned, house)
    raise ValueError(f"no worth formula for {plant}")


def describe(plant: Plant) -> str:
    return f"{worth(plant):.4f} nats a round"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=30_000)
    parser.add_argument("--models", default=",".join(FAST_MODELS))
    parser.add_argument("--only", default="", help="comma-separated kinds to run (default: all)")
    parser.add_argument("--seed", type=int, default=2_000)
    parser.add_argument("--worth", action="store_true", help="only print what each plant is worth")
    args = parser.parse_args()
    if args.worth:
        for label, plant in PLANTS:
            print(f"{label}: {describe(plant)}")
        return
    names = [name for name in args.models.split(",") if name]
    kinds = {kind for kind in args.only.split(",") if kind}
    began, cpu = time.perf_counter(), time.process_time()
    rows: list[str] = []
    for label, plant in PLANTS:
        if kinds and plant.kind not in kinds:
            continue
        firsts: dict[str, list[int | None]] = {name: [] for name in names}
        for run in range(args.runs):
            series = planted_rounds(args.rounds, plant, seed=args.seed + run)
            for name, d in live_differences(series, names).items():
                firsts[name].append(first_skill(d, len(names)))
        cells = []
        for name in names:
            found = sorted(v for v in firsts[name] if v is not None)
            if 2 * len(found) > args.runs:
                median = found[(args.runs + 1) // 2 - 1] if args.runs % 2 else found[args.runs // 2 - 1]
                cells.append(f"{median:,} ({len(found)}/{args.runs})")
            else:
                cells.append(f"never ({len(found)}/{args.runs})")
        row = f"| {label} | {describe(plant)} | " + " | ".join(cells) + " |"
        rows.append(row)
        print(row, flush=True)
    print()
    print(f"{args.runs} runs of {args.rounds:,} rounds per plant; verdict read after every round;")
    print("cell: median rounds to the first 'evidence of skill' (runs that got there / runs)")
    print("| plant | worth | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for row in rows:
        print(row)
    print(f"wall {time.perf_counter() - began:.0f} s, cpu {time.process_time() - cpu:.0f} s")


if __name__ == "__main__":
    main()
