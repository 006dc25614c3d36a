"""Item 6 (an acknowledged round is on disk, and what that costs) and the kill -9 check that held on the
old main (no acknowledged round lost or stored twice across three kills)."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from reliability.harness import ItemResult, Lab, ServerProcess

STRACE = shutil.which("strace") or "/usr/bin/strace"
NO_LIMIT = {"AVIATOR_RATE_LIMIT": "0"}  # one address posting as fast as it can is what is measured


def count_syncs(pid: int, action: Callable[[], Any], folder: Path) -> dict[str, int] | str:
    """fdatasync/fsync calls of every thread of ``pid`` while ``action`` runs (strace -f -c), or why
    they could not be counted."""
    out = folder / f"strace-{pid}-{time.monotonic_ns()}.txt"
    tracer = subprocess.Popen(
        [STRACE, "-f", "-c", "-e", "trace=fdatasync,fsync", "-o", str(out), "-p", str(pid)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)  # attaching to every thread
    if tracer.poll() is not None:
        return f"strace could not attach: {(tracer.stderr.read() if tracer.stderr else '').strip()[:200]}"
    try:
        action()
    finally:
        tracer.send_signal(signal.SIGINT)
        tracer.wait(30)
    counts = {"fdatasync": 0, "fsync": 0}
    for line in out.read_text().splitlines():
        parts = line.split()
        if parts and parts[-1] in counts and len(parts) >= 5:
            counts[parts[-1]] = int(parts[3])
    return counts


def _post_singles(
    base: str, count: int, stream: str, headers: dict[str, str] | None = None
) -> tuple[int, float]:
    """``count`` single-round POSTs one after another; (acknowledged, seconds)."""
    acked = 0
    started = time.perf_counter()
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
        for i in range(count):
            answer = client.post("/api/rounds", json={"multiplier": 1.0 + (i % 300) / 100, "source": stream})
            acked += answer.status_code == 200
    return acked, time.perf_counter() - started


def _syncs_text(counts: dict[str, int] | str) -> str:
    if isinstance(counts, str):
        return counts
    return (
        f"{counts['fdatasync'] + counts['fsync']} ({counts['fdatasync']} fdatasync, {counts['fsync']} fsync)"
    )


def _store_micro(
    folder: Path, synchronous: str, singles: int, batch: int
) -> tuple[float, float, dict[str, int] | str]:
    """Store.add_rounds on a scratch SQLite file with PRAGMA synchronous=``synchronous``: single-round
    commits a second, rows a second of one batch, and the syncs of 200 single commits."""
    from sqlalchemy import event

    from aviator.core.rounds import Round, new_key, utcnow
    from aviator.core.streams import StreamKind, StreamSpec
    from aviator.store.db import connect, migrate
    from aviator.store.repository import Store

    engine = connect(f"sqlite:///{folder / f'micro-{synchronous.lower()}.db'}")
    if synchronous != "FULL":

        def relax(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute(f"PRAGMA synchronous={synchronous}")

        event.listen(engine, "connect", relax)  # after the store's own pragmas
    migrate(engine)
    store = Store(engine)
    store.ensure_stream(StreamSpec(name="micro", kind=StreamKind.HTTP))

    def one() -> None:
        store.add_rounds(
            [Round(stream="micro", source="micro", multiplier=2.0, timestamp=utcnow(), key=new_key())]
        )

    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == {"FULL": 2, "NORMAL": 1}[synchronous]

    def two_hundred() -> None:
        for _ in range(200):
            one()

    syncs = count_syncs(os.getpid(), two_hundred, folder)
    started = time.perf_counter()
    for _ in range(singles):
        one()
    single_rate = singles / (time.perf_counter() - started)
    now = utcnow()
    rows = [
        Round(stream="micro", source="micro", multiplier=2.0, timestamp=now, key=new_key())
        for _ in range(batch)
    ]
    started = time.perf_counter()
    for start in range(0, batch, 1000):  # the ingestor's chunks
        store.add_rounds(rows[start : start + 1000])
    batch_rate = batch / (time.perf_counter() - started)
    engine.dispose()
    return single_rate, batch_rate, syncs


def sync_cost(lab: Lab, result: ItemResult) -> None:
    server = lab.server("fsync", ["serve"], NO_LIMIT)
    try:
        _post_singles(server.base, 5, "bench-sync")  # the stream exists; the engine has started on it
        time.sleep(1.0)
        acked: list[int] = []
        during = count_syncs(
            server.pid, lambda: acked.append(_post_singles(server.base, 200, "bench-sync")[0]), server.folder
        )
        idle = count_syncs(server.pid, lambda: time.sleep(3.0), server.folder)
        result.add(
            f"fdatasync + fsync of the server (strace -f -c -p PID) during 200 acknowledged single-round "
            f"POSTs ({acked[0] if acked else 0} acknowledged)",
            "8 for 200 acknowledged commits (synchronous=NORMAL)",
            f"{_syncs_text(during)}; in 3 s idle afterwards: {_syncs_text(idle)}",
            isinstance(during, dict) and during["fdatasync"] + during["fsync"] >= 200,
        )
        singles = 200 if lab.quick else 1000
        load = lab.wait_quiet("the rows/s of acknowledged writes")
        acked_count, seconds = _post_singles(server.base, singles, "bench-rate")
        batch = [{"multiplier": 2.0, "source": "bench-rate-batch"} for _ in range(10_000)]
        started = time.perf_counter()
        answer = httpx.post(server.base + "/api/rounds", json=batch, timeout=300)
        batch_seconds = time.perf_counter() - started
        result.add(
            f"acknowledged rows/s over HTTP, synchronous=FULL (load {load})",
            "",
            f"single-round POSTs one after another: {acked_count / seconds:,.0f} rows/s ({acked_count:,} in "
            f"{seconds:.1f} s); one 10,000-row POST: {10_000 / batch_seconds:,.0f} rows/s (answer "
            f"{answer.status_code}, {batch_seconds:.2f} s)",
        )
    finally:
        server.stop()
    folder = lab.folder("store-micro")
    singles = 200 if lab.quick else 1000
    load = lab.wait_quiet("the store micro-benchmark")
    figures = {mode: _store_micro(folder, mode, singles, 10_000) for mode in ("FULL", "NORMAL")}
    for mode, (single, batch_rate, syncs) in figures.items():
        result.add(
            f"the store alone (Store.add_rounds on a scratch file, synchronous={mode}; load {load})",
            "",
            f"single-round commits {single:,.0f}/s; a 10,000-row batch in chunks of 1,000 {batch_rate:,.0f} "
            f"rows/s; syncs for 200 single commits: {_syncs_text(syncs)}",
        )
    full, normal = figures["FULL"], figures["NORMAL"]
    result.note(
        f"cost of FULL against NORMAL at the store: single commits x{normal[0] / full[0]:.2f} slower, "
        f"batches x{normal[1] / full[1]:.2f} slower"
    )


# -- kill -9 during acknowledged rounds -------------------------------------------------------------
T0 = datetime(2025, 1, 1, tzinfo=UTC)


class Poster:
    """Workers posting round i (timestamp T0 + i s) with Idempotency-Key kill-i, each retried until
    acknowledged."""

    def __init__(self, base: str, total: int, workers: int) -> None:
        self.base = base
        self.total = total
        self.acked = 0
        self.retries = 0
        self.answers: dict[int, int] = {}
        self._next = 0
        self._lock = threading.Lock()
        self.threads = [threading.Thread(target=self._work, daemon=True) for _ in range(workers)]

    def _take(self) -> int | None:
        with self._lock:
            if self._next >= self.total:
                return None
            self._next += 1
            return self._next - 1

    def _work(self) -> None:
        client = httpx.Client(base_url=self.base, timeout=30)
        while (i := self._take()) is not None:
            stamp = (T0 + timedelta(seconds=i)).isoformat()
            body = {"multiplier": 2.0, "timestamp": stamp, "source": "bench-kill"}
            while True:
                try:
                    answer = client.post("/api/rounds", json=body, headers={"Idempotency-Key": f"kill-{i}"})
                    status = answer.status_code
                except httpx.HTTPError:
                    status = 0
                with self._lock:
                    self.answers[status] = self.answers.get(status, 0) + 1
                if status == 200:
                    with self._lock:
                        self.acked += 1
                    break
                with self._lock:
                    self.retries += 1
                time.sleep(0.1)
                if status == 0:
                    client.close()
                    client = httpx.Client(base_url=self.base, timeout=30)
        client.close()


def _rows(db: Path) -> tuple[int, int]:
    """(rows, distinct timestamps) of stream bench-kill."""
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT r.ts) FROM rounds r JOIN streams s ON s.id = r.stream_id "
            "WHERE s.name = 'bench-kill'"
        ).fetchone()
    return int(row[0]), int(row[1])


def kill_during_acks(lab: Lab, result: ItemResult) -> None:
    total, kills = (1_000, 1) if lab.quick else (10_000, 3)
    folder = lab.folder("kill9")
    server = ServerProcess(folder, ["serve"], NO_LIMIT).start()
    server.wait_ready()
    poster = Poster(server.base, total, workers=4)
    started = time.monotonic()
    for thread in poster.threads:
        thread.start()
    downtime = 0.0
    for k in range(1, kills + 1):
        while poster.acked < total * k // (kills + 1):
            time.sleep(0.05)
        server.kill9()
        down = time.monotonic()
        server = ServerProcess(folder, ["serve"], NO_LIMIT, port=server.port).start()
        server.wait_ready()
        downtime += time.monotonic() - down
    for thread in poster.threads:
        thread.join()
    seconds = time.monotonic() - started
    server.stop()
    assert server.db_path is not None
    rows, distinct = _rows(server.db_path)
    result.add(
        f"kill -9 {kills} time(s) during {total:,} acknowledged single-round POSTs with Idempotency-Key "
        "(4 clients, "
        "each request retried until acknowledged)",
        "0 lost, 0 duplicated (this held)",
        f"{poster.acked:,} acknowledged, {rows:,} rows stored: {total - distinct} lost, "
        f"{rows - distinct} duplicated "
        f"({poster.retries} retries; answers {dict(sorted(poster.answers.items()))}; {seconds:.0f} s, "
        f"{downtime:.0f} s of it restarting)",
        rows == distinct == total and poster.acked == total,
    )
