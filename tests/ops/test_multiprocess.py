"""Two server processes on one PostgreSQL database and one Redis: the same rounds reach the clients
of both; kill -9 the leader and the other takes over within 10 s, with no gap and no duplicate."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner
from websockets.asyncio.client import connect as ws_connect

from aviator.cli.app import app
from aviator.store.db import normalize_url, scratch_postgres_database

PG_ENV, REDIS_ENV = "AVIATOR_TEST_DATABASE_URL", "AVIATOR_TEST_REDIS_URL"
AVIATOR = Path(sys.executable).parent / "aviator"


@pytest.fixture
def scratch_database() -> Iterator[str]:
    base, redis_url = os.environ.get(PG_ENV), os.environ.get(REDIS_ENV)
    if not base or not redis_url:
        pytest.skip(f"multi-process test: set {PG_ENV} and {REDIS_ENV} to run it")
    with scratch_postgres_database(base, "aviator_test") as url:
        yield url


def test_serve_refuses_several_workers_on_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVIATOR_DATABASE_URL", f"sqlite:///{tmp_path / 'one.db'}")
    monkeypatch.setenv("AVIATOR_SOURCE", "none")
    result = CliRunner().invoke(app, ["serve", "--workers", "2"])
    assert result.exit_code == 2
    assert "AVIATOR_DATABASE_URL=postgresql://" in result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(port: int, database_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "AVIATOR_DATABASE_URL": database_url,
        "AVIATOR_REDIS_URL": os.environ[REDIS_ENV],
        "AVIATOR_SOURCE": "simulator",
        "AVIATOR_SIM_INTERVAL": "0.2",
        "AVIATOR_METRICS_INTERVAL": "1",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(AVIATOR), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _status(port: int) -> dict[str, object] | None:
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/api/status", timeout=2)
    except httpx.HTTPError:
        return None
    return response.json() if response.status_code == 200 else None


def _wait_ready(
    ports: list[int], procs: list[subprocess.Popen[bytes]], logs: list[Path], seconds: float = 60
) -> None:
    deadline = time.monotonic() + seconds
    while not all(_status(port) for port in ports):
        for proc, log in zip(procs, logs, strict=True):
            assert proc.poll() is None, f"a server exited during start-up:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, "the servers did not start in time"
        time.sleep(0.3)


async def _round_seqs(port: int, seconds: float) -> list[int]:
    seqs: list[int] = []
    async with ws_connect(f"ws://127.0.0.1:{port}/ws", max_size=None) as ws:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = json.loads(await asyncio.wait_for(ws.recv(), left))
            except TimeoutError:
                break
            if message["type"] == "round":
                seqs.append(int(message["data"]["seq"]))
    return seqs


async def _both(ports: list[int], seconds: float) -> list[list[int]]:
    return list(await asyncio.gather(*(_round_seqs(port, seconds) for port in ports)))


def _common(a: list[int], b: list[int]) -> tuple[set[int], set[int]]:
    low, high = max(min(a), min(b)), min(max(a), max(b))
    return {s for s in a if low <= s <= high}, {s for s in b if low <= s <= high}


@pytest.mark.services
@pytest.mark.slow
def test_two_processes_share_rounds_and_survive_the_leaders_death(
    scratch_database: str, tmp_path: Path
) -> None:
    ports = [_free_port(), _free_port()]
    logs = [tmp_path / f"server{i}.log" for i in range(2)]
    procs = [_start(port, scratch_database, log) for port, log in zip(ports, logs, strict=True)]
    try:
        _wait_ready(ports, procs, logs)
        # Clients on each process receive the same rounds (the leader's engine, through Redis).
        first, second = asyncio.run(_both(ports, 3.0))
        assert len(first) >= 5 and len(second) >= 5
        here, there = _common(first, second)
        assert here == there and len(here) >= 3
        statuses = [_status(port) for port in ports]
        leaders = [i for i, s in enumerate(statuses) if s and s["leader"]]
        assert len(leaders) == 1, statuses
        leader, survivor = leaders[0], 1 - leaders[0]

        procs[leader].send_signal(signal.SIGKILL)
        procs[leader].wait(10)
        killed_at = time.monotonic()
        while True:
            status = _status(ports[survivor])
            if status and status["leader"]:
                break
            assert time.monotonic() - killed_at < 10, "no takeover within 10 s"
            time.sleep(0.2)
        after = asyncio.run(_round_seqs(ports[survivor], 2.0))
        assert len(after) >= 3, "the new leader does not play rounds"
        assert time.monotonic() - killed_at < 15
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
    engine = create_engine(normalize_url(scratch_database))
    with engine.connect() as conn:
        ids = [
            int(v)
            for v in conn.execute(text("SELECT round_id FROM rounds WHERE source = 'simulator'")).scalars()
        ]
        engine_seq = conn.execute(text("SELECT count(*) FROM rounds")).scalar_one()
    engine.dispose()
    assert len(ids) == len(set(ids)) == engine_seq, "a round was stored twice"
    assert sorted(ids) == list(range(1, len(ids) + 1)), "a round id is missing"
