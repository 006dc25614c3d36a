"""Items 4 and 12: one client must not stall the others, and the server under load.

The attacking or loading client runs in a process of its own (so the watchers here measure the
server, not a busy client loop beside them), from 127.0.0.2 where it stands for another address.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import secrets
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import psutil
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from reliability.harness import TOKEN, ItemResult, Lab, ServerProcess, load_average, percentiles
from reliability.net import KeepAlive, Pinger, RoundWatcher, timed_call

ATTACKER = "127.0.0.2"


def in_child(call: Callable[..., dict[str, Any]], *args: Any) -> Future[dict[str, Any]]:
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    future = pool.submit(call, *args)
    future.add_done_callback(lambda _: pool.shutdown(wait=False))
    return future


async def wait_future(future: Future[dict[str, Any]]) -> dict[str, Any]:
    return await asyncio.wrap_future(future)


# -- the clients that run in a process of their own ------------------------------------------------
def flood(port: int, seconds: float, rate: float, delay: float) -> dict[str, Any]:
    """{"type": "predict"} over /ws at ``rate`` a second for ``seconds``, reconnecting when closed."""
    return asyncio.run(_flood(port, seconds, rate, delay))


async def _flood(port: int, seconds: float, rate: float, delay: float) -> dict[str, Any]:
    await asyncio.sleep(delay)
    started = time.time()
    deadline = time.monotonic() + seconds
    sent, connections, errors = 0, 0, Counter[str]()
    closes: Counter[str] = Counter()
    first_close_after: float | None = None
    message = '{"type": "predict"}'
    while time.monotonic() < deadline:
        connections += 1
        try:
            async with connect(
                f"ws://127.0.0.1:{port}/ws", compression=None, max_size=None, local_addr=(ATTACKER, 0)
            ) as ws:

                async def drain() -> None:
                    async for text in ws:
                        if isinstance(text, str) and text.startswith('{"type": "error"'):
                            errors[json.loads(text)["data"]["code"]] += 1

                reader = asyncio.create_task(drain())
                begun, mine = time.monotonic(), 0
                try:
                    while time.monotonic() < deadline:
                        await ws.send(message)
                        sent, mine = sent + 1, mine + 1
                        if mine % 50 == 0:
                            ahead = mine / rate - (time.monotonic() - begun)
                            await asyncio.sleep(max(0.0, ahead))
                except ConnectionClosed as exc:
                    code = exc.rcvd.code if exc.rcvd else None
                    closes[f"{code} {exc.rcvd.reason if exc.rcvd else ''}".strip()] += 1
                    if first_close_after is None:
                        first_close_after = time.time() - started
                finally:
                    reader.cancel()
        except InvalidStatus as exc:  # refused at the handshake (an address barred after a flood)
            closes[f"handshake {exc.response.status_code}"] += 1
            await asyncio.sleep(0.05)
        except (OSError, ConnectionClosed) as exc:
            closes[f"connect failed: {type(exc).__name__}"] += 1
            await asyncio.sleep(0.05)
    ended = time.time()
    return {
        "start": started,
        "end": ended,
        "sent": sent,
        "rate": sent / (ended - started),
        "connections": connections,
        "closes": dict(closes),
        "errors": dict(errors),
        "first_close_after": first_close_after,
    }


def chain_attack(port: int, count: int, steps: int, token: str | None, delay: float) -> dict[str, Any]:
    """``count`` concurrent POST /api/verify/chain, each on its own connection."""
    return asyncio.run(_chain_attack(port, count, steps, token, delay))


async def _chain_attack(port: int, count: int, steps: int, token: str | None, delay: float) -> dict[str, Any]:
    await asyncio.sleep(delay)
    body = json.dumps(
        {"hash": secrets.token_hex(32), "tip": secrets.token_hex(32), "max_steps": steps}
    ).encode()
    headers = [("Authorization", f"Bearer {token}")] if token else []

    async def one() -> tuple[int, float, str]:
        conn = KeepAlive(port, ATTACKER)
        started = time.perf_counter()
        try:
            status, answer_headers, _ = await conn.call("POST", "/api/verify/chain", body, headers)
        except (OSError, asyncio.IncompleteReadError):
            status, answer_headers = 0, {}
        await conn.close()
        return status, time.perf_counter() - started, answer_headers.get("retry-after", "")

    started = time.time()
    answers = await asyncio.gather(*(one() for _ in range(count)))
    return {
        "start": started,
        "end": time.time(),
        "codes": dict(Counter(status for status, _, _ in answers)),
        "longest": max(seconds for _, seconds, _ in answers),
        "retry_after": sorted({retry for _, _, retry in answers if retry}),
    }


def status_load(port: int, clients: int, seconds: float, delay: float) -> dict[str, Any]:
    """``clients`` connections each asking GET /api/status back to back for ``seconds``."""
    return asyncio.run(_status_load(port, clients, seconds, delay))


async def _status_load(port: int, clients: int, seconds: float, delay: float) -> dict[str, Any]:
    await asyncio.sleep(delay)
    latencies: list[float] = []
    codes: Counter[int] = Counter()
    started = time.time()
    deadline = time.monotonic() + seconds

    async def client() -> None:
        conn = KeepAlive(port)
        while time.monotonic() < deadline:
            status, taken = await timed_call(conn, "GET", "/api/status")
            codes[status] += 1
            latencies.append(taken)
        await conn.close()

    cpu_before = time.process_time()
    await asyncio.gather(*(client() for _ in range(clients)))
    ended = time.time()
    cpu = (time.process_time() - cpu_before) / (ended - started)
    p50, p95, p99 = percentiles(latencies, 50, 95, 99)
    return {
        "start": started,
        "end": ended,
        "requests": len(latencies),
        "rate": len(latencies) / (ended - started),
        "p50": p50,
        "p95": p95,
        "p99": p99,
        "max": max(latencies),
        "codes": dict(codes),
        "cpu": cpu,
    }


# -- item 4 ---------------------------------------------------------------------------------------
async def _flood_scene(server: ServerProcess, seconds: float) -> tuple[dict[str, Any], RoundWatcher, Pinger]:
    stop = asyncio.Event()
    watcher, pinger = RoundWatcher(server.port), Pinger(server.port, every=0.05)
    tasks = [asyncio.create_task(watcher.run(stop)), asyncio.create_task(pinger.run(stop))]
    await watcher.ready.wait()
    flooded = await wait_future(in_child(flood, server.port, seconds, 8000.0, seconds))  # a baseline first
    await asyncio.sleep(1.0)
    stop.set()
    await asyncio.gather(*tasks)
    return flooded, watcher, pinger


def ws_flood(lab: Lab, result: ItemResult) -> None:
    seconds = 3.0 if lab.quick else 5.0
    load = lab.wait_quiet("the WebSocket flood")
    server = lab.shared("default")
    flooded, watcher, pinger = asyncio.run(_flood_scene(server, seconds))
    start, end = flooded["start"], flooded["end"]
    baseline = max(watcher.gaps(start - seconds, start))
    during = max(watcher.gaps(start, end))
    health = pinger.between(start, end)
    (health_p99,) = percentiles(health, 99)
    closes = ", ".join(f"{n} x close {code}" for code, n in flooded["closes"].items()) or "never closed"
    result.add(
        f'a /ws client sending {{"type":"predict"}} as fast as it can (target 8,000/s) for {seconds:g} s '
        f"with `run --fast` playing a round every 0.3 s (load {load})",
        "rounds stopped for 15.3 s; /api/health took 20 s",
        f"longest gap between rounds seen by another client {during:.2f} s (before the flood: "
        f"{baseline:.2f} s); /api/health max {max(health) * 1e3:.0f} ms, p99 {health_p99 * 1e3:.0f} ms "
        f"({len(health)} pings)",
        during < 2.0 and max(health) < 1.0,
    )
    result.add(
        "how the flood ended",
        "",
        f"{flooded['sent']:,} messages at {flooded['rate']:,.0f}/s over {flooded['connections']} "
        "connection(s); "
        f"{closes}; first close after {flooded['first_close_after'] or 0:.2f} s; error events received: "
        f"{flooded['errors']}",
    )


async def _chain_scene(
    server: ServerProcess, steps: int, token: str | None, count: int
) -> tuple[dict[str, Any], list[tuple[float, float, int]]]:
    ingest: list[tuple[float, float, int]] = []
    stop = asyncio.Event()
    headers = [("Authorization", f"Bearer {token}")] if token else []

    async def post_rounds() -> None:
        conn = KeepAlive(server.port)
        while not stop.is_set():
            sent = time.time()
            body = json.dumps({"multiplier": 2.0, "source": "bench-ingest"}).encode()
            status, taken = await timed_call(conn, "POST", "/api/rounds", body, headers)
            ingest.append((sent, taken, status))
            await asyncio.sleep(max(0.0, 0.05 - taken))
        await conn.close()

    poster = asyncio.create_task(post_rounds())
    attack = await wait_future(in_child(chain_attack, server.port, count, steps, token, 1.5))
    await asyncio.sleep(1.0)
    stop.set()
    await poster
    return attack, ingest


def chain_flood(lab: Lab, result: ItemResult) -> None:
    count = 48
    cases = [
        ("unauthenticated, max_steps 2,000,000", "default", 2_000_000, None),
        ("unauthenticated, max_steps 200,000 (the cap without the token)", "default", 200_000, None),
        ("with the token, max_steps 2,000,000", "token", 2_000_000, TOKEN),
    ]
    if lab.quick:
        cases, skipped = cases[:1], len(cases) - 1
        result.note(f"--quick: {skipped} of the chain-check cases left out")
    for label, name, steps, token in cases:
        load = lab.wait_quiet("the chain-check flood")
        attack, ingest = asyncio.run(_chain_scene(lab.shared(name), steps, token, count))
        during = [taken for sent, taken, _ in ingest if attack["start"] <= sent <= attack["end"] + 0.5]
        codes = Counter(status for _, _, status in ingest)
        retry = f", Retry-After {'/'.join(attack['retry_after'])} s" if attack["retry_after"] else ""
        result.add(
            f"{count} concurrent POST /api/verify/chain ({label}) while single-round ingest POSTs go on "
            f"every 50 ms (load {load})",
            "held the thread pool; ingest stalled 36.6 s" if token is None and steps > 200_000 else "",
            f"answers {dict(sorted(attack['codes'].items()))}{retry}, "
            f"the last after {attack['longest']:.2f} s; "
            f"longest ingest POST during it {max(during, default=float('nan')) * 1e3:.0f} ms "
            f"({len(during)} posts; all ingest answers {dict(codes)})",
            bool(during) and max(during) < 2.0 and not set(attack["codes"]) - {200, 422, 429},
        )


# -- item 12 --------------------------------------------------------------------------------------
async def _status_scene(server: ServerProcess, seconds: float) -> tuple[dict[str, Any], RoundWatcher]:
    stop = asyncio.Event()
    watcher = RoundWatcher(server.port)
    task = asyncio.create_task(watcher.run(stop))
    await watcher.ready.wait()
    process = psutil.Process(server.pid)
    future = in_child(status_load, server.port, 50, seconds, seconds)
    await asyncio.sleep(seconds + 0.5)  # the baseline, and the child starting
    process.cpu_percent(None)
    loaded = await wait_future(future)
    loaded["server_cpu"] = process.cpu_percent(None) / 100
    stop.set()
    await task
    return loaded, watcher


async def _batch_scene(server: ServerProcess, size: int, stream: str) -> dict[str, Any]:
    conn = KeepAlive(server.port)
    await conn.call("POST", "/api/rounds", json.dumps({"multiplier": 2.0, "source": stream}).encode())
    stop = asyncio.Event()
    watcher = RoundWatcher(server.port, stream=stream)
    pinger = Pinger(server.port, every=0.02)
    samples: dict[float, tuple[float, float]] = {}

    async def lag_samples() -> None:
        probe = KeepAlive(server.port)
        while not stop.is_set():
            status, _, body = await probe.call("GET", "/api/status")
            system = json.loads(body).get("system") if status == 200 else None
            if system:
                samples[system["ts"]] = (system["loop_lag_p99_ms"], system["loop_lag_max_ms"])
            await asyncio.sleep(0.2)
        await probe.close()

    tasks = [asyncio.create_task(job.run(stop)) for job in (watcher, pinger)]
    tasks.append(asyncio.create_task(lag_samples()))
    await watcher.ready.wait()
    await asyncio.sleep(1.0)
    batch = [{"multiplier": round(1.0 + (i % 500) / 10, 2), "source": stream} for i in range(size)]
    body = json.dumps(batch).encode()
    started = time.time()
    status, headers, answer = await conn.call(
        "POST", "/api/rounds", body, [("Idempotency-Key", f"batch-{stream}")]
    )
    acked = time.time()
    stored = json.loads(answer).get("stored") if status == 200 else None
    last = size + 1
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not any(seq == last for _, seq in watcher.rounds):
        await asyncio.sleep(0.05)
    broadcast = time.time()
    await asyncio.sleep(1.0)
    stop.set()
    await asyncio.gather(*tasks)
    _, _, page = await conn.call("GET", f"/api/rounds?stream={stream}&limit=1")
    await conn.close()
    seen = {seq for _, seq in watcher.rounds}
    holes = sorted(set(range(2, last + 1)) - seen)
    window = [lag for ts, lag in samples.items() if started - 0.2 <= ts <= broadcast + 0.2]
    health = pinger.between(started, broadcast)
    return {
        "status": status,
        "stored": stored,
        "ack_s": acked - started,
        "broadcast_s": broadcast - started if not holes or last in seen else float("nan"),
        "holes": holes,
        "newest_in_store": json.loads(page)["rounds"][0]["stream_seq"],
        "lag_p99": max((p99 for p99, _ in window), default=float("nan")),
        "lag_max": max((peak for _, peak in window), default=float("nan")),
        "lag_samples": len(window),
        "lag_over_100": sum(1 for p99, _ in window if p99 > 100.0),
        "health": health,
    }


def under_load(lab: Lab, result: ItemResult) -> None:
    seconds = 5.0 if lab.quick else 10.0
    load = lab.wait_quiet("the load on /api/status")
    env = {"AVIATOR_RATE_LIMIT": "0", "AVIATOR_METRICS_INTERVAL": "0.2"}
    server = lab.server("under-load", ["run", "--fast"], env)
    try:
        loaded, watcher = asyncio.run(_status_scene(server, seconds))
        before = watcher.count(loaded["start"] - seconds, loaded["start"]) / seconds
        during = watcher.count(loaded["start"], loaded["end"]) / (loaded["end"] - loaded["start"])
        result.add(
            f"50 concurrent clients on GET /api/status for {seconds:g} s while the simulator plays "
            f"(AVIATOR_RATE_LIMIT=0: one address; load {load})",
            "p50 445 ms, 112 req/s; rounds at half their rate",
            f"p50 {loaded['p50'] * 1e3:.1f} ms, p95 {loaded['p95'] * 1e3:.1f} ms, "
            f"p99 {loaded['p99'] * 1e3:.1f} ms, "
            f"max {loaded['max'] * 1e3:.0f} ms; {loaded['rate']:,.0f} req/s ({loaded['requests']:,} answers "
            f"{loaded['codes']}); rounds {before:.2f}/s before, {during:.2f}/s during; CPU of the server "
            f"{loaded['server_cpu']:.0%} of a core, of the load generator {loaded['cpu']:.0%}",
            loaded["p50"] < 0.020 and during >= 0.75 * before,
        )
        size = 2_000 if lab.quick else 10_000
        load = lab.wait_quiet("the large batch")
        batch = asyncio.run(_batch_scene(server, size, "bench-batch"))
        p99, peak = percentiles(batch["health"], 99, 100)
        holes = batch["holes"]
        result.add(
            f"a {size:,}-round POST in one request (AVIATOR_METRICS_INTERVAL=0.2; load {load}): the server's "
            "event-loop lag during it, and /api/health pinged every 20 ms",
            "the loop lagged ~2.3 s for 33 s",
            f"loop lag p99 {batch['lag_p99']:.1f} ms, max {batch['lag_max']:.1f} ms (highest of "
            f"{batch['lag_samples']} samples of 0.2 s, {batch['lag_over_100']} of them over 100 ms); "
            f"/api/health p99 {p99 * 1e3:.0f} ms, "
            f"max {peak * 1e3:.0f} ms "
            f"({len(batch['health'])} pings)",
            batch["lag_p99"] < 100.0,
        )
        result.add(
            "... acknowledged, then broadcast to a watching WebSocket",
            "the open page's chart kept a 244-round hole",
            f"answer {batch['status']}, {batch['stored']:,} stored, "
            f"acknowledged after {batch['ack_s']:.2f} s; "
            f"the watcher had the last round after {batch['broadcast_s']:.2f} s; "
            + (
                "every stream_seq seen, no hole"
                if not holes
                else f"{len(holes)} stream_seq never seen on the WebSocket (first {holes[:5]}); "
                "the store has them "
                f"all up to {batch['newest_in_store']:,} (what the page's catch-up reads)"
            ),
            batch["stored"] == size and batch["newest_in_store"] == size + 1,
        )
    finally:
        server.stop()
    result.note(f"load average after: {load_average()}")
