"""Rounds in files: one parser for every CSV layout, bulk import, a tailing watcher and the collector.

- ``parse``: header sniffing, line parsing and whole-file reading with a reason for every bad line;
- ``importer``: ``aviator import FILE...`` into the store in chunks;
- ``watcher``: tails ``aviator_payouts_*.csv`` files in a directory, resuming from stored offsets;
- ``writer``: ``aviator collect`` writes rounds as they happen to ``aviator_payouts_*.csv`` files;
- ``games``, ``games_parallel``: files of games (with hashes, seeds) for ``aviator verify file``, read
  in one process or, when large, in several.
"""
