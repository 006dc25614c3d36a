"""Every event the server publishes (on the bus and over the WebSocket): a type and a typed payload.

An event travels as JSON ``{"type", "stream", "data", "ts"}``; ``encode_event`` is the only way one is
built, and it refuses a payload that is not the model of its type. ``event_schemas`` publishes the
JSON Schema of each (``GET /api/schema/events``).
"""

from __future__ import annotations

import json
import time
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aviator.core.forecast import Forecast
from aviator.core.reports import ModelReport, SkillLine
from aviator.core.rounds import StoredRound
from aviator.core.runtime import RuntimeSettings
from aviator.core.status import StatusReport, SystemSample
from aviator.core.streams import StreamInfo


class EventType(StrEnum):
    HELLO = "hello"
    ROUND = "round"
    PREDICTION = "prediction"
    STATUS = "status"
    LOG = "log"
    SETTINGS = "settings"
    STREAMS = "streams"
    RESET = "reset"
    ERROR = "error"
    PONG = "pong"


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PredictionPayload(_Payload):
    """A stream's forecasts of its next round, every model's, beside every model's measured skill."""

    stream: str
    seq: int = Field(
        description="The stream's number of the last round these forecasts know (made after it)."
    )
    rounds: int = Field(description="Rounds of this stream the models have learned.")
    selected: str = Field(description="The model shown first (the default one, or the one asked for).")
    target: float = Field(description="The cash-out target p_target and expected_return are at.")
    forecast: Forecast = Field(description="The selected model's forecast.")
    forecasts: dict[str, Forecast] = Field(description="Every model's forecast, by model name.")
    skill: list[SkillLine]
    house_expected_return: float = Field(description="The game's own odds: the return at the target.")
    house_p_target: float = Field(
        description="The game's own chance of reaching the target (RTP / target), shown beside the model's."
    )
    claim: str = Field(
        description="What the selected model's p_target is worth, in plain words, from its measured verdict."
    )


class StatusUpdate(_Payload):
    system: SystemSample


class LogEntry(_Payload):
    level: str
    logger: str
    message: str
    time: float


class StreamsPayload(_Payload):
    streams: list[StreamInfo]


class ResetPayload(_Payload):
    rounds: int


class ErrorPayload(_Payload):
    message: str
    code: str = Field(description="What went wrong, for machines (e.g. unknown_model, rate_limited).")
    request: str | None = Field(None, description="The type of the message that failed, when there was one.")


class Pong(_Payload):
    pass


class HelloPayload(_Payload):
    """Everything a new viewer needs to draw any model's forecast for its stream."""

    stream: str | None = Field(description="The stream this hello is about (the default one).")
    streams: list[StreamInfo]
    status: StatusReport
    settings: RuntimeSettings
    models: list[ModelReport]
    prediction: PredictionPayload | None
    grid: list[float] = Field(description="The multipliers each forecast's survival list is given at.")
    log: list[LogEntry]
    auth_required: bool = Field(description="Changes need the API token.")


PAYLOADS: dict[EventType, type[BaseModel]] = {
    EventType.HELLO: HelloPayload,
    EventType.ROUND: StoredRound,
    EventType.PREDICTION: PredictionPayload,
    EventType.STATUS: StatusUpdate,
    EventType.LOG: LogEntry,
    EventType.SETTINGS: RuntimeSettings,
    EventType.STREAMS: StreamsPayload,
    EventType.RESET: ResetPayload,
    EventType.ERROR: ErrorPayload,
    EventType.PONG: Pong,
}


def encode_event(kind: EventType, payload: BaseModel, stream: str | None = None) -> str:
    """One event as JSON text, encoded once (every client receives the same text)."""
    expected = PAYLOADS[kind]
    if not isinstance(payload, expected):
        raise TypeError(f"a {kind.value} event carries a {expected.__name__}, not {type(payload).__name__}")
    data = payload.model_dump(mode="json")
    return json.dumps({"type": kind.value, "stream": stream, "data": data, "ts": time.time()})


def event_schemas() -> dict[str, Any]:
    """JSON Schema of the envelope and of each event type's payload."""
    return {
        "envelope": {
            "type": "object",
            "required": ["type", "stream", "data", "ts"],
            "properties": {
                "type": {"enum": [kind.value for kind in EventType]},
                "stream": {"type": ["string", "null"]},
                "data": {"type": "object"},
                "ts": {"type": "number"},
            },
            "additionalProperties": False,
        },
        "events": {kind.value: model.model_json_schema() for kind, model in PAYLOADS.items()},
    }
