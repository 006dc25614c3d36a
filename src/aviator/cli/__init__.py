"""The ``aviator`` command: one module per command group."""

from __future__ import annotations

from aviator.cli.app import main

__all__ = ["main"]
