"""Reading a multiplier from the text a file, a page or a person gives."""

from __future__ import annotations

import math
import re

DEFAULT_MAX_MULTIPLIER = 1_000_000.0
_TEXT_LIMIT = 200
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


def cut(text: str) -> str:
    """``text`` cut to 200 characters for an error message."""
    return text if len(text) <= _TEXT_LIMIT else text[:_TEXT_LIMIT] + "..."


def parse_multiplier(text: str, max_multiplier: float = DEFAULT_MAX_MULTIPLIER) -> float:
    """``2.61``, ``2.61x``, ``1,234.56X`` -> the value rounded to cents; ValueError says what is wrong."""
    value = text.strip()
    if value.isascii() and value.replace(".", "", 1).isdigit():  # the usual "2.61": no checks needed
        number = float(value)
        if 1.0 <= number <= max_multiplier:
            dot = value.find(".")
            return number if dot < 0 or len(value) - dot <= 3 else round(number, 2)
    if value[-1:] in ("x", "X"):
        value = value[:-1].rstrip()
    if not value:
        raise ValueError("missing multiplier")
    if "," in value:
        if not _GROUPED.fullmatch(value):
            raise ValueError(
                f"multiplier {cut(text)!r} has a comma that is not a thousands separator (decimals take '.')"
            )
        value = value.replace(",", "")
    if value.lower() in _NOT_FINITE:
        raise ValueError(f"multiplier {cut(text)!r} is not finite")
    if not _NUMBER.fullmatch(value):
        raise ValueError(f"multiplier {cut(text)!r} is not a number")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"multiplier {cut(text)!r} is not finite")
    if number < 1.0:
        raise ValueError(f"multiplier {number:.15g} is below 1.00, the smallest crash point")
    if number > max_multiplier:
        raise ValueError(f"multiplier {number:.15g} is above the cap of {max_multiplier:.15g}")
    return round(number, 2)
