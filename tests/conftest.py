"""Shared fixtures: settings on a temporary SQLite store, and the app under a test client."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aviator.api.app import create_app
from aviator.core.settings import Settings, load_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(database_url=f"sqlite:///{tmp_path / 'test.db'}", source="none")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture(autouse=True)
def _no_event_loop_left_running(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test outside the browser modules must not leave an event loop marked running (playwright's
    sync API does while it is open): later tests that call asyncio.run() would fail far from the cause."""
    yield
    if request.node.get_closest_marker("browser") is not None:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    pytest.fail("an event loop is still running after this test (a playwright instance left open?)")
