"""Process lifetime: the collector dies with its server, a stop is quick, one leader per SQLite file."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from aviator.ops.supervisor import PID_FILE, stop_stray
from tests.support import wait_until

pytestmark = pytest.mark.slow


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(tmp_path: Path, *extra: str, port: int | None = None) -> tuple[subprocess.Popen[bytes], str]:
    port = port or _port()
    env = {**os.environ, "AVIATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "aviator", "run", "--fast", "--port", str(port), *extra],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, as a terminal would give it
    )
    return process, f"http://127.0.0.1:{port}"


def _status(base: str) -> dict[str, Any]:
    try:
        answer: dict[str, Any] = httpx.get(f"{base}/api/status", timeout=2).json()
        return answer
    except httpx.HTTPError:
        return {}


def _running(base: str) -> Callable[[], bool]:
    return lambda: _status(base).get("rounds", 0) >= 2


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "zombie" in status.read_text())


def test_the_collector_dies_with_its_server_even_after_kill_9(tmp_path: Path) -> None:
    server, base = _start(tmp_path, "--collect", str(tmp_path / "out"))
    try:
        wait_until(lambda: bool((_status(base).get("collector") or {}).get("pid")), timeout=60)
        collector = _status(base)["collector"]["pid"]
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        wait_until(lambda: not _alive(collector), timeout=10, what="the collector to end with its server")
    finally:
        if server.poll() is None:
            server.kill()


def test_a_restarted_server_stops_a_stray_collector(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    stray = subprocess.Popen(
        [sys.executable, "-m", "aviator", "collect", "--out", str(out), "--interval", "0.2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        (out / PID_FILE).write_text(f"{stray.pid}\n")
        wait_until(lambda: any(out.glob("aviator_payouts_*.csv")), timeout=30)
        stop_stray(out / PID_FILE)
        stray.wait(timeout=10)
    finally:
        if stray.poll() is None:
            stray.kill()
    (out / PID_FILE).write_text(f"{os.getpid()}\n")  # a pid that is not a collector is left alone
    stop_stray(out / PID_FILE)
    assert _alive(os.getpid())


def test_a_stop_by_sigterm_to_the_process_group_takes_under_five_seconds(tmp_path: Path) -> None:
    for attempt in range(3):
        server, base = _start(tmp_path)
        try:
            wait_until(_running(base), timeout=60, what="a running server")
            started = time.monotonic()
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=15)
            assert time.monotonic() - started < 5, f"attempt {attempt}: the stop took too long"
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)


def test_two_servers_on_one_sqlite_file_have_one_leader_and_one_simulator(tmp_path: Path) -> None:
    first, base_one = _start(tmp_path)
    try:
        wait_until(lambda: _status(base_one).get("leader") is True, timeout=60)
        second, base_two = _start(tmp_path)
        try:
            wait_until(lambda: bool(_status(base_two)), timeout=60)
            one, two = _status(base_one), _status(base_two)
            assert one["leader"] is True and two["leader"] is False
            assert one["simulator"] is not None and two["simulator"] is None
            assert two["lease"]["kind"] == "file"
            played = one["simulator"]["rounds_played"]
            wait_until(
                lambda: (_status(base_one).get("simulator") or {}).get("rounds_played", 0) > played + 3
            )
            # the follower's engine follows the same rounds
            wait_until(lambda: _status(base_two).get("rounds", 0) > 0, timeout=20)
        finally:
            second.terminate()
            second.wait(timeout=15)
    finally:
        first.terminate()
        first.wait(timeout=15)
