"""``aviator import FILE...``: rounds from files into the store, with a summary.

Exits with 0 when it ran (rejected lines are listed, not fatal), 2 for bad settings or options, 1 when
a file cannot be read. Heavy modules are imported inside the command, so ``aviator --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aviator.cli.common import settings_or_exit

if TYPE_CHECKING:
    from aviator.files.importer import ImportSummary


def _print_summary(summary: ImportSummary) -> None:
    typer.echo(
        f"Imported {summary.files} file(s) in {summary.seconds:.2f} s ({summary.rows_per_second:,.0f} rows/s)"
    )
    for label, value in (
        ("read", summary.read),
        ("stored", summary.stored),
        ("duplicates", summary.duplicates),
        ("rejected", summary.rejected),
    ):
        typer.echo(f"  {label:<11} {value}")
    if summary.rejected:
        shown = len(summary.errors)
        typer.echo(f"Rejected lines (first {shown} of {summary.rejected}):")
        for error in summary.errors:
            typer.echo(f"  {error}")


def import_files(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Round files: CSV (or ; or tab), JSON arrays, JSON Lines, or an export of this app.",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="Store URL (default: AVIATOR_DATABASE_URL)."),
    ] = None,
    stream: Annotated[
        str, typer.Option(help="The stream the rounds go to (one game as seen by one source).")
    ] = "import",
    source: Annotated[str, typer.Option(help="What delivered the rounds, stored with each.")] = "csv",
    chunk_rows: Annotated[int, typer.Option(min=1, help="Rows per store transaction.")] = 20_000,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")] = True,
) -> None:
    """Import round files (timestamp + multiplier, optional seeds) into the store."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    from aviator.files.importer import import_files as run_import
    from aviator.store.db import connect, migrate
    from aviator.store.repository import Store

    if not 1 <= len(source) <= 64:
        raise typer.BadParameter("must be 1 to 64 characters", param_hint="'--source'")
    from aviator.core.streams import check_stream_name

    try:
        check_stream_name(stream)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="'--stream'") from None
    settings = settings_or_exit()
    engine = connect(database_url or settings.database_url)
    try:
        migrate(engine)
        store = Store(engine)
        total = sum(path.stat().st_size for path in files)
        with Progress(
            TextColumn("importing"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            disable=not progress,
        ) as bar:
            task = bar.add_task("import", total=total)
            summary = run_import(
                files,
                store,
                stream=stream,
                source=source,
                rtp=settings.rtp,
                max_multiplier=settings.max_multiplier,
                chunk_rows=chunk_rows,
                progress=lambda done: bar.advance(task, done),
            )
    except OSError as error:
        typer.echo(f"cannot read: {error}", err=True)
        raise typer.Exit(1) from error
    finally:
        engine.dispose()
    _print_summary(summary)
