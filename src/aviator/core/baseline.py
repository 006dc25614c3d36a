"""The name of the model every other is measured against: the game's own odds."""

from __future__ import annotations

BASELINE = "house"
