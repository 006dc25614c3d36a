"""A bare keep-alive HTTP/1.1 client on asyncio streams, and the WebSocket round watcher.

The load items measure the server's latency on 2 cores that the clients share: a client library's own
per-request work (httpx spends more CPU per request than the server's /api/status does) would be
counted as server latency, so the load generators speak plain HTTP/1.1 here, a request and its
answer at a time per connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from websockets.asyncio.client import connect


class KeepAlive:
    """One connection to 127.0.0.1:PORT (from ``local`` when given), reopened when the server closes it."""

    def __init__(self, port: int, local: str | None = None) -> None:
        self.port = port
        self.local = local
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        local_addr = (self.local, 0) if self.local else None
        self._reader, self._writer = await asyncio.open_connection(
            "127.0.0.1", self.port, local_addr=local_addr
        )

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(Exception):
                await self._writer.wait_closed()
        self._reader = self._writer = None

    async def call(
        self, method: str, path: str, body: bytes = b"", headers: Sequence[tuple[str, str]] = ()
    ) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) of one request. A kept connection the server closed while idle
        (uvicorn closes them after 5 s) is opened again and the request sent once more."""
        if self._writer is not None:
            try:
                return await self._call(method, path, body, headers)
            except (asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError) as exc:
                if isinstance(exc, asyncio.IncompleteReadError) and exc.partial:
                    raise
                await self.close()
        await self._open()
        return await self._call(method, path, body, headers)

    async def _call(
        self, method: str, path: str, body: bytes, headers: Sequence[tuple[str, str]]
    ) -> tuple[int, dict[str, str], bytes]:
        assert self._reader is not None and self._writer is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers]
        if body or method not in ("GET", "HEAD"):
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self._writer.drain()
        head = (await self._reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split()[1])
        answer_headers = {
            name.strip().lower(): value.strip()
            for name, value in (line.split(":", 1) for line in head[1:] if ":" in line)
        }
        if "content-length" in answer_headers:
            data = await self._reader.readexactly(int(answer_headers["content-length"]))
        elif answer_headers.get("transfer-encoding") == "chunked":
            data = await self._read_chunks()
        else:
            data = await self._reader.read()
        if answer_headers.get("connection", "").lower() == "close":
            await self.close()
        return status, answer_headers, data

    async def _read_chunks(self) -> bytes:
        assert self._reader is not None
        parts: list[bytes] = []
        while True:
            size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self._reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self._reader.readexactly(size))
            await self._reader.readexactly(2)


async def timed_call(
    conn: KeepAlive, method: str, path: str, body: bytes = b"", headers: Sequence[tuple[str, str]] = ()
) -> tuple[int, float]:
    """(status, seconds); status 0 when the connection failed."""
    started = time.perf_counter()
    try:
        status = (await conn.call(method, path, body, headers))[0]
    except (OSError, asyncio.IncompleteReadError, ValueError):
        await conn.close()
        status = 0
    return status, time.perf_counter() - started


@dataclass
class Pinger:
    """GET ``path`` every ``every`` seconds until stopped: (wall time sent, seconds, status) each."""

    port: int
    every: float = 0.05
    path: str = "/api/health"
    samples: list[tuple[float, float, int]] = field(default_factory=list)

    async def run(self, stop: asyncio.Event) -> None:
        conn = KeepAlive(self.port)
        while not stop.is_set():
            sent = time.time()
            status, seconds = await timed_call(conn, "GET", self.path)
            self.samples.append((sent, seconds, status))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), max(0.0, self.every - seconds))
        await conn.close()

    def between(self, start: float, end: float) -> list[float]:
        return [seconds for sent, seconds, _ in self.samples if start <= sent <= end]


@dataclass
class RoundWatcher:
    """A /ws client that notes each ``round`` event of its stream: (wall time received, stream_seq)."""

    port: int
    stream: str | None = None
    rounds: list[tuple[float, int]] = field(default_factory=list)
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self, stop: asyncio.Event) -> None:
        async with connect(f"ws://127.0.0.1:{self.port}/ws", compression=None, max_size=None) as ws:
            await ws.recv()  # hello of the default stream
            if self.stream is not None:
                await ws.send(json.dumps({"type": "watch", "stream": self.stream}))
            self.ready.set()
            while not stop.is_set():
                try:
                    text = await asyncio.wait_for(ws.recv(), 0.5)
                except TimeoutError:
                    continue
                if isinstance(text, str) and text.startswith('{"type": "round"'):
                    event = json.loads(text)
                    if self.stream is None or event["stream"] == self.stream:
                        self.rounds.append((time.time(), int(event["data"]["stream_seq"])))

    def gaps(self, start: float, end: float) -> list[float]:
        """Seconds between consecutive rounds received within [start, end] (its edges count as rounds)."""
        times = [start, *(t for t, _ in self.rounds if start <= t <= end), end]
        return [b - a for a, b in zip(times, times[1:], strict=False)]

    def count(self, start: float, end: float) -> int:
        return sum(1 for t, _ in self.rounds if start <= t <= end)
