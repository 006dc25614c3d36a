"""Optional parts of the install: a feature that needs one says which extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtraError(RuntimeError):
    """A feature needs a package of an extra that is not installed; the message says how to get it."""


def need(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module`` for ``feature``, or raise MissingExtraError naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{feature} needs an optional part: install the '{extra}' extra: "
            f"pip install 'aviator-predictor[{extra}]'"
        ) from None
