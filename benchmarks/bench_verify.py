"""Verification speed: bustabit v2 games a second (HMAC + result + chain link), and the chain walk
beside plain hashlib loops.

Run: ``.venv/bin/python benchmarks/bench_verify.py [--games 300000] [--steps 3000000] [--repeat 3]
[--jobs N]`` (N worker processes for the file; default one per CPU).
Timing is time.perf_counter only; each figure is the best of ``--repeat`` runs, which is the one least
disturbed by other processes on a shared machine (the load average is printed first).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from aviator.fairness.batch import verify_crash_games
from aviator.fairness.batch_records import BadRow, GameRow
from aviator.fairness.bustabit import verify_bustabit
from aviator.fairness.chain import is_chain_link, steps_to_tip
from aviator.fairness.crash_schemes import BUSTABIT
from aviator.fairness.fasthash import HmacSha256
from aviator.files.games import open_games
from aviator.files.games_parallel import verify_crash_file


def make_games(count: int) -> list[GameRow | BadRow]:
    """``count`` chained games, newest first, numbered down to 1, each with its true result."""
    cents = BUSTABIT.cents_function()
    hashes = [hashlib.sha256(b"bench verify").hexdigest()]
    while len(hashes) < count:
        hashes.append(hashlib.sha256(hashes[-1].encode("ascii")).hexdigest())
    return [
        GameRow(index + 2, h, cents(bytes.fromhex(h), h.encode("ascii")) / 100, count - index)
        for index, h in enumerate(hashes)
    ]


def best_seconds(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def one_at_a_time(games: list[GameRow | BadRow]) -> None:
    """The same checks through the single-game functions (``aviator verify bustabit`` / ``chain``)."""
    previous = None
    for game in games:
        assert isinstance(game, GameRow) and game.game_hash is not None
        assert verify_bustabit(game.game_hash).result == game.result
        if previous is not None:
            assert is_chain_link(previous, game.game_hash)
        previous = game.game_hash


def plain_digest_loop(start: bytes, steps: int) -> bytes:
    current = start
    for _ in range(steps):
        current = hashlib.sha256(current).digest()
    return current


def plain_hex_loop(start: bytes, steps: int) -> bytes:
    current = start
    for _ in range(steps):
        current = hashlib.sha256(current).hexdigest().encode("ascii")
    return current


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--games", type=int, default=300_000)
    parser.add_argument("--steps", type=int, default=3_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes for the file")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"cpus: {os.cpu_count()}, load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    games = make_games(args.games)
    report = verify_crash_games(games, BUSTABIT)
    assert report.ok and report.summary.links_ok == args.games - 1, report.summary
    seconds = best_seconds(lambda: verify_crash_games(games, BUSTABIT), args.repeat)
    print(
        f"verifier, {args.games:,} bustabit games (HMAC + result + link): {args.games / seconds:,.0f} games/s"
    )
    sample = games[: min(len(games), 50_000)]
    seconds = best_seconds(lambda: one_at_a_time(sample), args.repeat)
    print(f"the single-game functions, {len(sample):,} games: {len(sample) / seconds:,.0f} games/s")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "games.csv"
        with path.open("w", encoding="utf-8") as handle:
            handle.write("game,hash,bust\n")
            for game in games:
                assert isinstance(game, GameRow)
                handle.write(f"{game.number},{game.game_hash},{game.result:.2f}\n")

        size = path.stat().st_size / 1e6
        for jobs in sorted({1, args.jobs}):

            def from_file(jobs: int = jobs) -> None:
                games = open_games(path)
                assert verify_crash_file(games, BUSTABIT, max_gap=1, max_steps=0, jobs=jobs).ok

            seconds = best_seconds(from_file, args.repeat)
            print(
                f"file end to end (read {size:.0f} MB of CSV + verify), {jobs} process(es): "
                f"{args.games / seconds:,.0f} games/s"
            )
    messages = [
        bytes.fromhex(game.game_hash) for game in games if isinstance(game, GameRow) and game.game_hash
    ]
    key = BUSTABIT.salt.encode("ascii")
    keyed = HmacSha256(key)
    stdlib = best_seconds(lambda: [hmac.digest(key, m, "sha256") for m in messages], args.repeat)
    copied = best_seconds(lambda: [keyed.digest(m) for m in messages], args.repeat)
    print(
        f"HMAC-SHA256 per game: hmac.digest {len(messages) / stdlib:,.0f}/s, "
        f"copied pads (HmacSha256) {len(messages) / copied:,.0f}/s"
    )
    start = hashlib.sha256(b"bench walk").hexdigest()
    unreachable = "0" * 64
    steps = args.steps
    walk = best_seconds(lambda: steps_to_tip(start, unreachable, steps), args.repeat)
    raw = best_seconds(lambda: plain_digest_loop(start.encode("ascii"), steps), args.repeat)
    hexed = best_seconds(lambda: plain_hex_loop(start.encode("ascii"), steps), args.repeat)
    print(f"chain walk (steps_to_tip), {steps:,} steps: {steps / walk:,.0f} steps/s")
    print(
        f"plain loop, sha256(h).digest(): {steps / raw:,.0f} steps/s (walk takes {walk / raw:.2f}x its time)"
    )
    print(
        f"plain loop, sha256(h).hexdigest().encode(): {steps / hexed:,.0f} steps/s "
        f"(walk takes {walk / hexed:.2f}x its time)"
    )


if __name__ == "__main__":
    main()
