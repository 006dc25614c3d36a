"""Collecting rounds into ``aviator_payouts_YYYYMMDD_HHMMSS.csv`` files as they happen.

A :class:`RoundFeed` yields finished rounds (the simulator now; a browser feed can be added to
``FEEDS``); :class:`PayoutsCsvWriter` appends each one as a line, flushed at once so a watcher sees it.
Round ids are ``<run>-<n>``: the file's time stamp and a count from 1, unique across runs, so the
rounds of two runs never share a store key.
"""

from __future__ import annotations

import csv
import os
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Protocol

from aviator.domain import Round, utcnow
from aviator.fairness import simulate_round
from aviator.sources.simulator import to_round

PREFIX = "aviator_payouts_"
BASIC_COLUMNS = ("timestamp", "multiplier")
FAIRNESS_COLUMNS = (
    "round_id", "server_seed", "server_hash",
    "client_seed_1", "client_seed_2", "client_seed_3", "combined_hash",
)  # fmt: skip


def format_timestamp(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, e.g. ``2025-12-10T19:32:35.120Z`` (naive means UTC)."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _create(out_dir: Path, stamp: str) -> tuple[Path, IO[str]]:
    for attempt in range(1, 10_000):
        suffix = "" if attempt == 1 else f"_{attempt}"
        path = out_dir / f"{PREFIX}{stamp}{suffix}.csv"
        try:
            return path, path.open("x", encoding="utf-8", newline="")
        except FileExistsError:
            continue
    raise FileExistsError(f"no free file name for {PREFIX}{stamp}*.csv in {out_dir}")


class PayoutsCsvWriter:
    """One new CSV file in ``out_dir``; each round is written and flushed (and fsynced if asked)."""

    def __init__(
        self, out_dir: Path, with_fairness: bool, *, fsync: bool = False, now: datetime | None = None
    ) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        stamp = format_stamp(now or utcnow())
        self.path, self._handle = _create(out_dir, stamp)
        self.run_id = self.path.stem.removeprefix(PREFIX)
        self.with_fairness = with_fairness
        self.fsync = fsync
        self.rows = 0
        self._csv = csv.writer(self._handle, lineterminator="\n")
        self._csv.writerow(BASIC_COLUMNS + FAIRNESS_COLUMNS if with_fairness else BASIC_COLUMNS)
        self._flush()

    def _flush(self) -> None:
        self._handle.flush()
        if self.fsync:
            os.fsync(self._handle.fileno())

    def write(self, round_: Round) -> None:
        """Append one round (its fairness columns are empty when it has no fairness record)."""
        values = [format_timestamp(round_.timestamp), f"{round_.multiplier:.2f}"]
        if self.with_fairness:
            fair = round_.fairness
            seeds = list(fair.client_seeds[:3]) if fair else []
            values += [
                round_.round_id or "",
                fair.server_seed if fair else "",
                fair.server_hash if fair else "",
                *(seeds + [""] * (3 - len(seeds))),
                fair.combined_hash if fair else "",
            ]
        self._csv.writerow(values)
        self._flush()
        self.rows += 1

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()

    def __enter__(self) -> PayoutsCsvWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def format_stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%d_%H%M%S")


@dataclass(frozen=True)
class FeedOptions:
    """What a feed may need; a new feed adds its own fields here."""

    interval: float = 4.0
    rtp: float = 0.97
    rng: random.Random | None = None
    # For a feed that reads a game page (aviator.sources.browser.from_feed_options).
    url: str | None = None
    selector: str | None = None
    frame: str | None = None
    profile: Path | None = None
    headed: bool = False
    executable: str | None = None


class RoundFeed(Protocol):
    """Where ``aviator collect`` gets its rounds from."""

    #: Whether its rounds carry provably-fair seeds (the file then has the fairness columns).
    with_fairness: bool

    def next_round(self, round_id: str, stop: threading.Event) -> Round | None:
        """Block until the next round ends and return it; None once ``stop`` is set."""
        ...

    def close(self) -> None: ...


class SimulatorFeed:
    """The built-in provably-fair simulator: one round every ``interval`` seconds."""

    with_fairness = True
    source = "simulator"

    def __init__(self, options: FeedOptions) -> None:
        self.interval = options.interval
        self.rtp = options.rtp
        self.rng = options.rng

    def next_round(self, round_id: str, stop: threading.Event) -> Round | None:
        if stop.wait(self.interval):
            return None
        return to_round(simulate_round(self.rtp, self.rng), round_id, self.source)

    def close(self) -> None:
        return None


def _browser_feed(options: FeedOptions) -> RoundFeed:
    # Imported here: playwright and the browser feed are only loaded when asked for.
    from aviator.sources.browser import from_feed_options

    return from_feed_options(options)


#: ``aviator collect --source NAME``: each name builds its feed from the options.
FEEDS: dict[str, Callable[[FeedOptions], RoundFeed]] = {
    "simulator": SimulatorFeed,
    "browser": _browser_feed,
}


def collect_rounds(
    feed: RoundFeed,
    writer: PayoutsCsvWriter,
    stop: threading.Event,
    *,
    rounds: int | None = None,
    on_round: Callable[[Round], None] | None = None,
) -> int:
    """Write rounds from ``feed`` until ``stop`` is set or ``rounds`` are written; returns the count."""
    written = 0
    while (rounds is None or written < rounds) and not stop.is_set():
        round_ = feed.next_round(f"{writer.run_id}-{written + 1}", stop)
        if round_ is None:
            break
        writer.write(round_)
        written += 1
        if on_round is not None:
            on_round(round_)
    return written
