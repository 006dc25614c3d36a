"""Collecting rounds into ``aviator_payouts_YYYYMMDD_HHMMSS.csv`` files as they happen.

A feed (:mod:`aviator.sources.feeds`) yields finished rounds; :class:`PayoutsCsvWriter` appends each
one as a line, flushed at once so a watcher sees it.
Round ids are ``<run>-<n>``: the file's time stamp and a count from 1, unique across runs, so the
rounds of two runs never share a store key.
"""

from __future__ import annotations

import csv
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO

from aviator.core.rounds import Round, utcnow
from aviator.sources.feeds import RoundFeed

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
