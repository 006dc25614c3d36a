"""WebSocket load: N clients on loopback each receive every round; delivery latency and server CPU.

Two set-ups: one server process (SQLite, in-process bus), and two server processes sharing PostgreSQL
and Redis with the clients split between them. Latency is the round event's ``ts`` (stamped when the
leader's engine encodes it) to the moment a client has received and decoded it. Every phase is
bounded in time; the script stops the servers it started and drops the scratch database.

    .venv/bin/python benchmarks/bench_ws_load.py                   # 100, 1,000 and 5,000 clients
    .venv/bin/python benchmarks/bench_ws_load.py --clients 1000 --setups one

Listens on 127.0.0.1 only. PostgreSQL and Redis come from AVIATOR_TEST_DATABASE_URL and
AVIATOR_TEST_REDIS_URL (defaults: the local services); without them the two-process set-up is skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import psutil
from websockets.asyncio.client import ClientConnection, connect

from aviator.store.db import scratch_postgres_database

AVIATOR = Path(sys.executable).parent / "aviator"
ROUND_PREFIX = '{"type": "round"'
TS_KEY = '"ts": '
SEQ = re.compile(r'"seq": (\d+)')
#: Browsers offer permessage-deflate; so do these clients unless AVIATOR_BENCH_NO_DEFLATE is set.
COMPRESSION = None if os.environ.get("AVIATOR_BENCH_NO_DEFLATE") else "deflate"


@dataclass
class Result:
    setup: str
    clients: int
    connected: int
    connect_s: float
    rounds: int
    delivered: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    server_cpu: float
    client_cpu: float

    def row(self) -> str:
        return (
            f"| {self.setup} | {self.clients:,} | {self.connected:,} | {self.connect_s:.1f} | {self.rounds} "
            f"| {self.delivered:.1%} | {self.p50_ms:.1f} | {self.p99_ms:.1f} | {self.max_ms:.1f} "
            f"| {self.server_cpu:.0f}% | {self.client_cpu:.0f}% |"
        )


HEADER = (
    "| set-up | clients | connected | connect s | rounds | delivered | p50 ms | p99 ms | max ms "
    "| server CPU | client CPU |\n|---|---|---|---|---|---|---|---|---|---|---|"
)


def raise_open_files(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(hard, max(soft, wanted)) if hard != resource.RLIM_INFINITY else max(soft, wanted)
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def servers(count: int, env: dict[str, str], logs: Path) -> Iterator[list[tuple[int, psutil.Process]]]:
    """``count`` ``aviator serve`` processes on free loopback ports, stopped on exit."""
    procs: list[subprocess.Popen[bytes]] = []
    ports = [free_port() for _ in range(count)]
    try:
        for i, port in enumerate(ports):
            with (logs / f"server{i}.log").open("wb") as out:
                procs.append(
                    subprocess.Popen(
                        [str(AVIATOR), "serve", "--host", "127.0.0.1", "--port", str(port)],
                        env={**os.environ, **env},
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
        deadline = time.monotonic() + 120
        for port, proc in zip(ports, procs, strict=True):
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"server on port {port} exited; see {logs}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("servers did not start within 120 s")
                time.sleep(0.3)
        yield [(port, psutil.Process(proc.pid)) for port, proc in zip(ports, procs, strict=True)]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


class Listener:
    """One client: the rounds it receives (by seq) and how late each arrived."""

    def __init__(self) -> None:
        self.latencies: dict[int, float] = {}
        self.measuring = False

    async def listen(self, ws: ClientConnection) -> None:
        with contextlib.suppress(Exception):
            async for message in ws:
                if not self.measuring or not isinstance(message, str):
                    continue
                if message.startswith(ROUND_PREFIX):
                    now = time.time()
                    ts = float(message[message.rindex(TS_KEY) + len(TS_KEY) :].rstrip("}"))
                    match = SEQ.search(message)
                    assert match is not None, message[:200]
                    seq = int(match.group(1))
                    self.latencies[seq] = now - ts


async def load(
    ports: list[int], clients: int, rounds: int, interval: float, procs: list[psutil.Process]
) -> Result:
    listeners = [Listener() for _ in range(clients)]
    sockets: list[ClientConnection] = []
    tasks: list[asyncio.Task[None]] = []
    started = time.monotonic()

    async def open_one(i: int) -> None:
        ws = await connect(
            f"ws://127.0.0.1:{ports[i % len(ports)]}/ws",
            max_size=None,
            open_timeout=120,
            ping_interval=None,
            compression=COMPRESSION,
        )
        sockets.append(ws)
        tasks.append(asyncio.create_task(listeners[i].listen(ws)))

    for first in range(0, clients, 200):  # connect in batches, as a crowd arrives
        await asyncio.wait_for(
            asyncio.gather(
                *(open_one(i) for i in range(first, min(first + 200, clients))), return_exceptions=True
            ),
            180,
        )
    connect_s = time.monotonic() - started
    await asyncio.sleep(max(2.0, interval * 2))  # let the hello payloads drain
    me = psutil.Process()
    cpu_before = [p.cpu_times() for p in procs]
    me_before = me.cpu_times()
    wall = time.monotonic()
    for listener in listeners:
        listener.measuring = True
    await asyncio.sleep(rounds * interval)
    for listener in listeners:
        listener.measuring = False
    wall = time.monotonic() - wall
    server_cpu = sum(
        (after.user + after.system) - (before.user + before.system)
        for before, after in zip(cpu_before, (p.cpu_times() for p in procs), strict=True)
    )
    me_after = me.cpu_times()
    client_cpu = (me_after.user + me_after.system) - (me_before.user + me_before.system)
    await asyncio.wait_for(asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True), 60)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    # Rounds inside the window (not its first and last, which some clients saw only in part).
    seen = sorted({seq for listener in listeners for seq in listener.latencies})
    inner = set(seen[1:-1])
    all_latencies = (
        np.array([x for listener in listeners for seq, x in listener.latencies.items() if seq in inner]) * 1e3
    )
    expected_rounds = max(1, len(inner))
    received = all_latencies.size
    return Result(
        setup="",
        clients=clients,
        connected=len(sockets),
        connect_s=connect_s,
        rounds=expected_rounds,
        delivered=received / (clients * expected_rounds),
        p50_ms=float(np.percentile(all_latencies, 50)) if received else float("nan"),
        p99_ms=float(np.percentile(all_latencies, 99)) if received else float("nan"),
        max_ms=float(all_latencies.max()) if received else float("nan"),
        server_cpu=100 * server_cpu / wall,
        client_cpu=100 * client_cpu / wall,
    )


def run_setup(setup: str, args: argparse.Namespace, workdir: Path) -> list[Result]:
    env = {
        "AVIATOR_SOURCE": "simulator",
        "AVIATOR_SIM_INTERVAL": str(args.interval),
        "AVIATOR_WS_QUEUE_SIZE": "256",
        "AVIATOR_LOG_LEVEL": "WARNING",
    }
    results: list[Result] = []
    with contextlib.ExitStack() as stack:
        if setup == "one":
            env["AVIATOR_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.db'}"
            count = 1
        else:
            env["AVIATOR_DATABASE_URL"] = stack.enter_context(
                scratch_postgres_database(args.database_url, "aviator_bench")
            )
            env["AVIATOR_REDIS_URL"] = args.redis_url
            count = 2
        running = stack.enter_context(servers(count, env, workdir))
        ports, procs = [port for port, _ in running], [proc for _, proc in running]
        for clients in args.clients:
            result = asyncio.run(
                asyncio.wait_for(load(ports, clients, args.rounds, args.interval, procs), args.phase_timeout)
            )
            result.setup = "1 process (SQLite)" if setup == "one" else "2 processes (PostgreSQL + Redis)"
            print(result.row(), flush=True)
            results.append(result)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--setups", nargs="+", choices=["one", "two"], default=["one", "two"])
    parser.add_argument("--rounds", type=int, default=10, help="Rounds measured per client count.")
    parser.add_argument("--interval", type=float, default=1.0, help="Seconds between simulated rounds.")
    parser.add_argument("--phase-timeout", type=float, default=600.0)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("AVIATOR_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("AVIATOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    args = parser.parse_args()
    if max(args.clients) > 20_000:
        parser.error("at most 20,000 clients")
    raise_open_files(max(args.clients) * 2 + 1024)
    print(f"{os.cpu_count()} CPUs; {args.rounds} rounds of {args.interval} s per row; CPU is % of one core")
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory(prefix="aviator-bench-") as tmp:
        for setup in args.setups:
            run_setup(setup, args, Path(tmp))


if __name__ == "__main__":
    main()
