"""The bus contract: publish encoded JSON events on a channel, subscribe to a channel.

Channels are part of the contract (``Channel``); a backend names them within its deployment's
namespace so that several deployments can share one Redis.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from enum import StrEnum

from aviator.core.status import BusStatus


class Channel(StrEnum):
    #: Every event for the WebSocket clients of every process.
    EVENTS = "events"


class Bus(ABC):
    """Fan-out of encoded events (JSON text) to every subscriber of a channel, in publish order per
    publisher."""

    name: str = "bus"
    #: Whether a message published here reaches the subscribers of other processes too.
    spans_processes: bool = False

    def __init__(self, namespace: str = "aviator") -> None:
        self.namespace = namespace

    def channel_name(self, channel: Channel) -> str:
        return f"{self.namespace}:{channel.value}"

    async def connect(self) -> None:  # noqa: B027 - optional hook
        """Open connections; the default bus has none."""

    async def disconnect(self) -> None:  # noqa: B027 - optional hook
        """Close connections and end every subscription."""

    @abstractmethod
    async def publish(self, channel: Channel, message: str) -> None:
        """Send one encoded event to every subscriber of ``channel``."""

    @abstractmethod
    def subscribe(self, channel: Channel) -> AsyncIterator[str]:
        """Every message published on ``channel`` from now on, until the bus disconnects."""

    def status(self) -> BusStatus:
        return BusStatus(backend=self.name, connected=True)
