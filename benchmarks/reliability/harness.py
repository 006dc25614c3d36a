"""Real servers for the reproducers, and the shape of what each one reports.

Each server is ``python -m aviator ...`` in its own folder with its own SQLite file (unless a database
URL is given), on a free loopback port, in its own process group. Every process started here is
stopped on exit (its whole group: a collector too), also on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

PYTHON = sys.executable
TOKEN = "bench-token-7f3a9c"
#: The old main's figures come from issue 12 (main 3177e98); "" where the issue gave none.
QUIET_LOAD = 1.5

_LIVE: set[ServerProcess] = set()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def load_1min() -> float:
    return float(load_average().split()[0])


def base_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without any AVIATOR_ setting (the user's token must not leak into a
    measurement), plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVIATOR_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env["AVIATOR_LOG_LEVEL"] = "INFO"
    env.update(extra or {})
    return env


class ServerProcess:
    """One ``python -m aviator ARGS`` process in ``folder``."""

    def __init__(
        self,
        folder: Path,
        args: Sequence[str],
        env: Mapping[str, str] | None = None,
        *,
        database_url: str | None = None,
        port: int | None = None,
        bind: str = "127.0.0.1",
    ) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.db_path: Path | None = None if database_url else folder / "aviator.db"
        url = database_url or f"sqlite:///{self.db_path}"
        self.env = base_env({"AVIATOR_DATABASE_URL": url, **(env or {})})
        self.args = [*args, "--host", bind, "--port", str(self.port)]
        self.log = folder / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> ServerProcess:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [PYTHON, "-m", "aviator", *self.args],
                env=self.env,
                cwd=self.folder,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, as a terminal gives it
            )
        _LIVE.add(self)
        return self

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, timeout: float = 120.0, path: str = "/api/ready") -> float:
        """Seconds until ``path`` answered 200; RuntimeError (with the log's end) if it never does."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if not self.running():
                raise RuntimeError(f"the server exited ({self.returncode()}): {self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.base + path, timeout=3).status_code == 200:
                    return time.monotonic() - started
            time.sleep(0.2)
        raise RuntimeError(f"the server was not ready within {timeout:.0f} s: {self.log_tail()}")

    def returncode(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> float:
        """Send ``sig`` to the process group; seconds until the server exited (SIGKILL after
        ``timeout``, then the seconds are ``inf``)."""
        if self.process is None:
            return 0.0
        started = time.monotonic()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, sig)
        try:
            self.process.wait(timeout)
            taken = time.monotonic() - started
        except subprocess.TimeoutExpired:
            taken = float("inf")
        self._reap_group()
        _LIVE.discard(self)
        return taken

    def kill9(self) -> None:
        """kill -9 of the server process alone (what it started must end on its own)."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self.process.wait(10)

    def _reap_group(self) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(10)

    def status(self, timeout: float = 10.0) -> dict[str, Any]:
        answer: dict[str, Any] = httpx.get(self.base + "/api/status", timeout=timeout).json()
        return answer

    def memory_kb(self, name: str) -> int:
        """A line of /proc/PID/status in kB (VmRSS: now, VmHWM: the peak so far)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
        raise KeyError(name)

    def log_tail(self, lines: int = 6) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:])

    def client(self, **options: Any) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=options.pop("timeout", 30.0), **options)


def stop_all() -> None:
    """Stop every server still running (the process groups, collectors included)."""
    for server in list(_LIVE):
        server.stop(timeout=5.0)


def _stop_on_signal(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


atexit.register(stop_all)
signal.signal(signal.SIGTERM, _stop_on_signal)


@dataclass
class Figure:
    """One measured figure beside the old main's (from the issue); ``meets`` says whether it meets the
    issue's Must (None: the item names no target for it)."""

    what: str
    old: str
    now: str
    meets: bool | None = None


@dataclass
class ItemResult:
    number: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    load_before: str = ""
    load_after: str = ""
    seconds: float = 0.0

    def add(self, what: str, old: str, now: str, meets: bool | None = None) -> None:
        self.figures.append(Figure(what, old, now, meets))
        mark = {True: "", False: "   <-- MISSES THE ISSUE'S MUST", None: ""}[meets]
        print(f"   {what}\n       old main: {old or '-'}\n       now:      {now}{mark}", flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"   note: {text}", flush=True)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class Lab:
    """The run's scratch folder, its servers and its options."""

    def __init__(self, *, quick: bool, pg_url: str | None, quiet_budget: float, keep: bool) -> None:
        self.quick = quick
        self.pg_url = pg_url
        self.quiet_budget = quiet_budget
        self.keep = keep
        self.root = Path(tempfile.mkdtemp(prefix="aviator-reliability-"))
        self._count = 0
        self._shared: dict[str, ServerProcess] = {}

    def folder(self, name: str) -> Path:
        self._count += 1
        path = self.root / f"{self._count:02d}-{name}"
        path.mkdir(parents=True)
        return path

    def server(
        self, name: str, args: Sequence[str], env: Mapping[str, str] | None = None, **options: Any
    ) -> ServerProcess:
        """A new server, started and ready."""
        server = ServerProcess(self.folder(name), args, env, **options).start()
        server.wait_ready()
        return server

    def shared(self, name: str) -> ServerProcess:
        """A server the read-mostly items share: ``default`` (``run --fast``, every default setting)
        or ``token`` (the same with an API token)."""
        server = self._shared.get(name)
        if server is None or not server.running():
            env = {"AVIATOR_API_TOKEN": TOKEN} if name == "token" else {}
            server = self._shared[name] = self.server(name, ["run", "--fast"], env)
            deadline = time.monotonic() + 60
            while server.status().get("rounds_all", 0) < 5 and time.monotonic() < deadline:
                time.sleep(0.2)  # the simulator is playing
        return server

    def wait_quiet(self, what: str) -> str:
        """Wait (within the run's budget) for a 1-minute load under QUIET_LOAD; the load average then."""
        waited = 0.0
        while load_1min() >= QUIET_LOAD and self.quiet_budget > 0:
            if waited == 0:
                print(f"   waiting for a quieter machine before {what} (load {load_average()})", flush=True)
                for server in self._shared.values():  # their simulators count in the load too
                    server.stop()
            step = min(20.0, self.quiet_budget)
            time.sleep(step)
            self.quiet_budget -= step
            waited += step
        return load_average()

    def close(self) -> None:
        for server in list(self._shared.values()):
            server.stop()
        stop_all()
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = call()
    return value, time.perf_counter() - started


def percentiles(values: Sequence[float], *points: float) -> list[float]:
    import numpy as np

    if not values:
        return [float("nan") for _ in points]
    return [float(np.percentile(values, p)) for p in points]
