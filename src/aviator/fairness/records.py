"""Verification results as frozen dataclasses that turn into plain JSON-ready dicts."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


class JsonRecord:
    """Mixin for frozen dataclasses: ``to_json()`` gives a dict of JSON types (tuples become lists)."""

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = _plain(dataclasses.asdict(cast("DataclassInstance", self)))
        return result


@dataclass(frozen=True)
class CrashCheck(JsonRecord):
    """A crash result recomputed from a game hash with a published formula (bustabit v2, Stake)."""

    game: str
    game_hash: str
    salt: str
    hmac: str
    hex_window: str
    decimal: int
    result: float
    formula: str


@dataclass(frozen=True)
class ChainCheck(JsonRecord):
    """Whether repeated SHA-256 of a game hash reaches a published terminating hash (the tip).

    ``steps`` is how many hashings lead from ``game_hash`` to ``tip`` (0 if they are equal), or
    ``None`` if the tip was not reached within ``max_steps``.
    """

    game_hash: str
    tip: str
    max_steps: int
    steps: int | None

    @property
    def ok(self) -> bool:
        return self.steps is not None

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "ok": self.ok}
