"""Several processes give exactly the report one process gives, on files with every kind of failure."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from aviator.fairness import bustabit_result
from aviator.fairness.batch import verify_crash_games
from aviator.fairness.crash_schemes import BUSTABIT
from aviator.files.games import open_games
from aviator.files.games_parallel import default_jobs, plan_parts, verify_crash_file


def _tampered_file(path: Path, games: int, numbered: bool, seed: int) -> None:
    rng = random.Random(seed)
    hashes = [hashlib.sha256(f"parallel {seed}".encode()).hexdigest()]
    while len(hashes) < games:
        hashes.append(hashlib.sha256(hashes[-1].encode("ascii")).hexdigest())
    lines = ["game,hash,bust" if numbered else "hash,bust"]
    for index, game_hash in enumerate(hashes):
        bust = f"{bustabit_result(game_hash):.2f}"
        roll = rng.random()
        if roll < 0.02:
            bust = "9.99"  # an altered result
        elif roll < 0.03:
            game_hash = hashlib.sha256(f"stranger {index}".encode()).hexdigest()  # not in the chain
        elif roll < 0.04:
            lines.append("a line that is not a game")
            continue
        elif roll < 0.05:
            continue  # a game left out
        lines.append(f"{games - index},{game_hash},{bust}" if numbered else f"{game_hash},{bust}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_parallel_and_single_process_reports_are_the_same(tmp_path: Path) -> None:
    for seed, numbered in ((1, True), (2, False)):
        path = tmp_path / f"games_{seed}.csv"
        _tampered_file(path, 3000, numbered, seed)
        games = open_games(path)
        parts = plan_parts(games, part_bytes=8192)
        assert parts is not None and len(parts) > 20
        single = verify_crash_games(games.rows(), BUSTABIT, tip=BUSTABIT.published_tip, max_steps=10)
        parallel = verify_crash_file(
            games,
            BUSTABIT,
            tip=BUSTABIT.published_tip,
            max_gap=100_000,
            max_steps=10,
            jobs=2,
            part_bytes=8192,
        )
        assert parallel.summary.failed > 50
        assert parallel.to_json() == single.to_json()


def test_parts_end_at_line_ends_and_quotes_keep_one_process(tmp_path: Path) -> None:
    path = tmp_path / "games.csv"
    _tampered_file(path, 500, True, 3)
    games = open_games(path)
    parts = plan_parts(games, part_bytes=1000)
    assert parts is not None
    data = path.read_bytes()
    assert parts[0][0] == data.index(b"\n") + 1 and parts[-1][1] == len(data)
    assert all(data[end - 1 : end] == b"\n" for _, end, _ in parts)
    assert all(before == data[:start].count(b"\n") for start, _, before in parts)
    quoted = tmp_path / "quoted.csv"
    quoted.write_text(path.read_text(encoding="utf-8").replace("9.99", '"9.99"'), encoding="utf-8")
    assert plan_parts(open_games(quoted), part_bytes=1000) is None
    assert default_jobs(1000) == 1
