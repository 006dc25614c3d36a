"""Item 10 (process lifetime: the collector, shutdown, one leader per SQLite file) and item 11 (the
schemathesis CLI against a running server)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from reliability.harness import PYTHON, ItemResult, Lab, ServerProcess


def _wait(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"not within {timeout:.0f} s: {what}")
        time.sleep(0.2)


def _status(server: ServerProcess) -> dict[str, Any]:
    try:
        return server.status(timeout=5)
    except (httpx.HTTPError, ValueError):
        return {}


def collectors(out: Path) -> list[int]:
    """Pids of the ``aviator collect --out OUT`` processes running now (zombies excluded)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().split(") ", 1)[1][0]
        except (OSError, IndexError):
            continue
        if b"collect" in words and str(out).encode() in words and state != "Z":
            found.append(int(entry.name))
    return found


def _ppid(pid: int) -> str:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("PPid:"):
                return line.split()[1]
    except OSError:
        pass
    return "-"


def collector_lifetime(lab: Lab, result: ItemResult) -> None:
    folder = lab.folder("collector")
    out = folder / "out"
    args = ["run", "--fast", "--collect", str(out)]
    server = ServerProcess(folder, args).start()
    server.wait_ready()
    _wait(lambda: bool((_status(server).get("collector") or {}).get("pid")), 60, "the collector to start")
    pid = _status(server)["collector"]["pid"]
    server.kill9()
    time.sleep(2.0)
    alive = collectors(out)
    result.add(
        "kill -9 of `aviator run --collect DIR`: the collector 2 s later",
        "alive (PPID 1), still writing",
        f"collector {pid}: {'ALIVE, PPID ' + _ppid(pid) if pid in alive else 'gone'}; collectors of DIR "
        f"running: {len(alive)}",
        pid not in alive,
    )
    server.stop()  # the group: anything left of it
    restarted = ServerProcess(folder, args, port=server.port).start()
    restarted.wait_ready()
    _wait(lambda: bool((_status(restarted).get("collector") or {}).get("pid")), 60, "the collector to start")
    time.sleep(1.0)
    after_restart = collectors(out)
    restarted.stop()
    if lab.quick:
        result.add(
            "the restart: collectors of DIR running",
            "two: the restart started a second one and both streams interleaved",
            f"{len(after_restart)} after the restart (--quick: the stray collector is left out)",
            len(after_restart) == 1,
        )
        return
    stray = subprocess.Popen(
        [PYTHON, "-m", "aviator", "collect", "--out", str(out), "--interval", "0.3"],
        env=restarted.env,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        (out / ".collector.pid").write_text(f"{stray.pid}\n")
        third = ServerProcess(folder, args, port=server.port).start()
        third.wait_ready()
        _wait(lambda: bool((_status(third).get("collector") or {}).get("pid")), 60, "the collector to start")
        time.sleep(1.0)
        with_stray = collectors(out)
        third.stop()
        stray_alive = stray.poll() is None
    finally:
        if stray.poll() is None:
            os.killpg(stray.pid, signal.SIGKILL)
        stray.wait(10)
    result.add(
        "the restart: collectors of DIR running (after the kill -9; and with a stray collector named in "
        "DIR/.collector.pid)",
        "two: the restart started a second one and both streams interleaved",
        f"{len(after_restart)} after the restart; {len(with_stray)} with the stray one "
        f"({'which was STILL RUNNING' if stray_alive else 'which was stopped'})",
        len(after_restart) == 1 and len(with_stray) == 1 and not stray_alive,
    )


def shutdown_times(lab: Lab, result: ItemResult) -> None:
    times = 1 if lab.quick else 14
    folder = lab.folder("sigterm")
    taken = []
    for _ in range(times):
        server = ServerProcess(folder, ["run", "--fast"]).start()
        server.wait_ready()
        _wait(lambda s=server: _status(s).get("rounds", 0) >= 2, 60, "two rounds")
        taken.append(server.stop(signal.SIGTERM, timeout=30.0))
    slow = sum(1 for t in taken if t > 5.0)
    listed = ", ".join(f"{t:.2f}" for t in taken)
    result.add(
        f"SIGTERM to the process group of a running `aviator run --fast`, {times} times: seconds to exit",
        "hung 1 time in 14",
        f"max {max(taken):.2f} s, {slow} over 5 s ({listed})",
        slow == 0,
    )


def two_on_one_file(lab: Lab, result: ItemResult) -> None:
    folder = lab.folder("two-servers")
    env = {"AVIATOR_SOURCE": "simulator", "AVIATOR_SIM_INTERVAL": "0.3"}
    first = ServerProcess(folder, ["serve"], env).start()
    first.wait_ready()
    second = ServerProcess(folder / "second", ["serve"], env, database_url=first.env["AVIATOR_DATABASE_URL"])
    second.start()
    try:
        second.wait_ready()
        time.sleep(3.0)
        one, two = _status(first), _status(second)
        played = (one.get("simulator") or {}).get("rounds_played", 0)
        time.sleep(2.0)
        one_later, two_later = _status(first), _status(second)
    finally:
        second.stop()
        first.stop()
    more = (one_later.get("simulator") or {}).get("rounds_played", 0) - played

    def who(status: dict[str, Any]) -> str:
        lease = status.get("lease") or {}
        simulator = "runs a simulator" if status.get("simulator") else "no simulator"
        rounds = status.get("rounds")
        return f"leader={status.get('leader')}, lease {lease.get('kind')}, {simulator}, rounds {rounds}"

    result.add(
        "two `aviator serve` (AVIATOR_SOURCE=simulator) on one SQLite file: /api/status of each",
        "both claimed to lead and both ran a simulator",
        f"first: {who(one)}; second: {who(two)}; 2 s later the leader had played {more} more rounds and the "
        f"follower's engine was at {two_later.get('rounds')} rounds "
        f"(the leader's at {one_later.get('rounds')})",
        one.get("leader") is True and two.get("leader") is False and not two.get("simulator"),
    )


def schemathesis_run(lab: Lab, result: ItemResult) -> None:
    env = {"AVIATOR_RATE_LIMIT": "0", "AVIATOR_RETRAIN_MIN_ROUNDS": "1000000"}
    server = lab.server("schemathesis", ["run", "--fast"], env)
    examples = 2 if lab.quick else 25
    phases = "fuzzing,stateful" if lab.quick else "examples,coverage,fuzzing,stateful"
    report = server.folder / "schemathesis.json"
    checks = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
    command = [
        str(Path(PYTHON).parent / "schemathesis"),
        "run",
        f"{server.base}/openapi.json",
        "--checks",
        checks,
        "--phases",
        phases,
        "--max-examples",
        str(examples),
        "--seed",
        "12",
        "--generation-database",
        "none",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    started = time.monotonic()
    try:
        run = subprocess.run(command, cwd=server.folder, capture_output=True, text=True, timeout=1800)
    finally:
        server.stop()
    (server.folder / "schemathesis.out").write_text(run.stdout + run.stderr)
    data = json.loads(report.read_text())
    failures = {f"{item['code']} {item['title']}": item["count"] for item in data["failures"]}
    where = sorted({op for item in data["failures"] for op in item["operations"]})
    server_errors = sum(n for name, n in failures.items() if "server error" in name.lower())
    violations = sum(n for name, n in failures.items() if "server error" not in name.lower())
    result.add(
        f"`schemathesis run` (its CLI, 4 checks: not_a_server_error, status_code, content_type, "
        f"response_schema; phases {phases.replace(',', ', ')}; --max-examples {examples} "
        "--seed 12) against `run --fast`",
        "20 operations, 4,383 requests: 5 server errors, 5 responses that break their own schema",
        f"{data['operations']['tested']} operations, {data['test_cases']['generated']:,} test cases in "
        f"{time.monotonic() - started:.0f} s: {server_errors} server errors, {violations} answers off their "
        f"documented schema or status ({failures or 'none'}{'; in ' + ', '.join(where) if where else ''})",
        server_errors == 0 and violations == 0,
    )
