"""Start-up time of the ``aviator`` command, beside a bare interpreter.

Run: ``.venv/bin/python benchmarks/bench_cli.py [--runs 15]``. Each command is started ``--runs``
times as a whole process (after one warm-up run); the table gives the minimum, median and maximum wall
time. Goal: ``aviator --help`` and ``aviator verify bustabit --hash ...`` start in under 0.3 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

AVIATOR = str(Path(sys.executable).parent / "aviator")
HASH = "0000000000000000004d6ec16dafe9d8370958664c1dc422f452892264c59526"
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "aviator --help": [AVIATOR, "--help"],
    "aviator verify bustabit --hash H": [AVIATOR, "verify", "bustabit", "--hash", HASH],
    "aviator verify chain (1 step)": [AVIATOR, "verify", "chain", "--hash", HASH, "--tip", HASH, "--json"],
}


def wall_times(command: list[str], runs: int) -> list[float]:
    subprocess.run(command, capture_output=True, check=True)  # warm-up: caches, bytecode
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print(f"{'command':<36} {'min s':>7} {'median s':>9} {'max s':>7}")
    for name, command in COMMANDS.items():
        times = wall_times(command, args.runs)
        print(f"{name:<36} {min(times):>7.3f} {statistics.median(times):>9.3f} {max(times):>7.3f}")


if __name__ == "__main__":
    main()
