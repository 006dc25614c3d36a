"""The streams the server knows: created on first sight, listed with their counts, one the default.

A stream is created the first time a round names it (its kind from how it arrives, its game and RTP
from the settings); the sources the server runs register theirs at start with the right kind.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from aviator.core.errors import UnknownStreamError
from aviator.core.streams import (
    GAME_RTP,
    HTTP_STREAM,
    Game,
    StreamInfo,
    StreamKind,
    StreamSpec,
    check_stream_name,
)
from aviator.store.repository import Store, StreamRecord

#: A stream with a round in the last this-many minutes is "live", else "idle".
LIVE_WITHIN = timedelta(minutes=5)

NewStream = Callable[[StreamRecord], Awaitable[None]]


class StreamRegistry:
    """Resolves stream names to their records (creating them), and picks the default stream."""

    def __init__(
        self,
        store: Store,
        default_rtp: Callable[[], float],
        preferred: str | None = None,
        fallback: str = HTTP_STREAM,
    ) -> None:
        self.store = store
        self.default_rtp = default_rtp
        #: The stream reads and pages show when none is named (the simulator's, a watched folder's...).
        self.preferred = preferred
        #: The default when nothing is preferred and no round has come yet.
        self.fallback = fallback
        self.on_new: list[NewStream] = []
        #: Rounds, first and last time of each stream (the engine's view: every process sees them all).
        self.counts: Callable[[], dict[str, tuple[int, datetime | None, datetime | None]]] = dict
        self._known: dict[str, StreamRecord] = {}
        self._latest: str | None = None

    def spec(self, name: str, kind: StreamKind, game: Game | None = None) -> StreamSpec:
        game = game or Game.AVIATOR
        rtp = self.default_rtp() if game is Game.AVIATOR else GAME_RTP[game]
        return StreamSpec(name=check_stream_name(name), kind=kind, game=game, rtp=rtp)

    async def ensure(self, name: str, kind: StreamKind, game: Game | None = None) -> StreamRecord:
        """The record of stream ``name``, created (with ``kind`` and ``game``) if it is new."""
        found = self._known.get(name)
        if found is not None:
            return found
        record = await asyncio.to_thread(self.store.stream, name)
        if record is None:
            record = await asyncio.to_thread(self.store.ensure_stream, self.spec(name, kind, game))
            self._known[name] = record
            for listener in self.on_new:
                await listener(record)
        self._known[name] = record
        return record

    async def get(self, name: str) -> StreamRecord:
        """The record of an existing stream; UnknownStreamError lists the streams there are."""
        found = self._known.get(name) or await asyncio.to_thread(self.store.stream, name)
        if found is None:
            known = [r.name for r in await asyncio.to_thread(self.store.streams)]
            raise UnknownStreamError(name, known)
        self._known[name] = found
        return found

    def saw_round(self, name: str) -> None:
        self._latest = name

    def forget(self) -> None:
        self._known.clear()

    def changed(self, record: StreamRecord) -> None:
        self._known[record.name] = record

    def default_name(self) -> str:
        """The preferred stream, else the one of the latest round, else the fallback."""
        return self.preferred or self._latest or self.fallback

    async def resolve(self, name: str | None) -> StreamRecord:
        """The stream a read names, or the default one."""
        return await self.get(name or self.default_name())

    async def infos(self) -> list[StreamInfo]:
        """Every stream with its counts."""
        records = await asyncio.to_thread(self.store.streams)
        counts = self.counts()
        default = self.default_name()
        recent = datetime.now(UTC) - LIVE_WITHIN
        infos = []
        for record in records:
            rounds, first_at, last_at = counts.get(record.name, (0, None, None))
            infos.append(
                StreamInfo(
                    name=record.name,
                    kind=record.kind,
                    game=record.game,
                    rtp=record.rtp,
                    rounds=rounds,
                    first_at=first_at,
                    last_at=last_at,
                    live=last_at is not None and last_at >= recent,
                    default=record.name == default,
                )
            )
        return infos
