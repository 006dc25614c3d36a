"""The WebSocket endpoint: a ``hello`` with the current state, then every event of the bus.

Each client has a bounded send queue: when a slow client's queue is full its oldest event is
dropped (and counted), so it can never stall the others. A malformed message gets an ``error``
event and the connection stays open.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from fastapi import APIRouter, HTTPException, WebSocket, WebSocketDisconnect

from aviator.api.deps import token_ok
from aviator.api.routes.models import apply_settings, models_report
from aviator.api.server import Services
from aviator.core.events import encode_event
from aviator.models.registry import UnknownModelError

logger = logging.getLogger(__name__)
router = APIRouter()


class Client:
    def __init__(self, websocket: WebSocket, queue_size: int, may_change: bool) -> None:
        self.websocket = websocket
        self.queue: asyncio.Queue[str] = asyncio.Queue(queue_size)
        self.may_change = may_change
        self.dropped = 0

    def offer(self, message: str) -> None:
        if self.queue.full():
            self.queue.get_nowait()
            self.dropped += 1
        self.queue.put_nowait(message)


class Hub:
    """One bus subscription per process, fanned out to every connected client."""

    def __init__(self) -> None:
        self.clients: set[Client] = set()
        self.delivered = 0
        self._hello: tuple[int, str] | None = None

    def hello(self, services: Services) -> str:
        """The encoded ``hello``, built once for every client that connects before the next event
        (a crowd arriving at once would otherwise rebuild the same 30 KB for each)."""
        if self._hello is None or self._hello[0] != self.delivered:
            self._hello = (self.delivered, encode_event("hello", hello_payload(services)))
        return self._hello[1]

    async def pump(self, services: Services) -> None:
        async for message in services.bus.subscribe():
            for client in list(self.clients):
                client.offer(message)
            self.delivered += 1

    def status(self) -> dict[str, int]:
        return {
            "connections": len(self.clients),
            "dropped": sum(c.dropped for c in self.clients),
            "events": self.delivered,
        }


def hello_payload(services: Services) -> dict[str, Any]:
    from aviator.core.curve import GRID

    engine = services.engine
    return {
        "status": services.status(),
        "settings": services.runtime.model_dump(),
        "models": models_report(services),
        "prediction": engine.prediction_payload(),
        "grid": GRID,
        "log": list(services.log_handler.recent) if services.log_handler else [],
        "auth_required": bool(services.settings.api_token),
    }


async def _send_loop(client: Client) -> None:
    while True:
        message = await client.queue.get()
        await client.websocket.send_text(message)


async def _handle(services: Services, client: Client, text: str) -> None:
    try:
        message = json.loads(text)
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise ValueError("expected a JSON object with a string 'type'")
    except ValueError as exc:
        client.offer(encode_event("error", {"message": f"malformed message: {exc}"}))
        return
    kind = message["type"]
    if kind == "ping":
        client.offer(encode_event("pong", {}))
    elif kind == "predict":
        model = message.get("model")
        if model is not None and model not in services.engine.models:
            client.offer(encode_event("error", {"message": str(UnknownModelError(str(model)))}))
            return
        client.offer(encode_event("prediction", services.engine.prediction_payload(model)))
    elif kind in ("settings", "select_model"):
        if not client.may_change:
            client.offer(
                encode_event("error", {"message": "this server requires an API token to change settings"})
            )
            return
        changes = message.get("data") if kind == "settings" else {"model": message.get("model")}
        try:
            await apply_settings(services, changes if isinstance(changes, dict) else {})
        except HTTPException as exc:
            client.offer(encode_event("error", {"message": exc.detail, "request": kind}))
    else:
        known = "ping, predict, settings, select_model"
        client.offer(encode_event("error", {"message": f"unknown message type {kind!r}; known: {known}"}))


@router.websocket("/ws")
async def websocket_endpoint(websocket: WebSocket) -> None:
    services: Services = websocket.app.state.services
    hub: Hub = websocket.app.state.hub
    await websocket.accept()
    may_change = token_ok(services.settings.api_token, websocket.query_params.get("token"))
    client = Client(websocket, services.settings.ws_queue_size, may_change)
    client.offer(hub.hello(services))
    hub.clients.add(client)
    sender = asyncio.create_task(_send_loop(client))
    try:
        while True:
            text = await websocket.receive_text()
            await _handle(services, client, text)
    except WebSocketDisconnect:
        pass
    finally:
        hub.clients.discard(client)
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender
