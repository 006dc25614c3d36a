"""`aviator verify file`: exit codes, the JSON report, a collector's file, and the candidates report."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aviator.cli.app import app
from aviator.fairness import bustabit_result

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "fairness_vectors.json").read_text(encoding="utf-8")
)
REAL = next(v for v in VECTORS["aviator_spribe"] if v["kind"] == "combined_hash")
runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    """Exit code and output, with rich's boxes and line wrapping taken out."""
    result = runner.invoke(app, ["verify", *args])
    return result.exit_code, " ".join(result.output.replace("│", " ").split())


def _chain(games: int, seed: bytes = b"cli file") -> list[str]:
    hashes = [hashlib.sha256(seed).hexdigest()]
    while len(hashes) < games:
        hashes.append(hashlib.sha256(hashes[-1].encode("ascii")).hexdigest())
    return hashes


def _bustabit_file(path: Path, games: int = 12, top: int = 5000) -> list[str]:
    hashes = _chain(games)
    lines = ["game,hash,bust"] + [f"{top - i},{h},{bustabit_result(h):.2f}" for i, h in enumerate(hashes)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def test_a_good_file_exits_0_and_a_tampered_one_exits_1_with_each_failure(tmp_path: Path) -> None:
    path = tmp_path / "games.csv"
    lines = _bustabit_file(path)
    code, output = _run("file", str(path), "--game", "bustabit")
    assert code == 0, output
    assert "every check held" in output and "12 of 12" in output
    number, game_hash, bust = lines[3].split(",")
    lines[3] = f"{number},{game_hash},{float(bust) + 1:.2f}"
    lines[8] = "4993,not-a-hash,2.00"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "report.json"
    code, output = _run("file", str(path), "--game", "bustabit", "--json", str(out))
    assert code == 1
    assert "recorded result" in output and "is not 64 hexadecimal characters" in output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [(f["line"], f["check"]) for f in report["failures"]] == [(4, "result"), (9, "hash")]
    summary = report["summary"]
    assert (summary["checked"], summary["passed"], summary["failed"]) == (12, 10, 2)
    assert summary["links_ok"] == summary["links_checked"] == 10
    assert summary["first_failure"]["line"] == 4 and report["ok"] is False


def test_altered_result_broken_link_and_bad_line_are_exactly_the_failures(tmp_path: Path) -> None:
    hashes = _chain(8) + _chain(8, b"another chain")  # the link between lines 9 and 10 is broken
    lines = ["game;hash;bust"] + [f"{900 - i};{h};{bustabit_result(h):.2f}" for i, h in enumerate(hashes)]
    lines[3] = lines[3].rsplit(";", 1)[0] + ";77.77"
    lines[13] = lines[13] + ";extra"
    path = tmp_path / "games.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = _run("file", str(path), "--game", "bustabit", "--json", "-")
    assert code == 1
    report = json.loads(output)
    assert [(f["line"], f["check"]) for f in report["failures"]] == [(4, "result"), (10, "link"), (14, "row")]
    assert report["failures"][2]["message"] == "expected 3 columns, found 4"
    assert (report["summary"]["failed"], report["summary"]["passed"]) == (3, 13)


@pytest.mark.parametrize("vector", VECTORS["bustabit_v2"], ids=lambda v: v["id"])
def test_published_game_one_against_the_published_tip(tmp_path: Path, vector: dict[str, Any]) -> None:
    path = tmp_path / "game1.json"
    path.write_text(
        json.dumps([{"game_id": 1, "hash": vector["game_hash"], "bust": 15.49}]), encoding="utf-8"
    )
    code, output = _run("file", str(path), "--game", "bustabit", "--tip", "published", "--json", "-")
    assert code == 0, output
    tip = json.loads(output)["summary"]["tip"]
    assert (tip["steps"], tip["number_matches"], tip["chain_to_tip"]) == (1, True, True)
    assert tip["tip"] == vector["terminating_hash"]


def test_a_simulator_file_written_by_the_collector_verifies_row_by_row(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["collect", "--out", str(tmp_path), "--rounds", "25", "--interval", "0", "--rtp", "0.97"]
    )
    assert result.exit_code == 0, result.output
    (written,) = tmp_path.glob("aviator_payouts_*.csv")
    code, output = _run("file", str(written), "--game", "simulator", "--json", "-")
    assert code == 0, output
    summary = json.loads(output)["summary"]
    assert (summary["checked"], summary["passed"]) == (25, 25)
    for check in ("commitment", "combined_hash", "result"):
        assert summary["checks"][check] == {"checked": 25, "ok": 25}
    code, _ = _run("file", str(written), "--game", "simulator", "--rtp", "0.9")
    assert code == 1


def test_the_real_aviator_round_against_the_candidates() -> None:
    args = ["aviator", "--server-seed", REAL["server_seed"]]
    for seed in REAL["client_seeds"]:
        args += ["--client-seed", seed]
    code, output = _run(*args, "--result", str(REAL["reported_result"]), "--json")
    assert code == 0
    payload = json.loads(output)
    assert payload["result"] is None and payload["result_seen"] == 78.36
    assert payload["candidates"] and not any(c["matches"] for c in payload["candidates"])
    assert {c["status"] for c in payload["candidates"]} == {"not matching"}
    code, output = _run(*args, "--result", "78.36")
    assert code == 0 and "Candidate mappings against the result you saw" in output
    assert "not Spribe's formula" in output


def test_a_file_of_recorded_rounds_for_the_candidates(tmp_path: Path) -> None:
    path = tmp_path / "real.csv"
    seeds = ",".join(REAL["client_seeds"])
    path.write_text(
        "server_seed,client_seed_1,client_seed_2,client_seed_3,combined_hash,result\n"
        f"{REAL['server_seed']},{seeds},{REAL['expected_sha512']},78.36\n",
        encoding="utf-8",
    )
    code, output = _run("aviator", "--rounds", str(path), "--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["summary"]["checks"]["combined_hash"] == {"checked": 1, "ok": 1}
    assert {v["status"] for v in report["candidates"]} == {"not matching"}
    code, output = _run("aviator", "--rounds", str(path))
    assert code == 0 and "none is Spribe's published formula" in output
    code, output = _run("aviator", "--rounds", str(path), "--server-seed", "s")
    assert code == 2 and "--rounds" in output


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--game", "dice"], "--game"),
        (["--game", "bustabit", "--salt", "xyz"], "--salt"),
        (["--game", "bustabit", "--tip", "12"], "--tip"),
        (["--game", "simulator", "--tip", "published"], "--tip"),
        (["--game", "simulator", "--rtp", "1.5"], "--rtp"),
        (["--game", "aviator"], "FILE"),
    ],
)
def test_bad_input_exits_2_naming_what_is_wrong(tmp_path: Path, args: list[str], option: str) -> None:
    path = tmp_path / "games.csv"
    _bustabit_file(path)
    code, output = _run("file", str(path), *args)
    assert code == 2
    assert option in output


def test_unreadable_files_exit_2(tmp_path: Path) -> None:
    code, output = _run("file", str(tmp_path / "missing.csv"), "--game", "bustabit")
    assert code == 2 and "does not exist" in output
    headerless = tmp_path / "rounds.csv"
    headerless.write_text("timestamp,multiplier\n2025-12-10 19:32:35,2.5\n", encoding="utf-8")
    code, output = _run("file", str(headerless), "--game", "bustabit")
    assert code == 2 and "no recognizable header" in output
