"""``python -m aviator ...`` runs the ``aviator`` command."""

from __future__ import annotations

from aviator.cli.app import main

main()
