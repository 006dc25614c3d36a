"""Every feed ``aviator collect --source NAME`` can read, by name.

Light to import (the CLI reads the names for its help): each builder imports its feed when called.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aviator.sources.feeds import FeedOptions, RoundFeed


def _simulator_feed(options: FeedOptions) -> RoundFeed:
    from aviator.sources.feeds import SimulatorFeed

    return SimulatorFeed(options)


def _browser_feed(options: FeedOptions) -> RoundFeed:
    # playwright and the browser feed are only loaded when asked for.
    from aviator.sources.browser import from_feed_options

    return from_feed_options(options)


#: Each name builds its feed from the options.
FEEDS: dict[str, Callable[[FeedOptions], RoundFeed]] = {
    "simulator": _simulator_feed,
    "browser": _browser_feed,
}
