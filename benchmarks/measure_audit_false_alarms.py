"""Measurement: how often the audit calls a fair game inconsistent (its false-alarm rate), over many runs.

Each run audits a fresh fair stream (fairness.planted.fair_rounds) against its own return; the rate
is printed with its 95% (Clopper-Pearson) interval, then, per test, how often its own p-value fell
below alpha / m (Holm's first step: about alpha / m for a test whose p-value is exact) and how often it
failed in the verdict.
Usage: python benchmarks/measure_audit_false_alarms.py [--rounds 2000] [--runs 1000] [--rtp 0.97]
"""

from __future__ import annotations

import argparse
import collections
import time

from scipy.stats import binomtest

from aviator.audit import audit_rounds
from aviator.audit.audit import TEST_COUNT
from aviator.audit.verdict import ALPHA
from aviator.fairness.planted import fair_rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=1_000)
    parser.add_argument("--rtp", type=float, default=0.97)
    parser.add_argument("--first-seed", type=int, default=1_000_000)
    args = parser.parse_args()
    start = time.perf_counter()
    alarms, fired, below = 0, collections.Counter[str](), collections.Counter[str]()
    names: list[str] = []
    for i in range(args.runs):
        report = audit_rounds(fair_rounds(args.rounds, args.rtp, seed=args.first_seed + i), args.rtp)
        names = [test.name for test in report.tests]
        below.update(test.name for test in report.tests if test.p_value <= ALPHA / TEST_COUNT)
        if report.verdict == "inconsistent":
            alarms += 1
            fired.update(test.name for test in report.failed_tests())
    interval = binomtest(alarms, args.runs).proportion_ci(0.95)
    print(
        f"{args.rounds:,} rounds at c = {args.rtp:g}, {args.runs:,} runs: {alarms} called inconsistent = "
        f"{alarms / args.runs:.2%} (95% interval {interval.low:.2%} to {interval.high:.2%}); "
        f"{time.perf_counter() - start:.0f} s"
    )
    print(f"  per test: share of runs with p <= {ALPHA / TEST_COUNT:.4f} / runs it failed in")
    for name in names:
        print(f"  {name}: {below[name] / args.runs:.2%} / {fired[name]}")


if __name__ == "__main__":
    main()
