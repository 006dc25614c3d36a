"""Files of bustabit / Stake games: exactly the failures planted, on their lines, and nothing else."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pytest

from aviator.fairness import bustabit_result, stake_crash_result
from aviator.fairness.batch import verify_crash_games
from aviator.fairness.batch_records import BadRow, BatchReport, GameRow
from aviator.fairness.bustabit import bustabit_hmac
from aviator.fairness.crash_schemes import BUSTABIT, STAKE_CRASH, crash_scheme

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "fairness_vectors.json").read_text(encoding="utf-8")
)


def chain(length: int, seed: str = "batch") -> list[str]:
    """Game hashes newest first: each next one is the SHA-256 of the one before (as hex)."""
    hashes = [hashlib.sha256(seed.encode()).hexdigest()]
    while len(hashes) < length:
        hashes.append(hashlib.sha256(hashes[-1].encode("ascii")).hexdigest())
    return hashes


def rows(hashes: list[str], top: int | None = None, results: bool = True) -> list[GameRow | BadRow]:
    """One row per hash from line 2, numbered down from ``top`` when given."""
    return [
        GameRow(
            line=index + 2,
            game_hash=game_hash,
            result=bustabit_result(game_hash) if results else None,
            number=None if top is None else top - index,
        )
        for index, game_hash in enumerate(hashes)
    ]


def failures(report: BatchReport) -> list[tuple[int, str]]:
    return [(failure.line, failure.check) for failure in report.failures]


@pytest.mark.parametrize("size", [1, 2, 50, 3000])
@pytest.mark.parametrize("numbered", [False, True])
def test_fair_files_pass_at_every_size(size: int, numbered: bool) -> None:
    report = verify_crash_games(rows(chain(size), top=size + 10 if numbered else None), BUSTABIT)
    summary = report.summary
    assert report.ok and report.failures == ()
    assert (summary.checked, summary.passed, summary.failed, summary.not_compared) == (size, size, 0, 0)
    assert summary.links_checked == summary.links_ok == size - 1
    assert summary.checks["result"].checked == summary.checks["result"].ok == size
    assert summary.first_failure is None
    assert summary.order == (None if size == 1 else "newest first")


def test_one_altered_result_one_broken_link_one_bad_line_are_exactly_the_failures() -> None:
    first_part, second_part = chain(10, "first run"), chain(15, "second run")
    items = rows(first_part + second_part, top=1000)
    altered = items[3]
    assert isinstance(altered, GameRow) and altered.line == 5
    items[3] = altered._replace(result=altered.result + 0.01 if altered.result else None)
    items[18] = BadRow(line=20, reason="expected 3 columns, found 2")
    report = verify_crash_games(items, BUSTABIT)
    assert failures(report) == [(5, "result"), (12, "link"), (20, "row")]
    summary = report.summary
    assert (summary.checked, summary.passed, summary.failed) == (25, 22, 3)
    # 24 pairs; the bad line's neighbours link across it (game numbers 1 apart by 2: two hashings).
    assert (summary.links_checked, summary.links_ok) == (23, 22)
    assert summary.first_failure is not None and summary.first_failure.line == 5
    assert "not chained to line 11" in report.failures[1].message
    assert report.failures[1].found == second_part[0]


@pytest.mark.parametrize("numbered", [False, True])
def test_a_hash_outside_the_chain_is_the_one_failure(numbered: bool) -> None:
    items = rows(chain(30), top=500 if numbered else None)
    stranger = hashlib.sha256(b"not in the chain").hexdigest()
    items[10] = GameRow(
        line=12, game_hash=stranger, result=bustabit_result(stranger), number=490 if numbered else None
    )
    report = verify_crash_games(items, BUSTABIT)
    assert failures(report) == [(12, "link")]
    assert "not in the chain: line 11 and line 13 chain to each other around it" in report.failures[0].message


def test_oldest_first_files_and_unreadable_lines_between_games() -> None:
    hashes = list(reversed(chain(40)))
    items = rows(hashes)
    items[5] = BadRow(line=7, reason="unreadable")
    items[6] = BadRow(line=8, reason="unreadable")
    report = verify_crash_games(items, BUSTABIT)
    assert report.summary.order == "oldest first"
    assert failures(report) == [(7, "row"), (8, "row")]
    assert report.summary.links_ok == report.summary.links_checked == 37


def test_game_number_gaps_are_walked_duplicates_fail_and_long_gaps_are_skipped() -> None:
    hashes = chain(200)
    every_third = [
        GameRow(line=2 + i, game_hash=hashes[3 * i], result=None, number=1000 - 3 * i) for i in range(60)
    ]
    report = verify_crash_games(every_third, BUSTABIT)
    assert report.ok and report.summary.links_ok == 59
    assert verify_crash_games(every_third, BUSTABIT, max_gap=2).summary.links_skipped == 59
    duplicate = [every_third[0], every_third[1], every_third[1]._replace(line=4)]
    report = verify_crash_games(duplicate, BUSTABIT)
    assert failures(report) == [(4, "link")]
    assert report.failures[0].message == "game number 997 is also on line 3"


@pytest.mark.parametrize("vector", VECTORS["bustabit_v2"], ids=lambda v: v["id"])
def test_the_published_game_one_reaches_the_published_tip(vector: dict[str, Any]) -> None:
    game_one = GameRow(line=2, game_hash=vector["game_hash"], result=vector["expected_bust"], number=1)
    report = verify_crash_games([game_one], BUSTABIT, tip=vector["terminating_hash"])
    tip = report.summary.tip
    assert report.ok and tip is not None
    assert (tip.steps, tip.number_matches, tip.chain_to_tip, tip.from_line) == (1, True, True, 2)
    mislabelled = verify_crash_games([game_one._replace(number=2)], BUSTABIT, tip=BUSTABIT.published_tip)
    assert failures(mislabelled) == [(2, "tip")]
    assert "this is game 1, not 2" in mislabelled.failures[0].message


def test_the_newest_game_walks_to_a_tip_and_an_unreached_tip_fails() -> None:
    hashes = chain(120)
    tip = hashlib.sha256(hashes[-1].encode("ascii")).hexdigest()  # game 1 is hashes[-1]
    items = list(reversed(rows(hashes, top=120)))  # oldest first: the newest game is the last line
    items = [item._replace(line=index + 2) for index, item in enumerate(items)]
    report = verify_crash_games(items, BUSTABIT, tip=tip)
    assert report.ok and report.summary.tip is not None
    assert (report.summary.tip.steps, report.summary.tip.from_line) == (120, 121)
    short = verify_crash_games(items, BUSTABIT, tip=tip, max_steps=50)
    assert failures(short) == [(121, "tip")]
    assert short.summary.tip is not None and not short.summary.tip.chain_to_tip


def test_stake_results_and_a_wrong_game_or_salt() -> None:
    hashes = chain(300)
    stake_rows = [GameRow(i + 2, h, stake_crash_result(h)) for i, h in enumerate(hashes)]
    assert verify_crash_games(stake_rows, STAKE_CRASH).ok
    as_bustabit = verify_crash_games(stake_rows, BUSTABIT)
    assert as_bustabit.summary.links_ok == 299
    wrong = {f.line for f in as_bustabit.failures}
    assert wrong == {i + 2 for i, h in enumerate(hashes) if bustabit_result(h) != stake_crash_result(h)}
    salted = verify_crash_games(rows(hashes), crash_scheme("bustabit", "cd" * 32), max_failures=10)
    assert salted.summary.failures_total > 250 and len(salted.failures) == 10


def test_rows_with_nothing_to_compare_are_counted_apart() -> None:
    hashes = chain(3)
    lone = verify_crash_games(rows(hashes[:1], results=False), BUSTABIT)
    assert (lone.summary.passed, lone.summary.not_compared, lone.summary.failed) == (0, 1, 0)
    assert verify_crash_games(rows(hashes, results=False), BUSTABIT).summary.passed == 3


def test_bad_hashes_name_their_line() -> None:
    items: list[GameRow | BadRow] = [
        GameRow(2, None),
        GameRow(3, "zz" * 32),
        GameRow(4, "ab" * 31),
        GameRow(5, "AB" * 32, None),
    ]
    report = verify_crash_games(items, BUSTABIT)
    assert failures(report) == [(2, "hash"), (3, "hash"), (4, "hash")]
    assert report.failures[0].message == "no game hash on this row"
    assert "is not 64 hexadecimal characters" in report.failures[1].message
    assert report.summary.not_compared == 1


def _cents_at(game_hash: str, numerator: int) -> float:
    x = int(bustabit_hmac(game_hash)[:13], 16) / 2**52
    return max(1.0, math.floor(numerator / (1 - x)) / 100)


def test_a_capped_feed_and_a_lower_return_fail_on_exactly_the_rounds_they_change() -> None:
    hashes = chain(2000, "tampered")
    fair = rows(hashes)
    capped = [
        r._replace(result=min(r.result, 10.0)) if isinstance(r, GameRow) and r.result else r for r in fair
    ]
    over_cap = {r.line for r in fair if isinstance(r, GameRow) and r.result and r.result > 10.0}
    report = verify_crash_games(capped, BUSTABIT)
    assert {f.line for f in report.failures} == over_cap and len(over_cap) > 100
    assert {f.check for f in report.failures} == {"result"}
    lower = [GameRow(i + 2, h, _cents_at(h, 96)) for i, h in enumerate(hashes)]
    changed = {i + 2 for i, h in enumerate(hashes) if _cents_at(h, 96) != bustabit_result(h)}
    report = verify_crash_games(lower, BUSTABIT)
    assert {f.line for f in report.failures} == changed and len(changed) > 1500


def test_progress_and_bad_arguments() -> None:
    seen: list[int] = []
    verify_crash_games(rows(chain(70_000), results=False), BUSTABIT, progress=seen.append)
    assert seen == [65_536]
    with pytest.raises(ValueError, match="tip"):
        verify_crash_games([], BUSTABIT, tip="12")
    with pytest.raises(ValueError, match="max_gap"):
        verify_crash_games([], BUSTABIT, max_gap=0)


def test_a_file_that_turns_round_still_links_and_says_so() -> None:
    hashes = chain(20)
    turned = hashes[:10] + list(reversed(hashes[10:]))  # newest first, then the rest oldest first
    report = verify_crash_games(rows(turned), BUSTABIT)
    assert report.summary.order == "mixed"
    # Only the turn itself (line 11 -> line 12: games 10 and 19) is not a link.
    assert failures(report) == [(12, "link")]
    assert report.summary.links_ok == 18
