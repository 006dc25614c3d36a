"""``aviator verify ...``: check provably-fair rounds from the command line.

Exit codes: 0 when the checks pass, 1 when a given commitment does not match or a chain does not
reach its tip, 2 for bad input (the message names the option).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from aviator.cli.verify_file import verify_file

if TYPE_CHECKING:
    from aviator.fairness.records import CrashCheck

verify_app = typer.Typer(
    help="Verify provably-fair rounds: Spribe Aviator hashes, bustabit v2 and Stake crash results, "
    "Stake limbo results, hash chains.",
    no_args_is_help=True,
)

verify_app.command("file")(verify_file)

T = TypeVar("T")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
HashOption = Annotated[str, typer.Option("--hash", help="The game hash (64 hex characters).")]


def _checked(option: str, compute: Callable[[], T]) -> T:
    """Run ``compute``; a ValueError becomes a usage error naming ``option`` (exit code 2)."""
    try:
        return compute()
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint=f"'{option}'") from error


def _hex_option(value: str, option: str) -> str:
    """``value`` as 64 lower-case hex characters, or a usage error naming ``option``."""
    from aviator.fairness.hashing import parse_hex

    return _checked(option, lambda: parse_hex(value, name=option.lstrip("-"), length=64))


def _emit(payload: dict[str, Any], as_json: bool, title: str, rows: list[tuple[str, str]]) -> None:
    if as_json:
        typer.echo(json.dumps(payload))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for name, value in rows:
        table.add_row(name, value)
    Console().print(table)


def _verdict(ok: bool | None) -> str:
    return "not checked" if ok is None else ("[green]match[/green]" if ok else "[red]MISMATCH[/red]")


@verify_app.command("aviator")
def aviator_command(
    server_seed: Annotated[
        str | None, typer.Option("--server-seed", help="The revealed server seed.")
    ] = None,
    client_seed: Annotated[
        list[str] | None, typer.Option("--client-seed", help="A client seed; give it three times, in order.")
    ] = None,
    server_hash: Annotated[
        str | None, typer.Option("--server-hash", help="The SHA-256 commitment shown before the round.")
    ] = None,
    result: Annotated[
        float | None,
        typer.Option(
            "--result", min=1.0, help="The multiplier you saw: tested against public candidate mappings."
        ),
    ] = None,
    rounds: Annotated[
        Path | None,
        typer.Option(
            "--rounds",
            exists=True,
            dir_okay=False,
            help="A file of recorded rounds (seeds, results) to test the candidate mappings on, instead "
            "of one round's seeds.",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Recompute a Spribe Aviator round's hashes (Spribe does not publish the multiplier step)."""
    if rounds is not None:
        if server_seed is not None or client_seed or server_hash is not None or result is not None:
            raise typer.BadParameter(
                "give either --rounds FILE or one round's seeds (and --result), not both",
                param_hint="'--rounds'",
            )
        from aviator.cli.verify_file import verify_aviator_rounds

        verify_aviator_rounds(rounds, as_json)
        return
    if not server_seed:
        raise typer.BadParameter(
            "the server seed is empty (or give --rounds FILE)", param_hint="'--server-seed'"
        )
    from aviator.fairness.aviator_spribe import check_seeds, verify_aviator

    seeds = _checked("--client-seed", lambda: check_seeds(server_seed, client_seed or []))
    given = None if server_hash is None else _hex_option(server_hash, "--server-hash")
    check = verify_aviator(server_seed, seeds, given)
    rows = [("server seed", check.server_seed)]
    rows += [(f"client seed {i}", seed) for i, seed in enumerate(check.client_seeds, start=1)]
    rows += [
        ("server hash (given)", check.server_hash_expected or "-"),
        ("sha256(server seed)", check.server_hash_computed),
        ("commitment", _verdict(check.server_hash_ok)),
        ("combined SHA-512", check.combined_hash),
        ("hex (first 13)", check.hex13),
        ("decimal", str(check.decimal)),
        ("result", "not computed" if result is None else f"{result:.2f}x seen; not verifiable (see below)"),
    ]
    payload = check.to_json()
    if result is not None:
        from aviator.fairness.candidates import match_candidates, status_for

        matches = match_candidates(check.combined_hash, result)
        payload["result_seen"] = result
        payload["candidates"] = [{**m.to_json(), "status": status_for(1, int(m.matches))} for m in matches]
    _emit(payload, as_json, "Spribe Aviator round", rows)
    if not as_json:
        typer.echo(check.note)
        if result is not None:
            from rich.console import Console

            from aviator.cli.verify_render import CANDIDATES_WORDS, matches_table

            Console().print(matches_table(matches, result))
            typer.echo(CANDIDATES_WORDS)
    if check.server_hash_ok is False:
        raise typer.Exit(1)


