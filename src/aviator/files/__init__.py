"""Rounds in files: one parser for every CSV layout, bulk import, a tailing watcher and the collector.

- ``parse``: header sniffing, line parsing and whole-file reading with a reason for every bad line;
- ``importer``: ``aviator import FILE...`` into the store in chunks;
- ``watcher``: tails ``aviator_payouts_*.csv`` files in a directory, resuming from stored offsets;
- ``writer``: ``aviator collect`` writes rounds as they happen to ``aviator_payouts_*.csv`` files.
"""

from __future__ import annotations

from aviator.files.importer import ImportSummary, import_files
from aviator.files.parse import (
    Header,
    HeaderError,
    LineParser,
    ParsedRow,
    ParseResult,
    RowError,
    parse_line,
    read_file,
    sniff_header,
    to_round,
    to_store_row,
)
from aviator.files.watcher import FileWatcher, OffsetStore
from aviator.files.writer import FEEDS, FeedOptions, PayoutsCsvWriter, RoundFeed, collect_rounds

__all__ = [
    "FEEDS",
    "FeedOptions",
    "FileWatcher",
    "Header",
    "HeaderError",
    "ImportSummary",
    "LineParser",
    "OffsetStore",
    "ParseResult",
    "ParsedRow",
    "PayoutsCsvWriter",
    "RoundFeed",
    "RowError",
    "collect_rounds",
    "import_files",
    "parse_line",
    "read_file",
    "sniff_header",
    "to_round",
    "to_store_row",
]
