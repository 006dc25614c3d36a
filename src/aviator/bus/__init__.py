"""The event bus: in-process by default, Redis pub/sub across processes and hosts."""

from __future__ import annotations

from aviator.bus.base import Bus, Channel
from aviator.bus.memory import MemoryBus


def create_bus(redis_url: str | None, namespace: str = "aviator") -> Bus:
    """The bus the settings ask for."""
    if redis_url:
        from aviator.bus.redis import RedisBus

        return RedisBus(redis_url, namespace=namespace)
    return MemoryBus(namespace)


__all__ = ["Bus", "Channel", "MemoryBus", "create_bus"]
