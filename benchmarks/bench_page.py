"""The dashboard in Chromium: bytes transferred on first load, and the main thread's time in script.

Starts ``aviator run --fast`` (a round every 0.3 s, this checkout's source) on a loopback port with a
scratch SQLite file, lets it play for a while, then opens the page in Debian's Chromium through
playwright for each viewport:

* **weight**: every response of the first load (until the network is idle), as the Chrome DevTools
  Protocol's ``Network.loadingFinished`` counts it (``encodedDataLength``: headers and body as they
  crossed the wire, after any compression), by kind;
* **script share**: ``Performance.getMetrics``' ``ScriptDuration`` (main-thread time in JavaScript)
  and ``TaskDuration`` over a window of live watching after the load, divided by the wall time.

    .venv/bin/python benchmarks/bench_page.py                  # desktop 1440x900 and phone 390x844, 30 s
    .venv/bin/python benchmarks/bench_page.py --seconds 60 --viewports desktop

Listens on 127.0.0.1 only; stops the server it started.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from playwright.sync_api import CDPSession, Page, sync_playwright

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("AVIATOR_E2E_CHROMIUM", "/usr/bin/chromium")
VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}
WEIGHT_LIMIT = 1.5e6
SCRIPT_LIMIT = 0.03


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def serve(warmup: float) -> Iterator[str]:
    """``aviator run --fast`` of this checkout on a free port; yields its URL after `warmup` seconds."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as scratch:
        path = os.pathsep.join(p for p in (str(REPO / "src"), os.environ.get("PYTHONPATH", "")) if p)
        env = {**os.environ, "AVIATOR_DATABASE_URL": f"sqlite:///{scratch}/bench.db", "PYTHONPATH": path}
        env.pop("AVIATOR_API_TOKEN", None)
        command = [sys.executable, "-m", "aviator", "run", "--fast", "--port", str(port)]
        with open(Path(scratch) / "server.log", "wb") as log:
            process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=scratch)
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    raise RuntimeError(f"the server exited with {process.returncode}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                        break
                time.sleep(0.2)
            else:
                raise RuntimeError("the server did not answer /api/health in 90 s")
            time.sleep(warmup)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


@dataclass
class Weight:
    """Bytes of each finished response of the first load, by resource kind."""

    kinds: dict[str, str] = field(default_factory=dict)
    encodings: dict[str, str] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, float] = field(default_factory=dict)
    closed: bool = False  # the first load is over: later responses are not counted

    def watch(self, cdp: CDPSession) -> None:
        def on_response(event: dict[str, object]) -> None:
            request_id = str(event["requestId"])
            response = event["response"]
            assert isinstance(response, dict)
            self.kinds[request_id] = str(event.get("type", "Other"))
            self.urls[request_id] = str(response.get("url", ""))
            headers = {str(k).lower(): str(v) for k, v in dict(response.get("headers", {})).items()}
            self.encodings[request_id] = headers.get("content-encoding", "identity")

        def on_finished(event: dict[str, object]) -> None:
            if self.closed:
                return
            encoded = event.get("encodedDataLength", 0)
            self.sizes[str(event["requestId"])] = float(encoded) if isinstance(encoded, int | float) else 0.0

        cdp.on("Network.responseReceived", on_response)
        cdp.on("Network.loadingFinished", on_finished)

    def total(self) -> float:
        return sum(self.sizes.values())

    def by_kind(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for request_id, size in self.sizes.items():
            kind = self.kinds.get(request_id, "Other")
            out[kind] = out.get(kind, 0.0) + size
        return dict(sorted(out.items(), key=lambda item: -item[1]))

    def largest(self) -> tuple[str, float, str]:
        request_id = max(self.sizes, key=lambda key: self.sizes[key])
        url = self.urls.get(request_id, "?").split("/", 3)[-1]
        return url, self.sizes[request_id], self.encodings.get(request_id, "?")


def metrics(cdp: CDPSession) -> dict[str, float]:
    answer = cdp.send("Performance.getMetrics")
    return {str(m["name"]): float(m["value"]) for m in answer["metrics"]}


def newest_round(page: Page) -> int:
    rows = "[...document.querySelectorAll('#rounds-table tbody tr')].map(r => Number(r.dataset.row))"
    return int(page.evaluate(f"Math.max(0, ...{rows})"))


@dataclass
class Result:
    viewport: str
    weight: Weight
    seconds: float
    script: float
    task: float
    rounds: int


def measure(url: str, viewport: str, seconds: float) -> Result:
    width, height = VIEWPORTS[viewport]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Performance.enable")
            weight = Weight()
            weight.watch(cdp)
            page.goto(url + "/", wait_until="networkidle")
            page.wait_for_selector('#conn[data-state="open"]')
            page.wait_for_timeout(3000)  # the first REST answers and charts
            weight.closed = True
            seq_before = newest_round(page)
            before = metrics(cdp)
            started = time.perf_counter()
            page.wait_for_timeout(seconds * 1000)
            after = metrics(cdp)
            wall = time.perf_counter() - started
            seq_after = newest_round(page)
            return Result(
                viewport=f"{viewport} {width}x{height}",
                weight=weight,
                seconds=wall,
                script=(after["ScriptDuration"] - before["ScriptDuration"]) / wall,
                task=(after["TaskDuration"] - before["TaskDuration"]) / wall,
                rounds=seq_after - seq_before,
            )
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="live watching measured per viewport")
    parser.add_argument(
        "--warmup", type=float, default=20.0, help="seconds the server plays before the page opens"
    )
    parser.add_argument("--viewports", nargs="+", choices=sorted(VIEWPORTS), default=["desktop", "phone"])
    args = parser.parse_args()
    with serve(args.warmup) as url:
        results = [measure(url, viewport, args.seconds) for viewport in args.viewports]
    heads = ("first load", "limit", "script", "all tasks", "limit", "rounds")
    widths = (11, 7, 7, 9, 6, 7)
    print(f"{'viewport':<20} " + " ".join(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True)))
    failed = False
    for r in results:
        total = r.weight.total()
        failed |= total > WEIGHT_LIMIT or r.script > SCRIPT_LIMIT
        print(
            f"{r.viewport:<20} {total / 1e6:>8.3f} MB {WEIGHT_LIMIT / 1e6:>5.1f}MB "
            f"{r.script:>7.2%} {r.task:>9.2%} {SCRIPT_LIMIT:>6.0%} {r.rounds:>7}"
        )
    for r in results:
        kinds = ", ".join(f"{kind} {size / 1e3:.0f} kB" for kind, size in r.weight.by_kind().items())
        name, size, encoding = r.weight.largest()
        print(f"  {r.viewport}: {kinds}; largest {name} {size / 1e3:.0f} kB ({encoding})")
        print(
            f"  {r.viewport}: {r.seconds:.0f} s watched; main thread in script {r.script:.2%}, "
            f"in any task {r.task:.2%}"
        )
    if failed:
        sys.exit(
            f"over a limit: first load at most {WEIGHT_LIMIT / 1e6} MB, script at most {SCRIPT_LIMIT:.0%}"
        )


if __name__ == "__main__":
    main()
