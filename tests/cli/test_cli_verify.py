"""`aviator verify ...` reproduces every published vector and rejects bad input with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from aviator.cli.verify import verify_app
from aviator.fairness import server_hash

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "fairness_vectors.json").read_text(encoding="utf-8")
)
COMBINED = [v for v in VECTORS["aviator_spribe"] if v["kind"] == "combined_hash"]
STAKE_GAME_HASH = "5844bf329a6334074778ab8a5f0960e24f9eec43f83bbd98ac0a9f8bcd87184e"

app = typer.Typer()
app.add_typer(verify_app, name="verify")
runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["verify", *args])
    return result.exit_code, result.output


def _json(*args: str) -> dict[str, Any]:
    code, output = _run(*args, "--json")
    assert code == 0, output
    payload: dict[str, Any] = json.loads(output)
    return payload


def _seed_args(vector: dict[str, Any]) -> list[str]:
    args = ["--server-seed", vector["server_seed"]]
    for seed in vector["client_seeds"]:
        args += ["--client-seed", seed]
    return args


@pytest.mark.parametrize("vector", COMBINED, ids=lambda v: v["id"])
def test_aviator_json_reproduces_the_round(vector: dict[str, Any]) -> None:
    payload = _json("aviator", *_seed_args(vector), "--server-hash", server_hash(vector["server_seed"]))
    assert payload["combined_hash"] == vector["expected_sha512"]
    assert payload["hex13"] == vector["expected_hex13"]
    assert payload["decimal"] == vector["expected_decimal"]
    assert payload["server_hash_ok"] is True
    assert payload["result"] is None
    assert "does not publish" in payload["note"]


@pytest.mark.parametrize("vector", COMBINED, ids=lambda v: v["id"])
def test_aviator_table_and_mismatch_exit_code(vector: dict[str, Any]) -> None:
    code, output = _run("aviator", *_seed_args(vector))
    assert code == 0
    assert vector["expected_hex13"] in output and str(vector["expected_decimal"]) in output
    assert "does not publish" in output
    code, output = _run("aviator", *_seed_args(vector), "--server-hash", "0" * 64, "--json")
    assert code == 1
    assert json.loads(output)["server_hash_ok"] is False


@pytest.mark.parametrize("vector", VECTORS["bustabit_v2"], ids=lambda v: v["id"])
def test_bustabit_and_chain(vector: dict[str, Any]) -> None:
    payload = _json("bustabit", "--hash", vector["game_hash"])
    assert payload["result"] == vector["expected_bust"]
    assert isinstance(payload["result"], float)
    salted = _json("bustabit", "--hash", vector["game_hash"], "--salt", vector["salt_block_505750"])
    assert salted["result"] == vector["expected_bust"]
    chain = _json("chain", "--hash", vector["game_hash"], "--tip", vector["terminating_hash"])
    assert chain["steps"] == 1 and chain["ok"] is True
    code, output = _run("bustabit", "--hash", vector["game_hash"])
    assert code == 0 and "15.49" in output


def test_chain_not_reached_is_null_and_exit_1() -> None:
    vector = VECTORS["bustabit_v2"][0]
    code, output = _run(
        "chain",
        "--hash",
        vector["terminating_hash"],
        "--tip",
        vector["game_hash"],
        "--max-steps",
        "50",
        "--json",
    )
    assert code == 1
    assert json.loads(output)["steps"] is None


@pytest.mark.parametrize("vector", VECTORS["stake_limbo"], ids=lambda v: f"nonce{v['nonce']}")
def test_stake_limbo(vector: dict[str, Any]) -> None:
    args = ["--server-seed", vector["server_seed"], "--client-seed", vector["client_seed"]]
    payload = _json("stake-limbo", *args, "--nonce", str(vector["nonce"]))
    assert payload["result"] == vector["expected"]
    code, output = _run("stake-limbo", *args, "--nonce", str(vector["nonce"]))
    assert code == 0 and f"{vector['expected']:.2f}" in output


def test_stake_crash_default_salt_and_formula() -> None:
    payload = _json("stake-crash", "--hash", STAKE_GAME_HASH)
    assert payload["result"] == 2.35
    assert payload["salt"] == VECTORS["stake_crash_params"]["salt_bitcoin_block_584500"]
    other = _json("stake-crash", "--hash", STAKE_GAME_HASH, "--salt", "1" * 64)
    assert other["hmac"] != payload["hmac"]
    assert other["result"] >= 1.0


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["bustabit", "--hash", "xyz"], "--hash"),
        (["bustabit", "--hash", "ab" * 31], "--hash"),
        (["bustabit", "--hash", "ab" * 32, "--salt", "nothex"], "--salt"),
        (["stake-crash", "--hash", "g" * 64], "--hash"),
        (["chain", "--hash", "ab" * 32, "--tip", "12"], "--tip"),
        (["chain", "--hash", "ab" * 32, "--tip", "ab" * 32, "--max-steps", "-1"], "--max-steps"),
        (["aviator", "--server-seed", "s", "--client-seed", "a", "--client-seed", "b"], "--client-seed"),
        (["aviator", "--server-seed", "s", *["--client-seed", "a"] * 4], "--client-seed"),
        (["aviator", "--server-seed", "", *["--client-seed", "a"] * 3], "--server-seed"),
        (["stake-limbo", "--server-seed", "s", "--client-seed", "c", "--nonce", "-1"], "--nonce"),
        (
            [
                "aviator",
                "--server-seed",
                "s",
                "--client-seed",
                "a",
                "--client-seed",
                "b",
                "--client-seed",
                "c",
            ]
            + ["--server-hash", "abc"],
            "--server-hash",
        ),
    ],
)
def test_bad_input_names_the_option_and_exits_2(args: list[str], option: str) -> None:
    code, output = _run(*args)
    assert code == 2
    assert option in output


def test_chain_help_names_the_default_step_cap() -> None:
    from aviator.fairness.chain import DEFAULT_MAX_STEPS

    result = CliRunner().invoke(app, ["verify", "chain", "--help"], env={"COLUMNS": "200"})
    assert f"{DEFAULT_MAX_STEPS:,}" in result.output
