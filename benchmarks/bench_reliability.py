"""The trust-boundary and reliability items of issue 12, measured again against real servers.

Each item starts the servers it needs (``python -m aviator run|serve`` in a scratch folder with its own
SQLite file, on a free loopback port), runs its reproducer, and prints what the old main did (the
issue's figure) beside what this tree does now. Every process it starts is stopped on exit, Ctrl-C
included. Results are in docs/reliability.md.

    .venv/bin/python benchmarks/bench_reliability.py                  # every item (~15 min)
    .venv/bin/python benchmarks/bench_reliability.py --quick          # every item, shorter (~2 min)
    .venv/bin/python benchmarks/bench_reliability.py 4 12 --wait-quiet 1200
    .venv/bin/python benchmarks/bench_reliability.py kill9 --json out.json

PostgreSQL (items 7 and 8) comes from --pg-url or AVIATOR_TEST_DATABASE_URL; without it those parts
are skipped, saying so. Listens on loopback only (item 2's --insecure start binds 0.0.0.0 for a moment).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from reliability import boundary, durability, health, lifetime, load
from reliability.harness import ItemResult, Lab, load_average

Step = Callable[[Lab, ItemResult], None]

ITEMS: dict[str, tuple[str, str, list[Step]]] = {
    "1": ("cross-site", "Cross-site requests (no token set, the default)", [boundary.cross_site]),
    "2": ("open-bind", "Binding beyond loopback without a token; the export", [boundary.open_bind]),
    "3": ("headers", "Security headers", [boundary.headers]),
    "4": ("stall", "One client must not stall everyone", [load.ws_flood, load.chain_flood]),
    "5": ("body", "Bodies: the limit while reading, the token first", [boundary.big_body]),
    "6": ("sync", "Durability of an acknowledgement, and its cost", [durability.sync_cost]),
    "7": (
        "health",
        "Health that tells the truth",
        [health.deleted_and_replaced, health.postgres_away, health.full_disk],
    ),
    "8": ("bad-items", "Bad items must not sink a batch", [boundary.bad_items]),
    "9": ("websocket", "The WebSocket survives bad frames", [boundary.websocket_frames]),
    "10": (
        "lifetime",
        "Process lifetime",
        [lifetime.collector_lifetime, lifetime.shutdown_times, lifetime.two_on_one_file],
    ),
    "11": ("schemathesis", "The API schema lets a fuzzer in", [lifetime.schemathesis_run]),
    "12": ("load", "Under load", [load.under_load]),
    "kill9": ("kill9", "What held: kill -9 during acknowledged rounds", [durability.kill_during_acks]),
}


def pick(names: list[str]) -> list[str]:
    if not names or names == ["all"]:
        return list(ITEMS)
    chosen = []
    for name in names:
        key = next((k for k, (alias, _, _) in ITEMS.items() if name in (k, alias)), None)
        if key is None:
            known = ", ".join(f"{k} ({alias})" for k, (alias, _, _) in ITEMS.items())
            raise SystemExit(f"unknown item {name!r}; known: all, {known}")
        chosen.append(key)
    return chosen


def run_item(lab: Lab, key: str) -> ItemResult:
    alias, title, steps = ITEMS[key]
    result = ItemResult(number=key, title=title, load_before=load_average())
    print(f"\n== item {key} ({alias}): {title}   [load average {result.load_before}]", flush=True)
    started = time.monotonic()
    for step in steps:
        try:
            step(lab, result)
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # one reproducer failing must not hide the others' figures
            result.note(f"{step.__name__} FAILED: {type(exc).__name__}: {exc}")
            traceback.print_exc()
    result.seconds = time.monotonic() - started
    result.load_after = load_average()
    print(f"   ({result.seconds:.0f} s; load average after {result.load_after})", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("items", nargs="*", help="all (default), or item numbers / names")
    parser.add_argument("--quick", action="store_true", help="shorter runs of every reproducer")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("AVIATOR_TEST_DATABASE_URL"),
        help="a PostgreSQL server for items 7 and 8 (a scratch database is made and dropped)",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before the load-sensitive figures (4, 6 rows/s, 12), wait up to this long in all for a "
        "1-minute load under 1.5",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (servers' logs)")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a figure misses the issue's Must (else only said)"
    )
    options = parser.parse_args()
    keys = pick(options.items)
    lab = Lab(quick=options.quick, pg_url=options.pg_url, quiet_budget=options.wait_quiet, keep=options.keep)
    print(
        f"bench_reliability: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}, load average {load_average()}; "
        f"{'--quick; ' if options.quick else ''}PostgreSQL {'at hand' if options.pg_url else 'not given'}",
        flush=True,
    )
    results: list[ItemResult] = []
    started = time.monotonic()
    try:
        for key in keys:
            results.append(run_item(lab, key))
    except KeyboardInterrupt:
        print("\ninterrupted: stopping the servers", file=sys.stderr)
        return 130
    finally:
        lab.close()
        if options.keep:
            print(f"scratch folder kept: {lab.root}")
    misses = [(r.number, f.what) for r in results for f in r.figures if f.meets is False]
    failed = [(r.number, n) for r in results for n in r.notes if "FAILED" in n]
    print(f"\n{len(results)} item(s) in {time.monotonic() - started:.0f} s; load average {load_average()}")
    for number, what in misses:
        print(f"MISSES THE ISSUE'S MUST: item {number}: {what}")
    for number, note in failed:
        print(f"REPRODUCER FAILED: item {number}: {note}")
    if options.json:
        options.json.write_text(json.dumps([r.as_json() for r in results], indent=2))
    return 1 if failed or (misses and options.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
