"""The API schema lets a fuzzer in: schemathesis over every operation, then its stateful phase, against
a real server. No answer may be a server error, and every answer must match its documented status,
content type and schema."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.slow

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("fuzzed")
    port = _port()
    env = {
        **os.environ,
        "AVIATOR_DATABASE_URL": f"sqlite:///{folder / 'fuzz.db'}",
        "AVIATOR_RATE_LIMIT": "0",  # the fuzzer is one address sending as fast as it can
        "AVIATOR_RETRAIN_MIN_ROUNDS": "1000000",  # training is not what is fuzzed
    }
    env.pop("AVIATOR_API_TOKEN", None)
    with (folder / "server.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "aviator", "run", "--fast", "--port", str(port)],
            env=env,
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/status", timeout=2).json().get("rounds", 0) >= 3:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.fixture(scope="module")
def api_schema(server_url: str) -> Any:
    return schemathesis.openapi.from_url(f"{server_url}/openapi.json")


def test_every_operation_answers_as_documented(api_schema: Any) -> None:
    # One test over every operation (schemathesis' pytest plugin cannot load a schema lazily under
    # this pytest): each operation gets its own Hypothesis run.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy())
        def answers_as_documented(case: Any) -> None:
            case.call_and_validate(checks=CHECKS)

        answers_as_documented()


def test_the_stateful_phase_finds_no_server_error_and_no_schema_violation(api_schema: Any) -> None:
    calls: list[str] = []

    class Machine(api_schema.as_state_machine()):  # type: ignore[misc]
        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            calls.append(f"{case.method} {case.path}")
            case.validate_response(response, checks=CHECKS)

    Machine.run(settings=settings(FUZZ, max_examples=30, stateful_step_count=6))
    assert len(set(calls)) >= 3, f"the stateful phase chained too few operations: {sorted(set(calls))}"
