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
    """Log lines of the ``aviator`` command on the terminal (rich)."""
    from rich.logging import RichHandler

    handler = RichHandler(show_path=False, rich_tracebacks=False)
    logging.basicConfig(level=level, format="%(message)s", datefmt="[%X]", handlers=[handler], force=True)
