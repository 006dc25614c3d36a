"""Item 7: health that tells the truth. The database file deleted and replaced under a running server,
the database locked, PostgreSQL away, and a file-size limit standing in for a full disk: what
/api/health, /api/ready, a POST and /api/status say, and whether any acknowledged round is missing
after a restart."""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psutil

from reliability.harness import PYTHON, ItemResult, Lab, ServerProcess, base_env, free_port

ENV = {"AVIATOR_RATE_LIMIT": "0"}


def _answer(client: httpx.Client, method: str, path: str, **options: Any) -> str:
    """``503 store_file_gone in 0.01 s``."""
    started = time.perf_counter()
    try:
        answer = client.request(method, path, **options)
    except httpx.HTTPError as exc:
        return f"no answer ({type(exc).__name__}) after {time.perf_counter() - started:.1f} s"
    code = ""
    with contextlib.suppress(ValueError, AttributeError):
        code = answer.json().get("code") or ""
    return f"{answer.status_code}{' ' + code if code else ''} in {time.perf_counter() - started:.2f} s"


def _code(answer: httpx.Response) -> str:
    try:
        return f"{answer.status_code} {answer.json().get('code', '')}".strip()
    except ValueError:
        return str(answer.status_code)


def _post(client: httpx.Client, stream: str) -> int:
    try:
        return client.post("/api/rounds", json={"multiplier": 2.0, "source": stream}).status_code
    except httpx.HTTPError:
        return 0


def _posts(client: httpx.Client, stream: str, count: int) -> Counter[int]:
    return Counter(_post(client, stream) for _ in range(count))


def _store_error(client: httpx.Client) -> str:
    try:
        answer = client.get("/api/status")
        if answer.status_code != 200:
            return f"(/api/status itself answered {_code(answer)})"
        text = answer.json().get("store_error")
    except (httpx.HTTPError, ValueError) as exc:
        return f"(status not readable: {type(exc).__name__})"
    return "none" if not text else repr(text[:110] + ("..." if len(text) > 110 else ""))


