"""Events as they travel on the bus and over the WebSocket: JSON ``{type, data, ts}``."""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi.encoders import jsonable_encoder


def encode_event(event_type: str, data: Any) -> str:
    """One event, encoded once; every client receives the same text."""
    return json.dumps({"type": event_type, "data": jsonable_encoder(data), "ts": time.time()})
