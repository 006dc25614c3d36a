"""Streams: one game as seen by one source. Models, scores, verdicts and audits are per stream.

Every round belongs to exactly one stream; rounds of different streams are never one sequence. A
stream is named by where its rounds come from: ``simulator``, a watched file set (``files:DIR``, or a
name the user gives), a browser collector (``browser:HOST``), ``manual`` entry, an HTTP client (the
``source`` it sends, ``http`` by default), an import (``import`` unless named).
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

#: Stream names: letters, digits and ``_ - . : / @``; at most 64 characters.
STREAM_NAME = re.compile(r"^[A-Za-z0-9_.:/@-]{1,64}$")
SIMULATOR_STREAM = "simulator"
MANUAL_STREAM = "manual"
HTTP_STREAM = "http"
IMPORT_STREAM = "import"


class StreamKind(StrEnum):
    SIMULATOR = "simulator"
    FILES = "files"
    BROWSER = "browser"
    MANUAL = "manual"
    HTTP = "http"
    IMPORT = "import"


class Game(StrEnum):
    AVIATOR = "aviator"
    BUSTABIT = "bustabit"
    STAKE = "stake"


#: The return to player each game publishes.
GAME_RTP: dict[Game, float] = {Game.AVIATOR: 0.97, Game.BUSTABIT: 0.99, Game.STAKE: 0.99}


def check_stream_name(name: str) -> str:
    """``name`` if it is a valid stream name, else ValueError saying what a name may hold."""
    if not STREAM_NAME.fullmatch(name):
        raise ValueError(f"stream name {name[:80]!r} is not valid: 1 to 64 letters, digits or _ - . : / @")
    return name


def kind_of_source(source: str) -> StreamKind:
    """The kind of stream a round's ``source`` names (for rounds sent over HTTP)."""
    if source == SIMULATOR_STREAM:
        return StreamKind.SIMULATOR
    if source == MANUAL_STREAM:
        return StreamKind.MANUAL
    if source.startswith("browser"):
        return StreamKind.BROWSER
    if source.startswith("files:"):
        return StreamKind.FILES
    return StreamKind.HTTP


class StreamSpec(BaseModel):
    """How a stream is created: its name, kind, game and return to player."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1, max_length=64, pattern=STREAM_NAME.pattern)
    kind: StreamKind
    game: Game = Game.AVIATOR
    rtp: float = Field(0.97, gt=0.5, le=1.0)


class StreamInfo(BaseModel):
    """A stream as ``GET /api/streams`` lists it."""

    name: str
    kind: StreamKind
    game: Game
    rtp: float = Field(description="The return to player its rounds are measured against.")
    rounds: int
    first_at: datetime | None
    last_at: datetime | None
    live: bool = Field(description="A round arrived in the last few minutes (else idle).")
    default: bool = Field(description="The stream pages and reads show when none is named.")
