"""The WebSocket endpoint: a ``hello`` for the viewer's stream, then the events of that stream (and the
server-wide ones: status, log, settings, streams, reset).

Each viewer has its own stream, model and target: choosing them changes only that viewer's view. Each
client has a bounded send queue: when a slow client's queue is full its oldest event is dropped (and
counted), so it can never stall the others. A malformed message gets an ``error`` event (with a
``code``) and the connection stays open.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from aviator.api.deps import token_ok
from aviator.api.guard import Bucket, RateLimiter
from aviator.api.server import Server
from aviator.core.curve import GRID
from aviator.core.errors import DomainError, InvalidInput, Unauthorized
from aviator.live.events import ErrorPayload, EventType, HelloPayload, Pong, encode_event

logger = logging.getLogger(__name__)
router = APIRouter()

#: The server-wide event types every client gets, whatever stream it watches.
_ALL = frozenset({EventType.STATUS, EventType.LOG, EventType.SETTINGS, EventType.STREAMS, EventType.RESET})
KNOWN_MESSAGES = ("ping", "watch", "predict", "select_model", "settings")


@dataclass
class Viewer:
    """What one viewer looks at: its stream (None: the default one), model and target."""

    stream: str | None = None
    model: str | None = None
    target: float | None = None


#: A connection sending more than this many messages over its rate within one second is closed
#: (1008), and its address may not open another for ``FLOOD_COOLDOWN`` seconds.
FLOOD_LIMIT = 200
FLOOD_COOLDOWN = 10.0


class Client:
    def __init__(
        self, websocket: WebSocket, queue_size: int, may_change: bool, rate: float, address: str = ""
    ) -> None:
        self.websocket = websocket
        self.address = address
        self.queue: asyncio.Queue[str] = asyncio.Queue(queue_size)
        self.may_change = may_change
        self.viewer = Viewer()
        self.dropped = 0
        self.bucket = Bucket(rate, 2 * rate)
        #: Messages over the rate in the current second (``_window`` is when it began).
        self.refused = 0
        self._window = 0.0
        self._told_at = 0.0

    def over_rate(self, address_wait: float = 0.0) -> bool:
        """Whether this message is over the connection's rate, or its address's (``address_wait`` > 0):
        then it is dropped, and said so once a second."""
        wait = self.bucket.take()
        if wait <= 0 and address_wait <= 0:
            return False
        now = time.monotonic()
        if now - self._window >= 1.0:
            self._window, self.refused = now, 0
        self.refused += 1
        if now - self._told_at >= 1.0:
            self._told_at = now
            message = f"too many messages: at most {self.bucket.rate:g} a second; this one was dropped"
            self.offer(_error(message, "rate_limited"))
        return True

    @property
    def flooding(self) -> bool:
        return self.refused > FLOOD_LIMIT

    def offer(self, message: str) -> None:
        if self.queue.full():
            self.queue.get_nowait()
            self.dropped += 1
        self.queue.put_nowait(message)


class Hub:
    """One bus subscription per process, fanned out to the clients each event is for."""

    def __init__(self, rate: float = 20.0) -> None:
        self.clients: set[Client] = set()
        self.delivered = 0
        self._hello: dict[str | None, tuple[int, str]] = {}
        #: Every connection of one address shares this rate (two tabs' worth), so a flooder gains
        #: nothing by opening more connections or reconnecting.
        self.addresses = RateLimiter(2 * rate)
        #: Addresses closed for flooding, and until when they may not connect again.
        self.barred: dict[str, float] = {}

    def barred_for(self, address: str) -> float:
        """Seconds until ``address`` may connect again (0: it may now)."""
        until = self.barred.get(address, 0.0)
        left = until - time.monotonic()
        if left <= 0:
            self.barred.pop(address, None)
            return 0.0
        return left

    def bar(self, address: str) -> None:
        if len(self.barred) >= 10_000:
            self.barred.pop(next(iter(self.barred)))
        self.barred[address] = time.monotonic() + FLOOD_COOLDOWN

    async def hello(self, server: Server, stream: str | None) -> str:
        """The encoded ``hello`` of a stream, built once for every client that connects before the next
        event (a crowd arriving at once would otherwise rebuild the same 30 KB for each)."""
        cached = self._hello.get(stream)
        if cached is None or cached[0] != self.delivered:
            cached = (
                self.delivered,
                encode_event(EventType.HELLO, await hello_payload(server, stream), stream),
            )
            self._hello[stream] = cached
        return cached[1]

    async def pump(self, server: Server) -> None:
        from aviator.bus import Channel

        async for message in server.bus.subscribe(Channel.EVENTS):
            kind, stream = _route(message)
            default = server.streams.default_name()
            for client in list(self.clients):
                watching = client.viewer.stream or default
                if kind in _ALL or stream is None or stream == watching:
                    client.offer(message)
            self.delivered += 1

    def status(self) -> dict[str, int]:
        return {
            "connections": len(self.clients),
            "dropped": sum(c.dropped for c in self.clients),
            "events": self.delivered,
        }


def _route(message: str) -> tuple[EventType | None, str | None]:
    try:
        head = json.loads(message)
        return EventType(head["type"]), head.get("stream")
    except (ValueError, KeyError, TypeError):
        return None, None


async def hello_payload(server: Server, stream: str | None) -> HelloPayload:
    name = stream or server.streams.default_name()
    engine = server.engine.streams.get(name) if name else None
    log = list(server.log_handler.recent) if server.log_handler else []
    return HelloPayload(
        stream=name,
        streams=await server.streams.infos(),
        status=server.status(name),
        settings=server.runtime,
        models=engine.model_reports() if engine else [],
        prediction=engine.prediction() if engine else None,
        grid=list(GRID),
        log=log,
        auth_required=bool(server.settings.api_token),
    )


def _error(message: str, code: str, request: str | None = None) -> str:
    return encode_event(EventType.ERROR, ErrorPayload(message=message, code=code, request=request))


async def _send_loop(client: Client) -> None:
    while True:
        message = await client.queue.get()
        await client.websocket.send_text(message)


def _parse(text: str) -> dict[str, Any]:
    try:
        message = json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise ValueError("expected a JSON object with a string 'type'")
    return message


async def _handle(server: Server, hub: Hub, client: Client, message: dict[str, Any]) -> None:
    kind = message["type"]
    viewer = client.viewer
    session = server.session
    if kind == "ping":
        client.offer(encode_event(EventType.PONG, Pong()))
    elif kind == "watch":
        stream = message.get("stream")
        if stream is not None:
            await server.streams.get(str(stream))  # an unknown stream is refused, the viewer unchanged
        viewer.stream = None if stream is None else str(stream)
        client.offer(await hub.hello(server, viewer.stream))
    elif kind in ("predict", "select_model"):
        model = message.get("model", viewer.model if kind == "predict" else None)
        target = message.get("target", viewer.target)
        stream = message.get("stream", viewer.stream)
        if target is not None and (isinstance(target, bool) or not isinstance(target, int | float)):
            raise InvalidInput(
                f"target={target!r}: the cash-out target must be a number within 1.01..1000", "bad_target"
            )
        payload = await session.prediction(stream, None if model is None else str(model), target)
        if kind == "select_model":
            viewer.model = payload.selected
        if "target" in message:
            viewer.target = payload.target
        client.offer(encode_event(EventType.PREDICTION, payload, payload.stream))
    elif kind == "settings":
        if not client.may_change:
            raise Unauthorized("this server requires an API token to change settings", "token_required")
        changes = message.get("data")
        await session.update_settings(changes if isinstance(changes, dict) else {})
    else:
        known = ", ".join(KNOWN_MESSAGES)
        client.offer(_error(f"unknown message type {kind!r}; known: {known}", "unknown_message", kind))


@router.websocket("/ws")
async def websocket_endpoint(websocket: WebSocket) -> None:
    server: Server = websocket.app.state.server
    hub: Hub = websocket.app.state.hub
    address = websocket.client.host if websocket.client else ""
    barred = hub.barred_for(address)
    if barred > 0:  # refused at the handshake (HTTP 403), before any work is done for it
        await websocket.close(code=1008, reason=f"too many messages: wait {barred:.0f} s")
        return
    await websocket.accept()
    may_change = token_ok(server.settings.api_token, websocket.query_params.get("token"))
    rate = server.settings.ws_rate_limit
    client = Client(websocket, server.settings.ws_queue_size, may_change, rate, address)
    client.offer(await hub.hello(server, None))
    hub.clients.add(client)
    sender = asyncio.create_task(_send_loop(client))
    try:
        while True:
            frame = await websocket.receive()
            if frame["type"] == "websocket.disconnect":
                break
            if client.over_rate(hub.addresses.wait(address)):
                if client.flooding:
                    hub.bar(address)
                    await websocket.close(code=1008, reason="too many messages")
                    break
                continue
            text = frame.get("text")
            if text is None:
                client.offer(_error("binary frames are not understood: send JSON text", "binary_frame"))
                continue
            try:
                message = _parse(text)
            except ValueError as exc:
                client.offer(_error(f"malformed message: {exc}", "malformed"))
                continue
            try:
                await _handle(server, hub, client, message)
            except DomainError as exc:
                client.offer(_error(str(exc), exc.code, message["type"]))
    except WebSocketDisconnect:
        pass
    finally:
        hub.clients.discard(client)
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender
