"""``aviator verify file FILE --game G``: verify every game of a file (results, chain links, seeds).

Exit codes: 0 when every row passes, 1 when any row fails, 2 for bad input (the message names it).
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from aviator.fairness.batch_records import BatchReport

GAMES = ("bustabit", "stake-crash", "aviator", "simulator")
#: Files at least this big show a progress bar (on a terminal).
PROGRESS_FROM_BYTES = 4 << 20


def _bad(message: str, option: str) -> typer.BadParameter:
    return typer.BadParameter(message, param_hint=f"'{option}'")


def _needed_columns(game: str, columns: tuple[str, ...], kind: str) -> None:
    if kind not in ("csv", "hash list"):
        return  # JSON keys are per object: a row without them fails on its own line
    if game in ("bustabit", "stake-crash") and "game_hash" not in columns:
        raise _bad(f"the file has no game hash column (hash, game_hash); found: {', '.join(columns)}", "FILE")
    if game in ("aviator", "simulator") and not {"server_seed", "combined_hash"} & set(columns):
        found = ", ".join(columns)
        raise _bad(
            f"the file has no server_seed or combined_hash column for --game {game}; found: {found}", "FILE"
        )


@contextmanager
def _progress_bar(size: int) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback drawing a bar on stderr for a large file on a terminal, else None."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    console = Console(stderr=True)
    if size < PROGRESS_FROM_BYTES or not console.is_terminal:
        yield None
        return
    columns = ("verifying", BarColumn(), DownloadColumn(), TimeRemainingColumn())
    # Drawn when the verifier reports, not from a thread of its own: worker processes can then fork.
    with Progress(*columns, console=console, transient=True, auto_refresh=False) as progress:
        task = progress.add_task("verifying", total=size)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)
            progress.refresh()

        yield update


def _tip_hex(tip: str | None, published: str) -> str | None:
    from aviator.fairness.hashing import parse_hex

    if tip is None:
        return None
    if tip.strip().lower() == "published":
        return published
    try:
        return parse_hex(tip, name="tip", length=64)
    except ValueError as error:
        raise _bad(str(error), "--tip") from None


def _run(
    file: Path,
    game: str,
    salt: str | None,
    tip: str | None,
    rtp: float,
    limits: tuple[int, int, int | None] = (1, 0, 1),
) -> BatchReport:
    from aviator.fairness.batch_seeds import verify_seeded_rounds
    from aviator.fairness.crash_schemes import crash_scheme
    from aviator.files.games import GamesFileError, open_games
    from aviator.files.games_parallel import verify_crash_file

    seeded = game in ("aviator", "simulator")
    if seeded and (salt is not None or tip is not None):
        option = "--salt" if salt is not None else "--tip"
        raise _bad(f"--salt and --tip apply to bustabit and stake-crash, not {game}", option)
    scheme = None
    if not seeded:
        try:
            scheme = crash_scheme(game, salt)
        except ValueError as error:
            raise _bad(str(error), "--salt") from None
    tip_hex = None if scheme is None else _tip_hex(tip, scheme.published_tip)
    try:
        games = open_games(file)
    except GamesFileError as error:
        raise _bad(str(error), "FILE") from None
    _needed_columns(game, games.columns, games.kind)
    if scheme is None:
        with _progress_bar(games.size) as progress:
            return verify_seeded_rounds(games.rows(progress), game, rtp=rtp)
    max_gap, max_steps, jobs = limits
    if tip_hex is not None and sys.stderr.isatty():
        typer.echo(f"then from the newest game to the tip: up to {max_steps:,} hashings", err=True)
    with _progress_bar(games.size) as progress:
        return verify_crash_file(
            games, scheme, tip=tip_hex, max_gap=max_gap, max_steps=max_steps, jobs=jobs, progress=progress
        )


def _write_json(report: BatchReport, json_out: str) -> None:
    text = json.dumps(report.to_json(), indent=1)
    if json_out == "-":
        sys.stdout.write(text + "\n")
        return
    try:
        Path(json_out).write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        raise _bad(f"cannot write {json_out}: {error.strerror or error}", "--json") from None


def verify_aviator_rounds(file: Path, as_json: bool) -> None:
    """``aviator verify aviator --rounds FILE``: every round's hashes, and the candidates on its results."""
    report = _run(file, "aviator", None, None, 0.97)
    if as_json:
        _write_json(report, "-")
    else:
        from aviator.cli.verify_render import show_report

        show_report(report, str(file))
    if not report.ok:
        raise typer.Exit(1)


def verify_file(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV (with a header), JSON array or JSON lines of games.", exists=True, dir_okay=False
        ),
    ],
    game: Annotated[str, typer.Option("--game", help=f"The game: {', '.join(GAMES)}.")],
    salt: Annotated[
        str | None,
        typer.Option("--salt", help="bustabit / Stake: the salt (default: the game's published one)."),
    ] = None,
    tip: Annotated[
        str | None,
        typer.Option(
            "--tip",
            help="bustabit / Stake: the chain's terminating hash, or 'published' for the game's own; "
            "the newest game must hash forward to it.",
        ),
    ] = None,
    rtp: Annotated[
        float, typer.Option("--rtp", min=0.01, max=1.0, help="simulator: its return to player.")
    ] = 0.97,
    max_gap: Annotated[
        int, typer.Option("--max-gap", min=1, help="Most hashings one link may take across missing games.")
    ] = 100_000,
    max_steps: Annotated[
        int, typer.Option("--max-steps", min=0, help="Give up the walk to the tip after this many hashings.")
    ] = 10_000_000,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            min=1,
            help="bustabit / Stake: processes for a large file (default: one per CPU, up to 4).",
        ),
    ] = None,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write the whole report as JSON to this file ('-': stdout).")
    ] = None,
) -> None:
    """Verify every game of a file: results from hashes, chain links, the tip, seeds and commitments."""
    if game not in GAMES:
        raise _bad(f"unknown game {game!r}; one of: {', '.join(GAMES)}", "--game")
    report = _run(file, game, salt, tip, rtp, (max_gap, max_steps, jobs))
    if json_out is not None:
        _write_json(report, json_out)
    if json_out != "-":
        from aviator.cli.verify_render import show_report

        show_report(report, str(file))
    if not report.ok:
        raise typer.Exit(1)
