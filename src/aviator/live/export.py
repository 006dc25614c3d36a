"""A stream's export, streamed: every round and scored prediction, and the live summary.

Nothing is held whole in memory: rows are read from the store a batch at a time and written out as
they come. The export is a snapshot at its start (rows stored after it are left out), so the counts
in its header match its body.

- ``json``: ``{"header": {...counts...}, "rounds": [...], "predictions": [...], "summary": [...]}``
- ``jsonl``: one JSON object a line, each with a ``type`` (header, round, prediction, summary)
- ``csv``: the rounds, in the columns ``aviator import`` reads back
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aviator.core.reports import ModelReport
from aviator.core.rounds import StoredRound, utcnow
from aviator.core.runtime import RuntimeSettings
from aviator.store.repository import Store, StreamRecord

CSV_COLUMNS = (
    "stream_seq", "timestamp", "multiplier", "round_id", "key", "source",
    "server_seed", "server_hash", "client_seed_1", "client_seed_2", "client_seed_3", "combined_hash",
)  # fmt: skip


class ExportFormat(StrEnum):
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"


MEDIA_TYPES = {
    ExportFormat.JSON: "application/json",
    ExportFormat.JSONL: "application/x-ndjson",
    ExportFormat.CSV: "text/csv",
}


@dataclass(frozen=True)
class Snapshot:
    stream: StreamRecord
    up_to_seq: int
    up_to_prediction: int
    rounds: int
    predictions: int


def _round_json(rnd: StoredRound) -> dict[str, Any]:
    return rnd.model_dump(mode="json")


def _csv_line(values: Sequence[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def _csv_row(rnd: StoredRound) -> list[Any]:
    fair = rnd.fairness
    seeds = list(fair.client_seeds[:3]) if fair else []
    return [
        rnd.stream_seq,
        rnd.timestamp.isoformat(),
        f"{rnd.multiplier:.2f}",
        rnd.round_id or "",
        rnd.key,
        rnd.source,
        fair.server_seed if fair else "",
        fair.server_hash if fair else "",
        *(seeds + [""] * (3 - len(seeds))),
        fair.combined_hash if fair else "",
    ]


class Exporter:
    """Streams one stream's export in a format."""

    def __init__(self, store: Store, batch: int = 5000) -> None:
        self.store = store
        self.batch = batch

    def snapshot(self, stream: StreamRecord) -> Snapshot:
        up_to, last_prediction = self.store.last_seq(), self.store.last_prediction_id()
        rounds = self.store.count_rounds(stream.id, up_to_seq=up_to)
        predictions = self.store.count_predictions(stream.id, last_prediction)
        return Snapshot(stream, up_to, last_prediction, rounds, predictions)

    def _rounds(self, stream: StreamRecord, up_to: int) -> Iterator[list[StoredRound]]:
        for chunk in self.store.iter_rounds(stream.id, self.batch):
            kept = [r for r in chunk if r.seq <= up_to]
            if kept:
                yield kept
            if len(kept) < len(chunk):
                return

    def _predictions(self, stream: StreamRecord, up_to: int) -> Iterator[list[dict[str, Any]]]:
        for chunk in self.store.iter_predictions(stream.id, self.batch):
            kept = [p for p in chunk if p["id"] <= up_to]
            if kept:
                yield kept
            if len(kept) < len(chunk):
                return

    async def stream(
        self,
        snapshot: Snapshot,
        fmt: ExportFormat,
        settings: RuntimeSettings,
        summary: list[ModelReport],
    ) -> AsyncIterator[bytes]:
        """The export's bytes, a batch of rows at a time (the store is read in a worker thread)."""
        header = {
            "exported_at": utcnow().isoformat(),
            "stream": snapshot.stream.name,
            "kind": snapshot.stream.kind.value,
            "game": snapshot.stream.game.value,
            "rtp": snapshot.stream.rtp,
            "counts": {
                "rounds": snapshot.rounds,
                "predictions": snapshot.predictions,
                "models": len(summary),
            },
            "settings": settings.model_dump(),
        }
        models = [m.model_dump(mode="json") for m in summary]
        if fmt is ExportFormat.CSV:
            yield _csv_line(CSV_COLUMNS).encode()
            async for chunk in self._batches(self._rounds(snapshot.stream, snapshot.up_to_seq)):
                yield "".join(_csv_line(_csv_row(r)) for r in chunk).encode()
            return
        if fmt is ExportFormat.JSONL:
            yield (json.dumps({"type": "header", **header}) + "\n").encode()
            async for chunk in self._batches(self._rounds(snapshot.stream, snapshot.up_to_seq)):
                yield "".join(json.dumps({"type": "round", **_round_json(r)}) + "\n" for r in chunk).encode()
            async for rows in self._batches(self._predictions(snapshot.stream, snapshot.up_to_prediction)):
                yield "".join(json.dumps({"type": "prediction", **p}) + "\n" for p in rows).encode()
            yield (json.dumps({"type": "summary", "models": models}) + "\n").encode()
            return
        yield ('{"header": ' + json.dumps(header) + ', "rounds": [').encode()
        first = True
        async for chunk in self._batches(self._rounds(snapshot.stream, snapshot.up_to_seq)):
            text = ", ".join(json.dumps(_round_json(r)) for r in chunk)
            yield (text if first else ", " + text).encode()
            first = False
        yield b'], "predictions": ['
        first = True
        async for rows in self._batches(self._predictions(snapshot.stream, snapshot.up_to_prediction)):
            text = ", ".join(json.dumps(p) for p in rows)
            yield (text if first else ", " + text).encode()
            first = False
        yield ('], "summary": ' + json.dumps(models) + "}").encode()

    @staticmethod
    async def _batches(source: Iterator[list[Any]]) -> AsyncIterator[list[Any]]:
        while True:
            chunk = await asyncio.to_thread(next, source, None)
            if chunk is None:
                return
            yield chunk
