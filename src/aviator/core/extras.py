"""Optional parts of the install: a feature that needs one says which extra to install."""

from __future__ import annotations

import sys
from types import ModuleType


class MissingExtraError(RuntimeError):
    """A feature needs a package of an extra that is not installed; the message says how to get it."""


def need(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module`` for ``feature``, or raise MissingExtraError naming the extra to install."""
    try:
        __import__(module)  # through the import statement's hook (tests can take a module away)
        return sys.modules[module]
    except ImportError:
        raise MissingExtraError(
            f"{feature} needs an optional part: install the '{extra}' extra: "
            f"pip install 'aviator-predictor[{extra}]'"
        ) from None