def _crash_rows(check: CrashCheck) -> list[tuple[str, str]]:
    return [
        ("game hash", check.game_hash),
        ("salt", check.salt),
        ("HMAC-SHA256", check.hmac),
        ("hex window", check.hex_window),
        ("decimal", str(check.decimal)),
        ("result", f"{check.result:.2f}x"),
        ("formula", check.formula),
    ]


@verify_app.command("bustabit")
def bustabit_command(
    game_hash: HashOption,
    salt: Annotated[str | None, typer.Option("--salt", help="Salt (default: bustabit v2's).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Recompute a bustabit v2 game's bust from its hash."""
    from aviator.fairness.bustabit import BUSTABIT_V2_SALT, verify_bustabit

    hash_hex = _hex_option(game_hash, "--hash")
    check = verify_bustabit(hash_hex, _hex_option(salt or BUSTABIT_V2_SALT, "--salt"))
    _emit(check.to_json(), as_json, "bustabit v2 game", _crash_rows(check))


@verify_app.command("stake-crash")
def stake_crash_command(
    game_hash: HashOption,
    salt: Annotated[str | None, typer.Option("--salt", help="Salt (default: Stake crash's).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Recompute a Stake crash game's result from its hash."""
    from aviator.fairness.stake import STAKE_CRASH_SALT, verify_stake_crash

    hash_hex = _hex_option(game_hash, "--hash")
    check = verify_stake_crash(hash_hex, _hex_option(salt or STAKE_CRASH_SALT, "--salt"))
    _emit(check.to_json(), as_json, "Stake crash game", _crash_rows(check))


@verify_app.command("stake-limbo")
def stake_limbo_command(
    server_seed: Annotated[str, typer.Option("--server-seed", help="The revealed server seed.")],
    client_seed: Annotated[str, typer.Option("--client-seed", help="Your client seed.")],
    nonce: Annotated[int, typer.Option("--nonce", min=0, help="The bet's nonce.")],
    as_json: JsonFlag = False,
) -> None:
    """Recompute a Stake limbo result from the seeds and nonce."""
    from aviator.fairness.stake import stake_limbo_result

    result = stake_limbo_result(server_seed, client_seed, nonce)
    payload = {"server_seed": server_seed, "client_seed": client_seed, "nonce": nonce, "result": result}
    rows = [("server seed", server_seed), ("client seed", client_seed), ("nonce", str(nonce))]
    _emit(payload, as_json, "Stake limbo bet", [*rows, ("result", f"{result:.2f}x")])


@verify_app.command("chain")
def chain_command(
    game_hash: HashOption,
    tip: Annotated[str, typer.Option("--tip", help="The published terminating hash (64 hex).")],
    max_steps: Annotated[
        int | None,
        typer.Option("--max-steps", min=0, help="Give up after this many hashings (default 10,000,000)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Count the SHA-256 steps from a game hash to the chain's published tip (the game's number)."""
    from aviator.fairness.chain import DEFAULT_MAX_STEPS, verify_chain

    if max_steps is None:
        max_steps = DEFAULT_MAX_STEPS
    hash_hex = _hex_option(game_hash, "--hash")
    tip_hex = _hex_option(tip, "--tip")
    check = verify_chain(hash_hex, tip_hex, max_steps)
    steps = "not reached" if check.steps is None else str(check.steps)
    rows = [
        ("game hash", check.game_hash),
        ("tip", check.tip),
        ("max steps", str(max_steps)),
        ("steps", steps),
    ]
    _emit(check.to_json(), as_json, "Hash chain", rows)
    if not check.ok:
        raise typer.Exit(1)
