"""The bus contract: publish encoded JSON events, subscribe to all of them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator


class Bus(ABC):
    """Fan-out of encoded events (JSON text) to every subscriber, in publish order per publisher."""

    name: str = "bus"

    async def connect(self) -> None:  # noqa: B027 - optional hook
        """Open connections; the default bus has none."""

    async def disconnect(self) -> None:  # noqa: B027 - optional hook
        """Close connections and end every subscription."""

    @abstractmethod
    async def publish(self, message: str) -> None:
        """Send one encoded event to every subscriber."""

    @abstractmethod
    def subscribe(self) -> AsyncIterator[str]:
        """Every message published from now on, until the bus disconnects."""

    def status(self) -> dict[str, object]:
        return {"backend": self.name, "connected": True}
