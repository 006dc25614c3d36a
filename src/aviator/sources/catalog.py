"""Every feed ``aviator collect --source NAME`` can read, by name."""

from __future__ import annotations

from collections.abc import Callable

from aviator.sources.feeds import FeedOptions, RoundFeed, SimulatorFeed


def _browser_feed(options: FeedOptions) -> RoundFeed:
    # Imported here: playwright and the browser feed are only loaded when asked for.
    from aviator.sources.browser import from_feed_options

    return from_feed_options(options)


#: Each name builds its feed from the options.
FEEDS: dict[str, Callable[[FeedOptions], RoundFeed]] = {
    "simulator": SimulatorFeed,
    "browser": _browser_feed,
}
