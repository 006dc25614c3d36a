"""What every ``aviator`` command shares."""

from __future__ import annotations

import typer

from aviator.core.settings import Settings, SettingsError, load_settings


def settings_or_exit(**overrides: object) -> Settings:
    """The settings, or exit 2 with the message that names each bad setting and its value."""
    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