def _cleared(client: httpx.Client, limit: float = 45.0) -> str:
    """How long /api/status took to show no store error any more (the engine retries with backoff)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if _store_error(client) == "none":
            return f"none after {time.monotonic() - started:.1f} s"
        time.sleep(0.25)
    return f"STILL SET after {limit:.0f} s: {_store_error(client)}"


def _rows(db: Path, stream: str) -> int:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM rounds r JOIN streams s ON s.id = r.stream_id WHERE s.name = ?", (stream,)
        ).fetchone()
    return int(row[0])


def _probe(client: httpx.Client) -> str:
    health, ready = _answer(client, "GET", "/api/health"), _answer(client, "GET", "/api/ready")
    return f"/api/health {health}; /api/ready {ready}"


def deleted_and_replaced(lab: Lab, result: ItemResult) -> None:
    after_count = 200 if lab.quick else 1000
    server = lab.server("deleted", ["serve"], ENV)
    db = server.db_path
    assert db is not None
    with server.client() as client:
        before = _posts(client, "bench-deleted", 100)
        db.unlink()
        after = _posts(client, "bench-deleted", after_count)
        probes, error = _probe(client), _store_error(client)
    server.stop()
    restarted = ServerProcess(server.folder, ["serve"], ENV).start()
    restarted.wait_ready()
    rows = _rows(db, "bench-deleted")
    result.add(
        f"the database file deleted under a running server, then {after_count:,} single-round POSTs",
        "/api/health 200, store_error empty; 1,000 rounds acknowledged, none there after a restart",
        f"POST answers {dict(after)}; {probes}; status store_error {error}; after a restart: "
        f"{after[200]} acknowledged after the deletion, {rows} of them in the new file "
        f"({before[200]} acknowledged before it went with the deleted file)",
        after[200] == rows == 0,
    )
    if lab.quick:
        restarted.stop()
        result.note("--quick: the replaced file and the locked database are left out")
        return
    with restarted.client() as client:
        kept = _posts(client, "bench-replaced", 100)
        copy = db.with_name("copy.db")
        with (
            contextlib.closing(sqlite3.connect(db)) as source,
            contextlib.closing(sqlite3.connect(copy)) as target,
        ):
            source.backup(target)  # every acknowledged round so far, WAL included
        os.replace(copy, db)
        after = _posts(client, "bench-replaced", 200)
        probes, error = _probe(client), _store_error(client)
    restarted.stop()
    again = ServerProcess(server.folder, ["serve"], ENV).start()
    again.wait_ready()
    rows = _rows(db, "bench-replaced")
    result.add(
        "the database file replaced (a copy renamed over it) under a running server, then 200 POSTs",
        "",
        f"POST answers {dict(after)}; {probes}; status store_error {error}; after a restart on the "
        f"replacement: {kept[200] + after[200]} acknowledged, {rows} there",
        after[200] == 0 and rows == kept[200],
    )
    locked(lab, result, again)
    again.stop()


def locked(lab: Lab, result: ItemResult, server: ServerProcess) -> None:
    hold = 14.0 if lab.quick else 25.0
    assert server.db_path is not None
    locker = sqlite3.connect(server.db_path, isolation_level=None, timeout=30)
    locker.execute("BEGIN EXCLUSIVE")
    taken = time.monotonic()
    with server.client(timeout=60) as client, ThreadPoolExecutor(4) as pool:
        ready = pool.submit(_answer, client, "GET", "/api/ready")
        post = pool.submit(
            _answer, client, "POST", "/api/rounds", json={"multiplier": 2.0, "source": "bench-lock"}
        )
        health = _answer(client, "GET", "/api/health")
        ready_text, post_text = ready.result(), post.result()
        error = _store_error(client)
        time.sleep(max(0.0, hold - (time.monotonic() - taken)))
        locker.execute("ROLLBACK")
        locker.close()
        released = time.monotonic()
        post_after = _answer(client, "POST", "/api/rounds", json={"multiplier": 2.0, "source": "bench-lock"})
        ready_after = _answer(client, "GET", "/api/ready")
        cleared = _cleared(client)
        cleared_after = time.monotonic() - released
    result.add(
        f"the database locked {hold:g} s (BEGIN EXCLUSIVE from another sqlite3 connection; a POST naming a "
        "new stream)",
        "/api/health 200 and store_error empty or stuck",
        f"during: /api/ready {ready_text}, POST {post_text}, /api/health {health}, store_error {error}; "
        f"released: POST {post_after}, /api/ready {ready_after}, store_error {cleared} "
        f"({cleared_after:.1f} s after the release)",
        ready_text.startswith("503") and post_text.startswith("503") and cleared.startswith("none"),
    )


# -- PostgreSQL away -------------------------------------------------------------------------------
class Proxy:
    """A TCP relay on a loopback port to PostgreSQL that can be taken down and brought back, so
    'PostgreSQL away' needs no control of the database server."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        with self._lock:
            doomed = [s for s in (self._listener, *self._sockets) if s is not None]
            self._sockets.clear()
            self._listener = None
        for sock in doomed:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
                upstream = socket.create_connection(self.target)
            except OSError:
                return
            with self._lock:
                self._sockets |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def postgres_away(lab: Lab, result: ItemResult) -> None:
    if lab.quick:
        result.note("--quick: PostgreSQL away is left out")
        return
    folder = lab.folder("pg-closed-port")
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/aviator"
    env = base_env({"AVIATOR_DATABASE_URL": url})
    command = [PYTHON, "-m", "aviator", "run", "--no-simulator", "--port", str(free_port())]
    started = time.monotonic()
    try:
        refused = subprocess.run(command, env=env, cwd=folder, capture_output=True, text=True, timeout=90)
        words = [line.strip() for line in refused.stderr.splitlines() if line.strip()]
        last = (words or [""])[-1][:160]
        text = f"exit code {refused.returncode} after {time.monotonic() - started:.1f} s: {last}"
    except subprocess.TimeoutExpired:
        text = "still running after 90 s"
    result.add("AVIATOR_DATABASE_URL pointing at a closed port: the start", "", text)
    if not lab.pg_url:
        result.note("PostgreSQL going away under a running server: skipped (no --pg-url)")
        return
    from sqlalchemy import create_engine
    from sqlalchemy import text as sql
    from sqlalchemy.engine import make_url

    from aviator.store.db import normalize_url, scratch_postgres_database

    with scratch_postgres_database(lab.pg_url, "aviator_reliability") as real:
        parsed = make_url(normalize_url(real))
        proxy = Proxy((parsed.host or "127.0.0.1", parsed.port or 5432))
        proxy.up()
        relayed = parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        server = lab.server("pg-away", ["serve"], ENV, database_url=relayed)
        try:
            with server.client(timeout=60) as client:
                before = _posts(client, "bench-pg", 50)
                proxy.down()
                gone = time.monotonic()
                post = _answer(client, "POST", "/api/rounds", json={"multiplier": 2.0, "source": "bench-pg"})
                probes, error = _probe(client), _store_error(client)
                after = _posts(client, "bench-pg", 20)
                away = time.monotonic() - gone
                proxy.up()
                back = time.monotonic()
                while time.monotonic() - back < 60 and not _answer(client, "GET", "/api/ready").startswith(
                    "200"
                ):
                    time.sleep(0.5)
                ready_in = time.monotonic() - back
                post_back = _answer(
                    client, "POST", "/api/rounds", json={"multiplier": 2.0, "source": "bench-pg"}
                )
                cleared = _cleared(client)
        finally:
            server.stop()
            proxy.down()
        engine = create_engine(normalize_url(real))
        with engine.connect() as conn:
            rows = conn.execute(
                sql(
                    "SELECT COUNT(*) FROM rounds r JOIN streams s ON s.id = r.stream_id "
                    "WHERE s.name = 'bench-pg'"
                )
            ).scalar_one()
        engine.dispose()
    acked = before[200] + after[200] + int(post.startswith("200")) + int(post_back.startswith("200"))
    result.add(
        "PostgreSQL away under a running server (its connections cut by a relay, then back)",
        "/api/health 200, store_error empty or stuck",
        f"away: POST {post}; {probes}; store_error {error}; {dict(after)} for 20 more POSTs "
        f"({away:.0f} s away); "
        f"back: /api/ready 200 after {ready_in:.1f} s, POST {post_back}, store_error {cleared}; "
        f"{acked} acknowledged in all, {rows} rows",
        post.startswith("503") and 500 not in after and rows == acked and cleared.startswith("none"),
    )


