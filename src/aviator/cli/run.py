"""``aviator run``: the app, with the built-in provably-fair simulator feeding it by default."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aviator.cli.common import settings_or_exit


def run(
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8765).")] = None,
    fast: Annotated[bool, typer.Option("--fast", help="Several rounds a second (demos, tests).")] = False,
    no_simulator: Annotated[
        bool, typer.Option("--no-simulator", help="Start no built-in simulator.")
    ] = False,
    watch: Annotated[Path | None, typer.Option(help="Watch DIR for round CSV files (auto-sync).")] = None,
    collect: Annotated[
        Path | None, typer.Option(help="Run the collector as its own process writing into DIR; watch DIR.")
    ] = None,
    pattern: Annotated[str | None, typer.Option(help="Files to watch (aviator_payouts_*.csv).")] = None,
    collect_source: Annotated[
        str | None, typer.Option(help="What the collector reads: simulator or browser (see docs/collect.md).")
    ] = None,
    collect_url: Annotated[str | None, typer.Option(help="Browser collector: the game page's URL.")] = None,
    insecure: Annotated[
        bool, typer.Option("--insecure", help="Allow binding beyond loopback without an API token.")
    ] = False,
) -> None:
    """Start the server with the built-in provably-fair simulator feeding it.

    With --watch or --collect the files are the feed and the in-process simulator stays off.
    """
    overrides: dict[str, object] = {}
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    if watch is not None:
        overrides["watch_dir"] = watch
    if collect is not None:
        overrides["collect_dir"] = collect
    if pattern is not None:
        overrides["watch_pattern"] = pattern
    if collect_source is not None:
        overrides["collect_source"] = collect_source
    if collect_url is not None:
        overrides["collect_url"] = collect_url
    if fast:
        overrides["sim_interval"] = overrides["collect_interval"] = 0.3
    if no_simulator or watch is not None or collect is not None:
        overrides["source"] = "none"
    _serve(overrides, insecure)


def _serve(overrides: dict[str, object], insecure: bool) -> None:
    from aviator.cli.common import refuse_open_bind, setup_logging

    settings = settings_or_exit(**overrides)
    refuse_open_bind(settings.host, settings.api_token, insecure)
    # The app (numpy, scipy, scikit-learn...) is imported only once the settings allow starting.
    import uvicorn

    from aviator.api.app import create_app

    setup_logging(settings.log_level)
    typer.echo(f"Aviator Predictor on http://{settings.host}:{settings.port}  (Ctrl-C stops it)")
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        ws_per_message_deflate=False,  # events are small; compressing each per client costs CPU
        timeout_graceful_shutdown=3,  # open WebSockets must not hold a stop beyond a few seconds
    )
