"""Benchmark: the fairness audit, offline (a whole series) and live (round by round, report on demand).

Rounds are fair Aviator rounds (fairness.planted.fair_rounds, c = 0.97). For each size it prints the
offline audit's time, the live audit's cost per added round (measured after the audit has already
seen that many rounds, so a constant figure across sizes is the O(1) claim), the time of one live
report and the size of the live state as JSON.
Usage: python benchmarks/bench_audit.py [--sizes 20000,1000000] [--adds 20000]
"""

from __future__ import annotations

import argparse
import json
import time

from aviator.audit import LiveAudit, audit_rounds
from aviator.fairness.planted import fair_rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="20000,1000000")
    parser.add_argument("--adds", type=int, default=20_000)
    args = parser.parse_args()
    extra = fair_rounds(args.adds, 0.97, seed=1)
    for size in (int(x) for x in args.sizes.split(",")):
        rounds = fair_rounds(size, 0.97, seed=0)
        start = time.perf_counter()
        report = audit_rounds(rounds, 0.97)
        offline = time.perf_counter() - start
        live = LiveAudit.from_rounds(rounds, 0.97)
        start = time.perf_counter()
        for m in extra:
            live.add(float(m))
        per_add = (time.perf_counter() - start) / args.adds
        start = time.perf_counter()
        live.report()
        one_report = time.perf_counter() - start
        state = len(json.dumps(live.to_state()))
        print(
            f"{size:>9,} rounds: offline audit {offline:.2f} s ({report.verdict}); live add "
            f"{per_add * 1e6:.0f} µs/round after {size:,}; live report {one_report * 1e3:.0f} ms; "
            f"state {state / 1e3:.0f} kB of JSON"
        )


if __name__ == "__main__":
    main()