# -- a full disk, by a file-size limit ---------------------------------------------------------------
def full_disk(lab: Lab, result: ItemResult) -> None:
    if lab.quick:
        result.note("--quick: the full disk is left out")
        return
    server = lab.server("full-disk", ["serve"], ENV)
    db = server.db_path
    assert db is not None
    process = psutil.Process(server.pid)
    with server.client(timeout=60) as client:
        before = _posts(client, "bench-full", 50)
        wal = db.with_name(db.name + "-wal")
        largest = max(db.stat().st_size, wal.stat().st_size if wal.exists() else 0)
        _, hard = process.rlimit(psutil.RLIMIT_FSIZE)
        process.rlimit(psutil.RLIMIT_FSIZE, (largest + 16_384, hard))
        answers: Counter[int] = Counter()
        for _ in range(3000):
            answers[_post(client, "bench-full")] += 1
            if answers[503] >= 20:
                break
        probes, error = _probe(client), _store_error(client)
        process.rlimit(psutil.RLIMIT_FSIZE, (hard, hard))
        post_back = _answer(client, "POST", "/api/rounds", json={"multiplier": 2.0, "source": "bench-full"})
        ready_back, cleared = _answer(client, "GET", "/api/ready"), _cleared(client)
    server.stop()
    acked = before[200] + answers[200] + int(post_back.startswith("200"))
    rows = _rows(db, "bench-full")
    result.add(
        "a full disk, stood in for by a file-size limit (RLIMIT_FSIZE just above the database's size; "
        "no root needed)",
        "/api/health 200, store_error empty",
        f"POST answers {dict(answers)} until the limit bit; {probes}; store_error {error}; limit lifted: "
        f"POST {post_back}, /api/ready {ready_back}, store_error {cleared}; after the stop: "
        f"{acked} acknowledged, "
        f"{rows} rows",
        answers[503] > 0 and rows == acked and 500 not in answers and cleared.startswith("none"),
    )
