"""``aviator import FILE...`` and ``aviator collect --out DIR``: rounds from and into CSV files.

``import`` exits with 0 when it ran (rejected lines are listed, not fatal), 2 for bad settings or
options, 1 when a file cannot be read. ``collect`` stops cleanly on SIGINT/SIGTERM or after --rounds.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from aviator.cli.common import settings_or_exit
from aviator.core.rounds import Round
from aviator.files.importer import DEFAULT_CHUNK_ROWS, ImportSummary
from aviator.files.importer import import_files as run_import
from aviator.files.writer import PayoutsCsvWriter, collect_rounds
from aviator.sources.catalog import FEEDS
from aviator.sources.feeds import FeedOptions
from aviator.store.db import connect, migrate
from aviator.store.repository import Store


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
        typer.Argument(help="CSV files of rounds.", exists=True, dir_okay=False, readable=True),
    ],
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="Store URL (default: AVIATOR_DATABASE_URL)."),
    ] = None,
    source: Annotated[
        str, typer.Option(help="Source name stored with each round; part of its duplicate key.")
    ] = "csv",
    chunk_rows: Annotated[int, typer.Option(min=1, help="Rows per store transaction.")] = DEFAULT_CHUNK_ROWS,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")] = True,
) -> None:
    """Import round files (timestamp + multiplier, optional seeds) into the store."""
    if not 1 <= len(source) <= 64:
        raise typer.BadParameter("must be 1 to 64 characters", param_hint="'--source'")
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
                source=source,
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


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT and SIGTERM set ``stop`` (main thread only) and the old handlers come back afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextmanager
def _log_to_stderr() -> Iterator[None]:
    """The feeds' log lines on stderr while collecting (a supervisor shows the last one), unless
    logging is already set up (then they go where it says)."""
    if logging.getLogger().handlers:
        yield
        return
    package = logging.getLogger("aviator")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    previous = package.level
    package.addHandler(handler)
    if package.getEffectiveLevel() > logging.INFO:
        package.setLevel(logging.INFO)
    try:
        yield
    finally:
        package.removeHandler(handler)
        package.setLevel(previous)


def collect(
    out: Annotated[
        Path, typer.Option("--out", help="Directory for the aviator_payouts_*.csv files.", file_okay=False)
    ],
    source: Annotated[str, typer.Option(help=f"Where rounds come from: {', '.join(FEEDS)}.")] = "simulator",
    interval: Annotated[float, typer.Option(min=0.0, help="Seconds between simulated rounds.")] = 4.0,
    rounds: Annotated[
        int | None, typer.Option(min=1, help="Stop after N rounds (default: until SIGINT/SIGTERM).")
    ] = None,
    rtp: Annotated[
        float | None, typer.Option(min=0.5, max=1.0, help="Return to player (default: AVIATOR_RTP).")
    ] = None,
    fsync: Annotated[bool, typer.Option(help="fsync the file after every round.")] = False,
    url: Annotated[
        str | None, typer.Option(help="Browser source: the page showing the game (see docs/collect.md).")
    ] = None,
    selector: Annotated[
        str | None,
        typer.Option(help="Browser source: CSS selector of the history items (default: Spribe's bar)."),
    ] = None,
    frame: Annotated[
        str | None,
        typer.Option(
            help="Browser source: CSS selector of the game's iframe, '' when the history is on the page "
            "(default: an iframe whose src mentions aviator or spribe)."
        ),
    ] = None,
    profile: Annotated[
        Path | None,
        typer.Option(
            help="Browser source: Chromium profile directory kept between runs (sign in once with --headed).",
            file_okay=False,
        ),
    ] = None,
    headed: Annotated[
        bool, typer.Option("--headed", help="Browser source: show the browser window (to sign in).")
    ] = False,
    executable: Annotated[
        str | None,
        typer.Option(
            help="Browser source: the Chromium to run (default: $AVIATOR_BROWSER_EXECUTABLE, else "
            "/usr/bin/chromium)."
        ),
    ] = None,
) -> None:
    """Write rounds as they happen to a new aviator_payouts_YYYYMMDD_HHMMSS.csv in --out."""
    factory = FEEDS.get(source)
    if factory is None:
        raise typer.BadParameter(
            f"unknown source {source!r}; one of: {', '.join(FEEDS)}", param_hint="'--source'"
        )
    options = FeedOptions(
        interval=interval,
        rtp=rtp if rtp is not None else settings_or_exit().rtp,
        url=url,
        selector=selector,
        frame=frame,
        profile=profile,
        headed=headed,
        executable=executable,
    )
    with _log_to_stderr():
        try:
            feed = factory(options)
        except RuntimeError as error:  # a feed that cannot start (no browser, no --url...)
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2) from None
        stop = threading.Event()
        try:
            with PayoutsCsvWriter(out, feed.with_fairness, fsync=fsync) as writer:
                typer.echo(f"writing rounds to {writer.path}")

                def show(round_: Round) -> None:
                    typer.echo(f"{round_.round_id}  {round_.multiplier:.2f}x")

                with _stop_on_signals(stop):
                    written = collect_rounds(feed, writer, stop, rounds=rounds, on_round=show)
        except RuntimeError as error:  # the feed gave up (its log says why)
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from None
        finally:
            feed.close()
    typer.echo(f"{written} round(s) written to {writer.path}")
