"""``aviator collect --out DIR``: write rounds as they happen to ``aviator_payouts_*.csv`` files.

Stops cleanly on SIGINT/SIGTERM or after ``--rounds``.
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
from typing import TYPE_CHECKING, Annotated

import typer

from aviator.cli.common import settings_or_exit
from aviator.sources.catalog import FEEDS

if TYPE_CHECKING:
    from aviator.core.rounds import Round


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
    from aviator.files.writer import PayoutsCsvWriter, collect_rounds
    from aviator.sources.feeds import FeedOptions

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
