from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

AVIATOR = str(Path(sys.executable).parent / "aviator")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_aviator_run_serves_the_page_and_live_rounds(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "AVIATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}"}
    process = subprocess.Popen(
        [AVIATOR, "run", "--fast", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        status: dict[str, object] = {}
        while time.monotonic() < deadline:
            try:
                status = httpx.get(f"{base}/api/status", timeout=2).json()
                if isinstance(status.get("rounds"), int) and int(status["rounds"]) >= 2:  # type: ignore[call-overload]
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        assert int(status["rounds"]) >= 2, status  # type: ignore[call-overload]
        assert "Aviator Predictor" in httpx.get(f"{base}/", timeout=5).text
        newest = httpx.get(f"{base}/api/rounds", params={"limit": 1}, timeout=5).json()["rounds"][0]
        check = httpx.get(f"{base}/api/rounds/{newest['seq']}/verify", timeout=5).json()["check"]
        assert check["ok"] is True
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=15)
    # uvicorn shuts down cleanly, then re-raises SIGTERM so the exit status tells how it stopped.
    assert process.returncode in (0, -15)
    assert b"Traceback" not in output, output.decode(errors="replace")


def test_a_bad_setting_stops_the_start_with_a_clear_message(tmp_path: Path) -> None:
    env = {**os.environ, "AVIATOR_PORT": "99999"}
    result = subprocess.run(
        [AVIATOR, "run"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert "AVIATOR_PORT='99999'" in result.stderr and "65535" in result.stderr
