"""Measurement: on streams with a planted deviation, how often each part of the audit fails.

For each kind of stream (fairness.planted), ``--runs`` streams of ``--rounds`` rounds are audited
against c = 0.97; the table gives the share of streams in which the verdict was inconsistent and in
which each part failed. A fair stream shows the false-alarm rate; the others show each part failing
where it must.
Usage: python benchmarks/measure_audit_planted.py [--rounds 20000] [--runs 100]
"""

from __future__ import annotations

import argparse
import time

from aviator.audit import audit_rounds
from aviator.audit.report import PARTS
from aviator.fairness.planted import Plant, planted_rounds

STREAMS: list[tuple[str, Plant]] = [
    ("fair", Plant("fair")),
    ("return 0.01 short", Plant("shortfall", 0.01)),
    ("return 0.005 short", Plant("shortfall", 0.005)),
    ("capped at 1000x", Plant("cap", level=1000.0)),
    ("tail above 100x thinned by 30%", Plant("thin", 0.3, level=100.0)),
    ("lag-1 dependence at 2x, s = 0.03", Plant("lag", 0.03)),
    ("regimes c +- 0.02, switch 0.001", Plant("regime", 0.02, switch=0.001)),
    ("regimes c +- 0.02, switch 0.01", Plant("regime", 0.02, switch=0.01)),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    start = time.perf_counter()
    print(f"{args.runs} streams of {args.rounds:,} rounds each, audited against c = 0.97")
    print(f"| stream | inconsistent | {' | '.join(PARTS)} |")
    print("|---|" + "---|" * (1 + len(PARTS)))
    for i, (name, plant) in enumerate(STREAMS):
        reports = [
            audit_rounds(planted_rounds(args.rounds, plant, seed=2_000_000 + 1_000 * i + run), 0.97)
            for run in range(args.runs)
        ]
        inconsistent = sum(r.verdict == "inconsistent" for r in reports) / args.runs
        shares = [sum(part in r.failed_parts for r in reports) / args.runs for part in PARTS]
        print(f"| {name} | {inconsistent:.0%} | " + " | ".join(f"{s:.0%}" for s in shares) + " |")
    print(f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
