"""Import speed end to end: simulated rounds in a temp CSV -> parse -> SQLite store (rows/s).

Run: ``.venv/bin/python benchmarks/bench_import.py [--rows 200000] [--no-fast-path] [--no-compare]``.
The main figures use the vectorized fast path unless ``--no-fast-path``; a last line times the other
path on the same file for comparison (``--no-compare`` skips it).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aviator.files.importer import ImportSummary, import_files
from aviator.store.db import connect, migrate
from aviator.store.repository import Store


def write_rounds(path: Path, rows: int, rng: random.Random) -> None:
    """Rounds with Aviator's odds (P(M >= m) = 0.97/m), one every ~10 s, timestamp + multiplier."""
    start = datetime(2025, 12, 10, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as handle:
        handle.write("timestamp,multiplier\n")
        for index in range(rows):
            stamp = (start + timedelta(seconds=10 * index)).strftime("%Y-%m-%d %H:%M:%S")
            multiplier = max(1.0, int(97 / (1 - rng.random())) / 100)
            handle.write(f"{stamp},{multiplier:.2f}\n")


def _import_into(folder: str, name: str, csv_path: Path, fast_path: bool) -> ImportSummary:
    engine = connect(f"sqlite:///{folder}/{name}.db")
    try:
        migrate(engine)
        return import_files([csv_path], Store(engine), fast_path=fast_path)
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fast-path", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--compare", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    other = None
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "aviator_payouts_bench.csv"
        write_rounds(csv_path, args.rows, random.Random(args.seed))
        started, cpu_started = time.perf_counter(), time.process_time()
        engine = connect(f"sqlite:///{folder}/bench.db")
        migrate(engine)
        migrated = time.perf_counter()
        summary = import_files([csv_path], Store(engine), fast_path=args.fast_path)
        finished, cpu = time.perf_counter(), time.process_time() - cpu_started
        engine.dispose()
        if args.compare:
            other = _import_into(folder, "other", csv_path, not args.fast_path)
    print(f"path: {'fast (vectorized)' if args.fast_path else 'line parser'}")
    print(f"rows: {summary.read}, stored: {summary.stored}, rejected: {summary.rejected}")
    print(f"connect + migrate: {migrated - started:.2f} s")
    print(f"import: {summary.seconds:.2f} s -> {summary.read / summary.seconds:,.0f} rows/s")
    print(f"end to end: {finished - started:.2f} s -> {summary.read / (finished - started):,.0f} rows/s")
    # CPU time says what the code costs when other processes compete for the cores.
    print(f"CPU time: {cpu:.2f} s -> {summary.read / cpu:,.0f} rows per CPU-second")
    if other is not None:
        name = "line parser" if args.fast_path else "fast path"
        print(f"{name} for comparison: import {other.seconds:.2f} s -> {other.rows_per_second:,.0f} rows/s")


if __name__ == "__main__":
    main()
