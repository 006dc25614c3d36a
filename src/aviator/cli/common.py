"""What every ``aviator`` command shares."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from aviator.core.settings import Settings


def settings_or_exit(**overrides: object) -> Settings:
    """The settings, or exit 2 with the message that names each bad setting and its value."""
    from aviator.core.settings import SettingsError, load_settings

    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def setup_logging(level: str) -> None:
    """Log lines of the ``aviator`` command on standard error (rich), so its output stays clean for pipes."""
    from rich.console import Console
    from rich.logging import RichHandler

    handler = RichHandler(console=Console(stderr=True), show_path=False, rich_tracebacks=False)
    logging.basicConfig(level=level, format="%(message)s", datefmt="[%X]", handlers=[handler], force=True)


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server to this machine."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def refuse_open_bind(host: str, token: str | None, insecure: bool) -> None:
    """Binding beyond this machine without an API token lets anyone on the network change the
    session: refuse (exit 2) unless ``--insecure`` says the network is the user's alone."""
    if is_loopback(host) or token:
        return
    if insecure:
        typer.echo(
            f"warning: serving on {host} without AVIATOR_API_TOKEN (--insecure): anyone who can reach "
            "this address can add rounds, change settings and reset the session",
            err=True,
        )
        return
    typer.echo(
        f"error: binding to {host} reaches beyond this machine, and without AVIATOR_API_TOKEN anyone on "
        "the network could add rounds, change settings or reset the session. Set AVIATOR_API_TOKEN, "
        "bind to 127.0.0.1, or pass --insecure if this network is yours alone.",
        err=True,
    )
    raise typer.Exit(2)
