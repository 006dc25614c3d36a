"""``uvicorn app:app --host 0.0.0.0 --port 8765`` serves the app with the settings of the environment."""

from __future__ import annotations

from aviator.api.app import create_app

app = create_app()
