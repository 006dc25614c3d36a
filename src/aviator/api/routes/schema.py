"""The published contract of the events: JSON Schema of every event type's payload."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from aviator.live.events import event_schemas

router = APIRouter(prefix="/api/schema", tags=["schema"])


@router.get("/events", summary="JSON Schema of the WebSocket events: the envelope and each type's payload")
async def events_schema() -> dict[str, Any]:
    return event_schemas()
